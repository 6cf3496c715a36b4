"""The queue screen: the conversation list, the selected thread beside it, and the status bar."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer

from cockpit.store import Store
from cockpit.store.queue import ConversationRow, QueueFilter, Sort, fetch_ids
from cockpit.tui.keymap import QUEUE_SCREEN_BINDINGS
from cockpit.tui.lazy import LazyModule
from cockpit.tui.messages import DataChanged, ThreadLoaded, UnreadCounted
from cockpit.tui.screens import queue_views
from cockpit.tui.screens.loading import start_thread_load
from cockpit.tui.thread_layout import DETAIL_CAPS
from cockpit.tui.views import VIEWS, ViewsListed
from cockpit.tui.widgets.queue_list import QueueList
from cockpit.tui.widgets.sidebar import Sidebar
from cockpit.tui.widgets.status_bar import StatusBar
from cockpit.tui.widgets.thread_view import ThreadView

if TYPE_CHECKING:
    from cockpit.tui.app import CockpitApp

EMPTY_QUEUE = "Nothing in the queue. New conversations appear here when your accounts sync (cockpit sync)."
EMPTY_VIEW = "Nothing in this view. Press 1 for the Inbox."
SIDEBAR_MIN_WIDTH = 140
"""Below this many columns the sidebar starts hidden (`\\` or F2 still shows it)."""

if TYPE_CHECKING:
    from cockpit.services import triage

    Action = Callable[[Store, triage.Selection], triage.ActionResult]
else:
    triage = LazyModule("cockpit.services.triage")


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
        self._view_index = next((i for i, view in enumerate(VIEWS) if view.flt == self._flt), -1)
        self._filter_text = ""
        """The last filter typed in the filter bar (offered again when it reopens)."""
        self._sidebar_wanted = {"wide": True, "narrow": False}
        """Whether the user wants the sidebar at wide and at narrow widths (toggled separately)."""
        self.view_state = queue_views.ViewState(list(VIEWS))
        """Every view (built-in, per account, saved), their counts and the search on screen."""

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

    @property
    def sidebar(self) -> Sidebar:
        """The views sidebar."""
        return self.query_one(Sidebar)

    def compose(self) -> ComposeResult:
        """Lay out the sidebar, the list, the detail pane, the status bar and the footer."""
        # The screen itself is the grid (list | detail, then the status bar across): no container wraps
        # the list, because every widget sharing a screen line with its rows adds compositor work to each
        # repaint of those rows.
        yield Sidebar(self._view_index, id="sidebar")
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
        self.call_after_refresh(self._count_views)
        self._place_sidebar()

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
        """Give focus back to the list when the detail pane hides; show or hide the sidebar for the width."""
        self._place_sidebar(event.size.width)
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
        self._show_counts()
        self._count_views()
        after = queue.cursor_row
        self._selected = after
        touched = not message.conversation_ids or (after is not None and after.id in message.conversation_ids)
        if after is None or after.id != before or touched:
            self._load_detail()

    def refresh_sync(self) -> None:
        """Redraw the sync area after the app's sync state changed."""
        self.status.show_sync(self.cockpit.sync_state)

    # ----------------------------------------------------------------- views

    def _width_class(self, width: int | None = None) -> str:
        width = self.size.width if width is None else width
        return "wide" if width >= SIDEBAR_MIN_WIDTH else "narrow"

    def _place_sidebar(self, width: int | None = None) -> None:
        self.set_class(self._sidebar_wanted[self._width_class(width)], "-sidebar")

    @property
    def sidebar_shown(self) -> bool:
        """Whether the views sidebar is on screen."""
        return self.has_class("-sidebar")

    def action_toggle_sidebar(self) -> None:
        """Show or hide the views sidebar (remembered separately for wide and narrow terminals)."""
        kind = self._width_class()
        self._sidebar_wanted[kind] = not self._sidebar_wanted[kind]
        self._place_sidebar()

    def action_view(self, index: int) -> None:
        """Show the built-in view number `index` (0-based) with the cursor on its first row."""
        queue_views.show_view(self, index)

    def _show(self, index: int, name: str, flt: QueueFilter) -> None:
        """Show a view (index -1: a typed filter) in the list, the status bar and the sidebar."""
        self._view_index = index
        self._view_name = name
        self._flt = flt
        queue = self.queue
        queue.empty_message = EMPTY_QUEUE if index == 0 else EMPTY_VIEW
        queue.set_filter(flt)
        self.status.set_view(queue_views.view_status(name, self._sort))
        self._show_counts()
        self.sidebar.set_current(index)
        self._count_views()

    def action_filter(self) -> None:
        """Ask for a filter and show what it matches as a view of its own."""
        from cockpit.tui.screens.filter import FilterDialog

        def apply(chosen: tuple[str, QueueFilter] | None) -> None:
            if chosen is None:
                return
            text, flt = chosen
            if not text:
                self.action_view(0)
                return
            self._filter_text = text
            self._show(-1, f"Filter: {text}", flt)

        conn = self.cockpit.store_conn
        self.app.push_screen(FilterDialog(conn=conn, now=self._now(), text=self._filter_text), apply)

    @property
    def view_name(self) -> str:
        """The name of the view on screen."""
        return self._view_name

    def _count_views(self) -> None:
        """Count every view in a worker; the sidebar shows the counts when they arrive."""
        queue_views.count_views(self)

    def on_views_listed(self, message: ViewsListed) -> None:
        """Show the fresh list of views and their counts in the sidebar."""
        queue_views.views_listed(self, message)

    # ------------------------------------------- views, search, sort (issue 7: screens/queue_views.py)

    @property
    def db_path(self) -> Path:
        """The database file."""
        return self._db_path

    @property
    def view_index(self) -> int:
        """The index of the view on screen in `view_state.views` (-1: a typed filter, -2: a search)."""
        return self._view_index

    def set_view_index(self, index: int) -> None:
        """Record which view is on screen (after the list of views changed)."""
        self._view_index = index

    @property
    def filter_text(self) -> str:
        """The last filter typed in the filter bar."""
        return self._filter_text

    @property
    def sort(self) -> Sort:
        """The order the queue is shown in."""
        return self._sort

    def show_filter(self, index: int, name: str, flt: QueueFilter) -> None:
        """Show a view: `index` in the views list, -1 for a typed filter, -2 for a search."""
        self._show(index, name, flt)

    def set_sort(self, sort: Sort) -> None:
        """Show the view in another order, cursor on top."""
        self._sort = sort
        queue = self.queue
        queue.sort = sort
        queue.set_filter(queue.flt)
        self.status.set_view(queue_views.view_status(self._view_name, sort))
        self._show_counts()

    def after_action(self, result: triage.ActionResult) -> None:
        """Show what a triage action changed (the list, the counts, a notice)."""
        self.view_state.liked_last = False
        self.queue.clear_marks()
        self._changed(result.ids)
        if result.step_id is None:
            self.status.show_message("Nothing changed.", warning=True)
        else:
            # In the status bar, not a toast: mounting a Toast lays out the screen on every key press.
            self.status.show_message(f"{result.label} · u undoes")

    def action_search(self) -> None:
        """Search every post and author; the results become a view (Esc or a view key leaves it)."""
        queue_views.ask_search(self)

    def on_search_found(self, message: queue_views.SearchFound) -> None:
        """Show a search's results."""
        queue_views.search_found(self, message)

    def on_search_counted(self, message: queue_views.SearchCounted) -> None:
        """Show how many conversations a search matches."""
        queue_views.search_counted(self, message)

    def on_bulk_done(self, message: queue_views.BulkDone) -> None:
        """Show the effect of a bulk action that ran in a worker."""
        queue_views.bulk_done(self, message)

    def action_cycle_sort(self) -> None:
        """Cycle the order: newest, oldest, priority."""
        queue_views.cycle_sort(self)

    def action_explain(self) -> None:
        """Explain the priority score of the conversation under the cursor."""
        queue_views.explain(self)

    def action_pick_view(self) -> None:
        """List every view (built-in, per account, saved) to go to one, rename or delete it."""
        queue_views.pick_view(self)

    def action_save_view(self) -> None:
        """Save the typed filter or the search on screen as a named view."""
        queue_views.save_view(self)

    def _show_counts(self) -> None:
        queue = self.queue
        status = self.status
        status.set_counts(total=queue.total)
        status.set_position(queue.cursor if queue.total else None)
        status.set_selected(queue.selection_count)

    # ---------------------------------------------------------------- triage

    @property
    def store(self) -> Store:
        """The app's open store."""
        store = self.cockpit.store
        if store is None:
            raise RuntimeError("the store is not open")
        return store

    def _targets(self) -> tuple[triage.Selection, int] | None:
        """What an action applies to: the selection (a filter when all are selected) or the cursor's row."""
        queue = self.queue
        if queue.all_marked:
            return queue.flt, queue.total
        if queue.marked:
            return sorted(queue.marked), len(queue.marked)
        row = queue.cursor_row
        if row is None:
            reason = "the view is empty" if not queue.total else "the row is still loading"
            self.notify(f"Nothing to act on: {reason}.", title="Triage")
            return None
        return [row.id], 1

    def _apply(self, action: Action, targets: triage.Selection | None = None) -> triage.ActionResult | None:
        """Run one triage action (one undo step) on the targets and show its effect; None if it failed."""
        if targets is None:
            chosen = self._targets()
            if chosen is None:
                return None
            targets = chosen[0]
        if queue_views.is_bulk(targets):
            count = self.queue.selection_count
            queue_views.apply_in_worker(self, action, targets, count)
            return None
        try:
            result = action(self.store, targets)
        except ValueError as error:
            self.notify(str(error), title="Triage", severity="error")
            return None
        self.after_action(result)
        return result

    def _changed(
        self,
        ids: Collection[int],
        anchor: int | None = None,
        was_in_view: int | None = None,
        *,
        anchor_first: bool = False,
    ) -> None:
        """Update the list after our own change: rows that left the view go, others are re-read.

        `anchor_first`: put the cursor on the first of `ids` the view shows (as `anchor` would).

        `was_in_view`: how many of `ids` the view held before the change, when known (the count is then
        worked out instead of read: counting a 100k-row view costs more than the rest of an undo).
        """
        queue = self.queue
        if ids:
            # The changed rows as the view shows them now, read by id (never by walking the view).
            fresh = fetch_ids(self.store.conn, queue.flt, queue.sort, ids)
            if anchor_first and fresh:
                anchor = fresh[0].id
            if not queue.apply_change(fresh, ids, was_in_view=was_in_view, anchor=anchor):
                total = None if was_in_view is None else queue.total + len(fresh) - was_in_view
                queue.reload(anchor=anchor, total=total)
            self.call_after_refresh(self._count_views)  # a worker: started once the change is on screen
        self._show_counts()
        row = queue.cursor_row
        if row is not None and row.id in ids and self.detail.conversation_id == row.id:
            # The thread shown changed too: re-read it once the list's change is on screen (the detail
            # pane's repaint would otherwise double the cost of the key's frame).
            self.call_after_refresh(self._load_detail)

    def action_done(self) -> None:
        """Mark the selection (or the conversation under the cursor) done; it leaves the Inbox."""
        at = int(self._now())
        depth = self.cockpit.undo_depth
        self._apply(lambda store, ids: triage.done(store, ids, undo_depth=depth, at=at))

    def action_mute(self) -> None:
        """Mute the selection (or the conversation under the cursor); in the Muted view, unmute it."""
        at = int(self._now())
        depth = self.cockpit.undo_depth
        if self._flt.statuses == ("muted",):
            self._apply(lambda store, ids: triage.unmute(store, ids, undo_depth=depth, at=at))
        else:
            self._apply(lambda store, ids: triage.mute(store, ids, undo_depth=depth, at=at))

    def action_snooze(self) -> None:
        """Ask until when, then snooze the selection (or the conversation under the cursor)."""
        from cockpit.tui.screens.snooze import SnoozeDialog

        chosen = self._targets()
        if chosen is None:
            return
        targets, count = chosen

        def snooze(until: datetime | None) -> None:
            if until is None:
                return
            now = self.cockpit.clock()
            depth = self.cockpit.undo_depth
            self._apply(
                lambda store, ids: triage.snooze(store, ids, until, now=now, undo_depth=depth), targets
            )
            self.cockpit.schedule_wake()

        self.app.push_screen(SnoozeDialog(now=self.cockpit.clock(), tz=self.cockpit.tz, count=count), snooze)

    def action_tags(self) -> None:
        """Ask which tags to add (`tag`) or remove (`-tag`), completing from the tags in use."""
        from cockpit.tui.screens.tags import TagChange, TagsDialog

        chosen = self._targets()
        if chosen is None:
            return
        targets, count = chosen
        row = self.queue.cursor_row
        current = row.tags if row is not None and count == 1 else ()

        def apply(change: TagChange | None) -> None:
            if change is None:
                return
            add, remove = change
            at = int(self._now())
            depth = self.cockpit.undo_depth
            if add:
                self._apply(
                    lambda store, ids: triage.add_tags(store, ids, add, undo_depth=depth, at=at), targets
                )
            if remove:
                self._apply(
                    lambda store, ids: triage.remove_tags(store, ids, remove, undo_depth=depth, at=at),
                    targets,
                )

        known = triage.known_tags(self.store, "", 200)
        self.app.push_screen(TagsDialog(known=known, current=current, count=count), apply)

    def action_undo(self) -> None:
        """Undo the newest step not yet undone (it survives a restart); the cursor goes to what came back."""
        if queue_views.undo_after_like(self):
            return
        was_in_view = queue_views.undo_ids_in_view(self)
        try:
            result = triage.undo(self.store)
        except ValueError as error:
            self.notify(str(error), title="Undo", severity="error")
            return
        if result is None:
            self.notify("Nothing to undo.", title="Undo")
            return
        self._changed(result.ids, was_in_view=was_in_view, anchor_first=True)
        if result.action == "snooze":
            self.cockpit.schedule_wake()
        self.status.show_message(f"Undone: {result.label}")

    def action_history(self) -> None:
        """Show the undo history, newest first."""
        from cockpit.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(triage.history(self.store, 200)))

    def action_toggle_select(self) -> None:
        """Select or unselect the conversation under the cursor."""
        queue = self.queue
        queue.toggle_mark()
        self.status.set_selected(queue.selection_count)

    def action_select_all(self) -> None:
        """Select every conversation of the view (actions then apply to all of them, in SQL)."""
        queue = self.queue
        queue.mark_all()
        self.status.set_selected(queue.selection_count)

    def action_clear_selection(self) -> None:
        """Clear the selection."""
        queue = self.queue
        if queue.clear_marks():
            self.status.set_selected(0)
        elif self._view_index < 0:
            self.action_view(0)  # Esc leaves a search or a typed filter

    def action_open_browser(self) -> None:
        """Open the conversation's page in the web browser."""
        row = self.queue.cursor_row
        if row is None:
            self.notify("Nothing to open: the view is empty.", title="Open")
            return
        if not row.url:
            self.notify("This conversation has no web address to open.", title="Open", severity="warning")
            return
        if not row.url.startswith(("https://", "http://")):
            self.notify("This conversation's address is not a web link; not opened.", title="Open")
            return
        self._open_url(row.url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_url(self, url: str) -> None:
        import webbrowser

        opened = webbrowser.open(url)
        if not opened:
            self.app.call_from_thread(
                self.notify,
                "No web browser found: set the BROWSER variable to open links.",
                title="Open",
                severity="warning",
            )

    def action_like(self) -> None:
        """Like the newest inbound post of the conversation under the cursor on its platform (in a worker)."""
        queue_views.like(self)

    def action_link_person(self) -> None:
        """Link the author of the conversation under the cursor to a stakeholder (pick, create or unlink)."""
        from cockpit.tui.screens.link_person import link_author

        row = self.queue.cursor_row
        if row is None:
            self.notify("Nothing to link: the view is empty.", title="Stakeholder")
            return
        link_author(self, row.id)

    def action_reply(self) -> None:
        """Open the composer on the conversation under the cursor (its draft comes back if it has one)."""
        from cockpit.tui.screens.composer import open_composer

        row = self.queue.cursor_row
        if row is None:
            self.notify("Nothing to reply to: the view is empty.", title="Reply")
            return
        open_composer(self.app, row.id)

    def action_outbox(self) -> None:
        """Show the Outbox: scheduled, sent, failed and unknown replies."""
        self.cockpit.show_outbox()
