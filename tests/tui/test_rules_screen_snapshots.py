"""Snapshots of the Rules screen (the list with 30-day counts) and the rule editor with its live preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from cockpit.paths import config_path
from cockpit.tui.screens.rules import RuleEditor

from .conftest import make_app, settle
from .test_rules_screen import CONFIG


@pytest.fixture(autouse=True)
def instant_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor recomputes its preview at once."""
    monkeypatch.setattr(RuleEditor, "preview_delay", 0.0)


@pytest.fixture
def rules_home(small_home: Path) -> Path:
    config_path(small_home).write_text(CONFIG)
    return small_home


async def _rules_list(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)


async def _editor(pilot: Pilot[Any]) -> None:
    await _rules_list(pilot)
    await pilot.press("down", "enter")  # the disabled "questions" rule: a regex, three matches
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # the same frame every time
    await pilot.pause()
    await settle(pilot)


def test_rules_list_wide(snap_compare: Any, rules_home: Path) -> None:
    """120x40: two rules, on and off, their counts, conditions and actions; the status line and footer."""
    assert snap_compare(make_app(rules_home), terminal_size=(120, 40), run_before=_rules_list)


def test_rule_editor_wide(snap_compare: Any, rules_home: Path) -> None:
    """120x40: the editor filled from the rule, the switches, and the preview of the newest matches."""
    assert snap_compare(make_app(rules_home), terminal_size=(120, 40), run_before=_editor)


def test_rule_editor_narrow(snap_compare: Any, rules_home: Path) -> None:
    """80x24: the same editor fits, the preview scrolls."""
    assert snap_compare(make_app(rules_home), terminal_size=(80, 24), run_before=_editor)
