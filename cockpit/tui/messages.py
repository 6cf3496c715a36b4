"""Messages that carry news into the TUI: new data, sync state, and results of background loads.

Workers and other threads post these with `app.post_message(...)` (safe from any thread); handlers on the
event loop own the state they change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cockpit.store.queue import Key
    from cockpit.tui.thread_layout import ThreadLayout


class DataChanged(Message):
    """Conversations were added or changed in the store; the queue refreshes its count and visible rows.

    The cursor stays on the conversation it was on (its row may move). `conversation_ids` names what
    changed, when known, so an open thread showing one of them reloads; empty means "anything may have".
    """

    def __init__(self, conversation_ids: Sequence[int] = ()) -> None:
        super().__init__()
        self.conversation_ids = frozenset(conversation_ids)


class SyncStatus(Message):
    """The sync state of one account, shown in the status bar; empty `text` removes the account's entry."""

    def __init__(self, account: str, text: str, *, level: str = "info") -> None:
        super().__init__()
        self.account = account
        self.text = text
        self.level = level
        """One of "info", "busy", "warning", "error": picks the colour."""


class LandmarksReady(Message):
    """A worker finished reading jump landmarks for one view generation of the queue."""

    def __init__(self, generation: int, step: int, keys: list[Key]) -> None:
        super().__init__()
        self.generation = generation
        self.step = step
        self.keys = keys


class ThreadLoaded(Message):
    """A worker laid out a conversation's thread for a given width."""

    def __init__(self, target: str, layout: ThreadLayout) -> None:
        super().__init__()
        self.target = target
        """Which view asked for it: "detail" or "full"."""
        self.layout = layout


class UnreadCounted(Message):
    """A worker counted the unread conversations of the current view."""

    def __init__(self, generation: int, unread: int) -> None:
        super().__init__()
        self.generation = generation
        self.unread = unread


class ViewsCounted(Message):
    """A worker counted the conversations of every built-in view (in VIEWS order)."""

    def __init__(self, counts: list[int]) -> None:
        super().__init__()
        self.counts = counts
