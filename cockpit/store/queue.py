"""Queue queries: keyset pages of conversations for a view, its count, a row's position, jump landmarks.

Pages are always found by key (the sort columns plus the id), never by OFFSET, so reading any page costs
the same at row 10 and at row 1,000,000.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Key = tuple[int, ...]
"""A row's position in a sort order: the sort columns followed by the conversation id."""


class Sort(StrEnum):
    """Orders the queue can be shown in."""

    NEWEST = "newest"
    OLDEST = "oldest"
    PRIORITY = "priority"


_SORT_COLUMNS: dict[Sort, tuple[str, ...]] = {
    Sort.NEWEST: ("c.last_activity_at", "c.id"),
    Sort.OLDEST: ("c.last_activity_at", "c.id"),
    Sort.PRIORITY: ("c.priority", "c.last_activity_at", "c.id"),
}
_DESCENDING = {Sort.NEWEST: True, Sort.OLDEST: False, Sort.PRIORITY: True}


@dataclass(frozen=True)
class QueueFilter:
    """Which conversations a view shows; empty tuples mean no restriction."""

    statuses: tuple[str, ...] = ("inbox",)
    platforms: tuple[str, ...] = ()
    account_ids: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    stakeholders_only: bool = False
    since: int | None = None
    until: int | None = None
    questions_only: bool = False
    """Only conversations where an inbound post asks something (`conversations.question`, issue 7)."""
    stages: tuple[str, ...] = ()
    """Only conversations whose last author is a tracked person at one of these stages (`people.stage`)."""
    ids: tuple[int, ...] | None = None
    """Only these conversations (a search's results); None means no restriction."""

    def where(self) -> tuple[str, list[Any]]:
        """Return the SQL condition over `conversations c` and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []

        def member(column: str, values: tuple[Any, ...]) -> None:
            if len(values) == 1:
                clauses.append(f"{column} = ?")
            else:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)

        if self.statuses:
            member("c.status", self.statuses)
        if self.platforms:
            member("c.platform", self.platforms)
        if self.account_ids:
            member("c.account_id", self.account_ids)
        if self.sources:
            member("c.source", self.sources)
        if self.tags:
            marks = ",".join("?" * len(self.tags))
            clauses.append(f"c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag IN ({marks}))")
            params.extend(self.tags)
        if self.stakeholders_only:
            clauses.append("c.last_author_id IN (SELECT id FROM identities WHERE person_id IS NOT NULL)")
        if self.since is not None:
            clauses.append("c.last_activity_at >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("c.last_activity_at < ?")
            params.append(self.until)
        if self.questions_only:
            clauses.append("c.question = 1")
        if self.stages:
            marks = ",".join("?" * len(self.stages))
            clauses.append(
                "c.last_author_id IN (SELECT i.id FROM identities i JOIN people pe ON pe.id = i.person_id "
                f"WHERE pe.stage IN ({marks}))"
            )
            params.extend(self.stages)
        if self.ids is not None:
            clauses.append("c.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(self.ids)))
        return (" AND ".join(clauses) or "1"), params


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """What one line of the queue shows about a conversation."""

    id: int
    account_id: int
    account_name: str
    platform: str
    source: str
    status: str
    title: str
    url: str
    excerpt: str
    author_name: str
    author_handle: str
    person_id: int | None
    last_activity_at: int
    started_at: int
    post_count: int
    unread: bool
    answered: bool
    priority: int
    snooze_until: int | None
    tags: tuple[str, ...] = field(default=())
    has_draft: bool = False
    """Whether a reply draft waits in the outbox for this conversation (the composer saves it)."""

    def key(self, sort: Sort) -> Key:
        """This row's keyset position in `sort`."""
        if sort is Sort.PRIORITY:
            return (self.priority, self.last_activity_at, self.id)
        return (self.last_activity_at, self.id)


_SELECT = """
SELECT c.id, c.account_id, a.name, c.platform, c.source, c.status, c.title, c.url, c.excerpt,
       coalesce(i.name, ''), coalesce(i.handle, ''), i.person_id, c.last_activity_at, c.started_at,
       c.post_count, c.unread, c.answered, c.priority, c.snooze_until,
       (SELECT group_concat(tag, ' ') FROM conversation_tags t WHERE t.conversation_id = c.id),
       EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_id = c.id AND o.state = 'draft')
FROM conversations c
JOIN accounts a ON a.id = c.account_id
LEFT JOIN identities i ON i.id = c.last_author_id
"""


def _row(values: tuple[Any, ...]) -> ConversationRow:
    tags = tuple(sorted(values[19].split())) if values[19] else ()
    return ConversationRow(
        id=values[0],
        account_id=values[1],
        account_name=values[2],
        platform=values[3],
        source=values[4],
        status=values[5],
        title=values[6],
        url=values[7],
        excerpt=values[8],
        author_name=values[9],
        author_handle=values[10],
        person_id=values[11],
        last_activity_at=values[12],
        started_at=values[13],
        post_count=values[14],
        unread=bool(values[15]),
        answered=bool(values[16]),
        priority=values[17],
        snooze_until=values[18],
        tags=tags,
        has_draft=bool(values[20]),
    )


def _order(sort: Sort, reverse: bool = False) -> str:
    descending = _DESCENDING[sort] != reverse
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{column} {direction}" for column in _SORT_COLUMNS[sort])


def _beyond(sort: Sort, key: Key, *, forwards: bool) -> tuple[str, list[Any]]:
    """A row-value condition selecting rows after `key` (forwards) or before it, in display order."""
    columns = _SORT_COLUMNS[sort]
    if len(key) != len(columns):
        raise ValueError(f"a {sort} key has {len(columns)} parts, got {key!r}")
    later = _DESCENDING[sort] != forwards  # in a descending order, "after" means smaller values
    operator = ">" if later else "<"
    return f"({', '.join(columns)}) {operator} ({', '.join('?' * len(key))})", list(key)


def fetch_page(
    conn: sqlite3.Connection,
    flt: QueueFilter,
    sort: Sort,
    *,
    after: Key | None = None,
    before: Key | None = None,
    limit: int = 50,
) -> list[ConversationRow]:
    """Return up to `limit` rows in display order: the first ones, those right after `after`, or right before `before`."""
    if after is not None and before is not None:
        raise ValueError("give `after` or `before`, not both")
    where, params = flt.where()
    reverse = False
    if after is not None:
        condition, extra = _beyond(sort, after, forwards=True)
        where, params = f"{where} AND {condition}", params + extra
    elif before is not None:
        condition, extra = _beyond(sort, before, forwards=False)
        where, params = f"{where} AND {condition}", params + extra
        reverse = True
    sql = f"{_SELECT} WHERE {where} ORDER BY {_order(sort, reverse)} LIMIT ?"
    rows = [_row(values) for values in conn.execute(sql, [*params, limit])]
    if reverse:
        rows.reverse()
    return rows


def fetch_last_page(
    conn: sqlite3.Connection, flt: QueueFilter, sort: Sort, *, limit: int = 50
) -> list[ConversationRow]:
    """Return the last `limit` rows of the view, in display order."""
    where, params = flt.where()
    sql = f"{_SELECT} WHERE {where} ORDER BY {_order(sort, reverse=True)} LIMIT ?"
    rows = [_row(values) for values in conn.execute(sql, [*params, limit])]
    rows.reverse()
    return rows


def count(conn: sqlite3.Connection, flt: QueueFilter) -> int:
    """Return how many conversations the view holds."""
    where, params = flt.where()
    return int(conn.execute(f"SELECT count(*) FROM conversations c WHERE {where}", params).fetchone()[0])


def key_of(conn: sqlite3.Connection, conversation_id: int, sort: Sort) -> Key | None:
    """Return the keyset position of one conversation in `sort`, or None if it does not exist."""
    columns = ", ".join(_SORT_COLUMNS[sort])
    row = conn.execute(f"SELECT {columns} FROM conversations c WHERE c.id = ?", (conversation_id,)).fetchone()
    return tuple(int(value) for value in row) if row else None


def position(conn: sqlite3.Connection, flt: QueueFilter, sort: Sort, conversation_id: int) -> int | None:
    """Return the 0-based index of a conversation in the view, or None when the view does not hold it."""
    key = key_of(conn, conversation_id, sort)
    if key is None:
        return None
    where, params = flt.where()
    found = conn.execute(
        f"SELECT 1 FROM conversations c WHERE {where} AND c.id = ?", [*params, conversation_id]
    ).fetchone()
    if found is None:
        return None
    condition, extra = _beyond(sort, key, forwards=False)
    sql = f"SELECT count(*) FROM conversations c WHERE {where} AND {condition}"
    return int(conn.execute(sql, params + extra).fetchone()[0])


def landmarks(conn: sqlite3.Connection, flt: QueueFilter, sort: Sort, step: int) -> list[Key]:
    """Return the keys of rows step-1, 2*step-1, ... so that row `n` is found from landmark `n // step - 1`.

    Reads only the index; run it off the event loop for large views.
    """
    where, params = flt.where()
    columns = ", ".join(_SORT_COLUMNS[sort])
    sql = f"""
        SELECT {columns} FROM (
            SELECT {columns}, row_number() OVER (ORDER BY {_order(sort)}) AS n
            FROM conversations c WHERE {where}
        ) c WHERE n % ? = 0 ORDER BY n
    """
    return [tuple(int(v) for v in row) for row in conn.execute(sql, [*params, step])]


def fetch_ids(
    conn: sqlite3.Connection, flt: QueueFilter, sort: Sort, ids: Collection[int]
) -> list[ConversationRow]:
    """Return the rows among `ids` that the view holds, in display order (reads them by id, not the view)."""
    where, params = flt.where()
    # CROSS JOIN keeps SQLite on the primary key: a few ids, never a walk of the view's index.
    sql = (
        f"{_SELECT.replace('FROM conversations c', 'FROM json_each(?) j CROSS JOIN conversations c ON c.id = j.value', 1)}"
        f" WHERE {where} ORDER BY {_order(sort)}"
    )
    return [_row(values) for values in conn.execute(sql, [json.dumps(sorted(ids)), *params])]
