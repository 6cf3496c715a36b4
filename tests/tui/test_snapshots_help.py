"""Snapshots of the help screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import make_app, settle


async def _open_help(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


def test_help_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: every key, grouped by screen."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_open_help)


def test_help_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: the list scrolls inside its frame."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_open_help)
