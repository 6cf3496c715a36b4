"""Full-text search over posts and their authors' names, newest stored first."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

_TOKEN = re.compile(r"\w[\w'’-]*", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must match; the last may be a prefix."""
    words = _TOKEN.findall(text)
    if not words:
        return ""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if not text.rstrip().endswith(tuple(" \t")) and len(words[-1]) >= 2:
        quoted[-1] += "*"
    return " ".join(quoted)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A post that matched, with the conversation it belongs to."""

    post_id: int
    conversation_id: int
    author_name: str
    author_handle: str
    text: str
    created_at: int


def search_posts(
    conn: sqlite3.Connection, text: str, *, limit: int = 50, before_id: int | None = None
) -> list[SearchHit]:
    """Return posts matching `text`, most recently stored first; page on with `before_id`.

    Ordering by the index's rowid lets FTS5 stop after `limit` matches instead of sorting every match,
    which keeps a common word fast at a million posts; posts are stored in arrival order.
    """
    query = fts_query(text)
    if not query:
        return []
    params: list[object] = [query]
    extra = ""
    if before_id is not None:
        extra = "AND posts_fts.rowid < ?"
        params.append(before_id)
    rows = conn.execute(
        f"""
        SELECT p.id, p.conversation_id, p.author_name, p.author_handle, p.text, p.created_at
        FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid
        WHERE posts_fts MATCH ? {extra}
        ORDER BY posts_fts.rowid DESC LIMIT ?
        """,
        [*params, limit],
    )
    return [SearchHit(*row) for row in rows]
