"""Snapshots of the person screen (120x40, fixed clock)."""

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


async def _ada(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P", "j", "enter")
    await settle(pilot)


async def _grace(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P", "j", "j", "enter")
    await settle(pilot)


def test_person_ada(snap_compare: Any, people_home: Path) -> None:
    """Fields, signals, a merge suggestion, one identity and a timeline with manual entries."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_ada)


def test_person_grace(snap_compare: Any, people_home: Path) -> None:
    """A supporter with our reply in her timeline and no suggestion."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_grace)


async def _edit_form(pilot: Pilot[Any]) -> None:
    await _ada(pilot)
    await pilot.press("e")
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.screen.query_one("#field-cadence", Input).value = "soon"
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_person_edit_form(snap_compare: Any, people_home: Path) -> None:
    """The edit form over the person, with a refused cadence explained under the fields."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_edit_form)
