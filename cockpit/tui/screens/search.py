"""The search box (`/`): what to search for; the queue then shows the matching conversations as a view."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cockpit.store.search import conversation_query
from cockpit.tui.keymap import SEARCH_BINDINGS
from cockpit.tui.screens.view_picker import DIALOG_CSS, dim_behind

HELP = (
    "Every word must match (post text, titles, author names and handles) · word* matches a prefix · "
    "@name searches authors only"
)


class SearchDialog(ModalScreen[str | None], inherit_bindings=False):
    """Asks what to search for; dismisses with the text, or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SearchDialog")
    BINDINGS: ClassVar[list[BindingType]] = list(SEARCH_BINDINGS)

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        """A title, the search input, a line for errors and the syntax."""
        with Vertical():
            yield Static("Search all posts and authors", classes="dialog-title")
            yield Input(value=self._text, placeholder="release notes, docs*, @ada", id="search")
            yield Static("", classes="dialog-error", id="error")
            yield Static(HELP + "\nEnter searches · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the input."""
        dim_behind(self)
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = " ".join(event.value.split())
        if not conversation_query(text):
            self.query_one("#error", Static).update("Type a word to search for (letters or digits).")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without searching."""
        self.dismiss(None)
