"""The momentum view (`M`): charts of the outreach rhythm, drawn with textual-plotext.

Touches per week against the cadence target, two-way conversations per week, the median first-response
time, the stage funnel, promotions and demotions per week, and the facts (streak, overdue follow-ups).
The figures (`services.momentum.momentum`) are computed in a thread worker; `c` writes them as CSV into
the cockpit's home directory and says where.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from cockpit.paths import db_path
from cockpit.tui.keymap import MOMENTUM_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import one_line

if TYPE_CHECKING:
    from cockpit.services.momentum import Momentum

WEEK_CHOICES = (12, 26, 52)
"""How many weeks `w` cycles through."""
CHARTS = ("touches", "two-way", "response", "funnel", "stages")


def week_labels(m: Momentum) -> list[str]:
    """Short labels for the weeks: "09 Jun"."""
    return [week.strftime("%d %b") for week in m.weeks]


def facts_text(m: Momentum, weeks: int) -> Text:
    """The figures that are one number: streak, overdue, this week's touches against the target."""
    text = Text()
    target = m.cadence_target[-1] if m.cadence_target else 0.0
    text.append("Consistency streak\n", style="bold")
    text.append(f"  {m.streak_weeks} week{'s' if m.streak_weeks != 1 else ''} in a row on target\n\n")
    text.append("This week\n", style="bold")
    text.append(f"  {m.touches[-1] if m.touches else 0} touches (target {target:g})\n\n")
    text.append("Overdue follow-ups\n", style="bold")
    text.append(f"  {m.overdue} {'person' if m.overdue == 1 else 'people'} past their cadence")
    if m.overdue:
        text.append(" (P, then o lists them)")
    text.append("\n\n")
    answered = [hours for hours in m.median_first_response_hours if hours is not None]
    text.append("First response\n", style="bold")
    if answered:
        text.append(f"  median {answered[-1]:g} h in the latest week with replies\n")
    else:
        text.append(f"  no replies to new conversations in {weeks} weeks\n")
    return text


class MomentumScreen(Screen[None], inherit_bindings=False):
    """Charts of touches, two-way conversations, response time and the stage funnel over recent weeks."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(MOMENTUM_BINDINGS)

    class Computed(Message):
        """The worker computed the figures for a number of weeks."""

        def __init__(self, weeks: int, momentum: Momentum) -> None:
            super().__init__()
            self.weeks = weeks
            self.momentum = momentum

    def __init__(self, *, home: Path, now: Callable[[], float], weeks: int = WEEK_CHOICES[0]) -> None:
        super().__init__()
        self._home = Path(home)
        self._now = now
        self.weeks = weeks
        self.figures: Momentum | None = None

    def compose(self) -> ComposeResult:
        """The title, six panes and the footer."""
        yield Static(Text(" Momentum · reading…"), id="momentum-title")
        with Grid(id="momentum-grid"):
            for name in CHARTS:
                yield PlotextPlot(id=f"chart-{name}")
            yield Static("", id="momentum-facts")
        yield Footer()

    def on_mount(self) -> None:
        """Start computing the figures."""
        self._compute(self.weeks)

    def _clock(self) -> datetime:
        return datetime.fromtimestamp(self._now(), UTC)

    @work(thread=True, exclusive=True, group="momentum", exit_on_error=False)
    def _compute(self, weeks: int) -> None:
        from cockpit.services.momentum import momentum

        conn = sqlite3.connect(str(db_path(self._home)), timeout=10.0)
        try:
            conn.execute("PRAGMA query_only = 1")
            figures = momentum(conn, self._clock(), weeks=weeks)
        finally:
            conn.close()
        self.post_message(self.Computed(weeks, figures))

    def on_momentum_screen_computed(self, message: MomentumScreen.Computed) -> None:
        """Draw the charts for the figures that arrived (if they are for the weeks asked for)."""
        if message.weeks != self.weeks:
            return
        self.figures = message.momentum
        self.draw(message.momentum)

    def draw(self, m: Momentum) -> None:
        """Put the figures into the charts."""
        labels = week_labels(m)
        xs = list(range(1, len(labels) + 1))
        step = max(1, len(labels) // 6)
        tick_at, tick_labels = [float(x) for x in xs[::step]], labels[::step]
        title = Text()
        title.append(" Momentum", style="bold")
        title.append(
            f" · last {self.weeks} weeks · streak {m.streak_weeks} · {m.overdue} overdue · "
            "c exports CSV · w changes the weeks"
        )
        self.query_one("#momentum-title", Static).update(title)

        touches = self.query_one("#chart-touches", PlotextPlot)
        plt = touches.plt
        plt.clear_figure()
        plt.title("Touches per week vs cadence target")
        plt.bar(xs, m.touches, label="touches")
        plt.plot(xs, m.cadence_target, label="target", marker="braille")
        plt.ylim(0, max(1.0, *m.touches, *m.cadence_target))
        plt.xticks(tick_at, tick_labels)
        touches.refresh()

        two_way = self.query_one("#chart-two-way", PlotextPlot)
        plt = two_way.plt
        plt.clear_figure()
        plt.title("Two-way conversations per week")
        plt.bar(xs, m.two_way)
        plt.ylim(0, max(1, *m.two_way))
        plt.xticks(tick_at, tick_labels)
        two_way.refresh()

        response = self.query_one("#chart-response", PlotextPlot)
        plt = response.plt
        plt.clear_figure()
        plt.title("Median first response (hours)")
        points = [
            (x, hours)
            for x, hours in zip(xs, m.median_first_response_hours, strict=True)
            if hours is not None
        ]
        if points:
            plt.plot([x for x, _ in points], [hours for _, hours in points], marker="braille")
            plt.scatter([x for x, _ in points], [hours for _, hours in points], marker="●")
        plt.xlim(1, max(2, len(xs)))
        plt.xticks(tick_at, tick_labels)
        response.refresh()

        funnel = self.query_one("#chart-funnel", PlotextPlot)
        plt = funnel.plt
        plt.clear_figure()
        plt.title("Stage funnel (people now)")
        stages = [one_line(label, 20) for label in m.funnel]
        plt.bar(stages, list(m.funnel.values()), orientation="horizontal", width=0.5)
        funnel.refresh()

        moves = self.query_one("#chart-stages", PlotextPlot)
        plt = moves.plt
        plt.clear_figure()
        plt.title("Promotions and demotions per week")
        untyped: Any = plt  # plotext's stubs call the legend argument `label`; at run time it is `labels`
        untyped.multiple_bar(xs, [m.promotions, m.demotions], labels=["promoted", "demoted"])
        plt.ylim(0, max(1, *m.promotions, *m.demotions))
        plt.xticks(tick_at, tick_labels)
        moves.refresh()

        self.query_one("#momentum-facts", Static).update(facts_text(m, self.weeks))

    def action_cycle_weeks(self) -> None:
        """Show 12, 26 or 52 weeks."""
        index = WEEK_CHOICES.index(self.weeks) if self.weeks in WEEK_CHOICES else -1
        self.weeks = WEEK_CHOICES[(index + 1) % len(WEEK_CHOICES)]
        self.query_one("#momentum-title", Static).update(Text(f" Momentum · reading {self.weeks} weeks…"))
        self._compute(self.weeks)

    def action_refresh(self) -> None:
        """Compute the figures again."""
        self._compute(self.weeks)

    def action_export_csv(self) -> None:
        """Write the figures shown as CSV into the home directory and say where."""
        if self.figures is None:
            self.notify("The figures are still being computed; try again in a moment.", title="Momentum")
            return
        self._export(self.figures)

    @work(thread=True, exclusive=True, group="momentum-export", exit_on_error=False)
    def _export(self, figures: Momentum) -> None:
        from cockpit.services.momentum import momentum_csv

        stamp = self._clock().strftime("%Y-%m-%d")
        path = self._home / f"momentum-{stamp}.csv"
        try:
            path.write_text(momentum_csv(figures), encoding="utf-8")
        except OSError as error:
            self.app.call_from_thread(
                self.notify,
                f"Could not write {path}: {error.strerror or error}. Check that the folder is writable.",
                title="Momentum",
                severity="error",
            )
            return
        self.app.call_from_thread(self.notify, f"Exported to {path}", title="Momentum", timeout=8)

    def action_back(self) -> None:
        """Back to where `M` was pressed."""
        self.app.pop_screen()
