"""Changing the People list's sort or filter shows rows at once and counts the view in a thread worker."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cockpit.paths import db_path
from cockpit.store import people_list as pl
from cockpit.tui.screens.people import PeopleScreen

from .conftest import make_app, screen_lines, settle
from .test_people_data import fresh_people_home
from .test_people_screen import add_many


@pytest.fixture
def many_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory plus 3,000 generated people."""
    home = fresh_people_home(tmp_path, tmp_path_factory)
    add_many(home, 3_000)
    return home


def real_position(home: Path, flt: pl.PeopleFilter, sort: pl.PeopleSort, person_id: int) -> int | None:
    """A person's index in a view, read on a connection of the test's own."""
    conn = sqlite3.connect(db_path(home))
    try:
        return pl.position(conn, flt, sort, person_id)
    finally:
        conn.close()


async def test_a_new_sort_shows_rows_before_the_count_then_moves_to_the_real_position(
    many_home: Path,
) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        people = screen.people
        people.move_to(1_500)
        await settle(pilot)
        row = people.cursor_row
        assert row is not None and row.name.startswith("Person ")
        screen.action_next_sort()  # by last touch; nothing has counted yet when the action returns
        assert not people.counted
        assert people.total == len(people._rows) < 3_007
        moved = people.cursor_row
        assert moved is not None and moved.id == row.id  # the same person, at a provisional index
        await settle(pilot)
        assert people.counted and people.total == 3_007
        expected = real_position(many_home, people.flt, pl.PeopleSort.LAST_TOUCH, row.id)
        assert expected is not None and expected != 1_500
        assert people.cursor == expected
        after = people.cursor_row
        assert after is not None and after.id == row.id
        assert f"{expected + 1:,} of 3,007" in screen_lines(app)[-2]
        assert people.has_landmarks
        await pilot.press("j")  # the window's indices were shifted with the cursor: the next row is there
        await settle(pilot)
        following = people.cursor_row
        assert following is not None and people.cursor == expected + 1
        assert real_position(many_home, people.flt, people.sort, following.id) == expected + 1


async def test_a_filter_that_hides_the_person_starts_at_the_top_and_a_short_view_needs_no_worker(
    many_home: Path,
) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        people = screen.people
        people.move_to(2_000)
        await settle(pilot)
        screen.action_toggle_overdue()  # two people are overdue: the rows read are the whole view
        assert people.counted and people.total == 2 and people.cursor == 0
        await settle(pilot)
        assert "1 of 2" in screen_lines(app)[-2]
        screen.action_toggle_overdue()  # everyone again: the cursor's person is still shown, counted later
        assert not people.counted
        await settle(pilot)
        assert people.counted and people.total == 3_007
