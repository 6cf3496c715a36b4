"""Snapshots of the composer (an X post with the count over the limit and a mention warning), the schedule
picker, the template picker and the templates screen, at 120x40 with the fixed clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from cockpit.paths import db_path
from cockpit.services import templates
from cockpit.store import open_store

from .conftest import make_app, settle


def _steady(pilot: Pilot[Any]) -> None:
    """No blinking cursors: the snapshot is the same at every frame."""
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def _composer(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    _steady(pilot)
    editor = pilot.app.screen.query_one(TextArea)
    editor.insert(
        "Hi @ada, yes: https://acme.example/blog/2025/06/release-notes-for-the-new-version cc @bob "
    )
    editor.insert("and " + "more words " * 22)
    await settle(pilot)


async def _schedule(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    pilot.app.screen.query_one(TextArea).insert("Yes! It ships on Friday: https://acme.example/releases")
    await settle(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)
    await pilot.press("ctrl+u")
    _steady(pilot)
    await settle(pilot)


def _with_templates(home: Path) -> Path:
    store = open_store(db_path(home))
    templates.add_template(store, "thanks", "Thanks {first_name}! We are on it.", now=0)
    templates.add_template(store, "release date", "Hi {handle}, the release ships on Friday.", now=0)
    templates.add_template(store, "docs link", "About {topic}: see https://docs.acme.example/start", now=0)
    store.close()
    return home


async def _template_picker(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)
    await pilot.press("t", "h")
    _steady(pilot)
    await settle(pilot)


async def _templates_screen(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)
    await pilot.press("down")
    await settle(pilot)


def test_composer_on_an_x_post(snap_compare: Any, small_home: Path) -> None:
    """120x40: Ada's post above, reply as acme-x, the text over X's 280 (links count 23), the @bob warning."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_composer)


def test_schedule_picker(snap_compare: Any, small_home: Path) -> None:
    """120x40: now, the presets with their times, their working hours unavailable and why, the condition."""
    assert snap_compare(make_app(small_home), terminal_size=(120, 40), run_before=_schedule)


def test_template_picker(snap_compare: Any, small_home: Path) -> None:
    """120x40: 'th' typed, the matching template and its text filled in for Ada."""
    home = _with_templates(small_home)
    assert snap_compare(make_app(home), terminal_size=(120, 40), run_before=_template_picker)


def test_templates_screen(snap_compare: Any, small_home: Path) -> None:
    """120x40: three templates by name, the second highlighted with its text, the variables and the keys."""
    home = _with_templates(small_home)
    assert snap_compare(make_app(home), terminal_size=(120, 40), run_before=_templates_screen)
