"""The Stages dialog (`t` on the People screen): rename, move and set cadences; config.toml's settings are left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from cockpit.paths import config_path, db_path
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.people import PeopleScreen
from cockpit.tui.screens.stages import StagesDialog

from .conftest import make_app, screen_lines, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def stored_stages(home: Path) -> list[tuple[str, str, int | None]]:
    """(key, label, cadence) of every stage in funnel order, read on a connection of the test's own."""
    conn = sqlite3.connect(db_path(home))
    try:
        return [
            (key, label, cadence)
            for key, label, cadence in conn.execute(
                "SELECT key, label, cadence_days FROM stages ORDER BY position, key"
            )
        ]
    finally:
        conn.close()


async def open_stages(app: CockpitApp, pilot: Pilot[Any]) -> StagesDialog:
    """Open the People screen, then the Stages dialog, and wait for its config read."""
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, StagesDialog)
    assert dialog.pins is not None
    return dialog


def error_line(dialog: StagesDialog) -> str:
    """The dialog's error line."""
    return str(dialog.query_one("#stages-error", Static).render())


async def type_into_editor(pilot: Pilot[Any], dialog: StagesDialog, text: str) -> None:
    """Replace the edit line's text with `text` and press Enter."""
    editor = dialog.query_one("#stages-edit", Input)
    assert editor.has_focus
    editor.value = ""
    await pilot.press(*text)
    await pilot.press("enter")
    await settle(pilot)


async def test_r_renames_a_stage_and_the_people_list_shows_the_new_label(people_home: Path) -> None:
    before = stored_stages(people_home)
    assert [label for _key, label, _cadence in before][:2] == ["spotted", "engaged"]
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        await pilot.press("down", "r")  # engaged
        await type_into_editor(pilot, dialog, "Warming up")
        assert stored_stages(people_home)[1] == ("engaged", "Warming up", before[1][2])
        assert "2. Warming up" in "\n".join(screen_lines(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        rows = [line for line in screen_lines(app) if "Ada Lovelace" in line]
        assert rows and "Warming up" in rows[0]  # Ada is at engaged: her row shows the new label


async def test_J_and_K_move_a_stage_and_the_stage_sort_follows(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        await pilot.press("J")  # spotted moves below engaged
        await settle(pilot)
        keys = [key for key, _label, _cadence in stored_stages(people_home)]
        assert keys[:3] == ["engaged", "spotted", "in_conversation"]
        listing = dialog.query_one("#stages-list", OptionList)
        assert listing.highlighted == 1  # the moved stage stays highlighted
        await pilot.press("K", "K")  # back up, then a no-op at the top
        await settle(pilot)
        keys = [key for key, _label, _cadence in stored_stages(people_home)]
        assert keys[:2] == ["spotted", "engaged"]
        conn = sqlite3.connect(db_path(people_home))
        try:
            wrong = conn.execute(
                "SELECT count(*) FROM people p JOIN stages s ON s.key = p.stage WHERE p.stage_position != s.position"
            ).fetchone()[0]
        finally:
            conn.close()
        assert wrong == 0


async def test_c_sets_a_cadence_explains_a_bad_value_and_empty_clears_it(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        await pilot.press("down", "down", "down", "c")  # supporter
        await type_into_editor(pilot, dialog, "abc")
        assert "number of days from 1 to 3650" in error_line(dialog)
        assert stored_stages(people_home)[3][2] == 21  # unchanged
        await type_into_editor(pilot, dialog, "45")
        assert stored_stages(people_home)[3] == ("supporter", "supporter", 45)
        assert "every 45 days" in "\n".join(screen_lines(app))
        await pilot.press("c")
        await type_into_editor(pilot, dialog, "")
        assert stored_stages(people_home)[3][2] is None
        assert error_line(dialog) == ""


async def test_a_clashing_label_is_refused_with_a_reason_and_escape_leaves_the_editor_first(
    people_home: Path,
) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        await pilot.press("r")
        await type_into_editor(pilot, dialog, "Advocate")
        assert "already called" in error_line(dialog)
        assert stored_stages(people_home)[0][1] == "spotted"
        await pilot.press("r")
        await pilot.press("escape")  # closes the edit line, not the dialog
        await settle(pilot)
        assert app.screen is dialog and dialog.editing == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)


async def test_what_config_toml_sets_is_read_only_in_the_dialog(people_home: Path) -> None:
    config_path(people_home).write_text(
        '[people]\nstages = ["spotted", "engaged", "in conversation", "supporter", "advocate"]\n'
        "cadence_days = { engaged = 30 }\n",
        encoding="utf-8",
    )
    before = stored_stages(people_home)
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        assert dialog.pins is not None and dialog.pins.stages and dialog.pins.cadences == {"engaged"}
        note = str(dialog.query_one("#stages-note", Static).render())
        assert "config.toml [people] stages sets the labels and their order" in note
        await pilot.press("r")
        assert "change them there" in error_line(dialog) and dialog.editing == ""
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("down", "c")  # engaged: its cadence comes from cadence_days
        assert "set by config.toml [people] cadence_days" in error_line(dialog)
        assert "(config.toml)" in "\n".join(screen_lines(app))
        assert stored_stages(people_home) == before
        await pilot.press("down", "c")  # in conversation: not in the config, so editable
        await type_into_editor(pilot, dialog, "10")
        assert stored_stages(people_home)[2][2] == 10


async def test_a_broken_config_toml_makes_the_dialog_read_only_and_says_so(people_home: Path) -> None:
    config_path(people_home).write_text("[people\nstages = 3\n", encoding="utf-8")
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_stages(app, pilot)
        assert dialog.pins is not None and dialog.pins.problem
        await pilot.press("c")
        assert "config.toml has problems" in error_line(dialog) and dialog.editing == ""
