"""The first-run screen: shown when the data directory has no accounts and no conversations yet."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.tui.keymap import FIRST_RUN_BINDINGS
from cockpit.tui.text import inert


def welcome_text(home: Path) -> Text:
    """What a newcomer reads: where the data lives, how to add an account, how to try the demo."""
    text = Text()
    text.append("Welcome to Cockpit\n\n", style="bold")
    text.append("There are no accounts or conversations here yet.\n")
    text.append("Data directory: ")
    text.append(inert(str(home), keep_newlines=False) + "\n\n", style="italic")
    text.append("Follow some blogs, then open the cockpit again:\n", style="bold")
    text.append("  cockpit accounts add blogs --platform feed --feed URL\n", style="bold reverse")
    text.append("  cockpit accounts import-opml FILE\n", style="bold reverse")
    text.append("It syncs on start and every few minutes; ctrl+r syncs now.\n")
    text.append("X, LinkedIn and Discourse accounts are configured the same way\n")
    text.append("(docs/configuration.md); they sync once their connectors ship.\n\n")
    text.append("Or look around with sample data first:\n", style="bold")
    text.append("  cockpit demo\n", style="bold reverse")
    text.append("\nPress ? for keys, q to quit.")
    return text


class FirstRunScreen(Screen[None], inherit_bindings=False):
    """A friendly start instead of an empty list."""

    BINDINGS: ClassVar[list[BindingType]] = list(FIRST_RUN_BINDINGS)

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home

    def compose(self) -> ComposeResult:
        """The welcome text, centred."""
        with Middle(), Center():
            yield Static(welcome_text(self.home), id="welcome")
        yield Footer()
