"""Snapshots of the People screen, the link dialog and an outreach item's detail pane (120x40, fixed clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from .conftest import make_app, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


async def _people(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P", "j")
    await settle(pilot)


async def _people_by_overdue(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P", "s", "s", "s", "s")
    await settle(pilot)


async def _link_dialog(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for _ in range(6):  # down to Alan Turing's conversation
        await pilot.press("j")
    await pilot.press("p")
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.press(*"a")
    await settle(pilot)


async def _outreach(pilot: Pilot[Any]) -> None:
    await settle(pilot)


def test_people_wide(snap_compare: Any, people_home: Path) -> None:
    """The list by name: columns, handles, the overdue days, the cursor on the second row."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_people)


def test_people_by_overdue(snap_compare: Any, people_home: Path) -> None:
    """Sorted by overdue: the most overdue first, people without a cadence last."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_people_by_overdue)


def test_link_person_dialog(snap_compare: Any, people_home: Path) -> None:
    """`p` on Alan Turing's conversation after typing "a": create from the author, then the matches."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_link_dialog)


def test_outreach_detail(snap_compare: Any, people_home: Path) -> None:
    """An outreach item in the queue: who, why now, and their last post in the detail pane."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_outreach)
