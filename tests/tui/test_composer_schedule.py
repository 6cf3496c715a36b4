"""The composer's schedule picker: send now, presets, typed times, the recipient's working hours, conditions."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from cockpit.paths import db_path
from cockpit.services.outbox import Condition, OutboxState
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.schedule import ScheduleDialog

from .conftest import NOW, make_app, settle
from .test_composer import _items, _open_composer


async def test_ctrl_l_schedules_with_a_preset_and_a_condition(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press(*"Later!", "ctrl+l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ScheduleDialog)
        labels = [str(o.prompt) for o in dialog.query_one("#choices", OptionList).options]
        assert [label.split("  ")[0] for label in labels[:5]] == [
            "now",
            "in 1 hour",
            "this evening",
            "tomorrow morning",
            "next Monday morning",
        ]
        await pilot.press("ctrl+u")
        assert "unless they reply first" in str(dialog.query_one("#condition", Static).render())
        await pilot.press("down", "enter")  # in 1 hour
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        (item,) = _items(small_home)
        assert item.send_at == NOW + timedelta(hours=1)
        assert item.condition is Condition.UNLESS_THEY_REPLY
        assert item.state is OutboxState.SCHEDULED


async def test_schedule_takes_a_typed_time_and_says_what_it_cannot_read(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press(*"Tomorrow then", "ctrl+l")
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, Input)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, OptionList), "Shift+Tab goes back to the choices"
        await pilot.press("tab", *"whenever", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ScheduleDialog)
        assert "cannot read 'whenever'" in str(dialog.query_one("#error", Static).render())
        dialog.query_one("#when", Input).value = ""
        await pilot.press(*"tomorrow 9am", "ctrl+u", "ctrl+u", "enter")
        await settle(pilot)
        (item,) = _items(small_home)
        assert item.send_at == NOW.replace(hour=9) + timedelta(days=1)
        assert item.condition is Condition.UNLESS_WE_REPLIED


async def test_escape_in_the_schedule_picker_goes_back_to_the_text(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        await pilot.press(*"Hold on", "ctrl+l")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.text == "Hold on"
        assert _items(small_home) == []


async def test_their_working_hours_need_the_recipients_time_zone(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press("h", "ctrl+l")
        await settle(pilot)
        options = app.screen.query_one("#choices", OptionList).options
        window = options[-1]
        assert window.disabled and "in their working hours" in str(window.prompt)
        assert "✗" in str(window.prompt), "says why it is not offered"


async def test_their_working_hours_when_the_time_zone_is_known(small_home: Path) -> None:
    conn = sqlite3.connect(db_path(small_home))
    columns = {row[1] for row in conn.execute("PRAGMA table_info(people)")}
    if (
        "timezone" not in columns
    ):  # the people tracker's migration adds it; a database without it gets it here
        conn.execute("ALTER TABLE people ADD COLUMN timezone TEXT NOT NULL DEFAULT ''")
    cursor = conn.execute(
        "INSERT INTO people (name, timezone, created_at, updated_at) VALUES ('Ada', 'Asia/Tokyo', 0, 0)"
    )
    conn.execute("UPDATE identities SET person_id = ? WHERE handle = 'ada'", (cursor.lastrowid,))
    conn.commit()
    conn.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press("h", "ctrl+l")
        await settle(pilot)
        choices = app.screen.query_one("#choices", OptionList)
        window = choices.options[-1]
        assert not window.disabled and "Asia/Tokyo" in str(window.prompt)
        # NOW is Sunday 12:00 UTC: Monday 09:00 in Tokyo is Monday 00:00 UTC.
        assert "Mon 16 Jun 00:00" in str(window.prompt)
        choices.highlighted = len(choices.options) - 1
        await pilot.press("enter")
        await settle(pilot)
        (item,) = _items(small_home)
        assert item.send_at == NOW.replace(hour=0) + timedelta(days=1)
