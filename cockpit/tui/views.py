"""The views of the queue: built-in ones (keys 1..9 and 0 reach the first ten), one per account, and saved ones.

A view is a name and the filter it shows; a saved view may also hold a search (its conversations are found
when it is opened, `resolve`). `list_views` and `count_views` read the database: call them from a worker.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from textual.message import Message

from cockpit.store import queue as q
from cockpit.store.search import search_conversations


@dataclass(frozen=True)
class View:
    """One named view of the queue."""

    name: str
    flt: q.QueueFilter
    search: str = ""
    """A search this view shows the results of (run by `resolve`); empty for a plain filter."""
    filter_text: str = ""
    """The typed filter a saved view was made from."""
    saved_id: int | None = None
    """The `saved_views` row of a saved view."""
    problem: str = ""
    """Why a saved view cannot be shown any more (e.g. its account was removed); empty when it can."""


VIEWS: tuple[View, ...] = (
    View("Inbox", q.QueueFilter()),
    View("Snoozed", q.QueueFilter(statuses=("snoozed",))),
    View("Done", q.QueueFilter(statuses=("done",))),
    View("Muted", q.QueueFilter(statuses=("muted",))),
    View("Questions", q.QueueFilter(questions_only=True)),
    View("Stakeholders", q.QueueFilter(stakeholders_only=True)),
    View("Mentions", q.QueueFilter(sources=("mention",))),
    View("Searches", q.QueueFilter(sources=("search",))),
    View("X", q.QueueFilter(platforms=("x",))),
    View("LinkedIn", q.QueueFilter(platforms=("linkedin",))),
    View("Forum", q.QueueFilter(platforms=("discourse",))),
    View("Blogs", q.QueueFilter(platforms=("feed",))),
)
"""Built-in views, Inbox first; all but Snoozed, Done and Muted show what is still in the Inbox."""

NUMBERED = 10
"""The first this many views have a number key (1..9, then 0)."""


def view_key(index: int) -> str:
    """The number key of the view at `index` ('' when it has none)."""
    return str((index + 1) % 10) if 0 <= index < NUMBERED else ""


def list_views(conn: sqlite3.Connection) -> list[View]:
    """Every view: the built-in ones, one per account (its Inbox), then the saved ones by name."""
    from cockpit.services import saved_views
    from cockpit.tui.screens.filter import parse_filter

    views = list(VIEWS)
    for account_id, name in conn.execute("SELECT id, name FROM accounts ORDER BY name"):
        views.append(View(f"@{name}", q.QueueFilter(account_ids=(account_id,))))
    for saved in saved_views.list_saved(conn):
        try:
            flt = parse_filter(saved.filter, conn, 0.0) if saved.filter else q.QueueFilter()
        except ValueError as problem:
            views.append(View(saved.name, q.QueueFilter(ids=()), saved_id=saved.id, problem=str(problem)))
            continue
        if saved.search:
            flt = replace(flt, statuses=() if not saved.filter else flt.statuses)
        views.append(View(saved.name, flt, search=saved.search, filter_text=saved.filter, saved_id=saved.id))
    return views


def resolve(conn: sqlite3.Connection, view: View) -> q.QueueFilter:
    """The filter that shows `view` now: a search view's filter gains the ids the search finds."""
    if not view.search:
        return view.flt
    return replace(view.flt, ids=tuple(search_conversations(conn, view.search)))


_GROUPS = """
SELECT c.status, c.platform, c.source, c.account_id, c.question,
    coalesce(c.last_author_id IN (SELECT id FROM identities WHERE person_id IS NOT NULL), 0), count(*)
FROM conversations c GROUP BY 1, 2, 3, 4, 5, 6
"""
"""One scan that counts every view made only of status, platform, source, account, question and tracked."""


def _by_groups(flt: q.QueueFilter) -> bool:
    """Whether a filter's count can be summed from `_GROUPS`."""
    return not (
        flt.tags or flt.stages or flt.since is not None or flt.until is not None or flt.ids is not None
    )


def _matches(flt: q.QueueFilter, group: tuple[Any, ...]) -> bool:
    status, platform, source, account_id, question, tracked = group[:6]
    return (
        (not flt.statuses or status in flt.statuses)
        and (not flt.platforms or platform in flt.platforms)
        and (not flt.sources or source in flt.sources)
        and (not flt.account_ids or account_id in flt.account_ids)
        and (not flt.questions_only or bool(question))
        and (not flt.stakeholders_only or bool(tracked))
    )


def count_all(conn: sqlite3.Connection, views: Sequence[View]) -> list[int]:
    """Count every view: the plain ones from one grouped scan of the conversations, the others one by one.

    One scan reads each conversation once; a count per view read the Inbox's rows once per view (16 views at
    100,000 conversations took seconds).
    """
    groups: list[tuple[Any, ...]] | None = None
    counts: list[int] = []
    for view in views:
        if view.problem:
            counts.append(0)
        elif not view.search and _by_groups(view.flt):
            if groups is None:
                groups = conn.execute(_GROUPS).fetchall()
            counts.append(sum(int(group[6]) for group in groups if _matches(view.flt, group)))
        else:
            counts.append(q.count(conn, resolve(conn, view)))
    return counts


def count_views(db_path: Path, views: Sequence[View] = VIEWS) -> list[int]:
    """Count every view's conversations on a connection of its own (call from a worker thread)."""
    conn = sqlite3.connect(str(db_path), timeout=10.0)
    try:
        conn.execute("PRAGMA query_only = 1")
        return count_all(conn, views)
    finally:
        conn.close()


def list_and_count(db_path: Path) -> tuple[list[View], list[int]]:
    """Read every view and count each, on a connection of its own (call from a worker thread)."""
    conn = sqlite3.connect(str(db_path), timeout=10.0)
    try:
        conn.execute("PRAGMA query_only = 1")
        views = list_views(conn)
        return views, count_all(conn, views)
    finally:
        conn.close()


class ViewsListed(Message):
    """A worker read every view (built-in, per account, saved) and its count."""

    def __init__(self, views: list[View], counts: list[int]) -> None:
        super().__init__()
        self.views = views
        self.counts = counts
