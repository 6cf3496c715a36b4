"""Snapshot of the momentum view (120x40, fixed clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .conftest import make_app, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


async def _momentum(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("M")
    await settle(pilot)


def test_momentum_wide(snap_compare: Any, people_home: Path) -> None:
    """Five charts and the facts pane for the last 12 weeks."""
    assert snap_compare(make_app(people_home), terminal_size=(120, 40), run_before=_momentum)
