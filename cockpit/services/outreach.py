"""Paced outreach: when a tracked person is due (their cadence has passed), an item appears in the Inbox.

An outreach item is a conversation with `source = 'outreach'` and `person_id` set, on the account of the
person's latest conversation, whose excerpt says when we last spoke and about what. At most `daily_limit`
items are created per day (the day of `now` in its own time zone), counting those already created that day,
so engagement stays slow whatever the backlog; people left over come first the next day (most overdue
first). A person with an open item (in the Inbox or snoozed) gets no second one. Marking an item done logs
an 'outreach' touch (a trigger, migration 7) and moves the next due date; snoozing it pushes the due date to
its wake time; a reply to the person counts as the touch by itself and closes the item.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from cockpit.services.signals import DAY, attribute_new, refresh_rows
from cockpit.store.db import Store

TOPIC_LENGTH = 80
"""Characters of their latest post quoted in an item's excerpt."""


def _day_start(now: datetime) -> int:
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp())


def created_on_day(conn: sqlite3.Connection, now: datetime) -> int:
    """Return how many outreach items were created on the day of `now`."""
    start = _day_start(now)
    end = int((now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).timestamp())
    row = conn.execute(
        "SELECT count(*) FROM conversations WHERE person_id IS NOT NULL AND source = 'outreach' "
        "AND started_at >= ? AND started_at < ?",
        (start, end),
    ).fetchone()
    return int(row[0])


def plan_outreach(store: Store, now: datetime, *, daily_limit: int) -> list[int]:
    """Create the outreach items due at `now`, within what is left of today's limit; return their conversation ids."""
    at = int(now.timestamp())
    with store.write() as conn:
        touched = attribute_new(conn)
        touched.update(_settle_open_items(conn))
        if touched:
            refresh_rows(conn, at, touched)
        room = daily_limit - created_on_day(conn, now)
        if room <= 0:
            return []
        due = conn.execute(
            """
            SELECT p.id, p.name, p.last_touch_at FROM people p
            WHERE p.merged_into IS NULL AND p.due_key <= ?
              AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.person_id = p.id AND c.source = 'outreach'
                              AND c.status IN ('inbox', 'snoozed'))
            ORDER BY p.due_key, p.id
            LIMIT ?
            """,
            (at, room * 4),
        ).fetchall()
        created: list[int] = []
        for person_id, name, last_touch in due:
            if len(created) >= room:
                break
            conversation_id = _create_item(conn, person_id, name, last_touch, at)
            if conversation_id is not None:
                created.append(conversation_id)
        return created


def _settle_open_items(conn: sqlite3.Connection) -> set[int]:
    """Close open items whose person we have touched since they appeared; return the people of open items."""
    rows = conn.execute(
        "SELECT id, person_id, started_at, status FROM conversations "
        "WHERE person_id IS NOT NULL AND source = 'outreach' AND status IN ('inbox', 'snoozed')"
    ).fetchall()
    people: set[int] = set()
    for conversation_id, person_id, started, status in rows:
        people.add(person_id)
        acted = conn.execute(
            "SELECT 1 FROM interactions WHERE person_id = ? AND direction = 'out' AND occurred_at >= ? LIMIT 1",
            (person_id, started),
        ).fetchone()
        if acted and status == "inbox":
            conn.execute(
                "UPDATE conversations SET status = 'done', unread = 0 WHERE id = ?", (conversation_id,)
            )
    return people


def _create_item(conn: sqlite3.Connection, person_id: int, name: str, last_touch: int, at: int) -> int | None:
    """Insert one outreach conversation for a due person; None when there is no account to put it on."""
    latest = conn.execute(
        """
        SELECT c.account_id, x.identity_id FROM interactions x JOIN conversations c ON c.id = x.conversation_id
        WHERE x.person_id = ? AND c.source != 'outreach'
        ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1
        """,
        (person_id,),
    ).fetchone()
    identity_id: int | None = None
    if latest is not None:
        account_id = latest[0]
        found = conn.execute(
            """
            SELECT i.id FROM identities i JOIN accounts a ON a.platform = i.platform
            WHERE i.person_id = ? AND a.id = ? ORDER BY i.last_seen_at DESC, i.id LIMIT 1
            """,
            (person_id, account_id),
        ).fetchone()
        identity_id = found[0] if found else None
    else:
        fallback = conn.execute(
            """
            SELECT a.id, i.id FROM identities i JOIN accounts a ON a.platform = i.platform
            WHERE i.person_id = ? ORDER BY i.last_seen_at DESC, a.id LIMIT 1
            """,
            (person_id,),
        ).fetchone()
        if fallback is None:
            fallback = conn.execute("SELECT id, NULL FROM accounts ORDER BY id LIMIT 1").fetchone()
        if fallback is None:
            return None
        account_id, identity_id = fallback
    platform = conn.execute("SELECT platform FROM accounts WHERE id = ?", (account_id,)).fetchone()[0]
    cursor = conn.execute(
        """
        INSERT INTO conversations (account_id, thread_key, platform, source, title, url, status, unread,
                                   post_count, started_at, last_activity_at, last_author_id, excerpt, person_id)
        VALUES (?, ?, ?, 'outreach', ?, '', 'inbox', 1, 0, ?, ?, ?, ?, ?)
        """,
        (
            account_id,
            f"outreach:{person_id}:{at}",
            platform,
            f"Reach out to {name}",
            at,
            at,
            identity_id,
            excerpt_for(conn, person_id, last_touch, at),
            person_id,
        ),
    )
    return int(cursor.lastrowid or 0)


def excerpt_for(conn: sqlite3.Connection, person_id: int, last_touch: int, at: int) -> str:
    """The item's one line: "last spoke 24 days ago: their post about X"."""
    if not last_touch:
        return "no touch yet: time for a first hello"
    days = max(0, (at - last_touch) // DAY)
    when = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    row = conn.execute(
        """
        SELECT p.title, p.text FROM interactions x JOIN posts p ON p.id = x.post_id
        WHERE x.person_id = ? AND x.direction = 'in' AND p.deleted = 0
        ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1
        """,
        (person_id,),
    ).fetchone()
    if row is None:
        return f"last spoke {when}"
    topic = " ".join((row[0] or row[1] or "").split())
    if len(topic) > TOPIC_LENGTH:
        topic = topic[: TOPIC_LENGTH - 1].rstrip() + "…"
    return f"last spoke {when}: their post about {topic}" if topic else f"last spoke {when}"
