"""Snapshots of triage: the snooze dialog, the views sidebar, the filter bar, search, views, priority and history."""

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
    await pilot.press("backslash", "9")  # at 120 columns the sidebar starts hidden: show it
    await settle(pilot)


async def _sidebar_narrow(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("backslash")
    await settle(pilot)


async def _filter_bar(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f", *"platform:x,forum stage:advoc", "enter")  # an unknown stage: the error shows
    await settle(pilot)


async def _search(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("backslash", "slash", *"thank*", "enter")
    await settle(pilot)


async def _explain(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("S", "S")  # by priority
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("w")  # explain the top conversation
    await settle(pilot)


async def _views_list(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("f", *"platform:linkedin", "enter", "ctrl+s", *"LinkedIn inbox", "enter")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("v")
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
    """120x40: the views with keys and counts (built-in, then one per account), X current, named in the status bar."""
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


def test_filter_bar_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: the typed filter, the error for an unknown stage naming the known ones, the syntax."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_filter_bar)


def test_filter_bar_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: the same filter bar fits."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_filter_bar)


def test_search_results_wide(snap_compare: Any, small_home: Path) -> None:
    """150x40: a prefix search as a view; the status bar names it and its count; the sidebar highlights nothing."""
    assert snap_compare(make_app(small_home), terminal_size=(150, 40), run_before=_search)


def test_priority_explained(snap_compare: Any, small_home: Path) -> None:
    """120x40: the queue by priority behind the explanation of its top conversation, term by term."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_explain)


def test_views_list(snap_compare: Any, small_home: Path) -> None:
    """120x40: every view with its key and count, a saved view last."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_views_list)


async def _done_message(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("j", "e")  # the second row is done: the third takes its place under the cursor
    await settle(pilot)


def test_done_says_so_in_the_status_bar(snap_compare: Any, small_home: Path) -> None:
    """120x40: after `e` the row is gone, the count is one less and the bar says what happened (no toast)."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_done_message)
