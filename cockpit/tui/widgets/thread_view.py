"""A scrollable view of one laid-out thread, drawn line by line from a `ThreadLayout`."""

from __future__ import annotations

import sqlite3
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cockpit.store.threads import ConversationHead
from cockpit.tui.keymap import THREAD_VIEW_BINDINGS
from cockpit.tui.text import ago, inert, one_line, wrap
from cockpit.tui.thread_layout import INDENT_PER_LEVEL, PLATFORM_NAMES, ThreadLayout, ThreadLine

_KINDS = (
    "title",
    "url",
    "meta",
    "notice",
    "author",
    "own",
    "handle",
    "time",
    "post_title",
    "body",
    "deleted",
)


class ThreadView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows a thread laid out by a worker; asks for a new layout when its width changes."""

    BINDINGS: ClassVar[list[BindingType]] = list(THREAD_VIEW_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"thread--{kind}" for kind in _KINDS} | {
        "thread--guide",
        "thread--stale",
    }

    class WidthChanged(Message):
        """The view's text width changed, so its thread needs laying out again."""

        def __init__(self, view: ThreadView, width: int) -> None:
            super().__init__()
            self.view = view
            self.width = width

        @property
        def control(self) -> ThreadView:
            """The view that changed."""
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.layout_data: ThreadLayout | None = None
        self._message_text = ""
        self._styles: dict[str, Style] = {}
        self._last_width = 0
        self._stale = False

    @property
    def conversation_id(self) -> int | None:
        """The conversation shown, if any."""
        return self.layout_data.conversation_id if self.layout_data else None

    @property
    def text_width(self) -> int:
        """The width lines are laid out for (the content width, less the scrollbar)."""
        return max(20, self.scrollable_content_region.width or self.size.width)

    def show_layout(self, layout: ThreadLayout, *, keep_scroll: bool = False) -> None:
        """Show a laid-out thread, from the top unless `keep_scroll`."""
        same = self.layout_data is not None and self.layout_data.conversation_id == layout.conversation_id
        self.layout_data = layout
        self._stale = False
        self._message_text = ""
        self.virtual_size = Size(layout.width, len(layout.lines))
        if not (keep_scroll and same):
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def mark_loading(self) -> None:
        """Show the current thread dimmed while another loads (cheaper than clearing: no new layout)."""
        if self.layout_data is None:
            self.show_message("Loading…")
        elif not self._stale:
            self._stale = True
            self.refresh()

    def show_message(self, text: str) -> None:
        """Replace the thread with a one-line message (loading, nothing selected)."""
        self.layout_data = None
        self._stale = False
        self._message_text = text
        self.virtual_size = Size(self.text_width, 1)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def notify_style_update(self) -> None:
        """Drop cached styles when the theme or CSS changes."""
        self._styles.clear()
        super().notify_style_update()

    def _style(self, kind: str) -> Style:
        style = self._styles.get(kind)
        if style is None:
            style = self.get_component_rich_style(f"thread--{kind}") if kind else self.rich_style
            self._styles[kind] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one visible line."""
        width = self.size.width
        base = self._style("")
        index = self.scroll_offset.y + y
        layout = self.layout_data
        if layout is None:
            if index == 0 and self._message_text:
                return Strip([Segment(self._message_text, self._style("notice"))]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if index >= len(layout.lines):
            return Strip.blank(width, base)
        strip = self._strip(layout.lines[index], layout.width).adjust_cell_length(width, base)
        if self._stale:  # dim every piece (a post-style overrides each segment's own colour)
            strip = Strip(list(Segment.apply_style(iter(strip), post_style=self._style("stale"))), width)
        return strip

    def _strip(self, line: ThreadLine, width: int) -> Strip:
        segments: list[Segment] = []
        if line.depth:
            guide = min(line.depth * INDENT_PER_LEVEL, width // 2)
            segments.append(
                Segment(
                    ("│" + " " * (INDENT_PER_LEVEL - 1)) * (guide // INDENT_PER_LEVEL), self._style("guide")
                )
            )
        segments.extend(Segment(text, self._style(kind)) for kind, text in line.spans)
        return Strip(segments).crop(0, width)

    def on_resize(self, event: events.Resize) -> None:
        """Ask for a new layout when the text width changes."""
        width = self.text_width
        if width != self._last_width:
            self._last_width = width
            self.post_message(self.WidthChanged(self, width))
        if self.layout_data is None:
            self.virtual_size = Size(width, 1)

    def action_scroll_lines(self, count: int) -> None:
        """Scroll by `count` lines."""
        self.scroll_to(y=self.scroll_offset.y + count, animate=False)

    def action_scroll_pages(self, count: int) -> None:
        """Scroll by `count` pages."""
        self.scroll_to(y=self.scroll_offset.y + count * max(1, self.size.height - 1), animate=False)

    def action_scroll_edge(self, end: int) -> None:
        """Scroll to the top (0) or the end (1)."""
        self.scroll_to(y=self.max_scroll_y if end else 0, animate=False)


def outreach_layout(
    conn: sqlite3.Connection, head: ConversationHead, *, width: int, now: float
) -> ThreadLayout:
    """Lay out an outreach item (it has no posts): who to reach out to, why now, and their last post."""
    from datetime import UTC, datetime

    from cockpit.services.people import get_person, identities_of
    from cockpit.services.signals import signals_for

    width = max(20, width)
    lines: list[ThreadLine] = []

    def add(kind: str, text: str) -> None:
        lines.extend(ThreadLine(((kind, piece),)) for piece in wrap(text, width))

    def field(label: str, text: str) -> None:
        first, *rest = wrap(text, max(10, width - len(label) - 1)) or [""]
        lines.append(ThreadLine((("meta", label + " "), ("body", first))))
        lines.extend(ThreadLine((("body", " " * (len(label) + 1) + piece),)) for piece in rest)

    row = conn.execute("SELECT person_id, excerpt FROM conversations WHERE id = ?", (head.id,)).fetchone()
    person = get_person(conn, row[0]) if row and row[0] is not None else None
    add("title", one_line(head.title, 400) or "Reach out")
    if person is None:
        add("notice", "The person this reminder was for is no longer tracked; e marks it done.")
        return ThreadLayout(head.id, width, tuple(lines))
    add("meta", f"Outreach reminder · {head.status} · {one_line(row[1], 300)}")
    lines.append(ThreadLine(()))
    stage = conn.execute("SELECT label FROM stages WHERE key = ?", (person.stage,)).fetchone()
    who = " · ".join(one_line(part, 120) for part in (person.name, person.role, person.organisation) if part)
    field("Who", who)
    field("Stage", one_line(stage[0] if stage else person.stage, 60))
    if person.interests:
        field("Interests", one_line(", ".join(person.interests), 400))
    handles = [
        f"@{one_line(identity.handle, 60).lstrip('@')} ({PLATFORM_NAMES.get(identity.platform, one_line(identity.platform, 20))})"
        for identity in identities_of(conn, person.id)
    ]
    if handles:
        field("On", ", ".join(handles))
    signals = signals_for(conn, person.id, datetime.fromtimestamp(now, UTC))
    why: list[str] = []
    if signals.last_touch_at is None:
        why.append("no touch yet")
    else:
        why.append(f"last touch {ago(now - signals.last_touch_at.timestamp())}")
    if signals.cadence_days:
        why.append(f"cadence every {signals.cadence_days} days")
    if signals.overdue_days:
        why.append(f"overdue by {signals.overdue_days} days")
    field("Why now", ", ".join(why))
    if person.notes:
        field("Notes", one_line(person.notes, 600))
    lines.append(ThreadLine(()))
    last = conn.execute(
        """
        SELECT p.text, p.title, p.created_at, c.platform FROM interactions x
        JOIN posts p ON p.id = x.post_id JOIN conversations c ON c.id = p.conversation_id
        WHERE x.person_id = ? AND x.direction = 'in' AND p.deleted = 0
        ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1
        """,
        (person.id,),
    ).fetchone()
    if last is None:
        add("notice", "Nothing of theirs is stored yet: a first hello, on a platform where they are.")
    else:
        text, title, created_at, platform = last
        where = PLATFORM_NAMES.get(platform, one_line(platform, 20))
        lines.append(
            ThreadLine((("author", "Their last post"), ("time", f"  {where} · {ago(now - created_at)}")))
        )
        if title:
            add("post_title", one_line(title, 400))
        for paragraph in inert(text[:2_000]).split("\n"):
            add("body", paragraph)
    lines.append(ThreadLine(()))
    add(
        "notice",
        "Reply to something of theirs, or log a call (P, Enter, a). e marks this done; s snoozes it.",
    )
    return ThreadLayout(head.id, width, tuple(lines))
