"""Snapshots of the queue screen (review any change by opening the SVG: it is text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import make_app, settle


async def _settled(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def _third_row(pilot: Pilot[Any]) -> None:
    await pilot.press("j", "j")
    await settle(pilot)


async def _light_theme(pilot: Pilot[Any]) -> None:
    pilot.app.theme = "textual-light"
    await pilot.press("j")
    await settle(pilot)


def test_queue_wide(snap_compare: Any, small_home: Path) -> None:
    """120x40: list, detail pane with the selected thread, status bar, footer."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_third_row)


def test_queue_narrow(snap_compare: Any, small_home: Path) -> None:
    """80x24: the detail pane is hidden and the list takes the width."""
    assert snap_compare(make_app(small_home), terminal_size=(80, 24), run_before=_settled)


def test_queue_light_theme(snap_compare: Any, small_home: Path) -> None:
    """The same queue in the light theme."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_light_theme)


def test_queue_hostile_text(snap_compare: Any, hostile_home: Path) -> None:
    """Markup, escapes and bidi controls shown inert, every row in its columns."""
    assert snap_compare(make_app(hostile_home), terminal_size=(120, 40), run_before=_settled)
