"""Why a conversation has its priority: each term of the score with its points (`w` on the queue)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.services.priority import Explanation
from cockpit.tui.keymap import EXPLAIN_BINDINGS
from cockpit.tui.screens.view_picker import DIALOG_CSS, dim_behind
from cockpit.tui.text import one_line


def explanation_text(title: str, explanation: Explanation) -> Text:
    """The explanation as a small table: term, points, reason; then any adjustment and the total."""
    text = Text()
    text.append(f"Priority of “{one_line(title, 44)}”\n\n", style="bold")
    for term in explanation.terms:
        text.append(f"{term.name:<18} {term.points:>+5}  ")
        text.append(one_line(term.reason, 60) + "\n", style="dim" if not term.points else "")
    if explanation.adjustment:
        text.append(f"{'Set by hand/rule':<18} {explanation.adjustment:>+5}\n")
    text.append(f"{'Total':<18} {explanation.total:>5}\n", style="bold")
    text.append("\nAge: equal scores are ordered newest first.\nS cycles the sort · Esc closes", style="dim")
    return text


class ExplainScreen(ModalScreen[None], inherit_bindings=False):
    """Shows one conversation's priority terms; Esc or w closes it."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ExplainScreen")
    BINDINGS: ClassVar[list[BindingType]] = list(EXPLAIN_BINDINGS)

    def __init__(self, title: str, explanation: Explanation) -> None:
        super().__init__()
        self._title = title
        self._explanation = explanation

    def compose(self) -> ComposeResult:
        """The explanation in a dialog box."""
        with Vertical():
            yield Static(explanation_text(self._title, self._explanation), id="explain-text")

    def on_mount(self) -> None:
        """Let the queue show through behind the box."""
        dim_behind(self)

    def action_close(self) -> None:
        """Back to the queue."""
        self.dismiss(None)
