"""One conversation, full screen: every post (up to the caps), replies indented; Esc goes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer

from cockpit.tui.keymap import THREAD_SCREEN_BINDINGS
from cockpit.tui.messages import ThreadLoaded
from cockpit.tui.screens.loading import start_thread_load
from cockpit.tui.thread_layout import FULL_CAPS
from cockpit.tui.widgets.status_bar import StatusBar
from cockpit.tui.widgets.thread_view import ThreadView


class ThreadScreen(Screen[None], inherit_bindings=False):
    """Reads and shows one thread in a worker; the view re-lays it out when the width changes."""

    BINDINGS: ClassVar[list[BindingType]] = list(THREAD_SCREEN_BINDINGS)

    def __init__(self, conversation_id: int, *, db_path: Path, now: Callable[[], float]) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self._db_path = db_path
        self._now = now

    @property
    def view(self) -> ThreadView:
        """The thread view."""
        return self.query_one("#thread", ThreadView)

    def compose(self) -> ComposeResult:
        """The thread, a status line and the footer."""
        yield ThreadView(id="thread")
        yield StatusBar("Thread", noun="posts", id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Show a loading line and focus the view; its first resize asks for the layout."""
        self.view.show_message("Loading…")
        self.view.focus()
        from cockpit.tui.app import CockpitApp

        if isinstance(self.app, CockpitApp):
            status = self.query_one(StatusBar)
            status.demo = self.app.demo
            status.show_sync(self.app.sync_state)
            # What sync stored may be only part of the conversation: ask the platform for the rest.
            self.app.fetch_whole_thread(self.conversation_id)

    @on(ThreadView.WidthChanged, "#thread")
    def _width_changed(self, message: ThreadView.WidthChanged) -> None:
        self.reload(message.width)

    def reload(self, width: int | None = None) -> None:
        """Read and lay out the thread again (after new data, or for a new width)."""
        start_thread_load(
            self,
            db_path=self._db_path,
            conversation_id=self.conversation_id,
            width=width or self.view.text_width,
            now=self._now,
            caps=FULL_CAPS,
            target="full",
        )

    def on_thread_loaded(self, message: ThreadLoaded) -> None:
        """Show the layout if it is for this thread and the current width."""
        layout = message.layout
        if message.target != "full" or layout.conversation_id != self.conversation_id:
            return
        if layout.width != self.view.text_width:
            self.reload()
            return
        self.view.show_layout(layout, keep_scroll=True)
        status = self.query_one(StatusBar)
        status.set_counts(total=layout.post_count)

    def action_back(self) -> None:
        """Go back to the queue."""
        self.app.pop_screen()

    def action_reply(self) -> None:
        """Open the composer on this conversation."""
        from cockpit.tui.screens.composer import open_composer

        open_composer(self.app, self.conversation_id)

    def refresh_sync(self) -> None:
        """Redraw the sync area after the app's sync state changed."""
        status = self.query_one(StatusBar)
        from cockpit.tui.app import CockpitApp

        if isinstance(self.app, CockpitApp):
            status.show_sync(self.app.sync_state)
        status.refresh()
