"""The person screen: fields saved by Ctrl+S, manual entries, merge and undo, split, suggestions, timeline."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select, Static

from cockpit.paths import db_path
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.link_person import PersonPicker
from cockpit.tui.screens.people import PeopleScreen
from cockpit.tui.screens.person import ManualEntryDialog, PersonEditDialog, PersonScreen, TimelineView
from cockpit.tui.screens.thread import ThreadScreen

from .conftest import make_app, screen_lines, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def person_id(home: Path, name: str) -> int:
    """A person's id by name."""
    conn = sqlite3.connect(db_path(home))
    try:
        return int(conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


def stored(home: Path, person: int, column: str) -> object:
    """One stored column of a person."""
    conn = sqlite3.connect(db_path(home))
    try:
        return conn.execute(f"SELECT {column} FROM people WHERE id = ?", (person,)).fetchone()[0]
    finally:
        conn.close()


async def open_person(app: CockpitApp, pilot: object, name: str) -> PersonScreen:
    """Open a person's screen straight from the People screen."""
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("P")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    people = app.screen
    assert isinstance(people, PeopleScreen)
    people.open_person(person_id(app.home, name))
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, PersonScreen)
    return screen


async def test_the_person_screen_shows_fields_signals_identities_and_timeline(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        card = str(screen.query_one("#person-card", Static).render())
        for line in (
            "Organisation Analytical Engines",
            "Stage        engaged",
            "Tags         compilers, speaker",
            "Interests    open source tooling",
            "Cadence      every 7 days",
            "Timezone     Europe/London",
        ):
            assert line in card, line
        text = "\n".join(screen_lines(app))
        assert "Ada Lovelace · engaged · Analytical Engines · Engineer" in text
        assert "@ada" in text and "reach 5,400" in text
        assert screen.signals is not None and screen.signals.inbound_90d == 1
        assert "Two-way (90 days) 1 in · 2 out" in text and "Warmth 4.7" in text and "Due 16 Jun 2025" in text
        kinds = [(entry.manual, entry.kind) for entry in screen.entries]
        assert kinds == [(False, "post"), (True, "call"), (True, "meetup")]  # newest first
        assert "Possibly the same person: A. Lovelace" in text
        assert app.focused is screen.query_one("#person-timeline", TimelineView)


async def test_e_edits_and_ctrl_s_saves_and_a_bad_value_is_explained(people_home: Path) -> None:
    app = make_app(people_home)
    ada = person_id(people_home, "Ada Lovelace")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonEditDialog)
        assert app.focused is form.query_one("#field-name", Input)
        assert form.query_one("#field-tags", Input).value == "compilers, speaker"
        form.query_one("#field-cadence", Input).value = "soon"
        await pilot.press("ctrl+s")
        assert "Not saved: cadence must be a whole number" in str(
            form.query_one("#person-error", Static).render()
        )
        assert app.screen is form
        assert stored(people_home, ada, "cadence_days") == 7
        form.query_one("#field-cadence", Input).value = "21"
        form.query_one("#field-role", Input).value = "Principal engineer"
        form.query_one("#field-tags", Input).value = "compilers, speaker, writer"
        form.query_one("#field-stage", Select).value = "supporter"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert stored(people_home, ada, "cadence_days") == 21
        assert stored(people_home, ada, "role") == "Principal engineer"
        assert stored(people_home, ada, "tags") == '["compilers", "speaker", "writer"]'
        assert stored(people_home, ada, "stage") == "supporter"
        assert "Principal engineer" in screen_lines(app)[0] and "supporter" in screen_lines(app)[0]
        assert "every 21 days" in str(screen.query_one("#person-card", Static).render())
        await pilot.press("escape")
        assert isinstance(app.screen, PeopleScreen)


async def test_cancelling_unsaved_edits_asks_once(people_home: Path) -> None:
    app = make_app(people_home)
    ada = person_id(people_home, "Ada Lovelace")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonEditDialog)
        await pilot.press(*" King")
        await pilot.press("escape")
        assert app.screen is form
        assert "Unsaved changes" in str(form.query_one("#person-error", Static).render())
        await pilot.press("escape")
        assert app.screen is screen
        assert stored(people_home, ada, "name") == "Ada Lovelace"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("escape")  # nothing edited: closes at once
        assert app.screen is screen


async def test_a_adds_a_manual_entry_to_the_timeline(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Grace Hopper")
        before = len(screen.entries)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ManualEntryDialog)
        dialog.query_one("#entry-kind", Select).value = "gift"
        await pilot.press(*"Sent a book")
        dialog.query_one("#entry-when", Input).value = "yesterday"
        await pilot.press("enter")
        assert "Cannot read that time" in str(dialog.query_one("#entry-error", Static).render())
        dialog.query_one("#entry-when", Input).value = "2025-06-14 18:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.entries) == before + 1
        gifts = [entry for entry in screen.entries if entry.kind == "gift"]
        assert [(entry.text, entry.manual) for entry in gifts] == [("Sent a book", True)]
        assert gifts[0].occurred_at.strftime("%Y-%m-%d %H:%M") == "2025-06-14 18:30"
        timeline = screen.query_one("#person-timeline", TimelineView)
        timeline.move_to(screen.entries.index(gifts[0]))
        await pilot.press("enter")  # a manual entry has no conversation to open
        assert app.screen is screen


async def test_enter_on_a_post_opens_its_conversation(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        await pilot.press("enter")
        await settle(pilot)
        thread = app.screen
        assert isinstance(thread, ThreadScreen)
        assert thread.conversation_id == screen.entries[0].conversation_id
        await pilot.press("escape")
        assert app.screen is screen


async def test_y_merges_the_suggestion_and_u_undoes_it(people_home: Path) -> None:
    app = make_app(people_home)
    other = person_id(people_home, "A. Lovelace")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        assert [identity.handle for identity in screen.identities] == ["ada"]
        await pilot.press("y")
        await settle(pilot)
        assert sorted(identity.handle for identity in screen.identities) == ["ada", "ada_l"]
        assert stored(people_home, other, "merged_into") == screen.person_id
        assert "Possibly the same person" not in "\n".join(screen_lines(app))
        await pilot.press("u")
        await settle(pilot)
        assert [identity.handle for identity in screen.identities] == ["ada"]
        assert stored(people_home, other, "merged_into") is None
        await pilot.press("u")  # nothing left to undo
        assert app.screen is screen


async def test_m_picks_a_person_to_merge(people_home: Path) -> None:
    app = make_app(people_home)
    linus = person_id(people_home, "Linus")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Grace Hopper")
        await pilot.press("m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        assert all(choice.person_id != screen.person_id for choice in picker.choices)  # not herself
        assert all(choice.create_name is None for choice in picker.choices)  # merging creates nobody
        await pilot.press(*"lin")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert stored(people_home, linus, "merged_into") == screen.person_id
        assert {identity.handle for identity in screen.identities} == {"grace", "linus"}


async def test_x_splits_an_identity_off(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Ada Lovelace")
        await pilot.press("x")  # only one identity: refused
        assert len(screen.identities) == 1
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("i", "down")
        identities = screen.query_one("#person-identities", OptionList)
        assert identities.highlighted == 1
        handle = screen.identities[1].handle
        await pilot.press("x")
        await settle(pilot)
        assert [identity.handle for identity in screen.identities] == [
            h for h in ("ada", "ada_l") if h != handle
        ]
        conn = sqlite3.connect(db_path(people_home))
        try:
            owner = conn.execute(
                "SELECT p.name, p.merged_into FROM identities i JOIN people p ON p.id = i.person_id "
                "WHERE i.handle = ?",
                (handle,),
            ).fetchone()
        finally:
            conn.close()
        assert owner == ("Ada Lovelace", None)  # a new person named after the identity
        assert owner is not None


async def test_the_timeline_moves_by_key_and_reads_older_entries_at_its_end(people_home: Path) -> None:
    conn = sqlite3.connect(db_path(people_home))
    grace = person_id(people_home, "Grace Hopper")
    with conn:
        conn.executemany(
            "INSERT INTO interactions (person_id, direction, kind, occurred_at, note) VALUES (?, 'out', 'note', ?, ?)",
            [(grace, 1_700_000_000 + n, f"note {n}") for n in range(150)],
        )
    conn.close()
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_person(app, pilot, "Grace Hopper")
        timeline = screen.query_one("#person-timeline", TimelineView)
        assert len(screen.entries) == 100  # one page
        await pilot.press("j", "j")
        assert timeline.cursor == 2
        await pilot.press("k")
        assert timeline.cursor == 1
        await pilot.press("pagedown")
        assert timeline.cursor > 1 and timeline.scroll_offset.y > 0
        await pilot.press("G")  # the last entry held: the next page is read
        await settle(pilot)
        assert len(screen.entries) == 152
        assert screen.entries[-1].text == "note 0"
        await pilot.press("G")
        assert timeline.cursor == 151
        assert "note 0" in "\n".join(screen_lines(app))
        await pilot.press("g")
        assert timeline.cursor == 0 and timeline.scroll_offset.y == 0
