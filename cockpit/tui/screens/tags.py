"""The tags dialog: type `tag` to add, `-tag` to remove, several separated by spaces; known tags complete."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from cockpit.services.triage import normalise_tags
from cockpit.tui.keymap import TAGS_BINDINGS
from cockpit.tui.text import one_line

TagChange = tuple[list[str], list[str]]
"""Tags to add and tags to remove."""


class TagSuggester(Suggester):
    """Completes the last word typed (with or without its leading `-`) from the known tags, most used first."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        """The input completed with the first known tag the last word starts."""
        head, _, word = value.rpartition(" ")
        sign = "-" if word.startswith("-") else ""
        stem = word[len(sign) :]
        if not stem:
            return None
        for tag in self.tags:
            if tag.startswith(stem) and tag != stem:
                return f"{head} {sign}{tag}" if head else f"{sign}{tag}"
        return None


def parse_tag_change(text: str) -> TagChange:
    """Split typed words into tags to add and (`-tag`) to remove; raise ValueError with a message for the user."""
    add: list[str] = []
    remove: list[str] = []
    for word in text.split():
        if word.startswith("-"):
            remove.append(word[1:])
        else:
            add.append(word.lstrip("#"))
    if not add and not remove:
        raise ValueError("type a tag to add, or -tag to remove")
    return (normalise_tags(add) if add else [], normalise_tags(remove) if remove else [])


class TagsDialog(ModalScreen[TagChange | None], inherit_bindings=False):
    """Asks which tags to add or remove; dismisses with (add, remove) or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = list(TAGS_BINDINGS)

    def __init__(self, *, known: list[tuple[str, int]], current: tuple[str, ...], count: int) -> None:
        super().__init__()
        self._known = known
        self._current = current
        self._count = count

    def compose(self) -> ComposeResult:
        """A title, the input with completion, the known tags and a line for errors."""
        noun = "conversation" if self._count == 1 else f"{self._count:,} conversations"
        suggester = TagSuggester([tag for tag, _uses in self._known])
        with Vertical():
            yield Static(f"Tags for {noun}", classes="dialog-title")
            yield Input(placeholder="tag to add, -tag to remove", suggester=suggester, id="tags")
            yield Static("", classes="dialog-error", id="error")
            known = " ".join(f"#{one_line(tag, 24)}" for tag, _uses in self._known[:12])
            current = " ".join(f"#{one_line(tag, 24)}" for tag in self._current)
            lines = []
            if current:
                lines.append(f"Has: {current}")
            if known:
                lines.append(f"Known: {known}")
            lines.append("→ completes · Enter applies · Esc cancels")
            yield Static("\n".join(lines), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one("#tags", Input).focus()

    @on(Input.Submitted, "#tags")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            change = parse_tag_change(event.value)
        except ValueError as problem:
            self.query_one("#error", Static).update(str(problem))
            return
        self.dismiss(change)

    def action_cancel(self) -> None:
        """Close without changing tags."""
        self.dismiss(None)
