"""The snooze dialog: preset times to pick with the arrows, or a typed time ("tue 9am", "in 3 days")."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.services.snooze_times import parse_snooze, snooze_presets
from cockpit.tui.keymap import SNOOZE_BINDINGS


def when_text(moment: datetime) -> str:
    """A snooze time as the dialog shows it: weekday, date and clock time in the moment's own zone."""
    return moment.strftime("%a %d %b %H:%M")


class SnoozeDialog(ModalScreen[datetime | None], inherit_bindings=False):
    """Asks until when to snooze; dismisses with the chosen aware datetime, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = list(SNOOZE_BINDINGS)

    def __init__(self, *, now: datetime, tz: tzinfo, count: int) -> None:
        super().__init__()
        self._now = now
        self._tz = tz
        self._count = count
        self._presets = snooze_presets(now, tz)

    def compose(self) -> ComposeResult:
        """A title, the presets, the time input and a line for errors."""
        noun = "conversation" if self._count == 1 else f"{self._count:,} conversations"
        with Vertical():
            yield Static(f"Snooze {noun} until…", classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{preset.label:<18} {when_text(preset.until)}", id=str(index))
                    for index, preset in enumerate(self._presets)
                ),
                id="presets",
            )
            yield Input(placeholder="or type a time: tue 9am, in 3 days, 2h", id="when")
            yield Static("", classes="dialog-error", id="error")
            yield Static("Enter picks · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the presets and warm the date parser off the event loop (its first call is slow)."""
        self.query_one("#presets", OptionList).highlighted = 0
        self.query_one("#presets", OptionList).focus()
        self._warm_parser()

    @work(thread=True, group="snooze-warm", exit_on_error=False)
    def _warm_parser(self) -> None:
        try:
            parse_snooze("next thursday 10am", self._now, self._tz)
        except ValueError:
            pass

    @on(OptionList.OptionSelected, "#presets")
    def _preset_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._presets[int(event.option_id or 0)].until)

    @on(Input.Submitted, "#when")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        error = self.query_one("#error", Static)
        if not text:
            error.update("Type a time, or pick a preset above.")
            return
        try:
            until = parse_snooze(text, self._now, self._tz)
        except ValueError as problem:
            error.update(str(problem))
            return
        self.dismiss(until)

    def action_cancel(self) -> None:
        """Close without snoozing."""
        self.dismiss(None)
