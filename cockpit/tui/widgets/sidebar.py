"""The views sidebar: every view with its key and its count, the current one highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from cockpit.tui.text import one_line, truncate
from cockpit.tui.views import VIEWS, View, view_key


class Sidebar(Widget):
    """Lists the views (key, name, count); the list and counts arrive from a worker via `set_views`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar--current", "sidebar--key", "sidebar--count"}

    def __init__(self, current: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current
        self.views: list[View] = list(VIEWS)
        self.counts: list[int] | None = None

    def set_current(self, index: int) -> None:
        """Highlight another view (-1: none, e.g. a typed filter or a search)."""
        self.current = index
        self.refresh()

    def set_counts(self, counts: list[int]) -> None:
        """Show fresh counts (one per view, in the order of `views`)."""
        self.counts = counts
        self.refresh()

    def set_views(self, views: Sequence[View], counts: list[int]) -> None:
        """Show another list of views with their counts."""
        self.views = list(views)
        self.counts = counts
        self.refresh()

    def render(self) -> Text:
        """One line per view: its key, its name and its count (… until counted)."""
        width = max(10, self.content_region.width or 22)
        current = self.get_component_rich_style("sidebar--current")
        key_style = self.get_component_rich_style("sidebar--key")
        count_style = self.get_component_rich_style("sidebar--count")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" Views\n", style="bold")
        counts = self.counts if self.counts is not None and len(self.counts) == len(self.views) else None
        for index, view in enumerate(self.views):
            if index == len(VIEWS) or (view.saved_id is not None and not self.views[index - 1].saved_id):
                text.append("\n")  # accounts, then saved views, each after a blank line
            shown = "…" if counts is None else ("!" if view.problem else f"{counts[index]:,}")
            name_width = max(1, width - 3 - len(shown) - 2)
            line = Text(no_wrap=True)
            line.append(f" {view_key(index) or ' '} ", style=key_style)
            line.append(truncate(one_line(view.name, 80), name_width).ljust(name_width) + " ")
            line.append(shown, style=count_style)
            line.append(" ")
            if index == self.current:
                line.stylize(current)
            text.append_text(line)
            text.append("\n")
        text.rstrip()
        return text
