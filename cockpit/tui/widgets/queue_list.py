"""The conversation queue: a virtual list that reads only the rows it shows, by keyset pagination.

The widget keeps a window of rows (`_rows`, starting at absolute index `_start`) around the viewport and
extends it by keyset (`after` the last key, `before` the first) as the cursor or the viewport nears its
edges; `g`/`G` read the first or last page. A far jump (scrollbar drag, a big wheel move) is served from
landmarks: the keys of every `step`-th row, read once by a thread worker after the first paint; row `n` is
then one keyset read after landmark `n // step`. Until landmarks exist, rows out of reach show as
placeholders and fill in when they arrive. Rendered rows are kept as Strips in an LRU cache.
"""

from __future__ import annotations

import re
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from cockpit.store import queue as q
from cockpit.tui.keymap import QUEUE_LIST_BINDINGS
from cockpit.tui.messages import LandmarksReady, UnreadCounted
from cockpit.tui.text import age, inert, one_line, pad, truncate

BADGES: dict[str, str] = {"x": "X", "linkedin": "in", "discourse": "forum", "feed": "blog"}
"""The short platform label shown at the start of each row."""
BADGE_WIDTH = 5
AGE_WIDTH = 4


def badge_label(platform: str) -> str:
    """The badge text for a platform, centred in the badge width."""
    label = BADGES.get(platform) or inert(platform, keep_newlines=False)[:BADGE_WIDTH]
    return label.center(BADGE_WIDTH)


def status_marks(row: q.ConversationRow) -> str:
    """The marks at the end of a row: a reply draft, tags, replied, snoozed, and the post count when above one."""
    marks: list[str] = ["✎ draft"] if row.has_draft else []
    marks.extend(f"#{one_line(tag, 24)}" for tag in row.tags)
    if row.answered:
        marks.append("↩")
    if row.snooze_until is not None or row.status == "snoozed":
        marks.append("z")
    if row.post_count > 1:
        marks.append(f"×{row.post_count}")
    return " ".join(marks)


class QueueList(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyboard list of conversations backed by SQLite; draws only what is visible."""

    BINDINGS: ClassVar[list[BindingType]] = list(QUEUE_LIST_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue--cursor",
        "queue--cursor-blurred",
        "queue--selected",
        "queue--selected-mark",
        "queue--unread-mark",
        "queue--unread",
        "queue--read",
        "queue--author",
        "queue--author-unread",
        "queue--handle",
        "queue--title",
        "queue--marks",
        "queue--age",
        "queue--placeholder",
        "queue--empty",
        "queue--badge-x",
        "queue--badge-linkedin",
        "queue--badge-discourse",
        "queue--badge-feed",
        "queue--badge-other",
    }

    PAGE = 200
    """Rows read per keyset query."""
    MARGIN = 120
    """Rows read ahead beyond the viewport on each side, after each frame (not while handling a key)."""
    MAX_WINDOW = 1_500
    """The most rows held in memory; the far side of the window is dropped beyond this."""
    NEAR = 1_000
    """A jump within this many rows of the window extends it by keyset; farther needs landmarks."""
    LANDMARK_STEP = 256
    """Rows between two landmarks."""
    SCROLL_JUMP = 0.5
    """When the cursor steps past the top or bottom edge, scroll by this share of the height (0: one line).

    Like Emacs recentring or Vim's `scrolljump`: the cursor lands mid-list and the next rows are already in
    view. A scroll repaints every row (about 4 ms in Textual's compositor at 120x40, whatever the row
    count) where a cursor step repaints two, so holding a key repaints the whole list once per half page.
    """

    class CursorRested(Message):
        """The cursor moved to another row (or the rows under it changed) and has rested there.

        Posted `rest_delay` seconds after the last move, so holding a key costs one repaint of two rows
        per press and nothing else; whoever shows details of the row (thread, position) listens to this.
        """

        def __init__(self, index: int, row: q.ConversationRow | None) -> None:
            super().__init__()
            self.index = index
            self.row = row

    class OpenRequested(Message):
        """The user asked to open the conversation under the cursor."""

        def __init__(self, row: q.ConversationRow) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self,
        conn: sqlite3.Connection,
        db_path: Path,
        *,
        flt: q.QueueFilter | None = None,
        sort: q.Sort = q.Sort.NEWEST,
        now: Callable[[], float],
        empty_message: str = "Nothing in the queue.",
        rest_delay: float = 0.06,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._conn = conn
        self._db_path = db_path
        self.flt = flt or q.QueueFilter()
        self.sort = sort
        self._now = now
        self.empty_message = empty_message
        self.total = 0
        self.cursor = 0
        self._rows: list[q.ConversationRow] = []
        self._start = 0
        self._landmarks: list[q.Key] | None = None
        self._step = self.LANDMARK_STEP
        self._generation = 0
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(2_048)
        self._styles: dict[str, Style] = {}
        self._filters: tuple[LineFilter, ...] = ()
        self._announced: tuple[int, int | None] | None = None
        self.rest_delay = rest_delay
        """Seconds the cursor must stay on a row before CursorRested is posted (0: at once)."""
        self._rest_timer: Timer | None = None
        self._read_ahead_pending = False
        self._read_ahead_key: tuple[int, ...] = ()
        self._shown: dict[int, Strip] = {}
        """Finished lines by row index, for the current width, focus and data (cleared when those change)."""
        self._shown_key: tuple[object, ...] = ()
        self.keyset_reads = 0
        """How many keyset queries the widget has run (for tests and benchmarks)."""
        self.marked: set[int] = set()
        """Conversations selected with `x` (ignored while `all_marked`)."""
        self.all_marked = False
        """Whether every conversation of the view is selected (`X`): a flag, no ids are read."""

    # ----------------------------------------------------------------- reading

    def load(self) -> None:
        """Read the count and the first page; call once, before the first paint."""
        self.total = q.count(self._conn, self.flt)
        self._rows = self._fetch(limit=self.PAGE) if self.total else []
        self._start = 0
        self.cursor = 0
        self._set_virtual_size()

    def _fetch(
        self, *, after: q.Key | None = None, before: q.Key | None = None, limit: int
    ) -> list[q.ConversationRow]:
        self.keyset_reads += 1
        return q.fetch_page(self._conn, self.flt, self.sort, after=after, before=before, limit=limit)

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, self.total)

    def _set_row_count(self) -> None:
        """Follow a change of `total` without laying out the screen again when the scrollbars stay as they are.

        Assigning `virtual_size` asks Textual for a layout of the whole screen (every widget is arranged and
        repainted): about as much work as the rest of a key press. When the vertical scrollbar neither
        appears nor goes, only the bar's proportions change, and it is repainted only if its thumb moves.
        """
        old = self.virtual_size
        new = Size(self.scrollable_content_region.width or self.size.width, self.total)
        height = self.size.height
        if new == old:
            return
        if (
            not self.is_mounted
            or not height
            or new.width != old.width
            or (old.height > height) != (new.height > height)
        ):
            self.virtual_size = new
            return
        before = self._thumb(self.scroll_offset.y)
        self.set_reactive(Widget.virtual_size, new)
        if self.show_vertical_scrollbar:
            scrollbar = self.vertical_scrollbar
            scrollbar.set_reactive(type(scrollbar).window_virtual_size, new.height)
            if self._thumb(self.scroll_offset.y) != before:
                scrollbar.refresh()

    @property
    def window(self) -> tuple[int, int]:
        """The absolute indices [start, end) of the rows held in memory."""
        return self._start, self._start + len(self._rows)

    @property
    def has_landmarks(self) -> bool:
        """Whether far jumps can be served now."""
        return self._landmarks is not None

    def row_at(self, index: int) -> q.ConversationRow | None:
        """The row at an absolute index, if it is loaded."""
        offset = index - self._start
        if 0 <= offset < len(self._rows):
            return self._rows[offset]
        return None

    @property
    def cursor_row(self) -> q.ConversationRow | None:
        """The conversation under the cursor (None when the queue is empty or the row is still loading)."""
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
            batch = self._fetch(after=self._rows[-1].key(self.sort), limit=max(self.PAGE, hi - end))
            if not batch:
                self.total = end  # rows went away under us; a DataChanged will follow
                break
            self._rows.extend(batch)
            end += len(batch)
        while start > lo:
            batch = self._fetch(before=self._rows[0].key(self.sort), limit=max(self.PAGE, start - lo))
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
            self._rows = q.fetch_last_page(self._conn, self.flt, self.sort, limit=self.total - want_lo)
            self.keyset_reads += 1
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
        """Make sure the visible rows are loaded (reading only if read-ahead has not already)."""
        top = round(self.scroll_offset.y)
        ready = self._ensure(top, top + self.size.height)
        self._schedule_read_ahead()
        return ready

    def _schedule_read_ahead(self) -> None:
        """Read and draw the rows around the viewport once the next frame is painted.

        `render_lines` (called while the frame is composed) queues the work, so it runs after the frame
        has gone out rather than before it; callers have already asked for a repaint.
        """
        key = (round(self.scroll_offset.y), *self.size, self._generation, self.total)
        if key != self._read_ahead_key:
            self._read_ahead_pending = True

    def _read_ahead(self) -> None:
        """Keep MARGIN rows loaded on each side and the rows a scroll would show next already drawn.

        This runs between key presses, so a key press itself rarely reads SQLite or lays out a row.
        """
        if not self.total or not self.is_mounted:
            return
        top, height = round(self.scroll_offset.y), self.size.height
        self._read_ahead_key = (top, *self.size, self._generation, self.total)
        self._ensure(top - self.MARGIN, top + height + self.MARGIN)
        jump = height + 1  # a page: what PageDown, or a jump past the edge, shows next
        width, row_width, base = (
            self.content_region.width,
            self.scrollable_content_region.width,
            self._base_style(),
        )
        for index in (*range(top + height, top + height + jump), *range(max(0, top - jump), top)):
            if index < self.total:
                self._line(index, 0, row_width, base, final_width=width)

    # ------------------------------------------------------------- landmarks

    def start_background_reads(self) -> None:
        """Start the worker that reads landmarks and the unread count for the current data."""
        generation, path, flt, sort, step = self._generation, self._db_path, self.flt, self.sort, self._step

        def read() -> None:
            worker = get_current_worker()
            conn = sqlite3.connect(str(path), timeout=10.0)
            try:
                conn.execute("PRAGMA query_only = 1")
                where, params = flt.where()
                unread = conn.execute(
                    f"SELECT count(*) FROM conversations c WHERE {where} AND c.unread = 1", params
                ).fetchone()[0]
                self.post_message(UnreadCounted(generation, int(unread)))
                if worker.is_cancelled:
                    return
                keys = q.landmarks(conn, flt, sort, step)
            finally:
                conn.close()
            if not worker.is_cancelled:
                self.post_message(LandmarksReady(generation, step, keys))

        self.run_worker(read, thread=True, exclusive=True, group="queue-landmarks", exit_on_error=False)

    def on_landmarks_ready(self, message: LandmarksReady) -> None:
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
            self.refresh()
            self._announce()

    # ------------------------------------------------------------- reloading

    def reload(self, anchor: int | None = None, total: int | None = None) -> None:
        """Re-read count and visible rows after the data changed, keeping the cursor on its conversation.

        With `anchor`, the cursor goes to that conversation instead (or where it would be, if it left the view).
        With `total`, the caller knows the new count (e.g. an undo that brought back N rows) and it is not read.
        """
        old_row = self.cursor_row
        target: tuple[int, q.Key] | None = (old_row.id, old_row.key(self.sort)) if old_row else None
        if anchor is not None:
            anchor_key = q.key_of(self._conn, anchor, self.sort)
            if anchor_key is not None:
                target = (anchor, anchor_key)
        screen_offset = self.cursor - round(self.scroll_offset.y)
        self._generation += 1
        self._landmarks = None
        self._cache.clear()
        self._shown.clear()
        self.total = q.count(self._conn, self.flt) if total is None else total
        self._rows, self._start = [], 0
        index = min(self.cursor, max(0, self.total - 1))
        if self.total and target is not None:
            index = self._anchor_on(*target, fallback=index)
        self.cursor = index
        self._set_virtual_size()
        height = self.size.height
        top = max(0, min(index - screen_offset, self.total - height))
        if not self._rows:
            self._ensure(top - self.MARGIN, top + height + self.MARGIN)
        else:
            self._ensure(min(top, index) - self.MARGIN, max(top + height, index + 1) + self.MARGIN)
        self.scroll_to(y=top, animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        self.start_background_reads()

    def _anchor_on(self, row_id: int, row_key: q.Key, fallback: int) -> int:
        """Load the window around a row (or where it was, if it left the view) and return the cursor index."""
        index = q.position(self._conn, self.flt, self.sort, row_id)
        key = q.key_of(self._conn, row_id, self.sort) if index is not None else row_key
        if index is None:
            following = self._fetch(after=key, limit=1)
            if not following:
                self._rows = q.fetch_last_page(self._conn, self.flt, self.sort, limit=self.PAGE)
                self._start = self.total - len(self._rows)
                return self.total - 1
            index = q.position(self._conn, self.flt, self.sort, following[0].id)
            if index is None:
                return fallback
            key = following[0].key(self.sort)
        if key is None:
            return fallback
        earlier = self._fetch(before=key, limit=self.PAGE // 2)
        later = (
            self._fetch(after=earlier[-1].key(self.sort), limit=self.PAGE)
            if earlier
            else self._fetch(limit=self.PAGE)
        )
        self._rows = earlier + later
        self._start = index - len(earlier)
        return index

    def remove_rows(self, ids: Collection[int]) -> None:
        """Take conversations that left the view out of the list; the cursor lands on the row after its own.

        Rows held in memory are dropped without re-reading the view; if some are not held, the view reloads.
        """
        if ids and not self.apply_change((), ids):
            self.reload()

    def _rank(self, key: q.Key) -> q.Key:
        """A key that sorts ascending in display order (the sort columns all run the same way)."""
        return tuple(-part for part in key) if self.sort is not q.Sort.OLDEST else key

    def apply_change(
        self,
        fresh: Sequence[q.ConversationRow],
        changed: Collection[int],
        *,
        was_in_view: int | None = None,
        anchor: int | None = None,
    ) -> bool:
        """Show our own change to `changed` conversations in memory, without counting or re-reading the view.

        `fresh`: the changed rows the view holds now, as just read. `was_in_view`: how many of `changed`
        the view held before the change (None: all of them, when all are held). Rows leave and come back
        by key within the window held in memory; the cursor stays on its row (or lands on the one after
        it, if it left), or goes to `anchor` when given. Returns False, changing nothing, when the change
        reaches rows outside the window (the caller then reloads).
        """
        doomed = set(changed)
        if not doomed:
            return True
        held = [offset for offset, row in enumerate(self._rows) if row.id in doomed]
        if len(held) != (len(doomed) if was_in_view is None else was_in_view):
            return False  # some rows that were in the view are not in memory: their places are unknown
        rows = [row for row in self._rows if row.id not in doomed]
        start = self._start
        total = self.total - len(held)
        old_cursor_row = self.cursor_row
        cursor_key = old_cursor_row.key(self.sort) if old_cursor_row is not None else None
        first_changed = (start + held[0]) if held else self.total
        sort, rank_of = self.sort, self._rank

        def row_rank(row: q.ConversationRow) -> q.Key:
            return rank_of(row.key(sort))

        for row in fresh:
            offset = bisect_left(rows, row_rank(row), key=row_rank)
            if offset == 0 and start > 0:
                start += 1  # it sorts before the window: every row held moves down one
                first_changed = 0
            elif offset == len(rows) and start + len(rows) < total:
                pass  # it sorts after the window: not held
            else:
                rows.insert(offset, row)
                first_changed = min(first_changed, start + offset)
            total += 1
        if anchor is not None:
            index = next((start + offset for offset, row in enumerate(rows) if row.id == anchor), None)
            if index is None:
                return False
        elif cursor_key is None or not rows:
            index = min(self.cursor, max(0, total - 1))
        else:
            # The cursor's row, or where it was: the first row at or after its key.
            index = min(start + bisect_left(rows, rank_of(cursor_key), key=row_rank), max(0, total - 1))
        screen_line = self.cursor - round(self.scroll_offset.y)
        old_cursor = self.cursor
        self._rows, self._start, self.total = rows, start, total
        self.marked -= doomed
        self.cursor = index
        self._generation += 1
        self._landmarks = None
        self._set_row_count()
        height = self.size.height
        current = round(self.scroll_offset.y)
        top = current
        if anchor is not None and not current <= index < current + height:
            top = index - screen_line
        top = max(0, min(top, total - height))
        self._ensure(min(top, index), max(top + height, index + 1))
        # Lines above the first changed row are as they were, cursor aside; the rest moved.
        self._shown = {line: strip for line, strip in self._shown.items() if line < first_changed}
        self._shown.pop(old_cursor, None)
        self._shown.pop(index, None)
        if top != current:
            self.scroll_to(y=top, animate=False, force=True)
        else:
            for line in (old_cursor, index):
                if line < first_changed:
                    self.refresh_line(line)
            if first_changed < top + height:
                first_line = max(0, first_changed - top)
                width = self.size.width
                self.refresh(Region(0, first_line, width, height - first_line))
        self._schedule_read_ahead()
        self._announce(force=True)
        self.call_after_refresh(self.start_background_reads)
        return True

    def set_filter(self, flt: q.QueueFilter) -> None:
        """Show another view: read its count and first page, cursor on top, selection cleared."""
        self.flt = flt
        self._generation += 1
        self._landmarks = None
        self._shown.clear()
        self.marked.clear()
        self.all_marked = False
        self.load()
        self.scroll_to(y=0, animate=False, force=True)
        self.refresh()
        self._announce(force=True)
        self.start_background_reads()

    # ------------------------------------------------------------- selection

    @property
    def selection_count(self) -> int:
        """How many conversations are selected."""
        return self.total if self.all_marked else len(self.marked)

    def is_marked(self, row_id: int) -> bool:
        """Whether a conversation is selected."""
        return self.all_marked or row_id in self.marked

    def toggle_mark(self) -> None:
        """Select or unselect the conversation under the cursor (from all-selected, unselect just it)."""
        row = self.cursor_row
        if row is None:
            return
        if self.all_marked:
            self.all_marked = False
            self.marked = {item.id for item in self._rows}
            self._shown.clear()
            self.refresh()
        if row.id in self.marked:
            self.marked.discard(row.id)
        else:
            self.marked.add(row.id)
        self._shown.pop(self.cursor, None)
        self.refresh_line(self.cursor)

    def mark_all(self) -> None:
        """Select every conversation of the view."""
        self.all_marked = True
        self._shown.clear()
        self.refresh()

    def clear_marks(self) -> bool:
        """Clear the selection; return False when there was none."""
        if not self.all_marked and not self.marked:
            return False
        self.all_marked = False
        self.marked.clear()
        self._shown.clear()
        self.refresh()
        return True

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
        """Tell the screen which conversation is under the cursor, once the cursor rests."""
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
        stamp = (self.cursor, row.id if row else None)
        if stamp != self._announced:
            self._announced = stamp
            self.post_message(self.CursorRested(self.cursor, row))

    def on_mount(self) -> None:
        """Start the (paused) timer that announces where the cursor rests."""
        if self.rest_delay > 0:
            self._rest_timer = self.set_interval(self.rest_delay, self._rested, pause=True)

    def action_cursor_down(self) -> None:
        """Move to the next conversation."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Move to the previous conversation."""
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
        """Jump to the first conversation."""
        self.move_to(0, top=0)

    def action_last(self) -> None:
        """Jump to the last conversation."""
        self.move_to(self.total - 1, top=self.total)

    def action_open(self) -> None:
        """Open the conversation under the cursor."""
        row = self.cursor_row
        if row is not None:
            self.post_message(self.OpenRequested(row))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Load the rows a scroll (wheel, scrollbar, keys) brings into view, and redraw."""
        self._ensure_viewport()
        if self.show_vertical_scrollbar:
            scrollbar = self.vertical_scrollbar
            # Over 100k rows the thumb moves once per hundreds of rows: repaint the bar only when it moves.
            if self._thumb_step(new_value) != self._thumb_step(scrollbar.position):
                scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def _thumb(self, position: float) -> tuple[int, int]:
        """Where the scrollbar thumb starts and how long it is, in eighths of a cell."""
        size, virtual = self.size.height, self.virtual_size.height
        if not size or virtual <= size:
            return 0, 0
        thumb = max(1.0, size / (virtual / size))
        return self._thumb_step(position), int(thumb * 8)

    def _thumb_step(self, position: float) -> int:
        """Which eighth of a cell the scrollbar thumb starts at for a scroll position."""
        size, virtual = self.size.height, self.virtual_size.height
        if not size or virtual <= size:
            return 0
        thumb = max(1.0, size / (virtual / size))
        return int((size - thumb) * (position / (virtual - size)) * 8)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the visible lines, skipping Textual's per-line styling pass when the widget has no gutter.

        The rows are complete Strips already (background included); with no border, padding, outline,
        tint or opacity the generic pass would only re-wrap each of them, which costs more than drawing
        it when every line changes on a scroll. Finished lines (line filters applied) are cached.
        """
        if self._read_ahead_pending:
            self._read_ahead_pending = False
            self.call_later(self._read_ahead)  # runs once this frame has been composed and sent
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
        base = self._base_style()
        filters = tuple(self.get_line_filters())
        if filters != self._filters:
            self._filters = filters
            self._cache.clear()
        background = self.background_colors[1] if filters else None
        top = round(self.scroll_offset.y)
        shown_key = (width, row_width, self.has_focus, filters)
        if shown_key != self._shown_key or len(self._shown) > 4 * self.MAX_WINDOW:
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

    def refresh_ages(self) -> None:
        """Redraw the visible rows so ages such as "5m" stay true."""
        self._shown.clear()
        self.refresh()

    def on_focus(self, event: events.Focus) -> None:
        """Redraw the cursor row in its focused style."""
        self.refresh_line(self.cursor)

    def on_blur(self, event: events.Blur) -> None:
        """Redraw the cursor row in its unfocused style."""
        self.refresh_line(self.cursor)

    # -------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        """Drop cached styles and rows when the theme or CSS changes."""
        self._styles.clear()
        self._cache.clear()
        self._shown.clear()
        super().notify_style_update()

    def _base_style(self) -> Style:
        """The widget's own style (cached: computing it walks the DOM)."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _style(self, name: str) -> Style:
        """A component's style: in full for the cursor and badges, else only its text attributes."""
        style = self._styles.get(name)
        if style is None:
            full = self.get_component_rich_style(f"queue--{name}")
            style = full if name == "selected" or name.startswith(("cursor", "badge")) else text_only(full)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a conversation, a placeholder, or the empty-queue message."""
        width = self.scrollable_content_region.width
        base = self._base_style()
        return self._line(round(self.scroll_offset.y) + y, y, width, base) or Strip.blank(width, base)

    def _line(self, index: int, y: int, width: int, base: Style, final_width: int = 0) -> Strip | None:
        """The strip for row `index` (screen line `y`); with `final_width`, only a cached finished line."""
        if self.total == 0:
            return None if final_width else self._empty_line(y, width, base)
        if index >= self.total:
            return None if final_width else Strip.blank(width, base)
        row = self.row_at(index)
        selected = index == self.cursor
        if row is None:
            if final_width:
                return None
            if selected:
                base = base + self._style("cursor" if self.has_focus else "cursor-blurred")
            return Strip([Segment(pad("  …", width), base + self._style("placeholder"))], width)
        age_text = age(self._now() - row.last_activity_at)
        focused = selected and self.has_focus
        marked = self.all_marked or row.id in self.marked
        # The row itself is in the key (not its id): a row re-read with new content is drawn anew.
        key = (row, width, selected, focused, age_text, final_width, marked)
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
            if marked:
                base = base + self._style("selected")
            if selected:
                base = base + self._style("cursor" if focused else "cursor-blurred")
            strip = self._row_strip(row, width, age_text, base, marked)
        self._cache.set(key, strip)
        return strip

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        if y == 1:
            return Strip([Segment(pad("  " + self.empty_message, width), base + self._style("empty"))], width)
        return Strip.blank(width, base)

    def _row_strip(
        self, row: q.ConversationRow, width: int, age_text: str, base: Style, marked: bool = False
    ) -> Strip:
        """Lay out one conversation: unread mark, badge, author, excerpt, marks, age."""
        author_width = 24 if width >= 110 else 18 if width >= 90 else 14
        marks_width = 18 if width >= 100 else 10
        marks = truncate(status_marks(row), marks_width)
        marks_cells = _cells(marks) + 1 if marks else 0
        excerpt_width = max(
            0, width - 1 - BADGE_WIDTH - 1 - author_width - 1 - marks_cells - 1 - AGE_WIDTH - 1
        )

        unread = row.unread
        text_style = base + self._style("unread" if unread else "read")
        author_style = base + self._style("author-unread" if unread else "author")
        badge_name = f"badge-{row.platform}" if row.platform in BADGES else "badge-other"

        name = one_line(row.author_name, 80) or one_line(row.author_handle, 80) or "unknown"
        handle = one_line(row.author_handle, 80).lstrip("@")
        name = truncate(name, author_width)
        handle_text = ""
        if handle and handle != name and _cells(name) + 2 + _cells(handle) <= author_width:
            handle_text = " @" + handle  # only whole: a cut handle reads as a different one
        filler = " " * (author_width - _cells(name) - _cells(handle_text) + 1)

        title = one_line(row.title, 200)
        excerpt = without_leading_mentions(one_line(row.excerpt, 400))
        segments = [
            Segment("✓", base + self._style("selected-mark"))
            if marked
            else Segment("●" if unread else " ", base + self._style("unread-mark")),
            Segment(badge_label(row.platform), base + self._style(badge_name)),
            Segment(" ", base),
            Segment(name, author_style),
            Segment(handle_text, base + self._style("handle")),
            Segment(filler, base),
        ]
        if title and excerpt_width > 8:
            title_text = truncate(title, max(1, excerpt_width // 2 - 3)) + " — "
            segments.append(Segment(title_text, base + self._style("title")))
            excerpt = truncate(excerpt, excerpt_width - _cells(title_text))
            segments.append(Segment(pad(excerpt, excerpt_width - _cells(title_text)), text_style))
        else:
            segments.append(Segment(pad(excerpt, excerpt_width), text_style))
        segments.append(Segment(" ", base))
        if marks:
            segments.append(Segment(marks + " ", base + self._style("marks")))
        segments.append(Segment(age_text.rjust(AGE_WIDTH) + " ", base + self._style("age")))
        return Strip(segments).adjust_cell_length(width, base).simplify()


_LEADING_MENTIONS = re.compile(r"^(?:@[\w.\-]+[\s,:]*)+")


def without_leading_mentions(text: str) -> str:
    """Drop the @handles a reply starts with (X puts them there), so the excerpt shows what was said."""
    rest = _LEADING_MENTIONS.sub("", text, count=1)
    return rest if rest.strip() else text


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


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
