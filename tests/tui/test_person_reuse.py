"""The People screen reuses one person screen: each opening shows the right person, never the previous one's data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Static

from cockpit.paths import db_path
from cockpit.tui.screens.people import PeopleScreen
from cockpit.tui.screens.person import PersonScreen

from .conftest import make_app, screen_lines, settle
from .test_people_data import fresh_people_home
from .test_person_screen import person_id


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


async def test_a_second_opening_reuses_the_screen_and_shows_only_the_new_person(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        people.open_person(person_id(people_home, "Ada Lovelace"))
        await settle(pilot)
        first = app.screen
        assert isinstance(first, PersonScreen)
        assert first.signals is not None and first.signals.inbound_90d == 1
        assert [entry.kind for entry in first.entries] == ["post", "call", "meetup"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen) and app.screen is people
        app.screen.open_person(person_id(people_home, "Grace Hopper"))
        assert app.screen is first  # the same screen object, filled again
        assert first.person is not None and first.person.name == "Grace Hopper"
        signals = str(first.query_one("#person-signals", Static).render())
        assert first.signals is None and "Signals: reading…" in signals  # Ada's are not left showing
        assert "Ada" not in str(first.query_one("#person-card", Static).render())
        assert all(entry.kind != "call" for entry in first.entries)
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Grace Hopper" in text and "Ada Lovelace" not in text and "Analytical Engines" not in text
        assert first.signals is not None and "Signals: reading" not in text


async def test_a_late_signal_result_for_the_previous_person_is_ignored(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        ada, grace = person_id(people_home, "Ada Lovelace"), person_id(people_home, "Grace Hopper")
        people.open_person(ada)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonScreen) and screen.signals is not None
        ada_signals = screen.signals
        await pilot.press("escape")
        await settle(pilot)
        people.open_person(grace)
        screen._show_signals(ada, ada_signals)  # as if Ada's worker finished after Grace was shown
        assert screen.signals is None
        await settle(pilot)
        assert screen.signals is not None and screen.signals is not ada_signals


async def test_leaving_the_people_screen_lets_the_person_screen_go(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        people.open_person(person_id(people_home, "Ada Lovelace"))
        await settle(pilot)
        person = app.screen
        assert isinstance(person, PersonScreen)
        assert app.is_screen_installed(person)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, (PeopleScreen, PersonScreen))
        assert not app.is_screen_installed(person)
        assert not person.is_attached


async def test_coming_back_without_a_write_keeps_the_rows_and_a_write_elsewhere_rereads_them(
    people_home: Path,
) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PeopleScreen)
        ada = person_id(people_home, "Ada Lovelace")
        people.open_person(ada)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        reads = people.people.keyset_reads
        people.open_person(ada)
        await settle(pilot)
        await pilot.press("escape")  # nothing was written: the rows held are still right
        await settle(pilot)
        assert people.people.keyset_reads == reads
        people.open_person(ada)
        await settle(pilot)
        conn = sqlite3.connect(db_path(people_home))  # another connection (a sync, the CLI) renames her
        with conn:
            conn.execute("UPDATE people SET name = 'Ada King', sort_name = 'ada king' WHERE id = ?", (ada,))
        conn.close()
        await pilot.press("escape")
        await settle(pilot)
        assert people.people.keyset_reads > reads
        assert "Ada King" in [row.name for row in people.people.visible_rows()]
