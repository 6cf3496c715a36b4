"""Triage actions on a selection of conversations, each one transaction and one step of a lasting undo log.

Every action records in `undo_log`, in the same transaction, the values it overwrote: for status, snooze,
priority and read-state actions the touched rows grouped by their previous values (`{"columns": [...],
"groups": [[[values...], [ids...]], ...]}`, so 5,000 conversations leaving the Inbox are one group), for tag
actions the ids that gained or lost each tag. `undo` puts those values back row by row and marks the step
undone. Rows an action would not change (a done conversation marked done again) are left out, and an action
that changes nothing records no step. The log keeps the newest `undo_depth` steps.

Selections travel to SQLite as one JSON array (`json_each`), so a bulk action is a few set-based statements
whatever its size. A new inbound post reopens a done conversation (`store.ingest`); snoozed and muted ones
keep their status, and `wake_due` returns snoozed ones to the Inbox when their time comes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cockpit.store.db import Store
from cockpit.store.queue import QueueFilter

Selection = Iterable[int] | QueueFilter
"""Which conversations an action applies to: their ids, or every conversation a view's filter matches."""

DEFAULT_UNDO_DEPTH = 100
"""Steps kept in the undo log when the caller gives no `settings.undo_depth`."""
MAX_TAG_LENGTH = 64
"""Longest tag accepted."""

_IDS = "SELECT value FROM json_each(?)"
_RESTORABLE = frozenset({"status", "snooze_until", "priority", "unread"})
_STATUS_COLUMNS = ("status", "snooze_until")


@dataclass(frozen=True)
class ActionResult:
    """What an action changed: its undo step (None when nothing changed) and the conversations touched."""

    action: str
    label: str
    ids: tuple[int, ...]
    step_id: int | None

    @property
    def changed(self) -> int:
        """How many conversations changed."""
        return len(self.ids)


@dataclass(frozen=True)
class UndoResult:
    """What `undo` put back: the step's action and label, and the conversations it restored."""

    step_id: int
    action: str
    label: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class UndoEntry:
    """One step of the undo history, newest first in `history`."""

    id: int
    created_at: datetime
    action: str
    label: str
    count: int
    undone: bool


def _id_list(ids: Iterable[int]) -> list[int]:
    """The distinct ids of a selection, in first-seen order; a non-integer is a programming error."""
    unique: dict[int, None] = {}
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"conversation ids are integers, got {value!r}")
        unique[value] = None
    return list(unique)


def _selection(ids: Selection) -> tuple[str, list[Any]]:
    """A subquery yielding the selected conversation ids, and its parameters (a filter stays in SQL)."""
    if isinstance(ids, QueueFilter):
        where, params = ids.where()
        return f"SELECT c.id FROM conversations c WHERE {where}", params
    return _IDS, [json.dumps(_id_list(ids))]


def _plural(count: int) -> str:
    return f"{count:,} conversation" + ("" if count == 1 else "s")


def _timestamp(moment: datetime, what: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
    return int(moment.timestamp())


def _record(
    conn: sqlite3.Connection,
    action: str,
    label: str,
    payload: dict[str, Any],
    *,
    at: int,
    undo_depth: int,
) -> int:
    """Append one undo step and drop the steps beyond `undo_depth`; return the new step's id."""
    if undo_depth < 1:
        raise ValueError("undo_depth must be at least 1")
    cursor = conn.execute(
        "INSERT INTO undo_log (created_at, action, label, payload) VALUES (?, ?, ?, ?)",
        (at, action, label, json.dumps(payload, separators=(",", ":"))),
    )
    conn.execute(
        "DELETE FROM undo_log WHERE id <= (SELECT id FROM undo_log ORDER BY id DESC LIMIT 1 OFFSET ?)",
        (undo_depth,),
    )
    return int(cursor.lastrowid or 0)


def _set_columns(
    store: Store,
    ids: Selection,
    *,
    action: str,
    verb: str,
    values: dict[str, Any],
    only_status: str | None = None,
    undo_depth: int,
    at: int | None,
    detail: str = "",
) -> ActionResult:
    """Set `values` on the selected conversations (those with status `only_status`, when given) as one step."""
    subquery, selected = _selection(ids)
    columns = tuple(values)
    assigned = ", ".join(f"{column} = ?" for column in columns)
    differs = " OR ".join(f"{column} IS NOT ?" for column in columns)
    condition = f"id IN ({subquery}) AND ({differs})"
    params: list[Any] = [*selected, *values.values()]
    if only_status is not None:
        condition += " AND status = ?"
        params.append(only_status)
    with store.write() as conn:
        previous = conn.execute(
            f"SELECT {', '.join(columns)}, id FROM conversations WHERE {condition}", params
        )
        groups: dict[tuple[Any, ...], list[int]] = {}
        for row in previous:
            groups.setdefault(tuple(row[:-1]), []).append(row[-1])
        touched = tuple(sorted(row_id for group in groups.values() for row_id in group))
        label = f"{verb} {_plural(len(touched))}{detail}"
        if not touched:
            return ActionResult(action=action, label=label, ids=(), step_id=None)
        conn.execute(
            f"UPDATE conversations SET {assigned} WHERE id IN ({_IDS})",
            [*values.values(), json.dumps(touched)],
        )
        payload = {
            "count": len(touched),
            "columns": list(columns),
            "groups": [[list(key), members] for key, members in groups.items()],
        }
        step = _record(conn, action, label, payload, at=at or _now(), undo_depth=undo_depth)
    return ActionResult(action=action, label=label, ids=touched, step_id=step)


def _now() -> int:
    return int(datetime.now(UTC).timestamp())


def done(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Mark conversations done: they leave the Inbox (a snooze is cancelled) until a new post reopens them."""
    values = {"status": "done", "snooze_until": None}
    return _set_columns(store, ids, action="done", verb="Done:", values=values, undo_depth=undo_depth, at=at)


def snooze(
    store: Store,
    ids: Selection,
    until: datetime,
    *,
    now: datetime | None = None,
    undo_depth: int = DEFAULT_UNDO_DEPTH,
) -> ActionResult:
    """Hide conversations until `until` (aware), when `wake_due` returns them to the Inbox."""
    current = _timestamp(now, "now") if now is not None else _now()
    wake_at = _timestamp(until, "the snooze time")
    if wake_at <= current:
        raise ValueError("the snooze time is in the past: choose a later time")
    values = {"status": "snoozed", "snooze_until": wake_at}
    return _set_columns(
        store,
        ids,
        action="snooze",
        verb="Snoozed",
        values=values,
        undo_depth=undo_depth,
        at=current,
        detail=f" until {until:%a %d %b %H:%M}",  # in the zone the time was chosen in
    )


def unsnooze(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Bring snoozed conversations back to the Inbox now (others in the selection are left as they are)."""
    values = {"status": "inbox", "snooze_until": None}
    return _set_columns(
        store,
        ids,
        action="unsnooze",
        verb="Unsnoozed",
        values=values,
        only_status="snoozed",
        undo_depth=undo_depth,
        at=at,
    )


def mute(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Mute conversations: they leave the Inbox and new posts in them do not bring them back."""
    values = {"status": "muted", "snooze_until": None}
    return _set_columns(store, ids, action="mute", verb="Muted", values=values, undo_depth=undo_depth, at=at)


def unmute(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Return muted conversations to the Inbox (others in the selection are left as they are)."""
    values = {"status": "inbox", "snooze_until": None}
    return _set_columns(
        store,
        ids,
        action="unmute",
        verb="Unmuted",
        values=values,
        only_status="muted",
        undo_depth=undo_depth,
        at=at,
    )


def set_priority(
    store: Store,
    ids: Selection,
    priority: int,
    *,
    undo_depth: int = DEFAULT_UNDO_DEPTH,
    at: int | None = None,
) -> ActionResult:
    """Set the manual priority of conversations (higher comes first in the priority order)."""
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise TypeError(f"a priority is an integer, got {priority!r}")
    return _set_columns(
        store,
        ids,
        action="priority",
        verb=f"Priority {priority}:",
        values={"priority": priority},
        undo_depth=undo_depth,
        at=at,
    )


def mark_read(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Mark conversations read."""
    return _set_columns(
        store, ids, action="read", verb="Read:", values={"unread": 0}, undo_depth=undo_depth, at=at
    )


def mark_unread(
    store: Store, ids: Selection, *, undo_depth: int = DEFAULT_UNDO_DEPTH, at: int | None = None
) -> ActionResult:
    """Mark conversations unread."""
    return _set_columns(
        store, ids, action="unread", verb="Unread:", values={"unread": 1}, undo_depth=undo_depth, at=at
    )


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Return the distinct tags, stripped; raise ValueError naming a tag that is empty, spaced or too long."""
    clean: dict[str, None] = {}
    for tag in tags:
        text = tag.strip()
        if not text:
            raise ValueError("a tag cannot be empty")
        if len(text) > MAX_TAG_LENGTH:
            raise ValueError(f"tag {text[:20]!r}... is longer than {MAX_TAG_LENGTH} characters")
        if any(char.isspace() or not char.isprintable() for char in text):
            raise ValueError(f"tag {text[:MAX_TAG_LENGTH]!r} has spaces or control characters: use - or _")
        clean[text] = None
    if not clean:
        raise ValueError("give at least one tag")
    return list(clean)


def add_tags(
    store: Store,
    ids: Selection,
    tags: Iterable[str],
    *,
    undo_depth: int = DEFAULT_UNDO_DEPTH,
    at: int | None = None,
) -> ActionResult:
    """Add tags to conversations; undo removes each tag only where this step added it."""
    names = normalise_tags(tags)
    subquery, selected = _selection(ids)
    gained: dict[str, list[int]] = {}
    with store.write() as conn:
        for tag in names:
            rows = conn.execute(
                f"""
                INSERT INTO conversation_tags (conversation_id, tag)
                SELECT c.id, ? FROM conversations c WHERE c.id IN ({subquery})
                AND NOT EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = ?)
                RETURNING conversation_id
                """,
                (tag, *selected, tag),
            ).fetchall()
            if rows:
                gained[tag] = sorted(row[0] for row in rows)
        return _tag_step(conn, "tag", "Tagged", names, gained, undo_depth=undo_depth, at=at)


def remove_tags(
    store: Store,
    ids: Selection,
    tags: Iterable[str],
    *,
    undo_depth: int = DEFAULT_UNDO_DEPTH,
    at: int | None = None,
) -> ActionResult:
    """Remove tags from conversations; undo puts each tag back where this step removed it."""
    names = normalise_tags(tags)
    subquery, selected = _selection(ids)
    lost: dict[str, list[int]] = {}
    with store.write() as conn:
        for tag in names:
            rows = conn.execute(
                f"DELETE FROM conversation_tags WHERE tag = ? AND conversation_id IN ({subquery}) "
                "RETURNING conversation_id",
                (tag, *selected),
            ).fetchall()
            if rows:
                lost[tag] = sorted(row[0] for row in rows)
        return _tag_step(conn, "untag", "Untagged", names, lost, undo_depth=undo_depth, at=at)


def _tag_step(
    conn: sqlite3.Connection,
    action: str,
    verb: str,
    names: Sequence[str],
    members: dict[str, list[int]],
    *,
    undo_depth: int,
    at: int | None,
) -> ActionResult:
    touched = tuple(sorted({row_id for group in members.values() for row_id in group}))
    label = f"{verb} {_plural(len(touched))} " + " ".join(f"#{name}" for name in names)
    if not touched:
        return ActionResult(action=action, label=label, ids=(), step_id=None)
    payload = {"count": len(touched), "tags": members}
    step = _record(conn, action, label, payload, at=at or _now(), undo_depth=undo_depth)
    return ActionResult(action=action, label=label, ids=touched, step_id=step)


def undo(store: Store) -> UndoResult | None:
    """Undo the newest step not yet undone, restoring each row's own previous values; None when none is left."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT id, action, label, payload FROM undo_log WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        step_id, action, label, text = row
        payload = json.loads(text)
        touched: set[int] = set()
        if "groups" in payload:
            columns = payload["columns"]
            if not set(columns) <= _RESTORABLE:
                raise ValueError(f"undo step {step_id} names columns it may not restore: {columns}")
            assigned = ", ".join(f"{column} = ?" for column in columns)
            conn.executemany(
                f"UPDATE conversations SET {assigned} WHERE id IN ({_IDS})",
                [(*values, json.dumps(members)) for values, members in payload["groups"]],
            )
            for _, members in payload["groups"]:
                touched.update(members)
        elif action == "tag":
            for tag, members in payload["tags"].items():
                conn.execute(
                    f"DELETE FROM conversation_tags WHERE tag = ? AND conversation_id IN ({_IDS})",
                    (tag, json.dumps(members)),
                )
                touched.update(members)
        elif action == "untag":
            for tag, members in payload["tags"].items():
                # A conversation deleted since has nothing to put the tag back on.
                conn.execute(
                    f"INSERT OR IGNORE INTO conversation_tags (conversation_id, tag) "
                    f"SELECT c.id, ? FROM conversations c WHERE c.id IN ({_IDS})",
                    (tag, json.dumps(members)),
                )
                touched.update(members)
        else:
            raise ValueError(f"undo step {step_id} has an action this cockpit cannot undo: {action!r}")
        conn.execute("UPDATE undo_log SET undone = 1 WHERE id = ?", (step_id,))
    return UndoResult(step_id=step_id, action=action, label=label, ids=tuple(sorted(touched)))


def history(store: Store, limit: int = 50) -> list[UndoEntry]:
    """Return the newest `limit` undo steps, newest first, undone ones included (flagged)."""
    rows = store.conn.execute(
        """
        SELECT id, created_at, action, label, coalesce(json_extract(payload, '$.count'), 0), undone
        FROM undo_log ORDER BY id DESC LIMIT ?
        """,
        (limit,),
    )
    return [
        UndoEntry(
            id=row[0],
            created_at=datetime.fromtimestamp(row[1], UTC),
            action=row[2],
            label=row[3],
            count=int(row[4]),
            undone=bool(row[5]),
        )
        for row in rows
    ]


def wake_due(store: Store, now: datetime) -> list[int]:
    """Return to the Inbox, unread, every snoozed conversation whose time is at or before `now`; return their ids.

    It only reads the table, so snoozes that ended while the cockpit was closed wake on the first call.
    """
    moment = _timestamp(now, "now")
    with store.write() as conn:
        rows = conn.execute(
            """
            UPDATE conversations INDEXED BY conversations_snoozed_until
            SET status = 'inbox', snooze_until = NULL, unread = 1
            WHERE status = 'snoozed' AND snooze_until <= ?
            RETURNING id
            """,
            (moment,),
        ).fetchall()
    return sorted(row[0] for row in rows)


def next_wake(store: Store) -> datetime | None:
    """Return when the next snoozed conversation is due to wake (None when nothing is snoozed)."""
    row = store.conn.execute(
        "SELECT min(snooze_until) FROM conversations INDEXED BY conversations_snoozed_until "
        "WHERE status = 'snoozed'"
    ).fetchone()
    return None if row is None or row[0] is None else datetime.fromtimestamp(row[0], UTC)


def known_tags(store: Store, prefix: str = "", limit: int = 50) -> list[tuple[str, int]]:
    """Return tags in use that start with `prefix`, with how many conversations carry each, most used first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.conn.execute(
        """
        SELECT tag, count(*) AS uses FROM conversation_tags WHERE tag LIKE ? ESCAPE '\\'
        GROUP BY tag ORDER BY uses DESC, tag LIMIT ?
        """,
        (escaped + "%", limit),
    )
    return [(row[0], int(row[1])) for row in rows]
