"""What the queue screen does for views, search, sort, the priority explanation, likes and bulk actions.

The queue screen's actions call these functions with itself; the database and network work runs in thread
workers that post the messages below, and the handlers on the event loop change the screen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.message import Message

from cockpit.store.queue import QueueFilter, Sort
from cockpit.tui.text import one_line
from cockpit.tui.views import View, ViewsListed, list_and_count

if TYPE_CHECKING:
    from cockpit.services import triage
    from cockpit.tui.screens.queue import QueueScreen

SEARCH_VIEW = -2
"""The view index of search results (-1 is a typed filter)."""
BULK_THRESHOLD = 500
"""Selections larger than this (or a select-all) are changed in a worker, off the event loop."""
SORTS = (Sort.NEWEST, Sort.OLDEST, Sort.PRIORITY)
"""The orders `S` cycles through."""


class SearchFound(Message):
    """A worker found the conversations of a search (newest match first)."""

    def __init__(
        self, token: int, text: str, ids: list[int], index: int, name: str, base: QueueFilter
    ) -> None:
        super().__init__()
        self.token = token
        self.text = text
        self.ids = ids
        self.index = index
        self.name = name
        self.base = base


class SearchCounted(Message):
    """A worker counted every conversation a search matches."""

    def __init__(self, token: int, text: str, count: int) -> None:
        super().__init__()
        self.token = token
        self.text = text
        self.count = count


class BulkDone(Message):
    """A worker finished a bulk triage action (one undo step): its result, or the error to show."""

    def __init__(self, result: triage.ActionResult | None, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


@dataclass
class ViewState:
    """The queue screen's views: every view, their counts, and the search on screen."""

    views: list[View]
    counts: list[int] | None = None
    search_text: str = ""
    search_token: int = 0
    search_shown: int = 0
    liked_last: bool = False
    """Whether the last action was a like (which `u` cannot undo)."""
    counting: bool = False
    """Whether a worker is counting the views (one at a time: changes meanwhile ask for one more round)."""
    recount: bool = False


# ----------------------------------------------------------------- views


def view_status(name: str, sort: Sort) -> str:
    """What the status bar says about the view: its name, and the order when it is not the default."""
    return name if sort is Sort.NEWEST else f"{name} · by {sort.value}"


def count_views(screen: QueueScreen) -> None:
    """List and count every view in a worker; the sidebar shows them when they arrive.

    One count runs at a time: asked again meanwhile (keys pressed faster than a count at 100,000
    conversations), one more round follows when it ends, instead of counts piling up in parallel.
    """
    state = screen.view_state
    if state.counting:
        state.recount = True
        return
    state.counting = True
    path = screen.db_path

    def work() -> None:
        try:
            views, counts = list_and_count(path)
        except sqlite3.Error:
            views, counts = [], []  # the database is busy or gone: the next change counts again
        screen.post_message(ViewsListed(views, counts))

    screen.run_worker(work, thread=True, group="view-counts", exit_on_error=False)


def views_listed(screen: QueueScreen, message: ViewsListed) -> None:
    """Keep the fresh list of views; the current one keeps its highlight even if its position moved."""
    state = screen.view_state
    state.counting = False
    if state.recount:
        state.recount = False
        count_views(screen)
    if not message.views:
        return
    index = screen.view_index
    if 0 <= index < len(state.views):
        current = state.views[index]
        found = next(
            (
                i
                for i, view in enumerate(message.views)
                if view.name == current.name and view.saved_id == current.saved_id
            ),
            -1,
        )
        screen.set_view_index(found)
    state.views, state.counts = message.views, message.counts
    screen.sidebar.set_views(message.views, message.counts)
    screen.sidebar.set_current(screen.view_index)


def show_view(screen: QueueScreen, index: int) -> None:
    """Show view `index` of the list (a saved search runs its search first)."""
    views = screen.view_state.views
    if not 0 <= index < len(views):
        return
    view = views[index]
    if view.problem:
        screen.notify(f"View {view.name!r} cannot be shown: {view.problem}", title="Views", severity="error")
        return
    if view.search:
        start_search(screen, view.search, index=index, name=view.name, base=view.flt)
        return
    screen.show_filter(index, view.name, view.flt)


# ---------------------------------------------------------------- search


def ask_search(screen: QueueScreen) -> None:
    """Ask what to search for, then show the results as a view."""
    from cockpit.tui.screens.search import SearchDialog

    def searched(text: str | None) -> None:
        if text:
            start_search(screen, text)

    screen.app.push_screen(SearchDialog(screen.view_state.search_text), searched)


def start_search(
    screen: QueueScreen,
    text: str,
    *,
    index: int = SEARCH_VIEW,
    name: str | None = None,
    base: QueueFilter | None = None,
) -> None:
    """Find the conversations matching `text` in a worker, then count them all in the same worker."""
    from cockpit.store.search import count_conversations, search_conversations

    state = screen.view_state
    state.search_token += 1
    token, path = state.search_token, screen.db_path
    shown_name = name or f"Search “{one_line(text, 40)}”"
    screen.status.set_view(f"{shown_name}: searching…")
    filter_base = base if base is not None else QueueFilter(statuses=())

    def work() -> None:
        conn = sqlite3.connect(str(path), timeout=10.0)
        try:
            conn.execute("PRAGMA query_only = 1")
            ids = search_conversations(conn, text)
            screen.post_message(SearchFound(token, text, ids, index, shown_name, filter_base))
            screen.post_message(SearchCounted(token, text, count_conversations(conn, text)))
        finally:
            conn.close()

    screen.run_worker(work, thread=True, exclusive=True, group="search", exit_on_error=False)


def search_found(screen: QueueScreen, message: SearchFound) -> None:
    """Show a search's conversations as a view (ignored when a newer search started since)."""
    state = screen.view_state
    if message.token != state.search_token:
        return
    state.search_text = message.text
    state.search_shown = len(message.ids)
    screen.show_filter(message.index, message.name, replace(message.base, ids=tuple(message.ids)))
    screen.status.set_view(view_status(f"{message.name}: {len(message.ids):,} · counting…", screen.sort))


def search_counted(screen: QueueScreen, message: SearchCounted) -> None:
    """Say how many conversations the search matches in all."""
    state = screen.view_state
    index = screen.view_index
    searching = index == SEARCH_VIEW or (0 <= index < len(state.views) and bool(state.views[index].search))
    if message.token != state.search_token or not searching:
        return
    shown, total = state.search_shown, message.count
    name = screen.view_name
    if total > shown:
        text = f"{name}: newest {shown:,} of {total:,} conversations"
    else:
        text = f"{name}: {total:,} conversation" + ("" if total == 1 else "s")
    screen.status.set_view(view_status(text, screen.sort))


# ------------------------------------------------------------ sort, explain


def cycle_sort(screen: QueueScreen) -> None:
    """Show the view in the next order: newest, oldest, priority."""
    sort = SORTS[(SORTS.index(screen.sort) + 1) % len(SORTS)] if screen.sort in SORTS else Sort.NEWEST
    screen.set_sort(sort)
    screen.notify(
        f"Sorted by {sort.value}" + (" · w explains a conversation's score" if sort is Sort.PRIORITY else ""),
        title="Sort",
        timeout=3,
    )


def explain(screen: QueueScreen) -> None:
    """Show why the conversation under the cursor has its priority."""
    from cockpit.services.priority import explain as explain_priority
    from cockpit.tui.screens.explain import ExplainScreen

    row = screen.queue.cursor_row
    if row is None:
        screen.notify("Nothing to explain: the view is empty.", title="Priority")
        return
    explanation = explain_priority(screen.store.conn, row.id)
    if explanation is None:
        screen.notify("This conversation is gone.", title="Priority")
        return
    screen.app.push_screen(ExplainScreen(row.title or row.excerpt or "this conversation", explanation))


# ------------------------------------------------------------ saved views


def pick_view(screen: QueueScreen) -> None:
    """List every view; show, rename or delete the one chosen."""
    from cockpit.services import saved_views
    from cockpit.tui.screens.view_picker import NameDialog, ViewPicker

    state = screen.view_state
    views = list(state.views)

    def chosen(result: tuple[str, int] | None) -> None:
        if result is None:
            return
        what, index = result
        view = views[index]
        if what == "show":
            show_view(screen, index)
        elif what == "delete" and view.saved_id is not None:
            saved_views.delete(screen.store, view.saved_id)
            screen.notify(f"Deleted view {view.name!r}.", title="Views")
            if screen.view_index == index:
                screen.action_view(0)
            count_views(screen)
        elif what == "rename" and view.saved_id is not None:
            saved_id = view.saved_id

            def renamed(name: str | None) -> None:
                if name is None:
                    return
                try:
                    saved_views.rename(screen.store, saved_id, name)
                except ValueError as error:
                    screen.notify(str(error), title="Views", severity="error")
                    return
                if screen.view_index == index:
                    screen.set_view_index(-1)
                    screen.show_filter(-1, name, screen.queue.flt)
                count_views(screen)

            screen.app.push_screen(NameDialog("Rename view", value=view.name), renamed)

    screen.app.push_screen(ViewPicker(views, state.counts, screen.view_index), chosen)


def save_view(screen: QueueScreen) -> None:
    """Save the typed filter or the search on screen as a named view."""
    from cockpit.services import saved_views
    from cockpit.tui.screens.view_picker import NameDialog

    state = screen.view_state
    index = screen.view_index
    search = state.search_text if index == SEARCH_VIEW else ""
    filter_text = screen.filter_text if index == -1 else ""
    if not search and not filter_text:
        screen.notify(
            "Nothing to save: filter (f) or search (/) first, then save it with ctrl+s.", title="Views"
        )
        return

    def named(name: str | None) -> None:
        if name is None:
            return
        try:
            saved = saved_views.save(screen.store, name, filter_text=filter_text, search=search)
        except ValueError as error:
            screen.notify(str(error), title="Views", severity="error")
            return
        screen.notify(f"Saved view {saved.name!r} · v lists every view", title="Views")
        count_views(screen)

    what = f"search “{one_line(search, 30)}”" if search else f"filter “{one_line(filter_text, 30)}”"
    screen.app.push_screen(NameDialog("Save this view", hint=f"Saves the {what}."), named)


# ------------------------------------------------------------------ likes


def like(screen: QueueScreen) -> None:
    """Like the newest inbound post of the conversation under the cursor, in a worker; say what happened."""
    import asyncio

    from cockpit.services.likes import like_conversation

    row = screen.queue.cursor_row
    if row is None:
        screen.notify("Nothing to like: the view is empty.", title="Like")
        return
    app = screen.cockpit
    setup = app.sync_setup
    path, conversation_id = screen.db_path, row.id
    screen.view_state.liked_last = True

    def work() -> None:
        account = None
        if setup is not None:
            account = next((a for a in setup.accounts if a.name == row.account_name), None)
        secret = setup.secret(account.name) if setup is not None and account is not None else None
        save = setup.save_secret if setup is not None else None
        result = asyncio.run(like_conversation(path, conversation_id, account, secret, save_secret=save))
        if result.ok:
            message = "Liked · a like cannot be undone from the cockpit (unlike it on the platform)"
            app.call_from_thread(screen.notify, message, title="Like", timeout=4)
        else:
            app.call_from_thread(screen.notify, result.message, title="Like", severity="warning", timeout=8)

    screen.run_worker(work, thread=True, group="like", exit_on_error=False)


def undo_after_like(screen: QueueScreen) -> bool:
    """When the last action was a like, say it cannot be undone here and return True (the next u undoes)."""
    state = screen.view_state
    if not state.liked_last:
        return False
    state.liked_last = False
    screen.notify(
        "A like cannot be undone from the cockpit: press o and unlike it on the platform. "
        "Press u again to undo your last triage step.",
        title="Undo",
        timeout=6,
    )
    return True


def undo_ids_in_view(screen: QueueScreen) -> int | None:
    """How many conversations of the next undo step the view holds now (None when unknown or nothing to undo)."""
    import json

    conn = screen.store.conn
    row = conn.execute("SELECT payload FROM undo_log WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    try:
        payload = json.loads(row[0])
        if "groups" in payload:
            ids = {int(i) for _, members in payload["groups"] for i in members}
        else:
            ids = {int(i) for members in payload["tags"].values() for i in members}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    where, params = screen.queue.flt.where()
    found = conn.execute(
        f"SELECT count(*) FROM json_each(?) j CROSS JOIN conversations c ON c.id = j.value WHERE {where}",
        [json.dumps(sorted(ids)), *params],
    ).fetchone()
    return int(found[0])


# ------------------------------------------------------------------- bulk


def is_bulk(targets: object) -> bool:
    """Whether an action on `targets` should run in a worker (a select-all, or many ids)."""
    return isinstance(targets, QueueFilter) or (isinstance(targets, list) and len(targets) > BULK_THRESHOLD)


def apply_in_worker(
    screen: QueueScreen, action: Callable[[Any, Any], triage.ActionResult], targets: Any, count: int
) -> None:
    """Run one triage action (one undo step) in a worker on its own connection; `BulkDone` brings the result."""
    from cockpit.store import open_store

    path = screen.db_path
    screen.notify(f"Working on {count:,} conversations…", title="Triage", timeout=2)

    def work() -> None:
        store = open_store(path)
        try:
            result = action(store, targets)
        except ValueError as error:
            screen.post_message(BulkDone(None, str(error)))
            return
        finally:
            store.close()
        screen.post_message(BulkDone(result))

    screen.run_worker(work, thread=True, group="bulk", exit_on_error=False)


def bulk_done(screen: QueueScreen, message: BulkDone) -> None:
    """Show a bulk action's effect (the list, counts and a notice)."""
    if message.result is None:
        screen.notify(message.error, title="Triage", severity="error")
        return
    screen.after_action(message.result)
