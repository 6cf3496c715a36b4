"""The schedule picker: send now, a preset, a typed time, or the recipient's working hours; with a condition.

Typed times are read like snooze times (`cockpit.services.snooze_times.parse_snooze`) in the user's zone.
"In their working hours" needs the recipient's time zone (the people tracker's `people.timezone`): 09:00 to
17:00, Monday to Friday, their time; now when they are inside it, else the next 09:00 of a working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.services.outbox import Condition
from cockpit.services.snooze_times import parse_snooze, snooze_presets, zone
from cockpit.tui.keymap import SCHEDULE_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS

WORK_START = time(9, 0)
WORK_END = time(17, 0)
CONDITION_LABELS = {
    Condition.NONE: "always send",
    Condition.UNLESS_THEY_REPLY: "send unless they reply first",
    Condition.UNLESS_WE_REPLIED: "send unless someone from our side replied first",
}
PRESET_LABELS = {"next week": "next Monday morning", "1 hour": "in 1 hour"}


@dataclass(frozen=True)
class ScheduleChoice:
    """When to send (None: now) and on what condition."""

    send_at: datetime | None
    condition: Condition


def working_hours_start(now: datetime, tz: tzinfo | str) -> datetime:
    """The first moment from `now` inside 09:00-17:00 Monday to Friday in zone `tz` (`now` when inside)."""
    local = now.astimezone(zone(tz))
    day = local
    for _ in range(8):
        start = datetime.combine(day.date(), WORK_START, tzinfo=local.tzinfo)
        end = datetime.combine(day.date(), WORK_END, tzinfo=local.tzinfo)
        if day.weekday() < 5 and local < end:
            return max(start, local)
        day = day + timedelta(days=1)
    raise AssertionError("a working day comes within a week")


def when_text(moment: datetime) -> str:
    """A send time as the picker shows it."""
    return moment.strftime("%a %d %b %H:%M")


class ScheduleDialog(ModalScreen[ScheduleChoice | None], inherit_bindings=False):
    """Asks when to send; dismisses with a ScheduleChoice, or None when cancelled."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(SCHEDULE_BINDINGS)

    def __init__(
        self,
        *,
        now: datetime,
        tz: tzinfo,
        recipient_timezone: str = "",
        recipient_note: str = "",
        condition: Condition = Condition.NONE,
        title: str = "Send the reply…",
        offer_now: bool = True,
        with_condition: bool = True,
    ) -> None:
        super().__init__()
        self._now = now
        self._tz = tz
        self._title = title
        self._with_condition = with_condition
        self.condition = condition
        self._choices: list[tuple[str, datetime | None, str]] = []
        """(label, time or None for now, why disabled or "")."""
        if offer_now:
            self._choices.append(("now", None, ""))
        for preset in snooze_presets(now, tz):
            self._choices.append((PRESET_LABELS.get(preset.label, preset.label), preset.until, ""))
        window_note = recipient_note or "their time zone is not known"
        if recipient_timezone:
            try:
                start = working_hours_start(now, recipient_timezone)
            except ValueError:
                self._choices.append(("in their working hours", None, f"unknown zone {recipient_timezone!r}"))
            else:
                self._choices.append((f"in their working hours ({recipient_timezone})", start, ""))
        else:
            self._choices.append(("in their working hours", None, window_note))

    def compose(self) -> ComposeResult:
        """A title, the choices, the time input, the condition and a line for errors."""
        options = []
        for index, (label, moment, why) in enumerate(self._choices):
            if why:
                options.append(Option(f"{label:<24} ✗ {why}", id=str(index), disabled=True))
            else:
                shown = when_text(moment.astimezone(self._tz)) if moment is not None else ""
                options.append(Option(f"{label:<24} {shown}", id=str(index)))
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            yield OptionList(*options, id="choices")
            yield Input(placeholder="or type a time: tomorrow 9am, in 2h, fri 14:00", id="when")
            yield Static("", classes="dialog-error", id="error")
            if self._with_condition:
                yield Static(self._condition_text(), id="condition")
                yield Static(
                    "Enter picks · Ctrl+U changes the condition · Esc cancels", classes="dialog-hint"
                )
            else:
                yield Static("Enter picks · Esc cancels", classes="dialog-hint")

    def _condition_text(self) -> str:
        return f"Condition: {CONDITION_LABELS[self.condition]}"

    def on_mount(self) -> None:
        """Focus the choices and warm the date parser off the event loop (its first call is slow)."""
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = 0
        choices.focus()
        self._warm_parser()

    @work(thread=True, group="schedule-warm", exit_on_error=False)
    def _warm_parser(self) -> None:
        try:
            parse_snooze("next thursday 10am", self._now, self._tz)
        except ValueError:
            pass

    def action_cycle_condition(self) -> None:
        """Switch between always, unless they reply first, and unless our side replied first."""
        if not self._with_condition:
            return
        order = list(CONDITION_LABELS)
        self.condition = order[(order.index(self.condition) + 1) % len(order)]
        self.query_one("#condition", Static).update(self._condition_text())

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        _label, moment, why = self._choices[int(event.option_id or 0)]
        if why:
            return
        if moment is not None and moment <= self._now:
            moment = None  # inside their working hours already: as soon as possible
        self.dismiss(ScheduleChoice(moment.astimezone(UTC) if moment else None, self.condition))

    @on(Input.Submitted, "#when")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        error = self.query_one("#error", Static)
        if not text:
            error.update("Type a time, or pick a choice above.")
            return
        try:
            moment = parse_snooze(text, self._now, self._tz)
        except ValueError as problem:
            error.update(str(problem).replace("snooze", "send"))
            return
        self.dismiss(ScheduleChoice(moment.astimezone(UTC), self.condition))

    def action_cancel(self) -> None:
        """Close without scheduling."""
        self.dismiss(None)
