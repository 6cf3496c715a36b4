"""The queue screen: the conversation list, the selected thread beside it, and the status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer

from cockpit.store.queue import ConversationRow, QueueFilter, Sort
from cockpit.tui.keymap import QUEUE_SCREEN_BINDINGS
from cockpit.tui.messages import DataChanged, ThreadLoaded, UnreadCounted
from cockpit.tui.screens.loading import start_thread_load
from cockpit.tui.thread_layout import DETAIL_CAPS
from cockpit.tui.widgets.queue_list import QueueList
from cockpit.tui.widgets.status_bar import StatusBar
from cockpit.tui.widgets.thread_view import ThreadView

if TYPE_CHECKING:
    from cockpit.tui.app import CockpitApp

EMPTY_QUEUE = "Nothing in the queue. New conversations appear here when your accounts sync (cockpit sync)."


class QueueScreen(Screen[None], inherit_bindings=False):
    """The main screen: a keyboard queue with the selected conversation's thread alongside."""

    BINDINGS: ClassVar[list[BindingType]] = list(QUEUE_SCREEN_BINDINGS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (typed by Screen)
    """Under 100 columns the detail pane hides and the queue takes the width."""

    def __init__(
        self,
        *,
        db_path: Path,
        now: Callable[[], float],
        view_name: str = "Inbox",
        flt: QueueFilter | None = None,
        sort: Sort = Sort.NEWEST,
    ) -> None:
        super().__init__()
        self._db_path = db_path
        self._now = now
        self._view_name = view_name
        self._flt = flt or QueueFilter()
        self._sort = sort
        self._selected: ConversationRow | None = None
        self._detail_width = 0

    @property
    def cockpit(self) -> CockpitApp:
        """The app, typed."""
        from cockpit.tui.app import CockpitApp

        assert isinstance(self.app, CockpitApp)
        return self.app

    @property
    def queue(self) -> QueueList:
        """The conversation list."""
        return self.query_one(QueueList)

    @property
    def detail(self) -> ThreadView:
        """The detail pane."""
        return self.query_one("#detail", ThreadView)

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one(StatusBar)

    @property
    def detail_visible(self) -> bool:
        """Whether the screen is wide enough to show the detail pane."""
        return not self.has_class("-narrow")

    def compose(self) -> ComposeResult:
        """Lay out the detail pane (docked right), the list, the status bar and the footer."""
        # The screen itself is the grid (list | detail, then the status bar across): no container wraps
        # the list, because every widget sharing a screen line with its rows adds compositor work to each
        # repaint of those rows.
        yield QueueList(
            self.cockpit.store_conn,
            self._db_path,
            flt=self._flt,
            sort=self._sort,
            now=self._now,
            empty_message=EMPTY_QUEUE,
            rest_delay=self.cockpit.detail_debounce,
            id="queue",
        )
        yield ThreadView(id="detail")
        yield StatusBar(self._view_name, id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Read the first page, focus the list, and start background reads after the first paint."""
        queue = self.queue
        queue.load()
        queue.focus()
        status = self.status
        status.demo = self.cockpit.demo
        status.show_sync(self.cockpit.sync_state)
        status.set_counts(total=queue.total)
        self.detail.show_message("Select a conversation to read its thread." if queue.total else "")
        self.call_after_refresh(queue.start_background_reads)

    # ---------------------------------------------------------------- events

    @on(QueueList.CursorRested)
    def _cursor_rested(self, message: QueueList.CursorRested) -> None:
        message.stop()
        self._selected = message.row
        queue = self.queue
        self.status.set_position(message.index if queue.total else None)
        row = message.row
        if row is None or row.id != self.detail.conversation_id:
            self._load_detail()

    @on(QueueList.OpenRequested)
    def _open(self, message: QueueList.OpenRequested) -> None:
        from cockpit.tui.screens.thread import ThreadScreen

        self.app.push_screen(ThreadScreen(message.row.id, db_path=self._db_path, now=self._now))

    @on(ThreadView.WidthChanged, "#detail")
    def _detail_width_changed(self, message: ThreadView.WidthChanged) -> None:
        if message.width != self._detail_width:
            self._detail_width = message.width
            self._load_detail()

    def on_thread_loaded(self, message: ThreadLoaded) -> None:
        """Show a loaded thread if it is still the selected one and laid out for the current width."""
        layout = message.layout
        if message.target != "detail" or self._selected is None:
            return
        if layout.conversation_id != self._selected.id:
            return
        if layout.width != self.detail.text_width:
            self._load_detail()
            return
        self.detail.show_layout(layout, keep_scroll=True)

    def on_unread_counted(self, message: UnreadCounted) -> None:
        """Show the unread count the background read found."""
        self.status.set_counts(unread=message.unread)

    def on_resize(self, event: events.Resize) -> None:
        """Give focus back to the list when the detail pane hides."""
        self.call_after_refresh(self._after_resize)

    def _after_resize(self) -> None:
        if not self.detail_visible and self.focused is self.detail:
            self.queue.focus()
        if self.detail_visible and self._selected and self.detail.conversation_id != self._selected.id:
            self._load_detail()

    # ----------------------------------------------------------------- detail

    def _load_detail(self) -> None:
        row = self._selected
        detail = self.detail
        if row is None:
            detail.show_message("Loading…" if self.queue.total else "")
            return
        if not self.detail_visible:
            return
        if detail.conversation_id != row.id:
            detail.mark_loading()
        start_thread_load(
            self,
            db_path=self._db_path,
            conversation_id=row.id,
            width=detail.text_width,
            now=self._now,
            caps=DETAIL_CAPS,
            target="detail",
            more_hint="Press Enter to open the full thread.",
        )

    # -------------------------------------------------------------- new data

    def data_changed(self, message: DataChanged) -> None:
        """Refresh count and visible rows, keeping the cursor on its conversation; reload its thread if touched."""
        queue = self.queue
        before = self._selected.id if self._selected else None
        queue.reload()
        self.status.set_counts(total=queue.total)
        self.status.set_position(queue.cursor if queue.total else None)
        after = queue.cursor_row
        self._selected = after
        touched = not message.conversation_ids or (after is not None and after.id in message.conversation_ids)
        if after is None or after.id != before or touched:
            self._load_detail()

    def refresh_sync(self) -> None:
        """Redraw the sync area after the app's sync state changed."""
        self.status.show_sync(self.cockpit.sync_state)
