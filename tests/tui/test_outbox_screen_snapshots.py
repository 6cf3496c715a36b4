"""Snapshot of the Outbox view at 120x40: counts per state, one item in each, a failed one selected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from .conftest import make_app, settle
from .test_outbox_screen import seed_outbox


async def _outbox(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("O")
    await settle(pilot)
    await pilot.press("down", "down", "down")
    await settle(pilot)
    assert pilot.app.screen.query_one(DataTable).cursor_row == 3


def test_outbox_view(snap_compare: Any, small_home: Path) -> None:
    """120x40: scheduled, sending, sent, failed and unknown items with counts; the failed one's reason."""
    seed_outbox(small_home)
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_outbox)
