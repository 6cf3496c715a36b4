"""Snapshots of the first-run screen (an empty data directory)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .conftest import make_app, settle


async def _settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A relative data directory that does not exist yet (relative, so the screen shows the same path)."""
    monkeypatch.chdir(tmp_path)
    return Path("new-home")


def test_first_run_wide(snap_compare: Any, fresh_home: Path) -> None:
    """120x40: how to add an account, and how to try the demo."""
    assert snap_compare(make_app(fresh_home), terminal_size=(120, 40), run_before=_settled)


def test_first_run_narrow(snap_compare: Any, fresh_home: Path) -> None:
    """80x24: the same text still fits."""
    assert snap_compare(make_app(fresh_home), terminal_size=(80, 24), run_before=_settled)
