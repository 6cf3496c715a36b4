"""The one-line status bar: view name, position and counts on the left, per-account sync state on the right."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from cockpit.tui.text import one_line, truncate

SYNC_LEVELS = ("info", "busy", "warning", "error")
MESSAGE_SECONDS = 4.0
"""How long a message (what the last action did) stays in the bar."""


class StatusBar(Widget):
    """Shows where the user is and what sync is doing; every piece of text is drawn inert."""

    DEFAULT_CSS = """
    StatusBar > .status--message {
        color: $text-success;
        text-style: bold;
    }
    StatusBar > .status--message-warning {
        color: $text-warning;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--view",
        "status--counts",
        "status--demo",
        "status--message",
        "status--message-warning",
        *(f"status--sync-{level}" for level in SYNC_LEVELS),
    }

    def __init__(
        self, view_name: str = "Inbox", *, noun: str = "conversations", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.view_name = view_name
        self.noun = noun
        self.total = 0
        self.unread: int | None = None
        self.position: int | None = None
        self.demo = False
        self.selected = 0
        """How many conversations are selected (shown when above zero)."""
        self.sync: dict[str, tuple[str, str]] = {}
        self.message = ""
        """What the last action did (e.g. "Done · u undoes"); cleared after a few seconds."""
        self._message_level = ""
        self._message_timer: Timer | None = None
        self._strip: Strip | None = None
        self._styles: dict[str, Style] = {}

    def set_counts(self, *, total: int | None = None, unread: int | None = None) -> None:
        """Update the view's totals."""
        if total is not None:
            self.total = total
        if unread is not None:
            self.unread = unread
        self._changed()

    def set_view(self, name: str) -> None:
        """Show another view's name (its counts follow with `set_counts`)."""
        self.view_name = name
        self.unread = None
        self._changed()

    def set_selected(self, count: int) -> None:
        """Show how many conversations are selected (0 hides it)."""
        if count != self.selected:
            self.selected = count
            self._changed()

    def set_position(self, position: int | None) -> None:
        """Update the cursor's 0-based position (None hides it)."""
        if position != self.position:
            self.position = position
            self._changed()

    def set_sync(self, account: str, text: str, level: str = "info") -> None:
        """Show (or, with empty text, remove) one account's sync state."""
        if text:
            self.sync[account] = (text, level if level in SYNC_LEVELS else "info")
        else:
            self.sync.pop(account, None)
        self._changed()

    def show_sync(self, state: dict[str, tuple[str, str]]) -> None:
        """Show every account's sync state (account -> (text, level)), replacing what was shown."""
        self.sync = {
            name: (text, level if level in SYNC_LEVELS else "info") for name, (text, level) in state.items()
        }
        self._changed()

    def show_message(self, text: str, *, warning: bool = False, seconds: float | None = None) -> None:
        """Show what just happened after the counts; it clears itself after `seconds` (MESSAGE_SECONDS).

        Cheaper than a toast: the bar's one line is redrawn, no widget is mounted or laid out.
        """
        self.message = one_line(text, 200)
        self._message_level = "message-warning" if warning else "message"
        if self._message_timer is not None:
            self._message_timer.stop()
        delay = MESSAGE_SECONDS if seconds is None else seconds
        self._message_timer = self.set_timer(delay, self.clear_message) if self.is_mounted else None
        self._changed()

    def clear_message(self) -> None:
        """Remove the message, if any."""
        if self._message_timer is not None:
            self._message_timer.stop()
            self._message_timer = None
        if self.message:
            self.message = ""
            self._changed()

    def _changed(self) -> None:
        self._strip = None
        self.refresh()

    @property
    def left_text(self) -> str:
        """The left side as plain text: view, position or total, unread count."""
        text = f" {self.view_name} "
        if self.demo:
            text += " DEMO "
        return text + self._counts()

    @property
    def sync_text(self) -> str:
        """The sync area as plain text (before it is cut to the width)."""
        return "  ".join(
            f"{one_line(name, 40)}: {one_line(text, 120)}" for name, (text, _) in self.sync.items()
        )

    def _counts(self) -> str:
        noun = self.noun[:-1] if self.total == 1 and self.noun.endswith("s") else self.noun
        counts = f" {self.total:,} {noun}"
        if self.position is not None and self.total:
            counts = f" {self.position + 1:,}/{self.total:,}"
        if self.unread is not None:
            counts += f" · {self.unread:,} unread"
        if self.selected:
            counts += f" · {self.selected:,} selected"
        return counts

    def notify_style_update(self) -> None:
        """Drop cached styles when the theme changes."""
        self._styles.clear()
        self._strip = None
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(f"status--{name}")
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw the bar (it has one line)."""
        width = self.size.width
        if y != 0:
            return Strip.blank(width, self._style(""))
        if self._strip is None or self._strip.cell_length != width:
            self._strip = self._build(width)
        return self._strip

    def _build(self, width: int) -> Strip:
        base = self._style("")
        segments = [Segment(f" {self.view_name} ", self._style("view"))]
        if self.demo:
            segments.append(Segment(" DEMO ", self._style("demo")))
        segments.append(Segment(self._counts(), self._style("counts")))
        used = sum(cell_len(segment.text) for segment in segments)
        if self.message and width - used > 12:
            # The message may take up to half of what is left; the sync area keeps the rest.
            text = "  " + truncate(self.message, max(8, (width - used - 4) // 2)) + " "
            segments.append(Segment(text, self._style(self._message_level)))
            used += cell_len(text)
        room = width - used - 2
        if room > 8 and self.sync:
            right: list[Segment] = []
            right_cells = 0
            for number, (name, (text, level)) in enumerate(self.sync.items()):
                piece = ("  " if number else "") + f"{one_line(name, 40)}: {one_line(text, 120)}"
                piece = truncate(piece, room - right_cells)
                if not piece:
                    break
                right.append(Segment(piece, self._style(f"sync-{level}")))
                right_cells += cell_len(piece)
                if right_cells >= room:
                    break
            segments.append(Segment(" " * (width - used - right_cells - 1), base))
            segments.extend(right)
        return Strip(segments).adjust_cell_length(width, base)
