"""Views, the sidebar and its counts, the filter bar, and the keys that open or explain rather than change."""

from __future__ import annotations

import sqlite3
import webbrowser
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from cockpit.paths import db_path
from cockpit.store import queue as q
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.views import VIEWS

from .conftest import make_app, screen_lines, settle
from .test_triage import notices, queue_of


async def test_views_switch_and_the_sidebar_counts_them(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.sidebar_shown
        conn = sqlite3.connect(db_path(small_home))
        expected = [q.count(conn, view.flt) for view in VIEWS]
        conn.close()
        assert screen.sidebar.counts == expected
        assert expected[0] > 0 and expected[4] > 0
        await pilot.press("5")
        await settle(pilot)
        assert screen.view_name == "X" and screen.queue.total == expected[4]
        assert screen.status.left_text.startswith(" X ")
        assert {screen.queue.row_at(i).platform for i in range(screen.queue.total)} == {"x"}  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot)
        assert screen.sidebar.counts is not None
        assert screen.sidebar.counts[2] == expected[2] + 1 and screen.sidebar.counts[4] == expected[4] - 1
        assert "Done" in "\n".join(screen_lines(app))
        await pilot.press("backslash")
        await pilot.pause()
        assert not screen.sidebar_shown
        await pilot.press("f2")
        await pilot.pause()
        assert screen.sidebar_shown


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_sidebar_starts_hidden_below_140_columns(small_home: Path, size: tuple[int, int]) -> None:
    app = make_app(small_home)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert not screen.sidebar_shown
        await pilot.press("backslash")
        await pilot.pause()
        assert screen.sidebar_shown


async def test_open_in_browser_and_the_actions_that_are_not_there_yet(
    small_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        forum = next(i for i in range(queue.total) if queue.row_at(i).platform == "discourse")  # type: ignore[union-attr]
        queue.move_to(forum)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://forum.example.org/t/sso-with-okta/1"]
        no_url = next(i for i in range(queue.total) if not queue.row_at(i).url)  # type: ignore[union-attr]
        queue.move_to(no_url)
        await pilot.press("o", "r", "l", "p")
        await settle(pilot)
        assert len(opened) == 1
        text = notices(app)
        assert "no web address" in text
        assert "composer comes with the replies" in text
        assert "Like is not available yet" in text and "connectors" in text
        assert "stakeholder tracker" in text


async def test_the_filter_bar_shows_what_a_typed_filter_matches(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("f", *"platform:mars", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#error", Static).render())
        assert "unknown platform 'mars'" in error
        app.screen.query_one("#filter", Input).value = "platform:x,linkedin tag:bug,event"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert screen.view_name == "Filter: platform:x,linkedin tag:bug,event"
        rows = [screen.queue.row_at(i) for i in range(screen.queue.total)]
        assert sorted(tag for row in rows if row for tag in row.tags) == ["bug", "event"]
        await pilot.press("f", *"account:nobody", "enter")
        await settle(pilot)
        assert "no account named 'nobody'" in str(app.screen.query_one("#error", Static).render())
        app.screen.query_one("#filter", Input).value = "account:forum since:2w"
        await pilot.press("enter")
        await settle(pilot)
        rows = [screen.queue.row_at(i) for i in range(screen.queue.total)]
        assert [row.platform for row in rows if row] == ["discourse"]
        await pilot.press("f", "escape")
        await settle(pilot)
        assert screen.view_name.startswith("Filter: account:forum")
