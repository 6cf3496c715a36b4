"""`p` on the queue: link the author to a stakeholder, create one from the author, or unlink."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Static

from cockpit.paths import db_path
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.link_person import PersonPicker
from cockpit.tui.screens.queue import QueueScreen

from .conftest import make_app, screen_lines, settle
from .test_people_data import fresh_people_home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def owner_of(home: Path, handle: str) -> str | None:
    """The name of the person an identity is linked to, or None."""
    conn = sqlite3.connect(db_path(home))
    try:
        row = conn.execute(
            "SELECT p.name FROM identities i LEFT JOIN people p ON p.id = i.person_id WHERE i.handle = ?",
            (handle,),
        ).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


async def cursor_on(app: CockpitApp, pilot: object, author: str) -> None:
    """Move the queue's cursor to the first conversation by `author`."""
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    for _ in range(20):
        row = screen.queue.cursor_row
        if row is not None and row.author_name == author:
            return
        await pilot.press("j")  # type: ignore[attr-defined]
    raise AssertionError(f"no conversation by {author}")


async def test_p_creates_a_stakeholder_from_the_author(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Alan Turing")
        assert owner_of(people_home, "alan") is None
        await pilot.press("p")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        text = "\n".join(screen_lines(app))
        assert "Link Alan Turing (@alan) to a stakeholder" in text
        assert "+ New person “Alan Turing” from this author" in text
        assert picker.choices[0].create_name == "Alan Turing"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert owner_of(people_home, "alan") == "Alan Turing"


async def test_typing_searches_and_enter_links_to_the_match(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "A Reader")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"grace")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        assert [choice.create_name for choice in picker.choices[:1]] == [
            "A Reader"
        ]  # the author, not the search
        text = "\n".join(screen_lines(app))
        assert "Grace Hopper · Navy · supporter" in text
        await pilot.press("enter")  # the match is highlighted, not "create"
        await settle(pilot)
        assert owner_of(people_home, "reader42") == "Grace Hopper"


async def test_arrows_choose_and_unlink_undoes_a_link(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Grace Hopper")
        assert owner_of(people_home, "grace") == "Grace Hopper"
        await pilot.press("p")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PersonPicker)
        title = str(picker.query_one(".dialog-title", Static).render())
        assert title == "Grace Hopper (@grace) is Grace Hopper: link to someone else, or unlink"
        assert [choice.unlink for choice in picker.choices[:2]] == [False, True]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert owner_of(people_home, "grace") is None
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")  # cancelling changes nothing
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert owner_of(people_home, "grace") is None


async def test_p_on_an_outreach_item_with_no_author_says_so(people_home: Path) -> None:
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await cursor_on(app, pilot, "")  # Marie Curie's outreach item: she has no identity
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("no author to link" in str(n.message) for n in app._notifications)


async def test_a_handle_that_is_the_name_is_said_once(people_home: Path) -> None:
    # Blog commenters have no handle of their own: the feed gives their name as both.
    conn = sqlite3.connect(db_path(people_home))
    with conn:
        conn.execute("UPDATE identities SET handle = name WHERE handle = 'alan'")
    conn.close()
    app = make_app(people_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Alan Turing")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PersonPicker)
        text = "\n".join(screen_lines(app))
        assert "Link Alan Turing to a stakeholder" in text
        assert "(@Alan Turing)" not in text
