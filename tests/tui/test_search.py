"""`/` search: results as a view of the queue where the same keys work, the status bar, leaving it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input, Static

from cockpit.paths import db_path
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.search import SearchDialog

from .conftest import make_app, settle
from .test_triage import notices


def _status(home: Path, conversation_id: int) -> str:
    conn = sqlite3.connect(db_path(home))
    try:
        return str(
            conn.execute("SELECT status FROM conversations WHERE id = ?", (conversation_id,)).fetchone()[0]
        )
    finally:
        conn.close()


async def test_search_shows_matching_conversations_as_a_view_and_esc_leaves_it(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        inbox_total = screen.queue.total
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"okta", "enter")
        await settle(pilot)
        assert app.screen is screen
        rows = [screen.queue.row_at(i) for i in range(screen.queue.total)]
        assert [row.title for row in rows if row] == ["SSO with Okta"]
        assert "Search “okta”: 1 conversation" in screen.status.left_text
        # The same keys work on the results: done, and the row stays (a search shows every status).
        await pilot.press("e")
        await settle(pilot)
        assert rows[0] is not None and _status(small_home, rows[0].id) == "done"
        assert screen.queue.total == 1
        await pilot.press("u")
        await settle(pilot)
        assert _status(small_home, rows[0].id) == "inbox"
        # Esc (nothing selected) goes back to the Inbox.
        await pilot.press("escape")
        await settle(pilot)
        assert screen.view_name == "Inbox" and screen.queue.total == inbox_total


async def test_search_by_author_and_a_word_that_matches_nothing(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("slash", *"@grace", "enter")
        await settle(pilot)
        rows = [screen.queue.row_at(i) for i in range(screen.queue.total)]
        assert [row.excerpt[:21] for row in rows if row] == ["Loving the dark mode."]  # Grace's thread
        await pilot.press("slash")
        await settle(pilot)
        search_box = app.screen.query_one("#search", Input)
        assert search_box.value == "@grace"  # the last search is offered again
        search_box.value = "zebra"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.queue.total == 0
        assert "Search “zebra”: 0 conversations" in screen.status.left_text
        await pilot.press("1")
        await settle(pilot)
        assert screen.view_name == "Inbox" and screen.queue.total > 0


async def test_the_search_box_refuses_punctuation_only_and_cancels_with_esc(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *"?!", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchDialog)
        assert "Type a word" in str(app.screen.query_one("#error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and isinstance(screen, QueueScreen) and screen.view_name == "Inbox"
        assert "Search" not in notices(app)
