"""The views sidebar: every built-in view with its key and its count, the current one highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from cockpit.tui.views import VIEWS


class Sidebar(Widget):
    """Lists the views (key, name, count); counts arrive from a worker via `set_counts`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar--current", "sidebar--key", "sidebar--count"}

    def __init__(self, current: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current
        self.counts: list[int] | None = None

    def set_current(self, index: int) -> None:
        """Highlight another view."""
        self.current = index
        self.refresh()

    def set_counts(self, counts: list[int]) -> None:
        """Show fresh counts (one per view, in VIEWS order)."""
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
        for index, view in enumerate(VIEWS):
            number = str((index + 1) % 10)
            shown = "…" if self.counts is None else f"{self.counts[index]:,}"
            name_width = width - 3 - len(shown) - 1
            line = Text(no_wrap=True)
            line.append(f" {number} ", style=key_style)
            line.append(view.name[:name_width].ljust(name_width))
            line.append(shown, style=count_style)
            line.append(" ")
            if index == self.current:
                line.stylize(current)
            text.append_text(line)
            text.append("\n")
        text.rstrip()
        return text
