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


SEARCH_LIMIT = 1_000
"""The most conversations a search view holds: those with the newest matching posts."""
SCAN_LIMIT = 10_000
"""The most matching posts a search reads, newest first, to find its conversations (keeps a common word fast)."""


_SEARCH_TOKEN = re.compile(r"(\w[\w'’-]*)(\*?)", re.UNICODE)


def conversation_query(text: str) -> str:
    """The FTS5 query for the search box: every word must match, `word*` is a prefix, `@name` looks in authors only.

    Unlike `fts_query` (search as you type), the last word is a whole word unless it ends with `*`: a prefix
    merges the index entries of every word it starts, which costs far more for a short, common prefix.
    """
    stripped = text.strip()
    authors = stripped.startswith("@")
    parts = []
    for word, star in _SEARCH_TOKEN.findall(stripped[1:] if authors else stripped):
        quoted = '"' + word.replace('"', '""') + '"'
        parts.append(quoted + "*" if star and len(word) >= 2 else quoted)
    if not parts:
        return ""
    query = " ".join(parts)
    return f"{{author_handle author_name}} : ({query})" if authors else query


def search_conversations(
    conn: sqlite3.Connection, text: str, *, limit: int = SEARCH_LIMIT, scan: int = SCAN_LIMIT
) -> list[int]:
    """Return up to `limit` conversations with a post matching `text`, the newest match first.

    Matches are read newest first by the index's rowid (no sort of all matches) and reading stops at `limit`
    distinct conversations or `scan` posts, so a word in most posts costs about as much as a rare one. A
    common word's older conversations are left out: `count_conversations` says how many there are.
    """
    query = conversation_query(text)
    if not query or limit <= 0:
        return []
    found: dict[int, None] = {}
    rows = conn.execute(
        """
        SELECT p.conversation_id
        FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid
        WHERE posts_fts MATCH ?
        ORDER BY posts_fts.rowid DESC LIMIT ?
        """,
        (query, scan),
    )
    for (conversation_id,) in rows:
        found.setdefault(conversation_id, None)
        if len(found) >= limit:
            break
    rows.close()
    return list(found)


def count_conversations(conn: sqlite3.Connection, text: str) -> int:
    """Return how many conversations have a post matching `text` (reads every match: run it in a worker)."""
    query = conversation_query(text)
    if not query:
        return 0
    row = conn.execute(
        """
        SELECT count(DISTINCT p.conversation_id)
        FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE posts_fts MATCH ?
        """,
        (query,),
    ).fetchone()
    return int(row[0])
