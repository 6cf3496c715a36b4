"""The People screen: P opens it, sort and filter keys, Enter opens a person, and the list stays virtual."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select

from cockpit.paths import db_path
from cockpit.store import people_list as pl
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.people import PeopleFilterDialog, PeopleScreen
from cockpit.tui.screens.person import PersonScreen
from cockpit.tui.screens.queue import QueueScreen

from .conftest import NOW, make_app, screen_lines, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def names(app: CockpitApp) -> list[str]:
    """The names of the rows on screen, in order."""
    screen = app.screen
    assert isinstance(screen, PeopleScreen), screen
    return [row.name for row in screen.people.visible_rows()]


async def test_P_opens_people_sorted_by_name_and_escape_returns(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert names(app) == [
            "A. Lovelace",
            "Ada Lovelace",
            "Grace Hopper",
            "Katherine J",
            "Linus",
            "Marie Curie",
            "Zed Nobody",
        ]
        lines = screen_lines(app)
        assert "sorted by name · all people" in lines[0]
        assert lines[1].split() == [
            "Name",
            "Organisation",
            "Stage",
            "Last",
            "touch",
            "Warmth",
            "Reach",
            "Overdue",
        ]
        ada = next(line for line in lines if "Ada Lovelace" in line)
        assert "@ada" in ada and "Analytical Engines" in ada and "engaged" in ada and "5.4k" in ada
        assert "1 of 7" in lines[-2]
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_s_cycles_the_sort_and_S_goes_back(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        assert screen.people.sort is pl.PeopleSort.LAST_TOUCH
        assert "sorted by last touch" in screen_lines(app)[0]
        assert names(app)[0] == "Ada Lovelace"  # her post 5 minutes ago is the latest touch
        await pilot.press("s", "s")
        assert screen.people.sort is pl.PeopleSort.REACH
        assert names(app)[:3] == ["Ada Lovelace", "A. Lovelace", "Grace Hopper"]  # 5,400 > 1,200 > 830
        await pilot.press("s")
        assert screen.people.sort is pl.PeopleSort.OVERDUE
        assert names(app)[:2] == ["Marie Curie", "Katherine J"]
        await pilot.press("s")
        assert screen.people.sort is pl.PeopleSort.STAGE
        assert names(app)[0] in ("A. Lovelace", "Zed Nobody") and names(app)[-1] == "Katherine J"
        await pilot.press("s")
        assert screen.people.sort is pl.PeopleSort.NAME
        await pilot.press("S")
        assert screen.people.sort is pl.PeopleSort.STAGE


async def test_sorting_keeps_the_cursor_on_its_person(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "j", "j")  # Grace Hopper
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        assert screen.people.cursor_row is not None and screen.people.cursor_row.name == "Grace Hopper"
        await pilot.press("s")
        await settle(pilot)
        row = screen.people.cursor_row
        assert row is not None and row.name == "Grace Hopper"
        assert screen.people.cursor == 1  # by last touch: Ada (5m), then Grace (2h)
        assert f"{screen.people.cursor + 1} of 7" in screen_lines(app)[-2]


async def test_o_shows_only_the_overdue_and_c_clears(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "o")
        await settle(pilot)
        assert names(app) == ["Katherine J", "Marie Curie"]
        assert "overdue only" in screen_lines(app)[0]
        overdue = [line for line in screen_lines(app) if "Marie Curie" in line]
        assert overdue and overdue[0].rstrip().endswith("26d")
        await pilot.press("o")
        assert len(names(app)) == 7
        await pilot.press("o", "c")
        assert len(names(app)) == 7
        assert "all people" in screen_lines(app)[0]


async def test_f_filters_by_text_and_by_stage(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "f")
        await settle(pilot)
        assert isinstance(app.screen, PeopleFilterDialog)
        await pilot.press(*"lovelace", "enter")
        await settle(pilot)
        assert names(app) == ["A. Lovelace", "Ada Lovelace"]
        assert "matching “lovelace”" in screen_lines(app)[0]
        await pilot.press("slash")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PeopleFilterDialog)
        dialog.query_one("#people-text", Input).value = ""
        dialog.query_one("#people-stage", Select).value = "engaged"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert names(app) == ["Ada Lovelace", "Marie Curie"]
        assert "stage engaged" in screen_lines(app)[0]
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PeopleFilterDialog)
        dialog.query_one("#people-overdue", Checkbox).value = True
        await pilot.press("enter")
        await settle(pilot)
        assert names(app) == ["Marie Curie"]
        await pilot.press("f", "escape")  # cancelling keeps the filter
        await settle(pilot)
        assert names(app) == ["Marie Curie"]
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#people-text", Input).value = "nobody at all"
        await pilot.press("enter")
        await settle(pilot)
        assert names(app) == []
        assert any("No people match" in line for line in screen_lines(app))


async def test_enter_opens_the_person_and_the_list_reloads_on_return(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P", "j", "enter")
        await settle(pilot)
        person = app.screen
        assert isinstance(person, PersonScreen)
        assert person.person is not None and person.person.name == "Ada Lovelace"
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#field-name", Input).value = "Ada King"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is person
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert "Ada King" in names(app)
        row = app.screen.people.cursor_row
        assert row is not None and row.name == "Ada King"


def add_many(home: Path, count: int) -> None:
    """Add `count` people named Person 00000.. straight into the table (the list's sort columns included)."""
    conn = sqlite3.connect(db_path(home))
    at = int(NOW.timestamp())
    with conn:
        conn.executemany(
            "INSERT INTO people (name, sort_name, stage, stage_position, created_at, updated_at, last_touch_at, warmth)"
            " VALUES (?, ?, 'engaged', 1, ?, ?, ?, ?)",
            [(f"Person {n:05}", f"person {n:05}", at, at, at - n * 60, (n % 97) / 10) for n in range(count)],
        )
    conn.close()


async def test_the_list_is_virtual_with_thousands_of_people(people_home: Path) -> None:
    add_many(people_home, 3_000)
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        people = screen.people
        assert people.total == 3_007
        start, end = people.window
        assert end - start <= people.PAGE + 2 * people.MARGIN + 40  # never the whole table
        await pilot.press("G")
        await settle(pilot)
        assert people.cursor == 3_006
        assert names(app)[-1] == "Zed Nobody"
        await pilot.press("g", "pagedown", "pagedown")
        await settle(pilot)
        assert people.cursor == 2 * people.size.height
        row = people.cursor_row
        assert (
            row is not None and row.name == f"Person {people.cursor - 6:05}"
        )  # after A. Lovelace .. Marie Curie
        assert people.has_landmarks
        reads = people.keyset_reads
        people.scroll_to(y=1_500, animate=False, immediate=True)  # a scrollbar drag far away
        await settle(pilot)
        shown = names(app)
        assert shown[0] == f"Person {1_500 - 6:05}"
        assert people.keyset_reads - reads <= 3
        assert len(people._rows) <= people.MAX_WINDOW
        assert "Person" in screen_lines(app)[3]


async def test_an_outreach_item_shows_who_why_now_and_their_last_post(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        row = screen.queue.cursor_row
        assert row is not None and row.source == "outreach" and row.title == "Reach out to Katherine J"
        detail = [line[70:].rstrip() for line in screen_lines(app)[:16]]
        text = "\n".join(detail)
        assert "Reach out to Katherine J" in detail[0]
        assert "Who Katherine J · Forum regulars" in text
        assert "Stage advocate" in text and "On @kat (Forum)" in text
        assert "Why now last touch 1w ago, cadence every 30" in text and "overdue by 10 days" in text
        assert "Their last post  Forum · 1w ago" in text and "Found it: Settings, then Login." in text
        await pilot.press("j")  # Marie Curie: tracked, but nothing of hers is stored
        await settle(pilot)
        text = "\n".join(line[70:] for line in screen_lines(app)[:16])
        assert "Reach out to Marie Curie" in text and "Nothing of theirs is stored yet" in text
