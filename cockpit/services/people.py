"""The stakeholder tracker: people, their identities, stages, merges (with undo), splits and timelines.

Writes take a `Store` and run inside one `store.write()` transaction each; reads take a `sqlite3.Connection`.
A person's stored signal columns (last touch, warmth, reach, due date) are refreshed by
`services.signals.refresh_signals`; every write here that changes what they depend on refreshes them for
the people it touched, in the same transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cockpit.store.db import Store
from cockpit.store.db import now as unix_now

if TYPE_CHECKING:
    from cockpit.config import PeopleSettings

MANUAL_KINDS = ("call", "meetup", "email", "gift", "message", "note")
"""Kinds of manual timeline entries (`add_manual_entry`)."""
EDITABLE_FIELDS = (
    "name",
    "organisation",
    "role",
    "stage",
    "tags",
    "interests",
    "notes",
    "cadence_days",
    "timezone",
)
"""Fields `create_person` and `update_person` accept."""
MAX_TEXT = 10_000
"""Longest notes or field text accepted."""


class PeopleError(ValueError):
    """A people operation cannot be done as asked (unknown person or stage, bad value); the message says why."""


@dataclass(frozen=True)
class Stage:
    """One stage of the relationship funnel."""

    key: str
    label: str
    position: int
    cadence_days: int | None = None


@dataclass(frozen=True)
class Person:
    """A tracked person, as stored."""

    id: int
    name: str
    organisation: str
    role: str
    stage: str
    tags: tuple[str, ...]
    interests: tuple[str, ...]
    notes: str
    cadence_days: int | None
    timezone: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class IdentityInfo:
    """One platform identity (an author as a platform shows them), attached to a person or not."""

    id: int
    platform: str
    host: str
    handle: str
    name: str
    bio: str
    url: str
    reach: int | None
    person_id: int | None


@dataclass(frozen=True)
class TimelineEntry:
    """One touch in a person's timeline: their post, our reply, or a manual entry."""

    occurred_at: datetime
    direction: str
    kind: str
    platform: str
    text: str
    conversation_id: int | None
    interaction_id: int | None
    manual: bool


@dataclass(frozen=True)
class MergeSuggestion:
    """Two people who look like the same one, and why; offered to the user, never applied silently."""

    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    reason: str


# --- helpers ------------------------------------------------------------------------------------------


def _dt(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _ts(value: datetime) -> int:
    if value.tzinfo is None:
        raise PeopleError("times must carry a time zone")
    return int(value.timestamp())


def sort_name(name: str) -> str:
    """The key people are sorted by name with (case-insensitive)."""
    return name.casefold().strip()


def _clean_list(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,;]", value)]
    if not isinstance(value, list | tuple):
        raise PeopleError(f"{field} must be a list of words")
    items: list[str] = []
    for item in value:
        text = str(item).strip()
        if text and text not in items:
            items.append(text[:200])
    return items


def _check_fields(conn: sqlite3.Connection, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise editable fields into column values."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise PeopleError(f"unknown person field(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for field, value in fields.items():
        if field in ("tags", "interests"):
            values[field] = json.dumps(_clean_list(value, field), ensure_ascii=False)
        elif field == "cadence_days":
            if value in (None, ""):
                values[field] = None
            else:
                try:
                    days = int(value)
                except (TypeError, ValueError):
                    raise PeopleError(
                        f"cadence must be a whole number of days, not {str(value)[:40]!r}"
                    ) from None
                if not 1 <= days <= 3650:
                    raise PeopleError("cadence must be between 1 and 3650 days")
                values[field] = days
        elif field == "stage":
            values[field] = stage_key(conn, str(value))
        elif field == "timezone":
            text = str(value or "").strip()
            if text:
                from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

                try:
                    ZoneInfo(text)
                except (ZoneInfoNotFoundError, ValueError):
                    raise PeopleError(
                        f"unknown time zone {text[:60]!r} (use an IANA name like Europe/Paris)"
                    ) from None
            values[field] = text
        else:
            text = str(value if value is not None else "").strip()
            if field == "name" and not text:
                raise PeopleError("a person needs a name")
            if len(text) > MAX_TEXT:
                raise PeopleError(f"{field} is too long ({len(text)} characters, at most {MAX_TEXT})")
            values[field] = text
    return values


# --- stages -------------------------------------------------------------------------------------------


def stages(conn: sqlite3.Connection) -> list[Stage]:
    """Return the stages in funnel order."""
    return [
        Stage(key, label, position, cadence)
        for key, label, position, cadence in conn.execute(
            "SELECT key, label, position, cadence_days FROM stages ORDER BY position, key"
        )
    ]


def stage_key(conn: sqlite3.Connection, value: str) -> str:
    """Return the key of the stage named `value` (its key or its label, any case); raise PeopleError if none."""
    wanted = value.strip().casefold()
    for stage in stages(conn):
        if wanted in (stage.key.casefold(), stage.label.casefold(), stage.key.replace("_", " ").casefold()):
            return stage.key
    names = ", ".join(stage.label for stage in stages(conn))
    raise PeopleError(f"unknown stage {value.strip()[:60]!r} (stages: {names})")


def rename_stage(store: Store, key: str, label: str) -> None:
    """Give a stage a new label (its key, stored on people, stays)."""
    label = label.strip()
    if not label or len(label) > 60:
        raise PeopleError("a stage label needs 1 to 60 characters")
    with store.write() as conn:
        clash = conn.execute(
            "SELECT key FROM stages WHERE lower(label) = lower(?) AND key != ?", (label, key)
        ).fetchone()
        if clash:
            raise PeopleError(f"another stage is already called {label!r}")
        if conn.execute("UPDATE stages SET label = ? WHERE key = ?", (label, key)).rowcount == 0:
            raise PeopleError(f"no stage {key!r}")


def move_stage(store: Store, key: str, position: int) -> None:
    """Move a stage to 0-based `position` in the funnel, shifting the others (people's sort copy follows)."""
    with store.write() as conn:
        order = [stage.key for stage in stages(conn)]
        if key not in order:
            raise PeopleError(f"no stage {key!r}")
        order.remove(key)
        order.insert(max(0, min(position, len(order))), key)
        conn.executemany(
            "UPDATE stages SET position = ? WHERE key = ?", [(i, k) for i, k in enumerate(order)]
        )
        _sync_stage_positions(conn)


def set_stage_cadence(store: Store, key: str, cadence_days: int | None) -> None:
    """Set a stage's default touch interval in days (None: people at that stage have no cadence)."""
    if cadence_days is not None and not 1 <= cadence_days <= 3650:
        raise PeopleError("cadence must be between 1 and 3650 days")
    with store.write() as conn:
        if (
            conn.execute("UPDATE stages SET cadence_days = ? WHERE key = ?", (cadence_days, key)).rowcount
            == 0
        ):
            raise PeopleError(f"no stage {key!r}")
        ids = [
            row[0]
            for row in conn.execute("SELECT id FROM people WHERE stage = ? AND merged_into IS NULL", (key,))
        ]
        _refresh(conn, ids)


def _sync_stage_positions(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        UPDATE people SET stage_position = (SELECT position FROM stages WHERE stages.key = people.stage)
        WHERE stage_position != (SELECT position FROM stages WHERE stages.key = people.stage)
        """
    )


# --- people -------------------------------------------------------------------------------------------


_PERSON_COLUMNS = "id, name, organisation, role, stage, tags, interests, notes, cadence_days, timezone, created_at, updated_at"


def _person(row: Sequence[Any]) -> Person:
    return Person(
        id=row[0],
        name=row[1],
        organisation=row[2],
        role=row[3],
        stage=row[4],
        tags=tuple(json.loads(row[5] or "[]")),
        interests=tuple(json.loads(row[6] or "[]")),
        notes=row[7],
        cadence_days=row[8],
        timezone=row[9],
        created_at=_dt(row[10]),
        updated_at=_dt(row[11]),
    )


def get_person(conn: sqlite3.Connection, person_id: int) -> Person | None:
    """Return a person (a merged-away one resolves to whom it was merged into), or None."""
    for _ in range(20):
        row = conn.execute(
            f"SELECT {_PERSON_COLUMNS}, merged_into FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        if row is None:
            return None
        if row[12] is None:
            return _person(row)
        person_id = row[12]
    return None


def _require(conn: sqlite3.Connection, person_id: int) -> None:
    row = conn.execute("SELECT merged_into FROM people WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        raise PeopleError(f"no person #{person_id}")
    if row[0] is not None:
        raise PeopleError(f"person #{person_id} was merged into #{row[0]}")


def create_person(
    store: Store,
    name: str,
    *,
    identity_ids: Sequence[int] = (),
    stage: str | None = None,
    at: int | None = None,
    **fields: Any,
) -> int:
    """Create a person, attach `identity_ids` to them, log their first stage; return the new id."""
    with store.write() as conn:
        return _create(conn, name, identity_ids=identity_ids, stage=stage, at=at, fields=fields)


def _create(
    conn: sqlite3.Connection,
    name: str,
    *,
    identity_ids: Sequence[int] = (),
    stage: str | None = None,
    at: int | None = None,
    fields: dict[str, Any],
    refresh: bool = True,
) -> int:
    stamp = unix_now() if at is None else at
    values = _check_fields(conn, {**fields, "name": name, "stage": stage or stages(conn)[0].key})
    columns = list(values)
    cursor = conn.execute(
        f"INSERT INTO people ({', '.join(columns)}, sort_name, created_at, updated_at) "
        f"VALUES ({', '.join('?' * len(columns))}, ?, ?, ?)",
        [*values.values(), sort_name(values["name"]), stamp, stamp],
    )
    person_id = int(cursor.lastrowid or 0)
    _sync_stage_positions_of(conn, [person_id])
    conn.execute(
        "INSERT INTO stage_log (person_id, from_stage, to_stage, at) VALUES (?, NULL, ?, ?)",
        (person_id, values["stage"], stamp),
    )
    for identity_id in identity_ids:
        _attach(conn, identity_id, person_id)
    if refresh:
        _refresh(conn, [person_id])
    return person_id


def _sync_stage_positions_of(conn: sqlite3.Connection, person_ids: Sequence[int]) -> None:
    conn.executemany(
        "UPDATE people SET stage_position = coalesce((SELECT position FROM stages WHERE key = people.stage), 0) "
        "WHERE id = ?",
        [(pid,) for pid in person_ids],
    )


def update_person(store: Store, person_id: int, *, at: int | None = None, **fields: Any) -> None:
    """Change a person's fields; a stage change is logged (for the funnel) and the due date follows."""
    with store.write() as conn:
        _update(conn, person_id, fields, at=at)


def _update(
    conn: sqlite3.Connection,
    person_id: int,
    fields: dict[str, Any],
    *,
    at: int | None = None,
    refresh: bool = True,
) -> None:
    _require(conn, person_id)
    if not fields:
        return
    stamp = unix_now() if at is None else at
    values = _check_fields(conn, fields)
    old_stage = conn.execute("SELECT stage FROM people WHERE id = ?", (person_id,)).fetchone()[0]
    assignments = [f"{column} = ?" for column in values]
    params: list[Any] = list(values.values())
    if "name" in values:
        assignments.append("sort_name = ?")
        params.append(sort_name(values["name"]))
    conn.execute(
        f"UPDATE people SET {', '.join(assignments)}, updated_at = ? WHERE id = ?",
        [*params, stamp, person_id],
    )
    if "stage" in values and values["stage"] != old_stage:
        _sync_stage_positions_of(conn, [person_id])
        conn.execute(
            "INSERT INTO stage_log (person_id, from_stage, to_stage, at) VALUES (?, ?, ?, ?)",
            (person_id, old_stage, values["stage"], stamp),
        )
    if refresh and {"stage", "cadence_days", "name"} & set(values):
        _refresh(conn, [person_id])


def delete_person(store: Store, person_id: int) -> None:
    """Forget a person: their identities become untracked again, their log entries stay unattributed."""
    with store.write() as conn:
        _require(conn, person_id)
        conn.execute("UPDATE identities SET person_id = NULL WHERE person_id = ?", (person_id,))
        conn.execute("UPDATE interactions SET person_id = NULL WHERE person_id = ?", (person_id,))
        conn.execute("UPDATE conversations SET person_id = NULL WHERE person_id = ?", (person_id,))
        conn.execute("UPDATE people SET merged_into = NULL WHERE merged_into = ?", (person_id,))
        conn.execute("DELETE FROM person_merges WHERE keep_id = ? OR other_id = ?", (person_id, person_id))
        conn.execute("DELETE FROM people WHERE id = ?", (person_id,))


# --- identities ---------------------------------------------------------------------------------------


_IDENTITY_COLUMNS = "id, platform, host, handle, name, bio, url, reach, person_id"


def _identity(row: Sequence[Any]) -> IdentityInfo:
    return IdentityInfo(*row)


def identities_of(conn: sqlite3.Connection, person_id: int) -> list[IdentityInfo]:
    """Return a person's identities, by platform then handle."""
    return [
        _identity(row)
        for row in conn.execute(
            f"SELECT {_IDENTITY_COLUMNS} FROM identities WHERE person_id = ? ORDER BY platform, host, handle, id",
            (person_id,),
        )
    ]


def get_identity(conn: sqlite3.Connection, identity_id: int) -> IdentityInfo | None:
    """Return one identity, or None."""
    row = conn.execute(f"SELECT {_IDENTITY_COLUMNS} FROM identities WHERE id = ?", (identity_id,)).fetchone()
    return _identity(row) if row else None


def identity_of_conversation(conn: sqlite3.Connection, conversation_id: int) -> IdentityInfo | None:
    """Return the author `p` links from the queue: the conversation's latest inbound author (not one of ours)."""
    row = conn.execute(
        f"""
        SELECT {", ".join("i." + c.strip() for c in _IDENTITY_COLUMNS.split(","))}
        FROM conversations c JOIN identities i ON i.id = c.last_author_id
        WHERE c.id = ? AND i.is_own = 0
        """,
        (conversation_id,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            f"""
            SELECT {", ".join("i." + c.strip() for c in _IDENTITY_COLUMNS.split(","))}
            FROM posts p JOIN identities i ON i.id = p.identity_id
            WHERE p.conversation_id = ? AND p.direction = 'in' AND i.is_own = 0
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1
            """,
            (conversation_id,),
        ).fetchone()
    return _identity(row) if row else None


def link_identity(store: Store, identity_id: int, person_id: int) -> None:
    """Attach an identity to a person (moving it off any person it had); their log follows it."""
    with store.write() as conn:
        _require(conn, person_id)
        before = conn.execute("SELECT person_id FROM identities WHERE id = ?", (identity_id,)).fetchone()
        if before is None:
            raise PeopleError(f"no identity #{identity_id}")
        _attach(conn, identity_id, person_id)
        _refresh(conn, [pid for pid in (before[0], person_id) if pid is not None])


def unlink_identity(store: Store, identity_id: int) -> None:
    """Detach an identity from its person (it becomes an untracked author again)."""
    with store.write() as conn:
        before = conn.execute("SELECT person_id FROM identities WHERE id = ?", (identity_id,)).fetchone()
        if before is None:
            raise PeopleError(f"no identity #{identity_id}")
        if before[0] is None:
            return
        _detach(conn, identity_id)
        _refresh(conn, [before[0]])


def _attach(conn: sqlite3.Connection, identity_id: int, person_id: int) -> None:
    """Point an identity, its inbound log and our replies to it at `person_id`."""
    row = conn.execute("SELECT is_own FROM identities WHERE id = ?", (identity_id,)).fetchone()
    if row is None:
        raise PeopleError(f"no identity #{identity_id}")
    if row[0]:
        raise PeopleError("that is one of our own accounts, not a person to track")
    conn.execute("UPDATE identities SET person_id = ? WHERE id = ?", (person_id, identity_id))
    conn.execute("UPDATE interactions SET person_id = ? WHERE identity_id = ?", (person_id, identity_id))
    from cockpit.services.signals import attribute_replies_to

    attribute_replies_to(conn, identity_id, person_id)


def _detach(conn: sqlite3.Connection, identity_id: int) -> None:
    conn.execute("UPDATE identities SET person_id = NULL WHERE id = ?", (identity_id,))
    conn.execute("UPDATE interactions SET person_id = NULL WHERE identity_id = ?", (identity_id,))
    from cockpit.services.signals import attribute_replies_to

    attribute_replies_to(conn, identity_id, None)


def split_identity(store: Store, identity_id: int, *, at: int | None = None) -> int:
    """Move an identity off its person onto a new person (named after it, at the first stage); return the new id."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT person_id, coalesce(nullif(name, ''), handle) FROM identities WHERE id = ?",
            (identity_id,),
        ).fetchone()
        if row is None:
            raise PeopleError(f"no identity #{identity_id}")
        if row[0] is None:
            raise PeopleError("that identity is not attached to a person; link it instead")
        new_id = _create(conn, row[1] or "unnamed", identity_ids=(identity_id,), at=at, fields={})
        _refresh(conn, [row[0], new_id])
        return new_id


# --- merges -------------------------------------------------------------------------------------------


def merge(store: Store, keep_id: int, other_id: int, *, at: int | None = None) -> int:
    """Fold `other_id` into `keep_id` (identities, log, outreach; empty fields filled, tags joined); return the merge id."""
    if keep_id == other_id:
        raise PeopleError("cannot merge a person with themselves")
    stamp = unix_now() if at is None else at
    with store.write() as conn:
        _require(conn, keep_id)
        _require(conn, other_id)
        keep = conn.execute(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?", (keep_id,)).fetchone()
        other = conn.execute(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?", (other_id,)).fetchone()
        identity_ids = [
            r[0] for r in conn.execute("SELECT id FROM identities WHERE person_id = ?", (other_id,))
        ]
        interaction_ids = [
            r[0] for r in conn.execute("SELECT id FROM interactions WHERE person_id = ?", (other_id,))
        ]
        conversation_ids = [
            r[0] for r in conn.execute("SELECT id FROM conversations WHERE person_id = ?", (other_id,))
        ]
        snapshot = {
            "keep": list(keep),
            "identities": identity_ids,
            "interactions": interaction_ids,
            "conversations": conversation_ids,
        }
        cursor = conn.execute(
            "INSERT INTO person_merges (keep_id, other_id, at, snapshot) VALUES (?, ?, ?, ?)",
            (keep_id, other_id, stamp, json.dumps(snapshot)),
        )
        _move(conn, "identities", identity_ids, keep_id)
        _move(conn, "interactions", interaction_ids, keep_id)
        _move(conn, "conversations", conversation_ids, keep_id)
        merged: dict[str, Any] = {}
        for index, field in ((2, "organisation"), (3, "role"), (9, "timezone")):
            if not keep[index] and other[index]:
                merged[field] = other[index]
        if keep[8] is None and other[8] is not None:
            merged["cadence_days"] = other[8]
        for index, field in ((5, "tags"), (6, "interests")):
            union = list(dict.fromkeys([*json.loads(keep[index]), *json.loads(other[index])]))
            if union != json.loads(keep[index]):
                merged[field] = union
        if other[7] and other[7] not in keep[7]:
            merged["notes"] = f"{keep[7]}\n\n{other[7]}".strip()
        _update(conn, keep_id, merged, at=stamp)
        conn.execute(
            "UPDATE people SET merged_into = ?, updated_at = ? WHERE id = ?", (keep_id, stamp, other_id)
        )
        _refresh(conn, [keep_id])
        return int(cursor.lastrowid or 0)


def _move(conn: sqlite3.Connection, table: str, ids: Iterable[int], person_id: int) -> None:
    conn.execute(
        f"UPDATE {table} SET person_id = ? WHERE id IN (SELECT value FROM json_each(?))",
        (person_id, json.dumps(list(ids))),
    )


def undo_merge(store: Store, merge_id: int) -> None:
    """Undo a merge: the other person comes back with what was theirs, the kept one gets their fields back."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT keep_id, other_id, snapshot, undone FROM person_merges WHERE id = ?", (merge_id,)
        ).fetchone()
        if row is None:
            raise PeopleError(f"no merge #{merge_id}")
        keep_id, other_id, snapshot_text, undone = row
        if undone:
            raise PeopleError(f"merge #{merge_id} was already undone")
        later = conn.execute(
            "SELECT id FROM person_merges WHERE undone = 0 AND id > ? AND (keep_id IN (?, ?) OR other_id IN (?, ?))",
            (merge_id, keep_id, other_id, keep_id, other_id),
        ).fetchone()
        if later:
            raise PeopleError(f"undo the later merge #{later[0]} first")
        snapshot = json.loads(snapshot_text)
        keep = snapshot["keep"]
        conn.execute(
            """
            UPDATE people SET name = ?, organisation = ?, role = ?, tags = ?, interests = ?, notes = ?,
                cadence_days = ?, timezone = ?, sort_name = ? WHERE id = ?
            """,
            (
                keep[1],
                keep[2],
                keep[3],
                keep[5],
                keep[6],
                keep[7],
                keep[8],
                keep[9],
                sort_name(keep[1]),
                keep_id,
            ),
        )
        conn.execute("UPDATE people SET merged_into = NULL WHERE id = ?", (other_id,))
        _move(conn, "identities", snapshot["identities"], other_id)
        _move(conn, "interactions", snapshot["interactions"], other_id)
        _move(conn, "conversations", snapshot["conversations"], other_id)
        conn.execute("UPDATE person_merges SET undone = 1 WHERE id = ?", (merge_id,))
        _refresh(conn, [keep_id, other_id])


def last_merge(conn: sqlite3.Connection, person_id: int) -> int | None:
    """Return the id of the latest merge into `person_id` that can still be undone, or None."""
    row = conn.execute(
        "SELECT max(id) FROM person_merges WHERE keep_id = ? AND undone = 0", (person_id,)
    ).fetchone()
    return row[0] if row and row[0] is not None else None


_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_SHARED_HOSTS = {
    "x.com",
    "twitter.com",
    "linkedin.com",
    "www.linkedin.com",
    "github.com",
    "t.co",
    "lnkd.in",
    "bit.ly",
    "medium.com",
    "youtube.com",
    "www.youtube.com",
    "instagram.com",
    "www.instagram.com",
}


def _links(url: str, bio: str) -> set[str]:
    """Normalised links of a profile (its url and links in its bio): host plus path, no scheme, no query."""
    found: set[str] = set()
    for raw in [url, *_URL.findall(bio or "")]:
        match = re.match(r"(?i)^(?:https?://)?([^/?#\s]+)([^?#\s]*)", raw.strip())
        if not match or "." not in match.group(1):
            continue
        host = match.group(1).lower().removeprefix("www.")
        path = match.group(2).rstrip("/.,;")
        if host in _SHARED_HOSTS and not path:
            continue
        found.add(host + path)
    return found


def merge_suggestions(conn: sqlite3.Connection, limit: int = 100) -> list[MergeSuggestion]:
    """Return pairs of people that look like one: the same name on the same site, or the same link in their profiles."""
    names: dict[int, str] = {}
    by_name_site: dict[tuple[str, str], set[int]] = {}
    by_link: dict[str, set[int]] = {}
    rows = conn.execute(
        """
        SELECT p.id, p.name, i.platform, i.host, i.name, i.url, i.bio
        FROM identities i JOIN people p ON p.id = i.person_id
        WHERE i.person_id IS NOT NULL AND p.merged_into IS NULL
        """
    )
    for person_id, person_name, platform, host, identity_name, url, bio in rows:
        names[person_id] = person_name
        site = f"{platform}:{host}"
        for name in {sort_name(person_name), sort_name(identity_name or "")}:
            if len(name) >= 3:
                by_name_site.setdefault((name, site), set()).add(person_id)
        for link in _links(url, bio):
            by_link.setdefault(link, set()).add(person_id)
    pairs: dict[tuple[int, int], str] = {}
    for (name, site), ids in by_name_site.items():
        if 1 < len(ids) <= 5:
            for pair in _pairs(ids):
                pairs.setdefault(pair, f"same name {name!r} on {site.split(':', 1)[1] or site.split(':')[0]}")
    for link, ids in by_link.items():
        if 1 < len(ids) <= 5:
            for pair in _pairs(ids):
                pairs.setdefault(pair, f"same link {link}")
    result = [
        MergeSuggestion(keep, other, names[keep], names[other], reason)
        for (keep, other), reason in sorted(pairs.items())
    ]
    return result[:limit]


def _pairs(ids: set[int]) -> list[tuple[int, int]]:
    ordered = sorted(ids)
    return [(a, b) for index, a in enumerate(ordered) for b in ordered[index + 1 :]]


# --- finding and timelines ----------------------------------------------------------------------------


def find_people(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[Person]:
    """Return people whose name, organisation or handles contain `text` (names starting with it first)."""
    needle = sort_name(text)
    if not needle:
        rows = conn.execute(
            f"SELECT {_PERSON_COLUMNS} FROM people WHERE merged_into IS NULL ORDER BY updated_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [_person(row) for row in rows]
    # Names starting with the text come first, read from the name index; only when they do not fill the
    # list are names, organisations and handles containing it searched (the trigram index; for one or two
    # characters, one scan of the table in storage order).
    upper = needle + "\U0010ffff"
    found = [
        _person(row)
        for row in conn.execute(
            f"SELECT {_PERSON_COLUMNS} FROM people WHERE merged_into IS NULL AND sort_name >= ? AND sort_name < ? "
            "ORDER BY sort_name, id LIMIT ?",
            (needle, upper, limit),
        )
    ]
    if len(found) >= limit:
        return found
    if len(needle) >= 3:  # the trigram index of migration 7 finds any part of three characters or more
        match = "id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?1)"
        pattern = '"' + needle.replace('"', '""') + '"'
    else:
        match = "(sort_name LIKE ?1 ESCAPE '\\' OR organisation LIKE ?1 ESCAPE '\\' OR handles LIKE ?1 ESCAPE '\\')"
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        f"""
        SELECT {_PERSON_COLUMNS} FROM people NOT INDEXED
        WHERE merged_into IS NULL AND NOT (sort_name >= ?2 AND sort_name < ?3) AND {match}
        ORDER BY sort_name, id
        LIMIT ?4
        """,
        (pattern, needle, upper, limit - len(found)),
    )
    return found + [_person(row) for row in rows]


def timeline(
    conn: sqlite3.Connection, person_id: int, *, before: tuple[int, int] | None = None, limit: int = 100
) -> list[TimelineEntry]:
    """Return a person's touches newest first; pass the last entry's (occurred_at, interaction_id) as `before` for the next page."""
    condition, params = "", [person_id]
    if before is not None:
        condition = "AND (x.occurred_at, x.id) < (?, ?)"
        params += [before[0], before[1]]
    rows = conn.execute(
        f"""
        SELECT x.occurred_at, x.direction, x.kind, coalesce(c.platform, ''),
               coalesce(p.text, x.note), x.conversation_id, x.id, x.post_id IS NULL AND x.kind != 'outreach'
        FROM interactions x
        LEFT JOIN posts p ON p.id = x.post_id
        LEFT JOIN conversations c ON c.id = x.conversation_id
        WHERE x.person_id = ? {condition}
        ORDER BY x.occurred_at DESC, x.id DESC
        LIMIT ?
        """,
        [*params, limit],
    )
    return [
        TimelineEntry(_dt(at), direction, kind, platform, text, conversation_id, interaction_id, bool(manual))
        for at, direction, kind, platform, text, conversation_id, interaction_id, manual in rows
    ]


def add_manual_entry(
    store: Store, person_id: int, kind: str, note: str, occurred_at: datetime, *, direction: str = "out"
) -> int:
    """Log a touch that happened off-platform (a call, a meetup, an email, a gift); return its interaction id."""
    if kind not in MANUAL_KINDS:
        raise PeopleError(f"unknown entry kind {kind[:40]!r} (one of: {', '.join(MANUAL_KINDS)})")
    if direction not in ("in", "out"):
        raise PeopleError("direction is 'in' (they reached out) or 'out' (we did)")
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise PeopleError(f"the note is too long ({len(note)} characters, at most {MAX_TEXT})")
    at = _ts(occurred_at)
    with store.write() as conn:
        _require(conn, person_id)
        cursor = conn.execute(
            "INSERT INTO interactions (person_id, direction, kind, occurred_at, note) VALUES (?, ?, ?, ?, ?)",
            (person_id, direction, kind, at, note),
        )
        _refresh(conn, [person_id])
        return int(cursor.lastrowid or 0)


def delete_manual_entry(store: Store, interaction_id: int) -> None:
    """Remove a manual timeline entry (entries from platforms cannot be removed)."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT person_id, post_id, kind FROM interactions WHERE id = ?", (interaction_id,)
        ).fetchone()
        if row is None or row[1] is not None or row[2] not in MANUAL_KINDS:
            raise PeopleError("only manual entries can be removed")
        conn.execute("DELETE FROM interactions WHERE id = ?", (interaction_id,))
        if row[0] is not None:
            _refresh(conn, [row[0]])


def _refresh(conn: sqlite3.Connection, person_ids: Iterable[int | None] | None) -> None:
    from cockpit.services.signals import refresh_rows

    refresh_rows(
        conn, unix_now(), None if person_ids is None else [pid for pid in person_ids if pid is not None]
    )


# --- settings -----------------------------------------------------------------------------------------


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_") or "stage"


def apply_settings(store: Store, settings: PeopleSettings) -> list[str]:
    """Apply config.toml's `[people]` stages (when that list changed) and cadences; return problems to show."""
    import zlib

    problems: list[str] = []
    with store.write() as conn:
        if settings.stages:
            digest = zlib.crc32(json.dumps(settings.stages).encode())
            row = conn.execute("SELECT value FROM people_state WHERE key = 'stages_applied'").fetchone()
            if row is None or row[0] != digest:
                current = stages(conn)
                order: list[str] = []
                for label in settings.stages:
                    wanted = label.strip().casefold()
                    match = next(
                        (s.key for s in current if wanted in (s.key.casefold(), s.label.casefold())), None
                    )
                    if match is None:
                        match = _slug(label)
                        while any(s.key == match for s in current) or match in order:
                            match += "_"
                        conn.execute(
                            "INSERT INTO stages (key, label, position) VALUES (?, ?, ?)",
                            (match, label.strip(), 0),
                        )
                        current = stages(conn)
                    if match not in order:
                        order.append(match)
                order += [s.key for s in current if s.key not in order]
                conn.executemany(
                    "UPDATE stages SET position = ? WHERE key = ?", [(i, k) for i, k in enumerate(order)]
                )
                _sync_stage_positions(conn)
                conn.execute(
                    "INSERT INTO people_state (key, value) VALUES ('stages_applied', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (digest,),
                )
        changed = False
        for name, days in settings.cadence_days.items():
            try:
                key = stage_key(conn, name)
            except PeopleError as error:
                problems.append(f"[people] cadence_days: {error}")
                continue
            changed |= (
                conn.execute(
                    "UPDATE stages SET cadence_days = ? WHERE key = ? AND cadence_days IS NOT ?",
                    (days, key, days),
                ).rowcount
                > 0
            )
        if changed:
            _refresh(conn, None)
    return problems
