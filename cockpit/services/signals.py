"""Relationship signals derived from the interaction log: two-way, warmth, reach, cadence, and suggestions.

Formulas (docs/people.md has the worked examples the tests check):

- two-way: inbound and outbound interactions of the last 90 days, and the conversations where both sides
  spoke in that window;
- warmth: the sum, over the interactions of the last 90 days, of the kind's weight (`KIND_WEIGHTS`) halved
  for every `WARMTH_HALF_LIFE_DAYS` since it happened: w * 0.5 ** (age_days / 14);
- reach: the audience each identity's platform reports; combined, their sum (None when none is known);
- cadence: the person's own touch interval, else their stage's; due = (our last outbound touch, else the
  day they were tracked) + cadence; an open outreach item snoozed later pushes the due date to its wake time.

Stored copies (people.last_touch_at, warmth, reach, next_due_at, due_key, handles) make the people list sort
by index. They are refreshed for the people a write touches (every write in services.people, in its own
transaction), for the people new interactions belong to after each sync round (`people_upkeep`), and for
everyone once a day (warmth decays with time even when nothing happens).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cockpit.store.db import Store

if TYPE_CHECKING:
    from cockpit.config import PeopleSettings

DAY = 86_400
WINDOW_DAYS = 90
"""Days of log the two-way measure and warmth look at."""
WARMTH_HALF_LIFE_DAYS = 14.0
"""An interaction's contribution to warmth halves every this many days."""
KIND_WEIGHTS: dict[str, float] = {
    "post": 1.0,
    "reply": 1.0,
    "mention": 1.0,
    "like": 0.25,
    "outreach": 0.5,
    "email": 1.5,
    "message": 1.5,
    "call": 3.0,
    "meetup": 4.0,
    "gift": 2.0,
    "note": 0.0,
}
"""Weight of one interaction by kind in the warmth sum; kinds not listed weigh 1."""
FULL_REFRESH_EVERY = DAY
"""Seconds between refreshes of every person's stored signals (`people_upkeep`)."""
NO_DUE = 9_223_372_036_854_775_807
"""`people.due_key` of a person without a cadence: they sort after everyone who has a due date."""


@dataclass(frozen=True)
class Thresholds:
    """When suggestions fire (the `[people]` table of config.toml sets them)."""

    new_min_interactions: int = 3
    new_window_days: int = 30
    promote_two_way: int = 2
    promote_mentions: int = 3
    slipping_after_days: int = 45


@dataclass(frozen=True)
class Signals:
    """A person's relationship signals at a moment."""

    inbound_90d: int
    outbound_90d: int
    two_way_conversations_90d: int
    warmth: float
    reach: int | None
    reach_by_identity: dict[int, int]
    last_touch_at: datetime | None
    due_at: datetime | None
    overdue_days: int
    cadence_days: int | None = None
    mentions_90d: int = 0


@dataclass(frozen=True)
class NewStakeholder:
    """An untracked author who keeps engaging: proposed for tracking."""

    identity_id: int
    platform: str
    handle: str
    name: str
    interactions: int
    two_way_threads: int
    reason: str


@dataclass(frozen=True)
class Promotion:
    """A tracked person whose signals suggest the next stage."""

    person_id: int
    name: str
    from_stage: str
    to_stage: str
    reason: str


@dataclass(frozen=True)
class Slipping:
    """A tracked person going quiet."""

    person_id: int
    name: str
    stage: str
    last_touch_at: datetime
    quiet_days: int


@dataclass(frozen=True)
class Suggestions:
    """What the tracker proposes; nothing here is applied without the user."""

    new_stakeholders: list[NewStakeholder] = field(default_factory=list)
    promotions: list[Promotion] = field(default_factory=list)
    slipping: list[Slipping] = field(default_factory=list)


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def weight(kind: str) -> float:
    """The warmth weight of one interaction of `kind`."""
    return KIND_WEIGHTS.get(kind, 1.0)


def warmth_of(touches: Iterable[tuple[str, int]], now: int) -> float:
    """Warmth of (kind, occurred_at) touches at `now`: sum of weight * 0.5 ** (age_days / half-life), last 90 days."""
    total = 0.0
    for kind, at in touches:
        age = now - at
        if 0 <= age < WINDOW_DAYS * DAY:
            total += weight(kind) * 0.5 ** (age / (WARMTH_HALF_LIFE_DAYS * DAY))
    return total


# --- one person ---------------------------------------------------------------------------------------


def signals_for(conn: sqlite3.Connection, person_id: int, now: datetime) -> Signals:
    """Compute a person's signals from the log at `now` (exact; the stored copies may be up to a day old)."""
    at = _ts(now)
    since = at - WINDOW_DAYS * DAY
    rows = conn.execute(
        "SELECT direction, kind, occurred_at, conversation_id, post_id FROM interactions "
        "WHERE person_id = ? AND occurred_at > ? AND occurred_at <= ?",
        (person_id, since, at),
    ).fetchall()
    inbound = sum(1 for row in rows if row[0] == "in")
    outbound = sum(1 for row in rows if row[0] == "out")
    mentions = sum(
        1 for row in rows if row[0] == "in" and row[1] in ("post", "mention") and row[4] is not None
    )
    sides: dict[int, set[str]] = {}
    for direction, _kind, _at, conversation_id, _post in rows:
        if conversation_id is not None:
            sides.setdefault(conversation_id, set()).add(direction)
    two_way = sum(1 for found in sides.values() if len(found) == 2)
    warmth = warmth_of(((row[1], row[2]) for row in rows), at)
    reach_by_identity = {
        identity_id: reach
        for identity_id, reach in conn.execute(
            "SELECT id, reach FROM identities WHERE person_id = ? AND reach IS NOT NULL", (person_id,)
        )
    }
    reach = sum(reach_by_identity.values()) if reach_by_identity else None
    last_touch, last_out = conn.execute(
        "SELECT max(occurred_at), max(CASE WHEN direction = 'out' THEN occurred_at END) FROM interactions "
        "WHERE person_id = ? AND occurred_at <= ?",
        (person_id, at),
    ).fetchone()
    cadence, due = _due(conn, person_id, last_out)
    overdue = max(0, (at - due) // DAY) if due is not None else 0
    return Signals(
        inbound_90d=inbound,
        outbound_90d=outbound,
        two_way_conversations_90d=two_way,
        warmth=warmth,
        reach=reach,
        reach_by_identity=reach_by_identity,
        last_touch_at=_dt(last_touch),
        due_at=_dt(due),
        overdue_days=int(overdue),
        cadence_days=cadence,
        mentions_90d=mentions,
    )


def _due(conn: sqlite3.Connection, person_id: int, last_out: int | None) -> tuple[int | None, int | None]:
    """Return (cadence days, due time) of a person, or (None, None) without a cadence."""
    row = conn.execute(
        """
        SELECT coalesce(p.cadence_days, s.cadence_days), p.created_at,
               (SELECT max(snooze_until) FROM conversations c
                WHERE c.person_id = p.id AND c.source = 'outreach' AND c.status = 'snoozed')
        FROM people p LEFT JOIN stages s ON s.key = p.stage WHERE p.id = ?
        """,
        (person_id,),
    ).fetchone()
    if row is None or row[0] is None:
        return None, None
    cadence, created, snoozed = row
    due = (last_out if last_out is not None else created) + cadence * DAY
    if snoozed is not None:
        due = max(due, snoozed)
    return cadence, due


# --- stored copies ------------------------------------------------------------------------------------


def _ensure_pow(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("SELECT pow(2, 1)").fetchone()
    except sqlite3.OperationalError:  # SQLite built without its math functions
        conn.create_function("pow", 2, math.pow, deterministic=True)


def _weight_sql() -> str:
    cases = " ".join(f"WHEN '{kind}' THEN {value!r}" for kind, value in KIND_WEIGHTS.items())
    return f"(CASE kind {cases} ELSE 1.0 END)"


def refresh_rows(conn: sqlite3.Connection, now: int, person_ids: Iterable[int] | None) -> int:
    """Recompute the stored signal columns of `person_ids` (None: everyone) inside the caller's transaction."""
    _ensure_pow(conn)
    if person_ids is None:
        where, params = "merged_into IS NULL", {}
    else:
        ids = sorted(set(person_ids))
        if not ids:
            return 0
        where, params = "id IN (SELECT value FROM json_each(:ids))", {"ids": json.dumps(ids)}
    half = WARMTH_HALF_LIFE_DAYS * DAY
    cursor = conn.execute(
        f"""
        UPDATE people SET
            (last_touch_at, last_in_at, last_out_at, warmth) = (
                SELECT coalesce(max(occurred_at), 0),
                       max(CASE WHEN direction = 'in' THEN occurred_at END),
                       max(CASE WHEN direction = 'out' THEN occurred_at END),
                       round(coalesce(sum(CASE WHEN occurred_at > :now - {WINDOW_DAYS * DAY}
                           THEN {_weight_sql()} * pow(0.5, (:now - occurred_at) / {half!r}) END), 0), 6)
                FROM interactions WHERE person_id = people.id AND occurred_at <= :now),
            (reach, handles) = (
                SELECT coalesce(sum(reach), -1), coalesce(group_concat(lower(handle), ' '), '')
                FROM identities WHERE person_id = people.id),
            signals_at = :now
        WHERE {where}
        """,
        {"now": now, **params},
    )
    conn.execute(
        f"""
        UPDATE people SET next_due_at = (
            SELECT CASE WHEN cadence IS NULL THEN NULL
                        ELSE max(coalesce(people.last_out_at, people.created_at) + cadence * {DAY}, coalesce(snoozed, 0))
                   END
            FROM (SELECT coalesce(people.cadence_days,
                                  (SELECT cadence_days FROM stages WHERE key = people.stage)) AS cadence,
                         (SELECT max(snooze_until) FROM conversations c WHERE c.person_id = people.id
                          AND c.source = 'outreach' AND c.status = 'snoozed') AS snoozed))
        WHERE {where}
        """,
        params,
    )
    conn.execute(f"UPDATE people SET due_key = coalesce(next_due_at, {NO_DUE}) WHERE {where}", params)
    return cursor.rowcount


def refresh_signals(store: Store, now: datetime, person_ids: Iterable[int] | None = None) -> int:
    """Refresh the stored signals of `person_ids` (None: everyone) in one transaction; return how many rows."""
    with store.write() as conn:
        count = refresh_rows(conn, _ts(now), person_ids)
        if person_ids is None:
            _set_state(conn, "full_refresh_at", _ts(now))
        return count


def _state(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM people_state WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _set_state(conn: sqlite3.Connection, key: str, value: int) -> None:
    conn.execute(
        "INSERT INTO people_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


# --- attributing our replies --------------------------------------------------------------------------

_ATTRIBUTION = """
UPDATE interactions SET person_id = (
    SELECT CASE WHEN them.id IS NOT NULL AND them.identity_id IS NOT NULL AND ti.is_own = 0 THEN ti.person_id
           ELSE (SELECT pi.person_id FROM posts prior JOIN identities pi ON pi.id = prior.identity_id
                 WHERE prior.conversation_id = me.conversation_id AND prior.direction = 'in'
                   AND prior.created_at <= me.created_at AND prior.id != me.id AND pi.person_id IS NOT NULL
                 ORDER BY prior.created_at DESC, prior.id DESC LIMIT 1)
           END
    FROM posts me
    LEFT JOIN posts them ON them.account_id = me.account_id AND them.ext_id = me.in_reply_to
    LEFT JOIN identities ti ON ti.id = them.identity_id
    WHERE me.id = interactions.post_id)
WHERE direction = 'out' AND post_id IS NOT NULL AND {where}
RETURNING person_id
"""
"""Our reply belongs to the person whose post it answers; when that post is not known, to the latest tracked
author who spoke before it in the same conversation."""


def attribute_new(conn: sqlite3.Connection) -> set[int]:
    """Attribute interactions logged since the last call (our replies to their person); return the people touched."""
    mark = _state(conn, "attributed_through")
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchone()[0])
    if top <= mark:
        return set()
    touched = {
        row[0]
        for row in conn.execute(
            _ATTRIBUTION.format(where="id > ? AND id <= ? AND person_id IS NULL"), (mark, top)
        )
        if row[0] is not None
    }
    touched.update(
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT person_id FROM interactions WHERE id > ? AND id <= ? AND person_id IS NOT NULL",
            (mark, top),
        )
    )
    _set_state(conn, "attributed_through", top)
    return touched


def attribute_replies_to(conn: sqlite3.Connection, identity_id: int, person_id: int | None) -> set[int]:
    """Re-attribute our replies in the conversations where `identity_id` spoke (after it was linked or unlinked)."""
    del person_id  # the attribution reads the identity's current person
    conversations = json.dumps(
        [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT conversation_id FROM interactions WHERE identity_id = ? AND conversation_id IS NOT NULL",
                (identity_id,),
            )
        ]
    )
    where = (
        "post_id IN (SELECT p.id FROM posts p WHERE p.direction = 'out' "
        "AND p.conversation_id IN (SELECT value FROM json_each(?)))"
    )
    return {row[0] for row in conn.execute(_ATTRIBUTION.format(where=where), (conversations,)) if row[0]}


def people_upkeep(store: Store, now: datetime, *, daily_limit: int | None = None) -> list[int]:
    """After a sync round: adopt imported handles, attribute new log entries, refresh who they touched
    (everyone once a day), plan outreach.

    Returns the ids of the outreach conversations created (none when `daily_limit` is None or 0).
    """
    at = _ts(now)
    from cockpit.services.people_io import adopt_placeholders

    with store.write() as conn:
        touched = adopt_placeholders(conn)
        touched |= attribute_new(conn)
        if at - _state(conn, "full_refresh_at") >= FULL_REFRESH_EVERY:
            refresh_rows(conn, at, None)
            _set_state(conn, "full_refresh_at", at)
        elif touched:
            refresh_rows(conn, at, touched)
    if not daily_limit:
        return []
    from cockpit.services.outreach import plan_outreach

    return plan_outreach(store, now, daily_limit=daily_limit)


# --- suggestions --------------------------------------------------------------------------------------


DISMISS_KINDS = ("new", "promote", "slipping")
"""What `dismiss_suggestion` can dismiss: a new stakeholder (for good), a promotion (until the person's stage
changes) or a person slipping away (until they are touched again)."""


def dismiss_suggestion(store: Store, kind: str, subject_id: int, at: int) -> None:
    """Remember that the user dismissed a suggestion (`kind` in DISMISS_KINDS; an identity or a person id)."""
    if kind not in DISMISS_KINDS:
        raise ValueError(f"unknown suggestion kind {kind!r}")
    with store.write() as conn:
        conn.execute(
            "INSERT INTO suggestion_dismissals (kind, subject_id, dismissed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, subject_id) DO UPDATE SET dismissed_at = excluded.dismissed_at",
            (kind, subject_id, at),
        )


def _dismissals(conn: sqlite3.Connection) -> bool:
    """Whether the database has the dismissals table (a database migrated before it was added has not)."""
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'suggestion_dismissals'"
        ).fetchone()
        is not None
    )


def suggestions(conn: sqlite3.Connection, now: datetime, thresholds: Thresholds | None = None) -> Suggestions:
    """Return new stakeholders, promotions and people slipping away at `now` (proposals only, the dismissed left out)."""
    limits = thresholds or Thresholds()
    at = _ts(now)
    dismissed = _dismissals(conn)
    return Suggestions(
        new_stakeholders=_new_stakeholders(conn, at, limits, dismissed=dismissed),
        promotions=_promotions(conn, at, limits, dismissed=dismissed),
        slipping=_slipping(conn, at, limits, dismissed=dismissed),
    )


def _new_stakeholders(
    conn: sqlite3.Connection, at: int, limits: Thresholds, limit: int = 50, *, dismissed: bool = False
) -> list[NewStakeholder]:
    since = at - limits.new_window_days * DAY
    skip = (
        " AND i.id NOT IN (SELECT subject_id FROM suggestion_dismissals WHERE kind = 'new')"
        if dismissed
        else ""
    )
    rows = conn.execute(
        """
        SELECT i.id, i.platform, i.handle, i.name,
               (SELECT count(*) FROM interactions x WHERE x.identity_id = i.id AND x.direction = 'in'
                AND x.occurred_at > :since AND x.occurred_at <= :now) AS engaged,
               (SELECT count(*) FROM conversations c
                WHERE c.id IN (SELECT x.conversation_id FROM interactions x WHERE x.identity_id = i.id
                               AND x.occurred_at > :since AND x.occurred_at <= :now)
                  AND (SELECT p.identity_id FROM posts p WHERE p.conversation_id = c.id
                       ORDER BY p.created_at, p.id LIMIT 1) = i.id
                  AND EXISTS (SELECT 1 FROM posts p WHERE p.conversation_id = c.id AND p.direction = 'out')
               ) AS threads
        FROM identities i
        WHERE i.person_id IS NULL AND i.is_own = 0 AND i.last_seen_at > :since - 86400
        """
        + skip,
        {"since": since, "now": at},
    ).fetchall()
    found: list[NewStakeholder] = []
    for identity_id, platform, handle, name, engaged, threads in rows:
        reasons = []
        if engaged >= limits.new_min_interactions:
            reasons.append(f"{engaged} interactions in {limits.new_window_days} days")
        if threads:
            reasons.append(f"started {threads} two-way thread{'s' if threads > 1 else ''}")
        if reasons:
            found.append(
                NewStakeholder(identity_id, platform, handle, name, engaged, threads, "; ".join(reasons))
            )
    found.sort(key=lambda s: (-s.two_way_threads, -s.interactions, s.identity_id))
    return found[:limit]


def _promotions(
    conn: sqlite3.Connection, at: int, limits: Thresholds, limit: int = 50, *, dismissed: bool = False
) -> list[Promotion]:
    order = conn.execute("SELECT key, label FROM stages ORDER BY position, key").fetchall()
    if len(order) < 2:
        return []
    position = {key: index for index, (key, _label) in enumerate(order)}
    labels = dict(order)
    since = at - WINDOW_DAYS * DAY
    candidates = {
        person_id: (name, stage)
        for person_id, name, stage in conn.execute(
            "SELECT id, name, stage FROM people WHERE merged_into IS NULL AND last_in_at > ? AND stage != ?",
            (since, order[-1][0]),
        )
    }
    if dismissed:  # a dismissed promotion stays dismissed until the person's stage changes
        for (person_id,) in conn.execute(
            """
            SELECT d.subject_id FROM suggestion_dismissals d WHERE d.kind = 'promote'
              AND d.dismissed_at >= coalesce((SELECT max(l.at) FROM stage_log l WHERE l.person_id = d.subject_id), 0)
            """
        ):
            candidates.pop(person_id, None)
    # One pass over the window's log (read in table order: at 1M interactions 0.6 s, against 1.5 s through
    # interactions_by_person person by person; benchmarks.people), grouped by person and conversation.
    counts = conn.execute(
        """
        SELECT person_id, sum(both_sides), sum(mentions) FROM (
            SELECT x.person_id,
                   count(DISTINCT x.direction) = 2 AND x.conversation_id IS NOT NULL AS both_sides,
                   sum(x.direction = 'in' AND x.kind IN ('post', 'mention') AND x.post_id IS NOT NULL) AS mentions
            FROM interactions x NOT INDEXED
            WHERE x.person_id IS NOT NULL AND x.occurred_at > ? AND x.occurred_at <= ?
            GROUP BY x.person_id, x.conversation_id)
        GROUP BY person_id
        """,
        (since, at),
    ).fetchall()
    found: list[tuple[int, int, Promotion]] = []
    for person_id, two_way, mentions in counts:
        if person_id not in candidates:
            continue
        name, stage = candidates[person_id]
        if stage not in position:
            continue
        reasons = []
        if two_way >= limits.promote_two_way:
            reasons.append(f"{two_way} two-way conversations in 90 days")
        if mentions >= limits.promote_mentions:
            reasons.append(f"{mentions} unprompted posts in 90 days")
        if reasons:
            next_key = order[position[stage] + 1][0]
            promotion = Promotion(person_id, name, labels[stage], labels[next_key], "; ".join(reasons))
            found.append((two_way, mentions, promotion))
    found.sort(key=lambda item: (-item[0], -item[1], item[2].person_id))
    return [item[2] for item in found[:limit]]


def _slipping(
    conn: sqlite3.Connection, at: int, limits: Thresholds, limit: int = 50, *, dismissed: bool = False
) -> list[Slipping]:
    cutoff = at - limits.slipping_after_days * DAY
    skip = (
        " AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals d WHERE d.kind = 'slipping'"
        " AND d.subject_id = p.id AND d.dismissed_at >= p.last_touch_at)"
        if dismissed
        else ""
    )
    rows = conn.execute(
        """
        SELECT p.id, p.name, s.label, p.last_touch_at FROM people p JOIN stages s ON s.key = p.stage
        WHERE p.merged_into IS NULL AND p.last_touch_at > 0 AND p.last_touch_at <= ? AND p.stage_position >= 1
        """
        + skip
        + " ORDER BY p.last_touch_at DESC, p.id LIMIT ?",
        (cutoff, limit),
    ).fetchall()
    return [
        Slipping(pid, name, label, datetime.fromtimestamp(last, UTC), (at - last) // DAY)
        for pid, name, label, last in rows
    ]


def thresholds_from(settings: PeopleSettings) -> Thresholds:
    """The suggestion thresholds config.toml's `[people]` table sets."""
    return Thresholds(
        new_min_interactions=settings.new_stakeholder_interactions,
        new_window_days=settings.new_stakeholder_window_days,
        promote_two_way=settings.promote_two_way,
        promote_mentions=settings.promote_mentions,
        slipping_after_days=settings.slipping_after_days,
    )
