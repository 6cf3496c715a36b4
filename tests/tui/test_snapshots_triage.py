"""Snapshots of triage: the snooze dialog, the views sidebar and the undo history, wide and narrow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import make_app, settle


async def _snooze_dialog(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def _sidebar_wide(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("backslash", "5")  # at 120 columns the sidebar starts hidden: show it
    await settle(pilot)


async def _sidebar_narrow(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("backslash")
    await settle(pilot)


async def _history(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("x", "j", "x", "e", "m", "t", *"vip", "enter", "u")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("U")
    await settle(pilot)


def test_snooze_dialog_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: the presets with their times, the typed-time field, the hint line."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_snooze_dialog)


def test_snooze_dialog_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: the same dialog fits."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_snooze_dialog)


def test_sidebar_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: the views with keys and counts, the X view current, its name in the status bar."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_sidebar_wide)


def test_sidebar_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: hidden at first, shown by `\\` beside the list."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_sidebar_narrow)


def test_history_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: done, mute and tag steps, newest first, the undone one struck through."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_history)


def test_history_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: the same history."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_history)
