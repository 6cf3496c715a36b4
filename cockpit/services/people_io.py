"""Importing people from CSV or JSON Lines (a spreadsheet, another CRM, or `cockpit export people`).

An import is planned first (`plan_import`, all a dry run shows) and then applied in one transaction
(`apply_import`). Each row is matched to an existing person by, in order: an identity it names that is
already attached to someone, the exported `id` when the name agrees, or the same name and organisation.
A row that points at two different people is a conflict and is skipped. A matched person gets the row's
values for the fields they have empty; tags and interests are joined; a field that differs is a conflict and
keeps the stored value unless `overwrite` is set. Identities the database has not seen yet are stored as
given (with the exported `ext_id`, or a placeholder `import:<handle>` that `adopt_placeholders` swaps for
the real author once a sync meets them).

Columns (case and spaces ignored; docs/people.md lists the aliases): name, organisation, role, stage, tags,
interests, notes, cadence_days, timezone, id, created_at, updated_at, identities (a JSON list as exported),
and one column per platform with handles: x / twitter, linkedin, discourse / forum ("user@forum.host" or a
profile URL), feed / blog ("name@site.host").
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cockpit.services import people as people_service
from cockpit.services.people import PeopleError
from cockpit.store.db import Store
from cockpit.store.db import now as unix_now

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Largest file accepted."""
PLACEHOLDER_PREFIX = "import:"
"""ext_id prefix of an imported identity the platforms have not shown us yet."""

_ALIASES = {
    "name": ("name", "full_name", "display_name", "contact", "contact_name", "person"),
    "organisation": ("organisation", "organization", "company", "org", "employer", "account_name"),
    "role": ("role", "title", "job_title", "position", "job"),
    "stage": ("stage", "lifecycle_stage", "relationship_stage"),
    "tags": ("tags", "labels", "tag"),
    "interests": ("interests", "topics", "interest"),
    "notes": ("notes", "note", "comments", "description"),
    "cadence_days": ("cadence_days", "cadence", "touch_every_days"),
    "timezone": ("timezone", "time_zone", "tz"),
    "id": ("id",),
    "created_at": ("created_at",),
    "updated_at": ("updated_at",),
    "identities": ("identities",),
    "first_name": ("first_name", "given_name", "firstname"),
    "last_name": ("last_name", "family_name", "surname", "lastname"),
}
_PLATFORM_COLUMNS = {
    "x": "x",
    "twitter": "x",
    "x_handle": "x",
    "twitter_handle": "x",
    "linkedin": "linkedin",
    "linkedin_url": "linkedin",
    "discourse": "discourse",
    "forum": "discourse",
    "feed": "feed",
    "blog": "feed",
}
_FIELD_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_SCALARS = ("name", "organisation", "role", "stage", "notes", "cadence_days", "timezone")


class PeopleFileError(PeopleError):
    """The file cannot be read as people (not CSV/JSONL, no name column, too large)."""


@dataclass(frozen=True)
class IdentitySpec:
    """An identity named by an import row."""

    platform: str
    host: str
    handle: str
    ext_id: str = ""
    name: str = ""
    url: str = ""
    reach: int | None = None

    def label(self) -> str:
        """How the dry run names it: `x @ann`, `discourse ann@forum.example`."""
        where = f"@{self.host}" if self.host else ""
        return f"{self.platform} {'@' if not self.host else ''}{self.handle}{where}"


@dataclass
class ImportRow:
    """One row of the file: the person's fields and identities."""

    line: int
    name: str
    fields: dict[str, Any]
    identities: list[IdentitySpec]
    person_id: int | None = None  # the exported id, if any
    created_at: int | None = None
    updated_at: int | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class RowPlan:
    """What importing one row does: create, update, nothing, or skip (with why)."""

    line: int
    name: str
    action: str  # "create", "update", "unchanged", "skip"
    person_id: int | None = None
    matched_by: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    link: list[int] = field(default_factory=list)
    new_identities: list[IdentitySpec] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    row: ImportRow | None = None

    def describe(self) -> str:
        """One line for the dry run."""
        head = f"line {self.line}: {self.name!r}"
        if self.action == "skip":
            return f"{head}: skipped: {'; '.join(self.problems + self.conflicts)}"
        parts = [f"{head}: {self.action}"]
        if self.matched_by:
            parts.append(f"matches #{self.person_id} by {self.matched_by}")
        if self.changes:
            parts.append("sets " + ", ".join(sorted(self.changes)))
        if self.link:
            parts.append(f"links {len(self.link)} known identit{'y' if len(self.link) == 1 else 'ies'}")
        if self.new_identities:
            parts.append("adds " + ", ".join(spec.label() for spec in self.new_identities))
        if self.conflicts:
            parts.append("conflicts: " + "; ".join(self.conflicts))
        return ": ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


@dataclass
class ImportPlan:
    """The whole import: one plan per row."""

    rows: list[RowPlan]
    overwrite: bool = False

    def count(self, action: str) -> int:
        """How many rows take `action`."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def conflicts(self) -> int:
        """How many rows carry conflicts (kept values or skipped)."""
        return sum(1 for row in self.rows if row.conflicts)

    def summary(self) -> str:
        """One line: the counts."""
        return (
            f"{self.count('create')} new, {self.count('update')} updated, {self.count('unchanged')} unchanged, "
            f"{self.count('skip')} skipped, {self.conflicts} with conflicts"
        )


# --- reading ------------------------------------------------------------------------------------------


def _header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().casefold()).strip("_")


def read_people_file(path: Path | str, *, fmt: str | None = None) -> list[ImportRow]:
    """Read a CSV or JSON Lines file of people (format from `fmt`, else the extension, else the content)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PeopleFileError(f"{path} is too large ({size} bytes; at most {MAX_FILE_BYTES})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PeopleFileError(f"no file {path}") from None
    except IsADirectoryError:
        raise PeopleFileError(f"{path} is a directory, not a file") from None
    except OSError as error:
        raise PeopleFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PeopleFileError(f"{path} is not UTF-8 text (save it as UTF-8 CSV)") from None
    kind = fmt or {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}.get(
        path.suffix.lower()
    )
    if kind is None:
        kind = "jsonl" if text.lstrip().startswith("{") else "csv"
    return parse_people(text, kind)


def parse_people(text: str, kind: str) -> list[ImportRow]:
    """Parse the text of a CSV or JSON Lines file of people."""
    if kind == "jsonl":
        records = list(_jsonl(text))
    elif kind == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames:
            raise PeopleFileError("the file is empty")
        records = [(reader.line_num, row) for row in reader]
    else:
        raise PeopleFileError(f"unknown format {kind!r} (csv or jsonl)")
    rows = [_row(line, record) for line, record in records]
    if records and not any(_FIELD_OF.get(_header(k)) in ("name", "first_name") for k in records[0][1]):
        raise PeopleFileError("the file has no name column (a column called name, full name or first name)")
    return rows


def _jsonl(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise PeopleFileError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise PeopleFileError(f"line {number}: expected a JSON object")
        yield number, record


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _time(value: Any, row: ImportRow, name: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        row.problems.append(f"{name}: not an ISO time: {text[:40]!r}")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _row(line: int, record: dict[str, Any]) -> ImportRow:
    values: dict[str, Any] = {}
    handles: list[tuple[str, Any]] = []
    for key, value in record.items():
        if key is None:  # extra cells beyond the header
            continue
        header = _header(str(key))
        if header in _PLATFORM_COLUMNS:
            handles.append((_PLATFORM_COLUMNS[header], value))
        elif header in _FIELD_OF:
            values.setdefault(_FIELD_OF[header], value)
    name = _text(values.get("name"))
    if not name:
        name = " ".join(
            part for part in (_text(values.get("first_name")), _text(values.get("last_name"))) if part
        )
    row = ImportRow(line=line, name=name, fields={}, identities=[])
    if not name:
        row.problems.append("no name")
    for key in ("organisation", "role", "stage", "notes", "timezone", "cadence_days"):
        text = _text(values.get(key))
        if text:
            row.fields[key] = text
    for key in ("tags", "interests"):
        raw = values.get(key)
        if isinstance(raw, str) and raw.strip().startswith("["):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                pass
        if raw not in (None, "", []):
            row.fields[key] = [str(item) for item in raw] if isinstance(raw, list) else str(raw)
    exported_id = _text(values.get("id"))
    if exported_id.isdigit():
        row.person_id = int(exported_id)
    row.created_at = _time(values.get("created_at"), row, "created_at")
    row.updated_at = _time(values.get("updated_at"), row, "updated_at")
    raw_identities = values.get("identities")
    if isinstance(raw_identities, str) and raw_identities.strip():
        try:
            raw_identities = json.loads(raw_identities)
        except json.JSONDecodeError:
            row.problems.append("identities: not a JSON list")
            raw_identities = []
    for item in raw_identities if isinstance(raw_identities, list) else []:
        if isinstance(item, dict) and _text(item.get("platform")) and _text(item.get("handle")):
            reach = item.get("reach")
            row.identities.append(
                IdentitySpec(
                    platform=_text(item.get("platform")),
                    host=_text(item.get("host")),
                    handle=_text(item.get("handle")),
                    ext_id=_text(item.get("ext_id")),
                    name=_text(item.get("name")),
                    url=_text(item.get("url")),
                    reach=reach if isinstance(reach, int) and not isinstance(reach, bool) else None,
                )
            )
        else:
            row.problems.append("identities: each needs a platform and a handle")
    for platform, value in handles:
        for part in re.split(r"[,;\s]+", _text(value)):
            if part:
                spec = _handle_spec(platform, part)
                if spec is None:
                    row.problems.append(f"{platform}: cannot read {part[:60]!r} as a handle")
                else:
                    row.identities.append(spec)
    return row


def _handle_spec(platform: str, value: str) -> IdentitySpec | None:
    """Read a spreadsheet cell naming a handle (`@ann`, a profile URL, `ann@forum.host`)."""
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        segments = [s for s in parts.path.split("/") if s]
        if platform == "x" and segments:
            return IdentitySpec("x", "", segments[0].lstrip("@"))
        if platform == "linkedin" and len(segments) >= 2 and segments[0] in ("in", "company"):
            return IdentitySpec("linkedin", "", segments[1])
        if platform == "discourse" and len(segments) >= 2 and segments[0] in ("u", "users"):
            return IdentitySpec("discourse", host, segments[1])
        return None
    if platform in ("discourse", "feed"):
        handle, at, host = value.rpartition("@")
        if not at or not handle or "." not in host:
            return None
        return IdentitySpec(platform, host.lower(), handle, ext_id=handle if platform == "feed" else "")
    handle = value.lstrip("@")
    if not re.fullmatch(r"[\w.\-]{1,100}", handle):
        return None
    return IdentitySpec(platform, "", handle)


# --- planning -----------------------------------------------------------------------------------------


class _Known:
    """Identities and people of the database, loaded once for matching a whole file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.by_ext: dict[tuple[str, str, str], tuple[int, int | None]] = {}
        self.by_handle: dict[tuple[str, str, str], tuple[int, int | None]] = {}
        for identity_id, platform, host, ext_id, handle, person_id in conn.execute(
            "SELECT id, platform, host, ext_id, handle, person_id FROM identities WHERE is_own = 0"
        ):
            self.by_ext[(platform, host, ext_id)] = (identity_id, person_id)
            self.by_handle.setdefault((platform, host, handle.casefold()), (identity_id, person_id))
        self.by_name: dict[tuple[str, str], list[int]] = {}
        self.names: dict[int, str] = {}
        self.merged: dict[int, int] = {}
        for person_id, name, organisation, merged_into in conn.execute(
            "SELECT id, name, organisation, merged_into FROM people"
        ):
            if merged_into is not None:
                self.merged[person_id] = merged_into
                continue
            self.names[person_id] = name
            self.by_name.setdefault((people_service.sort_name(name), organisation.casefold()), []).append(
                person_id
            )

    def identity(self, spec: IdentitySpec) -> tuple[int, int | None] | None:
        found = None
        if spec.ext_id:
            found = self.by_ext.get((spec.platform, spec.host, spec.ext_id))
        return found or self.by_handle.get((spec.platform, spec.host, spec.handle.casefold()))


def plan_import(
    conn: sqlite3.Connection, rows: Iterable[ImportRow], *, overwrite: bool = False
) -> ImportPlan:
    """Work out what importing `rows` would do, without writing anything."""
    known = _Known(conn)
    plans: list[RowPlan] = []
    claimed_people: dict[int, int] = {}  # person id -> line that claimed it
    claimed_identities: dict[tuple[str, str, str], int] = {}
    for row in rows:
        plan = RowPlan(line=row.line, name=row.name, action="skip", problems=list(row.problems), row=row)
        plans.append(plan)
        if plan.problems:
            continue
        try:
            values = people_service._check_fields(conn, row.fields)
        except PeopleError as error:
            plan.problems.append(str(error))
            continue
        matches: dict[int, str] = {}
        link: list[int] = []
        new: list[IdentitySpec] = []
        for spec in row.identities:
            key = (spec.platform, spec.host, spec.handle.casefold())
            if key in claimed_identities:
                plan.problems.append(f"{spec.label()} is also on line {claimed_identities[key]}")
                continue
            claimed_identities[key] = row.line
            found = known.identity(spec)
            if found is None:
                new.append(spec)
            elif found[1] is None:
                link.append(found[0])
            else:
                matches.setdefault(known.merged.get(found[1], found[1]), f"identity {spec.label()}")
        if plan.problems:
            continue
        if not matches and row.person_id is not None:
            target = known.merged.get(row.person_id, row.person_id)
            if people_service.sort_name(known.names.get(target, "")) == people_service.sort_name(row.name):
                matches[target] = "id and name"
        if not matches:
            same = known.by_name.get(
                (people_service.sort_name(row.name), str(values.get("organisation", "")).casefold()), []
            )
            if len(same) == 1:
                matches[same[0]] = "name and organisation"
            elif len(same) > 1:
                plan.problems.append(f"the name matches {len(same)} people; add a handle or an organisation")
                continue
        if len(matches) > 1:
            names = ", ".join(f"#{pid} {known.names.get(pid, '?')}" for pid in sorted(matches))
            plan.conflicts.append(f"points at different people ({names}); merge them first")
            continue
        plan.link, plan.new_identities = link, new
        if not matches:
            plan.action = "create"
            plan.changes = {"name": row.name, **values}
            continue
        person_id, reason = next(iter(matches.items()))
        if person_id in claimed_people:
            plan.problems.append(f"the same person as line {claimed_people[person_id]}")
            continue
        claimed_people[person_id] = row.line
        plan.person_id, plan.matched_by = person_id, reason
        _plan_update(conn, plan, person_id, {"name": row.name, **values}, overwrite)
    return ImportPlan(plans, overwrite)


def _plan_update(
    conn: sqlite3.Connection, plan: RowPlan, person_id: int, values: dict[str, Any], overwrite: bool
) -> None:
    stored = conn.execute(
        "SELECT name, organisation, role, stage, notes, cadence_days, timezone, tags, interests FROM people "
        "WHERE id = ?",
        (person_id,),
    ).fetchone()
    current = dict(zip((*_SCALARS, "tags", "interests"), stored, strict=True))
    for name in _SCALARS:
        if name not in values:
            continue
        new, old = values[name], current[name]
        if new == old:
            continue
        if old in ("", None):
            plan.changes[name] = new
        elif overwrite:
            plan.changes[name] = new
            plan.conflicts.append(f"{name}: {_short(old)} replaced by {_short(new)}")
        else:
            plan.conflicts.append(f"{name}: keeps {_short(old)} (file: {_short(new)})")
    for name in ("tags", "interests"):
        if name in values:
            old_list = json.loads(current[name])
            union = list(dict.fromkeys([*old_list, *json.loads(values[name])]))
            if union != old_list:
                plan.changes[name] = union
    plan.action = "update" if plan.changes or plan.link or plan.new_identities else "unchanged"


def _short(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


# --- applying -----------------------------------------------------------------------------------------


def apply_import(store: Store, plan: ImportPlan) -> ImportPlan:
    """Apply a plan in one transaction (the people and identities it names); return it, ids filled in."""
    from cockpit.services.signals import refresh_rows

    stamp = unix_now()
    touched: list[int] = []
    with store.write() as conn:
        for row_plan in plan.rows:
            row = row_plan.row
            if row is None or row_plan.action in ("skip", "unchanged"):
                continue
            if row_plan.action == "create":
                changes = dict(row_plan.changes)
                name = changes.pop("name")
                stage = changes.pop("stage", None)
                for key in ("tags", "interests"):
                    if key in changes:
                        changes[key] = json.loads(changes[key])
                person_id = people_service._create(
                    conn, name, stage=stage, at=row.created_at or stamp, fields=changes, refresh=False
                )
                row_plan.person_id = person_id
            else:
                person_id = row_plan.person_id or 0
                changes = dict(row_plan.changes)
                for key in ("tags", "interests"):
                    if key in changes and isinstance(changes[key], str):
                        changes[key] = json.loads(changes[key])
                if changes:
                    people_service._update(conn, person_id, changes, at=stamp, refresh=False)
            for identity_id in row_plan.link:
                people_service._attach(conn, identity_id, person_id)
            for spec in row_plan.new_identities:
                _insert_identity(conn, spec, person_id, stamp)
            if row_plan.action == "create" and row.updated_at:
                conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (row.updated_at, person_id))
            touched.append(person_id)
        refresh_rows(conn, stamp, touched)
    return plan


def _insert_identity(conn: sqlite3.Connection, spec: IdentitySpec, person_id: int, stamp: int) -> None:
    ext_id = spec.ext_id or PLACEHOLDER_PREFIX + spec.handle.casefold()
    conn.execute(
        """
        INSERT INTO identities (platform, host, ext_id, handle, name, url, reach, person_id, first_seen_at,
                                last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (platform, host, ext_id) DO UPDATE SET person_id = excluded.person_id
        WHERE identities.person_id IS NULL
        """,
        (
            spec.platform,
            spec.host,
            ext_id,
            spec.handle,
            spec.name,
            spec.url,
            spec.reach,
            person_id,
            stamp,
            stamp,
        ),
    )


def import_people(
    store: Store, path: Path | str, *, dry_run: bool = False, overwrite: bool = False, fmt: str | None = None
) -> ImportPlan:
    """Read, plan and (unless `dry_run`) apply an import of people from a file."""
    plan = plan_import(store.conn, read_people_file(path, fmt=fmt), overwrite=overwrite)
    return plan if dry_run else apply_import(store, plan)


def adopt_placeholders(conn: sqlite3.Connection) -> set[int]:
    """Attach authors a sync has just met to the people an import named them for; return those people.

    A placeholder identity (ext_id `import:<handle>`) is replaced by the real one with the same platform,
    site and handle, if that one is not tracked yet; authors first seen since the last call are checked.
    """
    row = conn.execute("SELECT value FROM people_state WHERE key = 'identities_checked'").fetchone()
    mark = int(row[0]) if row else 0
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM identities").fetchone()[0])
    if top <= mark:
        return set()
    pairs = conn.execute(
        """
        SELECT real.id, holder.id, holder.person_id FROM identities real
        JOIN identities holder ON holder.platform = real.platform AND holder.host = real.host
             AND lower(holder.handle) = lower(real.handle) AND holder.ext_id LIKE 'import:%'
             AND holder.person_id IS NOT NULL
        WHERE real.id > ? AND real.id <= ? AND real.ext_id NOT LIKE 'import:%' AND real.person_id IS NULL
          AND real.is_own = 0
        """,
        (mark, top),
    ).fetchall()
    people: set[int] = set()
    for real_id, holder_id, person_id in pairs:
        people_service._attach(conn, real_id, person_id)
        conn.execute(
            "UPDATE conversations SET last_author_id = ? WHERE last_author_id = ?", (real_id, holder_id)
        )
        conn.execute("DELETE FROM identities WHERE id = ?", (holder_id,))
        people.add(person_id)
    conn.execute(
        "INSERT INTO people_state (key, value) VALUES ('identities_checked', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (top,),
    )
    return people
