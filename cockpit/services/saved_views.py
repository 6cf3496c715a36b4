"""Custom saved views: a name for a typed filter and/or a search, kept in the `saved_views` table."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from cockpit.store.db import Store, now

MAX_NAME_LENGTH = 40
"""Longest view name accepted."""


@dataclass(frozen=True)
class SavedView:
    """One saved view: its name, the filter text it was made from, and its search (either may be empty)."""

    id: int
    name: str
    filter: str
    search: str


def _clean_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ValueError("a view needs a name")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"a view name has at most {MAX_NAME_LENGTH} characters")
    if not text.isprintable():
        raise ValueError("a view name cannot hold control characters")
    return text


def list_saved(conn: sqlite3.Connection) -> list[SavedView]:
    """Every saved view, by name."""
    rows = conn.execute("SELECT id, name, filter, search FROM saved_views ORDER BY name COLLATE NOCASE, id")
    return [SavedView(*row) for row in rows]


def save(store: Store, name: str, *, filter_text: str = "", search: str = "") -> SavedView:
    """Save a filter and/or a search under a new name; raise ValueError when the name is taken or empty."""
    clean = _clean_name(name)
    filter_text, search = " ".join(filter_text.split()), search.strip()
    if not filter_text and not search:
        raise ValueError("nothing to save: filter (f) or search (/) first")
    at = now()
    try:
        with store.write() as conn:
            cursor = conn.execute(
                "INSERT INTO saved_views (name, filter, search, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (clean, filter_text, search, at, at),
            )
    except sqlite3.IntegrityError:
        raise ValueError(f"a view named {clean!r} exists: choose another name") from None
    return SavedView(int(cursor.lastrowid or 0), clean, filter_text, search)


def rename(store: Store, view_id: int, name: str) -> None:
    """Rename a saved view; raise ValueError when the name is taken or empty, or the view is gone."""
    clean = _clean_name(name)
    try:
        with store.write() as conn:
            changed = conn.execute(
                "UPDATE saved_views SET name = ?, updated_at = ? WHERE id = ?", (clean, now(), view_id)
            ).rowcount
    except sqlite3.IntegrityError:
        raise ValueError(f"a view named {clean!r} exists: choose another name") from None
    if not changed:
        raise ValueError("that saved view no longer exists")


def delete(store: Store, view_id: int) -> bool:
    """Delete a saved view; False when it was already gone."""
    with store.write() as conn:
        return conn.execute("DELETE FROM saved_views WHERE id = ?", (view_id,)).rowcount > 0
