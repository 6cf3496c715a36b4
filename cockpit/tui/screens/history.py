"""The undo history: the newest steps first, with what each did, how many conversations, and when."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.services.triage import UndoEntry
from cockpit.tui.keymap import HISTORY_BINDINGS
from cockpit.tui.text import one_line


def history_text(entries: list[UndoEntry]) -> Text:
    """The history as a table of plain text lines (labels drawn inert)."""
    text = Text()
    text.append("Undo history, newest first: `u` undoes the newest step not yet undone.\n\n", style="bold")
    if not entries:
        text.append("Nothing to undo yet: done, snooze, mute and tags are recorded here.", style="dim")
        return text
    text.append(f"{'When':<17} {'Count':>7}  What\n", style="bold")
    for entry in entries:
        when = datetime.fromtimestamp(entry.created_at.timestamp()).strftime("%a %d %b %H:%M")
        line = f"{when:<17} {entry.count:>7,}  {one_line(entry.label, 120)}"
        if entry.undone:
            text.append(line + "  (undone)\n", style="dim strike")
        else:
            text.append(line + "\n")
    text.rstrip()
    return text


class HistoryScreen(Screen[None], inherit_bindings=False):
    """Shows the undo steps; Esc or U closes it."""

    BINDINGS: ClassVar[list[BindingType]] = list(HISTORY_BINDINGS)

    def __init__(self, entries: list[UndoEntry]) -> None:
        super().__init__()
        self._entries = entries

    def compose(self) -> ComposeResult:
        """The history text in a scrolling pane, and the footer."""
        with VerticalScroll(id="history"):
            yield Static(history_text(self._entries), id="history-text")
        yield Footer()

    def action_close(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
