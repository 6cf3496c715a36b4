"""A generic keyboard list over SQLite that reads only the rows it shows, by keyset pagination.

The same design as the queue (`widgets/queue_list.py`): a window of rows (`_rows`, starting at absolute
index `_start`) is kept around the viewport and extended by keyset (`after` the last key, `before` the
first) as the cursor nears its edges; `g`/`G` read the first or last page. Far jumps (a scrollbar drag)
are served from landmarks, the keys of every `LANDMARK_STEP`-th row, read once by a thread worker after the
first paint. Rendered rows are kept as Strips in an LRU cache, and the rows a scroll would show next are
drawn between key presses. Subclasses say how to read and draw a row; they own no scrolling logic.
"""

from __future__ import annotations

import sqlite3
from abc import abstractmethod
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.worker import get_current_worker

from cockpit.tui.text import pad

RowT = TypeVar("RowT")
Key = tuple[Any, ...]
"""A row's keyset position: the sort columns followed by the row's id."""


class VirtualList(ScrollView, Generic[RowT], can_focus=True, inherit_bindings=False):
    """A keyboard list of rows read page by page from SQLite; draws only what is visible."""

    COMPONENT_PREFIX: ClassVar[str] = "vlist"
    """Subclasses name their component classes `<prefix>--cursor` and so on."""

    PAGE = 200
    """Rows read per keyset query."""
    MARGIN = 120
    """Rows read ahead beyond the viewport on each side, between key presses."""
    MAX_WINDOW = 1_500
    """The most rows held in memory; the far side of the window is dropped beyond this."""
    NEAR = 1_000
    """A jump within this many rows of the window extends it by keyset; farther needs landmarks."""
    LANDMARK_STEP = 256
    """Rows between two landmarks."""
    LANDMARK_BATCH = 4_096
    """Rows the landmark worker reads per keyset query."""
    SCROLL_JUMP = 0.5
    DRAWN_ROWS = 1_024
    """Rows whose drawn line is cached (LRU)."""
    SHOWN_LINES = 720
    """Finished screen lines kept by index (the viewport and the read-ahead around it, a few screens' worth)
    before they are dropped together. Every cached line is a Textual Strip of about ten objects that each
    full garbage collection scans: 8,000 of them (the old bounds) made those collections twice as long."""
    """When the cursor steps past an edge, scroll by this share of the height (as the queue does)."""

    class CursorRested(Message):
        """The cursor moved to another row (or the rows under it changed) and has rested there."""

        def __init__(self, list_: VirtualList[Any], index: int, row: Any) -> None:
            super().__init__()
            self.list = list_
            self.index = index
            self.row = row

    class OpenRequested(Message):
        """The user asked to open the row under the cursor."""

        def __init__(self, list_: VirtualList[Any], row: Any) -> None:
            super().__init__()
            self.list = list_
            self.row = row

    class LandmarksRead(Message):
        """The landmark worker finished for one generation of the list's data."""

        def __init__(self, generation: int, step: int, keys: list[Key]) -> None:
            super().__init__()
            self.generation = generation
            self.step = step
            self.keys = keys

    class Counted(Message):
        """The count worker finished for one generation: the rows the view holds and where the anchor is."""

        def __init__(self, generation: int, total: int, anchor_index: int | None) -> None:
            super().__init__()
            self.generation = generation
            self.total = total
            self.anchor_index = anchor_index

    def __init__(
        self,
        conn: sqlite3.Connection,
        db_path: Path | None,
        *,
        empty_message: str = "Nothing to show.",
        rest_delay: float = 0.06,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._conn = conn
        self._db_path = db_path
        self.empty_message = empty_message
        self.total = 0
        self.cursor = 0
        self._rows: list[RowT] = []
        self._start = 0
        self._landmarks: list[Key] | None = None
        self._step = self.LANDMARK_STEP
        self._generation = 0
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(self.DRAWN_ROWS)
        self._styles: dict[str, Style] = {}
        self._filters: tuple[LineFilter, ...] = ()
        self._announced: tuple[int, Hashable] | None = None
        self.rest_delay = rest_delay
        """Seconds the cursor must stay on a row before CursorRested is posted (0: at once)."""
        self._rest_timer: Timer | None = None
        self._read_ahead_pending = False
        self._read_ahead_key: tuple[int, ...] = ()
        self._shown: dict[int, Strip] = {}
        self._shown_key: tuple[object, ...] = ()
        self.keyset_reads = 0
        """How many keyset queries the widget has run (for tests and benchmarks)."""
        self.counted = True
        """Whether `total` is the view's real count (False while the count worker runs after a change of view)."""
        self._provisional_anchor: tuple[int, int] | None = None

    # ------------------------------------------------------- subclass hooks

    @abstractmethod
    def fetch_rows(
        self, conn: sqlite3.Connection, *, after: Key | None, before: Key | None, limit: int
    ) -> list[RowT]:
        """Up to `limit` rows in display order: the first, those after `after`, or those before `before`."""

    @abstractmethod
    def fetch_last_rows(self, conn: sqlite3.Connection, limit: int) -> list[RowT]:
        """The last `limit` rows, in display order."""

    @abstractmethod
    def count_rows(self, conn: sqlite3.Connection) -> int:
        """How many rows the list shows."""

    @abstractmethod
    def row_key(self, row: RowT) -> Key:
        """A row's keyset position."""

    @abstractmethod
    def row_id(self, row: RowT) -> int:
        """A row's stable id."""

    @abstractmethod
    def key_of_id(self, conn: sqlite3.Connection, row_id: int) -> Key | None:
        """The keyset position of a row by id, or None if it does not exist."""

    @abstractmethod
    def position_of_id(self, conn: sqlite3.Connection, row_id: int) -> int | None:
        """The 0-based index of a row by id, or None if the list does not show it."""

    @abstractmethod
    def render_row(self, row: RowT, width: int, base: Style) -> Strip:
        """Lay out one row at `width` cells over `base` (cursor styling already included)."""

    def read_landmarks(self, conn: sqlite3.Connection, step: int) -> list[Key] | None:
        """The keys of rows step-1, 2*step-1, ... in one query, or None to read them page by page."""
        return None

    def row_cache_key(self, row: RowT) -> Hashable:
        """What, besides the id, changes how a row looks (a cached strip is reused while it is equal)."""
        return None

    # ----------------------------------------------------------------- reading

    def load(self) -> None:
        """Read the count and the first page; call before the first paint."""
        self.total = self.count_rows(self._conn)
        self.counted, self._provisional_anchor = True, None
        self._rows = self._fetch(limit=self.PAGE) if self.total else []
        self._start = 0
        self.cursor = 0
        self._set_virtual_size()

    def _fetch(self, *, after: Key | None = None, before: Key | None = None, limit: int) -> list[RowT]:
        self.keyset_reads += 1
        return self.fetch_rows(self._conn, after=after, before=before, limit=limit)

    def _fetch_last(self, limit: int) -> list[RowT]:
        self.keyset_reads += 1
        return self.fetch_last_rows(self._conn, limit)

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, self.total)

    @property
    def window(self) -> tuple[int, int]:
        """The absolute indices [start, end) of the rows held in memory."""
        return self._start, self._start + len(self._rows)

    @property
    def has_landmarks(self) -> bool:
        """Whether far jumps can be served now."""
        return self._landmarks is not None

    def row_at(self, index: int) -> RowT | None:
        """The row at an absolute index, if it is loaded."""
        offset = index - self._start
        if 0 <= offset < len(self._rows):
            return self._rows[offset]
        return None

    @property
    def cursor_row(self) -> RowT | None:
        """The row under the cursor (None when the list is empty or the row is still loading)."""
        return self.row_at(self.cursor) if self.total else None

    def _ensure(self, lo: int, hi: int) -> bool:
        """Make the window hold rows [lo, hi) (clamped); return False if some must wait for landmarks."""
        lo, hi = max(0, lo), min(self.total, hi)
        if lo >= hi:
            return True
        start, end = self.window
        if self._rows and start <= lo and hi <= end:
            return True
        if not self._rows or lo > end + self.NEAR or hi < start - self.NEAR:
            return self._load_around(lo, hi)
        while end < hi:
            batch = self._fetch(after=self.row_key(self._rows[-1]), limit=max(self.PAGE, hi - end))
            if not batch:
                self.total = end
                break
            self._rows.extend(batch)
            end += len(batch)
        while start > lo:
            batch = self._fetch(before=self.row_key(self._rows[0]), limit=max(self.PAGE, start - lo))
            if not batch:
                break
            self._rows[0:0] = batch
            start -= len(batch)
            self._start = start
        self._trim(lo, hi)
        start, end = self.window
        return start <= lo and hi <= end

    def _trim(self, lo: int, hi: int) -> None:
        """Drop rows far from [lo, hi) once the window is larger than MAX_WINDOW."""
        excess = len(self._rows) - self.MAX_WINDOW
        if excess <= 0:
            return
        start, end = self.window
        front_slack, back_slack = max(0, lo - start), max(0, end - hi)
        if front_slack >= back_slack:
            drop_front = min(front_slack, excess)
            drop_back = min(back_slack, excess - drop_front)
        else:
            drop_back = min(back_slack, excess)
            drop_front = min(front_slack, excess - drop_back)
        if drop_front:
            del self._rows[:drop_front]
            self._start += drop_front
        if drop_back:
            del self._rows[len(self._rows) - drop_back :]

    def _load_around(self, lo: int, hi: int) -> bool:
        """Replace the window with rows around [lo, hi): first page, last page, or from a landmark."""
        want_lo, want_hi = max(0, lo - self.MARGIN), min(self.total, hi + self.MARGIN)
        if want_lo <= self.PAGE:
            self._rows = self._fetch(limit=want_hi)
            self._start = 0
        elif want_hi >= self.total - self.PAGE:
            self._rows = self._fetch_last(self.total - want_lo)
            self._start = self.total - len(self._rows)
        elif self._landmarks is not None:
            mark = min(want_lo // self._step, len(self._landmarks))
            if mark == 0:
                self._rows = self._fetch(limit=want_hi)
                self._start = 0
            else:
                self._rows = self._fetch(after=self._landmarks[mark - 1], limit=want_hi - mark * self._step)
                self._start = mark * self._step
        else:
            return False
        start, end = self.window
        return start <= lo and hi <= end

    def _ensure_viewport(self) -> bool:
        top = round(self.scroll_offset.y)
        ready = self._ensure(top, top + self.size.height)
        self._schedule_read_ahead()
        return ready

    def _schedule_read_ahead(self) -> None:
        key = (round(self.scroll_offset.y), *self.size, self._generation, self.total)
        if key != self._read_ahead_key:
            self._read_ahead_pending = True

    def _read_ahead(self) -> None:
        """Keep MARGIN rows loaded on each side and the rows a scroll would show next already drawn."""
        if not self.total or not self.is_mounted:
            return
        top, height = round(self.scroll_offset.y), self.size.height
        self._read_ahead_key = (top, *self.size, self._generation, self.total)
        self._ensure(top - self.MARGIN, top + height + self.MARGIN)
        jump = height + 1
        width, row_width, base = self.content_region.width, self.scrollable_content_region.width, self._base()
        for index in (*range(top + height, top + height + jump), *range(max(0, top - jump), top)):
            if index < self.total:
                self._line(index, 0, row_width, base, final_width=width)

    # ------------------------------------------------------------- landmarks

    def start_background_reads(self) -> None:
        """Start the worker that reads the landmarks of the current data (needs a database path)."""
        if self._db_path is None or not self.total:
            return
        generation, path, step, batch = self._generation, self._db_path, self._step, self.LANDMARK_BATCH

        def read() -> None:
            worker = get_current_worker()
            conn = sqlite3.connect(str(path), timeout=10.0)
            keys: list[Key] = []
            try:
                conn.execute("PRAGMA query_only = 1")
                after: Key | None = None
                seen = 0
                quick = self.read_landmarks(conn, step)
                if quick is not None:
                    keys = quick
                while quick is None and not worker.is_cancelled:
                    rows = self.fetch_rows(conn, after=after, before=None, limit=batch)
                    if not rows:
                        break
                    for offset in range(step - 1 - seen % step, len(rows), step):
                        keys.append(self.row_key(rows[offset]))
                    seen += len(rows)
                    after = self.row_key(rows[-1])
            finally:
                conn.close()
            if not worker.is_cancelled:
                self.post_message(self.LandmarksRead(generation, step, keys))

        self.run_worker(read, thread=True, exclusive=True, group=f"landmarks-{id(self)}", exit_on_error=False)

    def on_virtual_list_landmarks_read(self, message: VirtualList.LandmarksRead) -> None:
        """Keep landmarks that match the current data, then fill any rows that were waiting for them."""
        message.stop()
        if message.generation != self._generation:
            return
        self._landmarks = message.keys
        self._step = message.step
        start, end = self.window
        top = round(self.scroll_offset.y)
        if not (start <= top and min(self.total, top + self.size.height) <= end):
            self._ensure_viewport()
            self._shown.clear()
            self.refresh()
            self._announce()

    # ------------------------------------------------------------- reloading

    def reload(self, anchor: int | None = None) -> None:
        """Re-read count and visible rows after the data changed, keeping the cursor on its row (or `anchor`)."""
        old = self.cursor_row
        target = anchor if anchor is not None else (self.row_id(old) if old is not None else None)
        screen_offset = self.cursor - round(self.scroll_offset.y)
        self._generation += 1
        self._landmarks = None
        self._cache.clear()
        self._shown.clear()
        self.total = self.count_rows(self._conn)
        self.counted, self._provisional_anchor = True, None
        self._rows, self._start = [], 0
        index = min(self.cursor, max(0, self.total - 1))
        if self.total and target is not None:
            found = self._anchor_on(target)
            if found is not None:
                index = found
        self.cursor = index
        self._set_virtual_size()
        height = self.size.height
        top = max(0, min(index - screen_offset, self.total - height))
        self._ensure(min(top, index) - self.MARGIN, max(top + height, index + 1) + self.MARGIN)
        self.scroll_to(y=top, animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        self.start_background_reads()

    def _anchor_on(self, row_id: int) -> int | None:
        """Load the window around a row shown by the list and return its index (None if not shown)."""
        index = self.position_of_id(self._conn, row_id)
        key = self.key_of_id(self._conn, row_id) if index is not None else None
        if index is None or key is None:
            return None
        earlier = self._fetch(before=key, limit=self.PAGE // 2)
        later = (
            self._fetch(after=self.row_key(earlier[-1]), limit=self.PAGE)
            if earlier
            else self._fetch(limit=self.PAGE)
        )
        self._rows = earlier + later
        self._start = index - len(earlier)
        return index

    def reset(self) -> None:
        """Show the data from the top (after a change of sort or filter)."""
        self._generation += 1
        self._landmarks = None
        self._cache.clear()
        self._shown.clear()
        self.load()
        self.scroll_to(y=0, animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        self.start_background_reads()

    def show_view(self, anchor: int | None = None) -> None:
        """Show the current view at once from keyset reads; a worker counts it and says where `anchor` is.

        Counting a view (and a row's position in it) reads the whole matching index: 20-250 ms at 50k
        rows. So the first frame shows the rows around `anchor` (the row under the cursor before the
        change, when the view still holds it) or the first page, numbered from 0 as if they started the
        view; `total` is the rows held and `counted` is False. When `Counted` arrives every index (cursor,
        window, scroll) shifts to the real position and `total` becomes the real count. When the rows read
        are the whole view (a short list) the count is known at once and no worker runs.
        """
        self._generation += 1
        self._landmarks = None
        self._cache.clear()
        self._shown.clear()
        screen_offset = self.cursor - round(self.scroll_offset.y)
        rows: list[RowT] = []
        index = 0
        whole = False
        key = self.key_of_id(self._conn, anchor) if anchor is not None else None
        if key is not None:
            earlier = self._fetch(before=key, limit=self.PAGE // 2)
            later = (
                self._fetch(after=self.row_key(earlier[-1]), limit=self.PAGE)
                if earlier
                else self._fetch(limit=self.PAGE)
            )
            if later and anchor is not None and self.row_id(later[0]) == anchor:
                rows, index = earlier + later, len(earlier)
                whole = len(earlier) < self.PAGE // 2 and len(later) < self.PAGE
        if not rows:
            rows = self._fetch(limit=self.PAGE)
            index, anchor, whole = 0, None, len(rows) < self.PAGE
        self._rows, self._start, self.cursor = rows, 0, index
        self.total = len(rows)
        self.counted = whole
        self._provisional_anchor = None if whole or anchor is None else (anchor, index)
        self._set_virtual_size()
        height = self.size.height
        top = max(0, min(index - screen_offset, self.total - height))
        self.scroll_to(y=top, animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        if whole:
            self.start_background_reads()
        else:
            self._start_count()

    def _start_count(self) -> None:
        """Count the view (and find the provisional anchor's position) in a thread worker."""
        generation, path = self._generation, self._db_path
        anchor = self._provisional_anchor
        if path is None:  # no file to open a second connection on: count here
            found = self.position_of_id(self._conn, anchor[0]) if anchor is not None else None
            self.post_message(self.Counted(generation, self.count_rows(self._conn), found))
            return

        def count() -> None:
            worker = get_current_worker()
            conn = sqlite3.connect(str(path), timeout=10.0)
            try:
                conn.execute("PRAGMA query_only = 1")
                total = self.count_rows(conn)
                found = None
                if anchor is not None and not worker.is_cancelled:
                    found = self.position_of_id(conn, anchor[0])
            finally:
                conn.close()
            if not worker.is_cancelled:
                self.post_message(self.Counted(generation, total, found))

        self.run_worker(count, thread=True, exclusive=True, group=f"count-{id(self)}", exit_on_error=False)

    def on_virtual_list_counted(self, message: VirtualList.Counted) -> None:
        """Take the real count: shift every index to the rows' real positions, then read landmarks."""
        message.stop()
        if message.generation != self._generation:
            return
        anchor = self._provisional_anchor
        shift = 0
        if anchor is not None and message.anchor_index is not None:
            shift = message.anchor_index - anchor[1]
        self._provisional_anchor = None
        top = round(self.scroll_offset.y) + shift
        self._start += shift
        self.cursor += shift
        self.total = max(message.total, self._start + len(self._rows))
        self.counted = True
        self._shown.clear()
        self._set_virtual_size()
        self.scroll_to(y=max(0, min(top, self.total - self.size.height)), animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        self.start_background_reads()

    # -------------------------------------------------------------- movement

    def move_to(self, index: int, *, top: int | None = None) -> None:
        """Put the cursor on row `index` (clamped), scrolling as little as needed or to `top`."""
        if self.total == 0:
            return
        index = max(0, min(index, self.total - 1))
        old = self.cursor
        self.cursor = index
        height = max(1, self.size.height)
        current = round(self.scroll_offset.y)
        if top is None:
            top = current
            jump = max(1, round(height * self.SCROLL_JUMP))
            if index < top:
                top = max(index - height + 1, min(index, top - jump))
            elif index >= top + height:
                top = min(index, max(index - height + 1, top + jump))
        top = max(0, min(top, self.total - height))
        self._ensure(top, top + height)
        self._schedule_read_ahead()
        self._shown.pop(old, None)
        self._shown.pop(index, None)
        if top != current:
            self.scroll_to(y=top, animate=False, force=True)
        else:
            self.refresh_line(old)
            self.refresh_line(index)
        self._announce()

    def _announce(self, force: bool = False) -> None:
        if force:
            self._announced = None
        if self._rest_timer is None:
            self._rested()
        else:
            self._rest_timer.reset()

    def _rested(self) -> None:
        if self._rest_timer is not None:
            self._rest_timer.pause()
        row = self.cursor_row
        stamp = (self.cursor, self.row_id(row) if row is not None else None)
        if stamp != self._announced:
            self._announced = stamp
            self.post_message(self.CursorRested(self, self.cursor, row))

    def on_mount(self) -> None:
        """Start the (paused) timer that announces where the cursor rests."""
        if self.rest_delay > 0:
            self._rest_timer = self.set_interval(self.rest_delay, self._rested, pause=True)

    def action_cursor_down(self) -> None:
        """Move to the next row."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Move to the previous row."""
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        """Move one screenful down, keeping the cursor's place on screen."""
        height = max(1, self.size.height)
        self.move_to(self.cursor + height, top=round(self.scroll_offset.y) + height)

    def action_page_up(self) -> None:
        """Move one screenful up, keeping the cursor's place on screen."""
        height = max(1, self.size.height)
        self.move_to(self.cursor - height, top=round(self.scroll_offset.y) - height)

    def action_first(self) -> None:
        """Jump to the first row."""
        self.move_to(0, top=0)

    def action_last(self) -> None:
        """Jump to the last row."""
        self.move_to(self.total - 1, top=self.total)

    def action_open(self) -> None:
        """Open the row under the cursor."""
        row = self.cursor_row
        if row is not None:
            self.post_message(self.OpenRequested(self, row))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Load the rows a scroll (wheel, scrollbar, keys) brings into view, and redraw."""
        self._ensure_viewport()
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step and the cursor in view."""
        self._set_virtual_size()
        if self.total:
            self.move_to(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row; a double click opens it."""
        index = round(self.scroll_offset.y) + event.y
        if 0 <= index < self.total:
            self.move_to(index)
            if event.chain >= 2:
                self.action_open()

    def on_focus(self, event: events.Focus) -> None:
        """Redraw the cursor row in its focused style."""
        self._shown.pop(self.cursor, None)
        self.refresh_line(self.cursor)

    def on_blur(self, event: events.Blur) -> None:
        """Redraw the cursor row in its unfocused style."""
        self._shown.pop(self.cursor, None)
        self.refresh_line(self.cursor)

    # -------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        """Drop cached styles and rows when the theme or CSS changes."""
        self._styles.clear()
        self._cache.clear()
        self._shown.clear()
        super().notify_style_update()

    def _base(self) -> Style:
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def component_style(self, name: str, *, full: bool = False) -> Style:
        """A component's style (`<prefix>--name`): in full, or only its text attributes to lay over a row."""
        key = f"{name}:{full}"
        style = self._styles.get(key)
        if style is None:
            whole = self.get_component_rich_style(f"{self.COMPONENT_PREFIX}--{name}")
            style = whole if full else text_only(whole)
            self._styles[key] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the visible lines from cached finished strips where possible (see QueueList.render_lines)."""
        if self._read_ahead_pending:
            self._read_ahead_pending = False
            self.call_later(self._read_ahead)
        styles = self.styles
        if (
            styles.gutter
            or styles.tint.a
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
            or any(edge for edge, _color in styles.outline)
        ):
            return super().render_lines(crop)
        width = self.content_region.width
        row_width = self.scrollable_content_region.width
        base = self._base()
        filters = tuple(self.get_line_filters())
        if filters != self._filters:
            self._filters = filters
            self._cache.clear()
        background = self.background_colors[1] if filters else None
        top = round(self.scroll_offset.y)
        shown_key = (width, row_width, self.has_focus, filters)
        if shown_key != self._shown_key or len(self._shown) > self.SHOWN_LINES:
            self._shown_key = shown_key
            self._shown.clear()
        shown = self._shown
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = shown.get(top + y)
            if strip is not None:
                strips.append(strip)
                continue
            strip = self._line(top + y, y, row_width, base, final_width=width)
            if strip is not None:
                shown[top + y] = strip
            else:
                strip = self._line(top + y, y, row_width, base) or Strip.blank(row_width, base)
                strip = strip.adjust_cell_length(width, base)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)  # type: ignore[arg-type]
            strips.append(strip)
        if crop.column_span != (0, width):
            start, end = crop.column_span
            strips = [strip.crop(start, end) for strip in strips]
        return strips

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a row, a placeholder, or the empty-list message."""
        width = self.scrollable_content_region.width
        base = self._base()
        return self._line(round(self.scroll_offset.y) + y, y, width, base) or Strip.blank(width, base)

    def _line(self, index: int, y: int, width: int, base: Style, final_width: int = 0) -> Strip | None:
        """The strip for row `index` (screen line `y`); with `final_width`, only a cached finished line."""
        if self.total == 0:
            if final_width:
                return None
            if y == 1:
                text = pad("  " + self.empty_message, width)
                return Strip([Segment(text, base + self.component_style("empty"))], width)
            return Strip.blank(width, base)
        if index >= self.total:
            return None if final_width else Strip.blank(width, base)
        row = self.row_at(index)
        selected = index == self.cursor
        focused = selected and self.has_focus
        if row is None:
            if final_width:
                return None
            if selected:
                base = base + self.component_style("cursor" if focused else "cursor-blurred", full=True)
            return Strip([Segment(pad("  …", width), base + self.component_style("placeholder"))], width)
        key = (self.row_id(row), self.row_cache_key(row), width, selected, focused, final_width)
        strip = self._cache.get(key)
        if strip is not None:
            return strip
        if final_width:
            raw = self._line(index, y, width, base)
            if raw is None:
                return None
            strip = raw.adjust_cell_length(final_width, base)
            if self._filters:
                background = self.background_colors[1]
                for line_filter in self._filters:
                    strip = strip.apply_filter(line_filter, background)
        else:
            if selected:
                base = base + self.component_style("cursor" if focused else "cursor-blurred", full=True)
            strip = self.render_row(row, width, base)
        self._cache.set(key, strip)
        return strip

    def visible_rows(self) -> Sequence[RowT]:
        """The loaded rows currently on screen (for tests)."""
        top = round(self.scroll_offset.y)
        return [row for i in range(top, top + self.size.height) if (row := self.row_at(i)) is not None]


def text_only(style: Style) -> Style:
    """A style's colour and text attributes without its background, to lay over another background."""
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )
