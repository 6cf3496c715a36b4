"""A snapshot of the suggestions screen (120x40, fixed clock): three sections, the cursor on the first author."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import make_app, settle
from .test_suggestions import build_home


async def _suggestions(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)


def test_suggestions_wide(snap_compare: Any, tmp_path: Path) -> None:
    """Two authors worth a relationship (with their latest post), a promotion, a person slipping away."""
    home = build_home(tmp_path / "home")
    assert snap_compare(make_app(home), terminal_size=(120, 40), run_before=_suggestions)
