"""People list queries: keyset pages of tracked people for a sort and filter, counts and positions.

Like `store.queue`, pages are found by key (the sort columns plus the id), never by OFFSET. Every sort reads
one partial index of `people` (`WHERE merged_into IS NULL`, migration 7), over the stored signal columns that
`services.signals` keeps up to date, so a page costs the same at row 10 and at row 50,000.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Key = tuple[Any, ...]
"""A row's position in a sort order: the sort columns followed by the person id."""

DAY = 86_400


class PeopleSort(StrEnum):
    """Orders the people list can be shown in."""

    NAME = "name"
    LAST_TOUCH = "last_touch"
    WARMTH = "warmth"
    REACH = "reach"
    OVERDUE = "overdue"
    STAGE = "stage"


_SORT_COLUMNS: dict[PeopleSort, tuple[str, ...]] = {
    PeopleSort.NAME: ("p.sort_name", "p.id"),
    PeopleSort.LAST_TOUCH: ("p.last_touch_at", "p.id"),
    PeopleSort.WARMTH: ("p.warmth", "p.id"),
    PeopleSort.REACH: ("p.reach", "p.id"),
    PeopleSort.OVERDUE: ("p.due_key", "p.id"),
    PeopleSort.STAGE: ("p.stage_position", "p.sort_name", "p.id"),
}
_DESCENDING = {
    PeopleSort.NAME: False,
    PeopleSort.LAST_TOUCH: True,
    PeopleSort.WARMTH: True,
    PeopleSort.REACH: True,
    PeopleSort.OVERDUE: False,  # the most overdue (earliest due date) first; no cadence last
    PeopleSort.STAGE: False,
}


@dataclass(frozen=True)
class PeopleFilter:
    """Which people the list shows; empty values mean no restriction.

    `text` matches the name, organisation or any handle (case-insensitive). `overdue_only` keeps people whose
    due date has passed at `now` (Unix seconds; None means the current time).
    """

    stages: tuple[str, ...] = ()
    overdue_only: bool = False
    text: str = ""
    now: int | None = None

    def moment(self) -> int:
        """The time `overdue_only` is judged at."""
        return int(time.time()) if self.now is None else self.now

    def where(self, *, indexed_text: bool = True) -> tuple[str, list[Any]]:
        """Return the SQL condition over `people p` and its parameters.

        A text of three characters or more is looked up in the trigram index (`indexed_text`), or else
        matched row by row with LIKE, which is faster when most people match (`fetch_page` picks).
        """
        clauses = ["p.merged_into IS NULL"]
        params: list[Any] = []
        if len(self.stages) == 1:
            clauses.append("p.stage = ?")  # equality lets a page read one people_in_stage_by_* index range
            params.extend(self.stages)
        elif self.stages:
            clauses.append(f"p.stage IN ({','.join('?' * len(self.stages))})")
            params.extend(self.stages)
        if self.overdue_only:
            clauses.append("p.due_key <= ?")
            params.append(self.moment())
        needle = self.text.strip().casefold()
        if len(needle) >= 3 and indexed_text:  # the trigram index finds any part of three characters or more
            clauses.append("p.id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?)")
            params.append('"' + needle.replace('"', '""') + '"')
        elif needle:  # one or two characters match most people: walking the sort index finds a page soon
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(
                "(p.sort_name LIKE ? ESCAPE '\\' OR lower(p.organisation) LIKE ? ESCAPE '\\' "
                "OR p.handles LIKE ? ESCAPE '\\')"
            )
            params.extend([pattern, pattern, pattern])
        return " AND ".join(clauses), params


@dataclass(frozen=True, slots=True)
class PersonRow:
    """What one line of the people list shows."""

    id: int
    name: str
    organisation: str
    stage: str
    last_touch_at: int | None
    warmth: float
    reach: int | None
    overdue_days: int
    handles: str
    stage_position: int = 0
    sort_name: str = ""
    due_key: int = 0
    stage_label: str = ""

    def key(self, sort: PeopleSort) -> Key:
        """This row's keyset position in `sort`."""
        values = {
            "p.sort_name": self.sort_name,
            "p.last_touch_at": self.last_touch_at or 0,
            "p.warmth": self.warmth,
            "p.reach": -1 if self.reach is None else self.reach,
            "p.due_key": self.due_key,
            "p.stage_position": self.stage_position,
            "p.id": self.id,
        }
        return tuple(values[column] for column in _SORT_COLUMNS[sort])


_SELECT = """
SELECT p.id, p.name, p.organisation, p.stage, p.last_touch_at, p.warmth, p.reach, p.next_due_at, p.handles,
       p.stage_position, p.sort_name, p.due_key, coalesce((SELECT label FROM stages s WHERE s.key = p.stage), p.stage)
FROM people p
"""


def _row(values: tuple[Any, ...], now: int) -> PersonRow:
    due = values[7]
    return PersonRow(
        id=values[0],
        name=values[1],
        organisation=values[2],
        stage=values[3],
        last_touch_at=values[4] or None,
        warmth=float(values[5]),
        reach=None if values[6] < 0 else values[6],
        overdue_days=max(0, (now - due) // DAY) if due is not None else 0,
        handles=values[8],
        stage_position=values[9],
        sort_name=values[10],
        due_key=values[11],
        stage_label=values[12],
    )


def _where(flt: PeopleFilter, sort: PeopleSort, *, indexed_text: bool = True) -> tuple[str, list[Any]]:
    """The filter's condition, plus, for one stage shown in stage order, that stage's position (an index range)."""
    where, params = flt.where(indexed_text=indexed_text)
    if sort is PeopleSort.STAGE and len(flt.stages) == 1:
        where += " AND p.stage_position = (SELECT position FROM stages WHERE key = ?)"
        params = [*params, flt.stages[0]]
    return where, params


def _order(sort: PeopleSort, reverse: bool = False) -> str:
    descending = _DESCENDING[sort] != reverse
    direction = "DESC" if descending else "ASC"
    return ", ".join(f"{column} {direction}" for column in _SORT_COLUMNS[sort])


def _beyond(sort: PeopleSort, key: Key, *, forwards: bool) -> tuple[str, list[Any]]:
    """A row-value condition selecting rows after `key` (forwards) or before it, in display order."""
    columns = _SORT_COLUMNS[sort]
    if len(key) != len(columns):
        raise ValueError(f"a {sort} key has {len(columns)} parts, got {key!r}")
    later = _DESCENDING[sort] != forwards
    operator = ">" if later else "<"
    return f"({', '.join(columns)}) {operator} ({', '.join('?' * len(key))})", list(key)


def _pieces(sort: PeopleSort, key: Key, *, forwards: bool) -> list[tuple[str, list[Any]]]:
    """The rows beyond `key` as disjoint conditions, nearest first: ties on the leading columns, then beyond.

    `(a, b) > (x, y)` alone makes SQLite bound only `a`, so a page next to a large group of equal values
    (warmth 0, unknown reach, no cadence) would scan the group; each piece here is one exact index range.
    """
    columns = _SORT_COLUMNS[sort]
    if len(key) != len(columns):
        raise ValueError(f"a {sort} key has {len(columns)} parts, got {key!r}")
    operator = ">" if _DESCENDING[sort] != forwards else "<"
    pieces = []
    for equal in range(len(columns) - 1, -1, -1):
        clauses = [f"{column} = ?" for column in columns[:equal]] + [f"{columns[equal]} {operator} ?"]
        pieces.append((" AND ".join(clauses), list(key[: equal + 1])))
    return pieces


LIKE_BUDGET_SECONDS = 0.003
"""How long a text-filtered page walks the sort index matching rows with LIKE before it asks the trigram index
instead: a common text fills a page within a few hundred rows (~0.5 ms at 50k people), while a rare one would
walk them all (~300 ms) and is found by the index in well under a millisecond (docs/performance.md)."""


def _with_text_budget(
    conn: sqlite3.Connection, flt: PeopleFilter, read: Callable[[bool], list[PersonRow]]
) -> list[PersonRow]:
    """Run `read(indexed_text)`: LIKE first within `LIKE_BUDGET_SECONDS`, then the trigram index if it ran out."""
    if len(flt.text.strip()) < 3:
        return read(False)
    deadline = time.perf_counter() + LIKE_BUDGET_SECONDS

    def out_of_time() -> int:
        return int(time.perf_counter() > deadline)

    conn.set_progress_handler(out_of_time, 2_000)
    try:
        return read(False)
    except sqlite3.OperationalError as error:
        if "interrupt" not in str(error):
            raise
    finally:
        conn.set_progress_handler(None, 0)
    return read(True)


def fetch_page(
    conn: sqlite3.Connection,
    flt: PeopleFilter,
    sort: PeopleSort,
    *,
    after: Key | None = None,
    before: Key | None = None,
    limit: int = 50,
) -> list[PersonRow]:
    """Return up to `limit` rows in display order: the first ones, those right after `after`, or right before `before`."""
    if after is not None and before is not None:
        raise ValueError("give `after` or `before`, not both")
    return _with_text_budget(
        conn, flt, lambda indexed: _fetch_page(conn, flt, sort, after, before, limit, indexed_text=indexed)
    )


def _fetch_page(
    conn: sqlite3.Connection,
    flt: PeopleFilter,
    sort: PeopleSort,
    after: Key | None,
    before: Key | None,
    limit: int,
    *,
    indexed_text: bool,
) -> list[PersonRow]:
    where, params = _where(flt, sort, indexed_text=indexed_text)
    now = flt.moment()
    key = after if after is not None else before
    if key is None:
        sql = f"{_SELECT} WHERE {where} ORDER BY {_order(sort)} LIMIT ?"
        return [_row(values, now) for values in conn.execute(sql, [*params, limit])]
    reverse = before is not None
    rows: list[PersonRow] = []
    for condition, extra in _pieces(sort, key, forwards=not reverse):
        sql = f"{_SELECT} WHERE {where} AND {condition} ORDER BY {_order(sort, reverse)} LIMIT ?"
        rows += [_row(values, now) for values in conn.execute(sql, [*params, *extra, limit - len(rows)])]
        if len(rows) >= limit:
            break
    if reverse:
        rows.reverse()
    return rows


def fetch_last_page(
    conn: sqlite3.Connection, flt: PeopleFilter, sort: PeopleSort, *, limit: int = 50
) -> list[PersonRow]:
    """Return the last `limit` rows of the view, in display order."""

    def read(indexed_text: bool) -> list[PersonRow]:
        where, params = _where(flt, sort, indexed_text=indexed_text)
        sql = f"{_SELECT} WHERE {where} ORDER BY {_order(sort, reverse=True)} LIMIT ?"
        now = flt.moment()
        rows = [_row(values, now) for values in conn.execute(sql, [*params, limit])]
        rows.reverse()
        return rows

    return _with_text_budget(conn, flt, read)


def count(conn: sqlite3.Connection, flt: PeopleFilter) -> int:
    """Return how many people the view holds."""
    where, params = flt.where()
    return int(conn.execute(f"SELECT count(*) FROM people p WHERE {where}", params).fetchone()[0])


def key_of(conn: sqlite3.Connection, person_id: int, sort: PeopleSort) -> Key | None:
    """Return the keyset position of one person in `sort`, or None if there is no such person."""
    columns = ", ".join(_SORT_COLUMNS[sort])
    row = conn.execute(
        f"SELECT {columns} FROM people p WHERE p.id = ? AND p.merged_into IS NULL", (person_id,)
    ).fetchone()
    return tuple(row) if row else None


def position(conn: sqlite3.Connection, flt: PeopleFilter, sort: PeopleSort, person_id: int) -> int | None:
    """Return the 0-based index of a person in the view, or None when the view does not hold them."""
    key = key_of(conn, person_id, sort)
    if key is None:
        return None
    where, params = _where(flt, sort)
    if (
        conn.execute(f"SELECT 1 FROM people p WHERE {where} AND p.id = ?", [*params, person_id]).fetchone()
        is None
    ):
        return None
    condition, extra = _beyond(sort, key, forwards=False)
    return int(
        conn.execute(
            f"SELECT count(*) FROM people p WHERE {where} AND {condition}", params + extra
        ).fetchone()[0]
    )


def landmarks(conn: sqlite3.Connection, flt: PeopleFilter, sort: PeopleSort, step: int) -> list[Key]:
    """Return the keys of rows step-1, 2*step-1, ... so that row `n` is found from landmark `n // step - 1`."""
    where, params = _where(flt, sort)
    columns = ", ".join(_SORT_COLUMNS[sort])
    bare = ", ".join(column.split(".", 1)[1] for column in _SORT_COLUMNS[sort])
    sql = f"""
        SELECT {bare} FROM (
            SELECT {columns}, row_number() OVER (ORDER BY {_order(sort)}) AS n
            FROM people p WHERE {where}
        ) WHERE n % ? = 0 ORDER BY n
    """
    return [tuple(row) for row in conn.execute(sql, [*params, step])]
