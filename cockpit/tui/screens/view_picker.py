"""The views list (`v`): go to any view (built-in, per account, saved); rename or delete saved ones.

Also the small dialog that asks for a view's name (`ctrl+s` saves the current filter or search).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.color import Color
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.tui.keymap import NAME_BINDINGS, VIEW_PICKER_BINDINGS
from cockpit.tui.text import one_line
from cockpit.tui.views import View, view_key


def dim_behind(screen: ModalScreen[Any]) -> None:
    """Let the screen underneath show through, dimmed (the app's CSS gives every screen a solid background)."""
    background = screen.app.theme_variables.get("background")
    if background:
        screen.styles.background = Color.parse(background).with_alpha(0.6)


DIALOG_CSS = """
{name} {{ align: center middle; background: $background 60%; }}
{name} > Vertical {{
    width: 64; height: auto; max-height: 90%; padding: 1 2; background: $panel; border: round $primary;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-error {{ color: $text-error; height: auto; }}
{name} .dialog-hint {{ color: $text-muted; height: auto; }}
{name} OptionList {{ height: auto; max-height: 24; margin-bottom: 1; }}
"""
"""The look of the cockpit's small dialogs, for a screen class `name`."""

PickResult = tuple[str, int]
"""What the views list asks for: ("show", index), ("rename", index) or ("delete", index)."""


class ViewPicker(ModalScreen[PickResult | None], inherit_bindings=False):
    """Lists every view with its key and count; dismisses with what to do with the highlighted one."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ViewPicker")
    BINDINGS: ClassVar[list[BindingType]] = list(VIEW_PICKER_BINDINGS)

    def __init__(self, views: Sequence[View], counts: list[int] | None, current: int) -> None:
        super().__init__()
        self._views = list(views)
        self._counts = counts if counts is not None and len(counts) == len(views) else None
        self._current = current

    def compose(self) -> ComposeResult:
        """The title, the list of views and the keys."""
        options = []
        for index, view in enumerate(self._views):
            line = Text(no_wrap=True)
            line.append(f"{view_key(index) or ' '}  ", style="dim")
            line.append(one_line(view.name, 30).ljust(31))
            if view.problem:
                line.append(f"! {one_line(view.problem, 60)}", style="red")
            elif self._counts is not None:
                line.append(f"{self._counts[index]:>8,}", style="dim")
            if view.saved_id is not None:
                line.append("  saved", style="dim")
            options.append(Option(line, id=str(index)))
        with Vertical():
            yield Static("Views", classes="dialog-title")
            yield OptionList(*options, id="views")
            yield Static("", classes="dialog-error", id="error")
            yield Static(
                "Enter shows it · n renames and d deletes a saved view · ctrl+s saves the current filter or "
                "search · Esc closes",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        """Highlight the current view."""
        dim_behind(self)
        options = self.query_one("#views", OptionList)
        options.highlighted = max(0, self._current)
        options.focus()

    @on(OptionList.OptionSelected, "#views")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(("show", event.option_index))

    def _saved_highlighted(self) -> int | None:
        index = self.query_one("#views", OptionList).highlighted
        if index is None or self._views[index].saved_id is None:
            self.query_one("#error", Static).update("Only saved views can be renamed or deleted.")
            return None
        return index

    def action_rename(self) -> None:
        """Ask for a new name for the highlighted saved view."""
        index = self._saved_highlighted()
        if index is not None:
            self.dismiss(("rename", index))

    def action_delete(self) -> None:
        """Delete the highlighted saved view."""
        index = self._saved_highlighted()
        if index is not None:
            self.dismiss(("delete", index))

    def action_cancel(self) -> None:
        """Close without changing view."""
        self.dismiss(None)


class NameDialog(ModalScreen[str | None], inherit_bindings=False):
    """Asks for a view's name; dismisses with the name, or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NameDialog")
    BINDINGS: ClassVar[list[BindingType]] = list(NAME_BINDINGS)

    def __init__(self, title: str, *, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        """The title, the name input, a line for errors and a hint."""
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            yield Input(value=self._value, placeholder="Name", id="name", max_length=40)
            yield Static("", classes="dialog-error", id="error")
            yield Static(
                (self._hint + "\n" if self._hint else "") + "Enter saves · Esc cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        """Focus the input."""
        dim_behind(self)
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if not name:
            self.query_one("#error", Static).update("Type a name.")
            return
        self.dismiss(name)

    def show_error(self, message: str) -> None:
        """Show why the name was refused."""
        self.query_one("#error", Static).update(message)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
