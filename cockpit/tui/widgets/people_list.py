"""The people list: stakeholders in columns (name, organisation, stage, last touch, warmth, reach, overdue)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.strip import Strip

from cockpit.store import people_list as pl
from cockpit.tui.keymap import PEOPLE_LIST_BINDINGS
from cockpit.tui.text import age, one_line, pad, truncate
from cockpit.tui.widgets.virtual_list import Key, VirtualList

STAGE_WIDTH = 16
TOUCH_WIDTH = 10
WARMTH_WIDTH = 6
REACH_WIDTH = 7
OVERDUE_WIDTH = 8


def short_number(value: int | None) -> str:
    """A count in at most five cells: 950, 12.3k, 4.1M; a dash when unknown."""
    if value is None:
        return "–"
    if value < 1_000:
        return str(value)
    if value < 1_000_000:
        return f"{value / 1_000:.1f}k" if value < 100_000 else f"{value // 1_000}k"
    return f"{value / 1_000_000:.1f}M"


def overdue_text(days: int | None) -> str:
    """How overdue a follow-up is: "12d", or empty when not due."""
    if days is None or days <= 0:
        return ""
    return f"{days}d"


class PeopleList(VirtualList[pl.PersonRow]):
    """A keyboard list of people backed by SQLite; draws only what is visible."""

    BINDINGS: ClassVar[list[BindingType]] = list(PEOPLE_LIST_BINDINGS)
    COMPONENT_PREFIX: ClassVar[str] = "people"
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "people--cursor",
        "people--cursor-blurred",
        "people--placeholder",
        "people--empty",
        "people--name",
        "people--organisation",
        "people--stage",
        "people--touch",
        "people--warmth",
        "people--reach",
        "people--overdue",
    }

    def __init__(
        self,
        conn: sqlite3.Connection,
        db_path: Path | None,
        *,
        now: Callable[[], float],
        flt: pl.PeopleFilter | None = None,
        sort: pl.PeopleSort = pl.PeopleSort.NAME,
        rest_delay: float = 0.06,
        id: str | None = None,
    ) -> None:
        super().__init__(
            conn,
            db_path,
            empty_message="No people match. Press p on a conversation in the queue to track its author.",
            rest_delay=rest_delay,
            id=id,
        )
        self._now = now
        self.flt = flt or pl.PeopleFilter()
        self.sort = sort

    # ------------------------------------------------------------- reading

    def fetch_rows(
        self, conn: sqlite3.Connection, *, after: Key | None, before: Key | None, limit: int
    ) -> list[pl.PersonRow]:
        """A keyset page of people for the current filter and sort."""
        return pl.fetch_page(conn, self.flt, self.sort, after=after, before=before, limit=limit)

    def fetch_last_rows(self, conn: sqlite3.Connection, limit: int) -> list[pl.PersonRow]:
        """The last page of people for the current filter and sort."""
        return pl.fetch_last_page(conn, self.flt, self.sort, limit=limit)

    def count_rows(self, conn: sqlite3.Connection) -> int:
        """How many people the filter matches."""
        return pl.count(conn, self.flt)

    def row_key(self, row: pl.PersonRow) -> Key:
        """A person's keyset position in the current sort."""
        return tuple(row.key(self.sort))

    def row_id(self, row: pl.PersonRow) -> int:
        """The person's id."""
        return row.id

    def key_of_id(self, conn: sqlite3.Connection, row_id: int) -> Key | None:
        """A person's keyset position by id."""
        key = pl.key_of(conn, row_id, self.sort)
        return None if key is None else tuple(key)

    def position_of_id(self, conn: sqlite3.Connection, row_id: int) -> int | None:
        """A person's index in the list, or None if the filter hides them."""
        return pl.position(conn, self.flt, self.sort, row_id)

    def set_view(self, flt: pl.PeopleFilter, sort: pl.PeopleSort) -> None:
        """Show another filter or sort, keeping the cursor on its person when they are still shown.

        The rows show at once; the count (a read of the whole matching index) runs in a thread worker and
        arrives as `Counted` (see `VirtualList.show_view`).
        """
        row = self.cursor_row
        self.flt, self.sort = flt, sort
        self.show_view(anchor=row.id if row is not None else None)

    # ------------------------------------------------------------- drawing

    def row_cache_key(self, row: pl.PersonRow) -> Hashable:
        """Rows redraw when their touch age changes."""
        return self._touch_text(row)

    def read_landmarks(self, conn: sqlite3.Connection, step: int) -> list[Key] | None:
        """The keys of every `step`-th person, read from the index in one query."""
        return [tuple(key) for key in pl.landmarks(conn, self.flt, self.sort, step)]

    def _touch_text(self, row: pl.PersonRow) -> str:
        if row.last_touch_at is None:
            return "never"
        return age(self._now() - row.last_touch_at)

    def render_row(self, row: pl.PersonRow, width: int, base: Style) -> Strip:
        """Lay out one person: name (and handle), organisation, stage, last touch, warmth, reach, overdue."""
        fixed = 1 + STAGE_WIDTH + 1 + TOUCH_WIDTH + 1 + WARMTH_WIDTH + 1 + REACH_WIDTH + 1 + OVERDUE_WIDTH + 1
        flexible = max(0, width - fixed)
        org_width = flexible * 2 // 5 if flexible >= 30 else 0
        name_width = flexible - org_width
        name = one_line(row.name, 120) or "(no name)"
        handle_text = ""
        handles = one_line(row.handles, 120).split()
        if handles:
            candidate = "  @" + handles[0].lstrip("@")
            if cell_len(name) + cell_len(candidate) <= name_width - 1:
                handle_text = candidate
        stage = row.stage_label or row.stage
        warmth = f"{row.warmth:.1f}"
        name_cells = cell_len(truncate(name, name_width - 1))
        segments = [
            Segment(" ", base),
            Segment(truncate(name, name_width - 1), base + self.component_style("name")),
            Segment(handle_text, base + self.component_style("placeholder")),
            Segment(" " * max(0, name_width - name_cells - cell_len(handle_text)), base),
        ]
        if org_width:
            segments.append(
                Segment(
                    pad(one_line(row.organisation, 120), org_width),
                    base + self.component_style("organisation"),
                )
            )
        segments += [
            Segment(" " + pad(one_line(stage, 60), STAGE_WIDTH), base + self.component_style("stage")),
            Segment(" " + self._touch_text(row).rjust(TOUCH_WIDTH), base + self.component_style("touch")),
            Segment(" " + warmth.rjust(WARMTH_WIDTH), base + self.component_style("warmth")),
            Segment(" " + short_number(row.reach).rjust(REACH_WIDTH), base + self.component_style("reach")),
            Segment(
                " " + overdue_text(row.overdue_days).rjust(OVERDUE_WIDTH) + " ",
                base + self.component_style("overdue"),
            ),
        ]
        return Strip(segments).adjust_cell_length(width, base).simplify()


def header_text(width: int) -> str:
    """The column titles, aligned with `PeopleList.render_row` at `width` cells."""
    fixed = 1 + STAGE_WIDTH + 1 + TOUCH_WIDTH + 1 + WARMTH_WIDTH + 1 + REACH_WIDTH + 1 + OVERDUE_WIDTH + 1
    flexible = max(0, width - fixed)
    org_width = flexible * 2 // 5 if flexible >= 30 else 0
    name_width = flexible - org_width
    parts = [" ", pad("Name", name_width)]
    if org_width:
        parts.append(pad("Organisation", org_width))
    parts += [
        " " + pad("Stage", STAGE_WIDTH),
        " " + "Last touch".rjust(TOUCH_WIDTH),
        " " + "Warmth".rjust(WARMTH_WIDTH),
        " " + "Reach".rjust(REACH_WIDTH),
        " " + "Overdue".rjust(OVERDUE_WIDTH) + " ",
    ]
    return "".join(parts)
