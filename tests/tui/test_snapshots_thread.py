"""Snapshots of the full-screen thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import make_app, settle


async def _open_forum_thread(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press(*["j"] * 5, "enter")
    await settle(pilot)


async def _open_replied_thread(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


def test_thread_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: title, url, replies indented under what they answer."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_open_forum_thread)


def test_thread_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: our own reply marked, times and authors."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_open_replied_thread)
