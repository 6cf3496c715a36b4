"""The momentum view: M opens it from the queue and from People, w changes the weeks, c exports CSV."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from textual_plotext import PlotextPlot

from cockpit.paths import db_path
from cockpit.services.momentum import momentum, momentum_csv
from cockpit.tui.screens.momentum import MomentumScreen
from cockpit.tui.screens.people import PeopleScreen
from cockpit.tui.screens.queue import QueueScreen

from .conftest import NOW, make_app, screen_lines, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def expected(home: Path, weeks: int = 12) -> str:
    """The CSV the service gives for the fixture at the tests' clock."""
    conn = sqlite3.connect(db_path(home))
    try:
        return momentum_csv(momentum(conn, NOW, weeks=weeks))
    finally:
        conn.close()


async def test_M_shows_the_charts_and_the_facts(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MomentumScreen)
        assert screen.figures is not None and len(screen.figures.weeks) == 12
        assert screen.figures.weeks[-1] == date(2025, 6, 9)  # the Monday of the week holding NOW
        assert len(screen.query(PlotextPlot)) == 5
        text = "\n".join(screen_lines(app))
        for title in (
            "Touches per week vs cadence target",
            "Two-way conversations per week",
            "Median first response (hours)",
            "Stage funnel (people now)",
            "Promotions and demotions per week",
            "Consistency streak",
            "Overdue follow-ups",
        ):
            assert title in text, title
        assert (
            f"streak {screen.figures.streak_weeks} · {screen.figures.overdue} overdue" in screen_lines(app)[0]
        )
        for stage in ("spotted", "engaged", "in conversation", "supporter", "advocate"):
            assert stage in text
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_w_cycles_the_weeks(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M", "w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MomentumScreen)
        assert screen.figures is not None and len(screen.figures.weeks) == 26
        assert "last 26 weeks" in screen_lines(app)[0]
        await pilot.press("w", "w")
        await settle(pilot)
        assert len(screen.figures.weeks) == 12


async def test_c_exports_csv_into_the_home_and_says_where(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "M")
        await settle(pilot)
        assert isinstance(app.screen, MomentumScreen)
        await pilot.press("c")
        await settle(pilot)
        path = people_home / "momentum-2025-06-15.csv"
        assert path.read_text(encoding="utf-8") == expected(people_home)
        assert any(f"Exported to {path}" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert isinstance(app.screen, PeopleScreen)


async def test_an_unwritable_home_is_explained(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        (people_home / "momentum-2025-06-15.csv").mkdir()  # a directory where the file would go
        await pilot.press("c")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Could not write") and "writable" in m for m in messages), messages
