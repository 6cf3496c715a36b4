"""Snapshot of the Stages dialog over the People screen (120x40, fixed clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.paths import config_path
from cockpit.tui.screens.stages import StagesDialog

from .conftest import make_app, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory with config.toml setting one stage's cadence."""
    home = fresh_people_home(tmp_path, tmp_path_factory)
    config_path(home).write_text("[people]\ncadence_days = { supporter = 21 }\n", encoding="utf-8")
    return home


async def _stages(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StagesDialog)
    await pilot.press("J")  # spotted moves below engaged, and stays highlighted
    await settle(pilot)


def test_stages_dialog(snap_compare: Any, people_home: Path) -> None:
    """The funnel in order with cadences, supporter's marked as set by config.toml, spotted just moved down."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_stages)
