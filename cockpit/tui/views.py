"""The built-in views of the queue: a name and the filter it shows, in the order keys 1..9 and 0 reach them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cockpit.store import queue as q


@dataclass(frozen=True)
class View:
    """One named view of the queue."""

    name: str
    flt: q.QueueFilter


VIEWS: tuple[View, ...] = (
    View("Inbox", q.QueueFilter()),
    View("Snoozed", q.QueueFilter(statuses=("snoozed",))),
    View("Done", q.QueueFilter(statuses=("done",))),
    View("Muted", q.QueueFilter(statuses=("muted",))),
    View("X", q.QueueFilter(platforms=("x",))),
    View("LinkedIn", q.QueueFilter(platforms=("linkedin",))),
    View("Forum", q.QueueFilter(platforms=("discourse",))),
    View("Blogs", q.QueueFilter(platforms=("feed",))),
    View("Mentions", q.QueueFilter(sources=("mention",))),
    View("Searches", q.QueueFilter(sources=("search",))),
)
"""Inbox first; per-platform and per-source views show what is still in the Inbox."""


def count_views(db_path: Path, views: tuple[View, ...] = VIEWS) -> list[int]:
    """Count every view's conversations on a connection of its own (call from a worker thread)."""
    conn = sqlite3.connect(str(db_path), timeout=10.0)
    try:
        conn.execute("PRAGMA query_only = 1")
        return [q.count(conn, view.flt) for view in views]
    finally:
        conn.close()
