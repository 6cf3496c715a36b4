"""Rows for `cockpit export`: posts, conversations and people as plain dictionaries."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

POST_FIELDS = (
    "platform",
    "account",
    "ext_id",
    "conversation_id",
    "thread_key",
    "author_handle",
    "author_name",
    "text",
    "url",
    "title",
    "created_at",
    "edited_at",
    "in_reply_to",
    "direction",
    "deleted",
)
CONVERSATION_FIELDS = (
    "id",
    "platform",
    "account",
    "thread_key",
    "source",
    "title",
    "url",
    "status",
    "snooze_until",
    "tags",
    "priority",
    "unread",
    "answered",
    "post_count",
    "started_at",
    "last_activity_at",
    "last_author_handle",
)
PEOPLE_FIELDS = (
    "id",
    "name",
    "organisation",
    "role",
    "stage",
    "tags",
    "interests",
    "notes",
    "cadence_days",
    "timezone",
    "identities",
    "created_at",
    "updated_at",
)


def iso(timestamp: int | None) -> str | None:
    """Format Unix seconds as ISO-8601 UTC (`2026-11-21T09:30:00Z`)."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_posts(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Yield every post, oldest first."""
    rows = conn.execute(
        """
        SELECT c.platform, a.name, p.ext_id, p.conversation_id, c.thread_key, p.author_handle, p.author_name,
               p.text, p.url, p.title, p.created_at, p.edited_at, p.in_reply_to, p.direction, p.deleted
        FROM posts p JOIN conversations c ON c.id = p.conversation_id JOIN accounts a ON a.id = p.account_id
        ORDER BY p.created_at, p.id
        """
    )
    for row in rows:
        record = dict(zip(POST_FIELDS, row, strict=True))
        record["created_at"] = iso(record["created_at"])
        record["edited_at"] = iso(record["edited_at"])
        record["deleted"] = bool(record["deleted"])
        yield record


def iter_conversations(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Yield every conversation, most recently active first."""
    rows = conn.execute(
        """
        SELECT c.id, c.platform, a.name, c.thread_key, c.source, c.title, c.url, c.status, c.snooze_until,
               (SELECT group_concat(tag, ' ') FROM conversation_tags t WHERE t.conversation_id = c.id),
               c.priority, c.unread, c.answered, c.post_count, c.started_at, c.last_activity_at, i.handle
        FROM conversations c JOIN accounts a ON a.id = c.account_id
        LEFT JOIN identities i ON i.id = c.last_author_id
        ORDER BY c.last_activity_at DESC, c.id DESC
        """
    )
    for row in rows:
        record = dict(zip(CONVERSATION_FIELDS, row, strict=True))
        record["tags"] = sorted((record["tags"] or "").split())
        record["unread"] = bool(record["unread"])
        record["answered"] = bool(record["answered"])
        for name in ("snooze_until", "started_at", "last_activity_at"):
            record[name] = iso(record[name])
        yield record


def iter_people(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Yield every person (merged ones excluded) with their stage key and identities (ext_id: the platform's id)."""
    identities: dict[int, list[dict[str, Any]]] = {}
    for person_id, platform, host, ext_id, handle, name, url, reach in conn.execute(
        "SELECT person_id, platform, host, ext_id, handle, name, url, reach FROM identities "
        "WHERE person_id IS NOT NULL ORDER BY platform, host, handle, id"
    ):
        identities.setdefault(person_id, []).append(
            {
                "platform": platform,
                "host": host,
                "ext_id": ext_id,
                "handle": handle,
                "name": name,
                "url": url,
                "reach": reach,
            }
        )
    rows = conn.execute(
        """
        SELECT id, name, organisation, role, stage, tags, interests, notes, cadence_days, timezone, created_at,
               updated_at
        FROM people WHERE merged_into IS NULL ORDER BY name, id
        """
    )
    for row in rows:
        record: dict[str, Any] = dict(zip([f for f in PEOPLE_FIELDS if f != "identities"], row, strict=True))
        record["tags"] = json.loads(record["tags"])
        record["interests"] = json.loads(record["interests"])
        record["identities"] = identities.get(record["id"], [])
        record["created_at"] = iso(record["created_at"])
        record["updated_at"] = iso(record["updated_at"])
        yield {name: record[name] for name in PEOPLE_FIELDS}
