"""Views, the sidebar and its counts, the filter bar, and the keys that open or explain rather than change."""

from __future__ import annotations

import sqlite3
import threading
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from cockpit.paths import db_path
from cockpit.store import queue as q
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.view_picker import ViewPicker
from cockpit.tui.views import VIEWS

from .conftest import make_app, screen_lines, settle
from .test_triage import notices, queue_of


def _rows(screen: QueueScreen) -> list[q.ConversationRow]:
    """The rows of the view (all loaded: the fixture is small)."""
    return [row for i in range(screen.queue.total) if (row := screen.queue.row_at(i)) is not None]


async def test_views_switch_and_the_sidebar_counts_them(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.sidebar_shown
        conn = sqlite3.connect(db_path(small_home))
        expected = [q.count(conn, view.flt) for view in VIEWS]
        accounts = [name for (name,) in conn.execute("SELECT name FROM accounts ORDER BY name")]
        conn.close()
        names = [view.name for view in screen.sidebar.views]
        assert names == [view.name for view in VIEWS] + [f"@{name}" for name in accounts]
        assert screen.sidebar.counts is not None and screen.sidebar.counts[: len(VIEWS)] == expected
        x = names.index("X")
        assert expected[0] > 0 and expected[x] > 0
        await pilot.press("9")
        await settle(pilot)
        assert screen.view_name == "X" and screen.queue.total == expected[x]
        assert screen.status.left_text.startswith(" X ")
        assert {screen.queue.row_at(i).platform for i in range(screen.queue.total)} == {"x"}  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot)
        assert screen.sidebar.counts is not None
        assert screen.sidebar.counts[2] == expected[2] + 1 and screen.sidebar.counts[x] == expected[x] - 1
        lines = "\n".join(screen_lines(app))
        assert "Done" in lines and "@acme-x" in lines
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


async def test_open_in_browser(small_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
        await pilot.press("o")
        await settle(pilot)
        assert len(opened) == 1
        assert "no web address" in notices(app)


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


async def test_the_questions_and_stakeholders_views(small_home: Path) -> None:
    conn = sqlite3.connect(db_path(small_home))
    with conn:
        person = conn.execute(
            "INSERT INTO people (name, stage, created_at, updated_at) VALUES ('Kat', 'supporter', 0, 0)"
        ).lastrowid
        conn.execute("UPDATE identities SET person_id = ? WHERE handle = 'kat'", (person,))
    asking = {
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT c.title || c.excerpt FROM conversations c JOIN posts p ON p.conversation_id = c.id "
            "WHERE c.status = 'inbox' AND p.direction = 'in' AND (p.text LIKE '%?%' OR p.text LIKE 'how %')"
        )
    }
    conn.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("5")
        await settle(pilot)
        assert screen.view_name == "Questions"
        shown = {row.title + row.excerpt for row in _rows(screen)}
        assert shown == asking and len(shown) == 3  # release out yet?, speak at our meetup?, SSO with Okta?
        await pilot.press("6")
        await settle(pilot)
        assert screen.view_name == "Stakeholders"
        assert [row.title for row in _rows(screen)] == ["SSO with Okta"]
        await pilot.press("f", *"stage:supporter", "enter")
        await settle(pilot)
        assert screen.queue.total == 1
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#filter", Input).value = "stage:advocate"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.queue.total == 0
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#filter", Input).value = "stage:nobody"
        await pilot.press("enter")
        await settle(pilot)
        assert "unknown stage 'nobody'" in str(app.screen.query_one("#error", Static).render())
        app.screen.query_one("#filter", Input).value = "questions platform:linkedin"
        await pilot.press("enter")
        await settle(pilot)
        assert [row.excerpt for row in _rows(screen)] == ["Would you speak at our meetup in October?"]


async def test_saved_views_are_saved_listed_shown_renamed_and_deleted(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing to save" in notices(app)
        await pilot.press("f", *"platform:linkedin", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s", *"LinkedIn asks", "enter")
        await settle(pilot)
        assert "Saved view 'LinkedIn asks'" in notices(app)
        assert [view.name for view in screen.sidebar.views][-1] == "LinkedIn asks"
        await pilot.press("slash", *"okta", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s", *"Okta", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s", *"okta", "enter")  # names are unique, in any case
        await settle(pilot)
        assert "a view named 'okta' exists" in notices(app)
        await pilot.press("1")
        await settle(pilot)
        # v lists every view; the saved ones come last, by name.
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ViewPicker)
        options = picker.query_one(OptionList)
        names = [view.name for view in screen.view_state.views]
        assert names[-2:] == ["LinkedIn asks", "Okta"]
        options.highlighted = len(names) - 1
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view_name == "Okta" and screen.queue.total == 1
        assert "Okta: 1 conversation" in screen.status.left_text
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one(OptionList).highlighted = len(names) - 2
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#name", Input).value = "In"
        await pilot.press("enter")
        await settle(pilot)
        assert [view.name for view in screen.view_state.views][-2:] == ["In", "Okta"]
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one(OptionList).highlighted = 0
        await pilot.press("d")  # a built-in view cannot be deleted
        await settle(pilot)
        assert "Only saved views" in str(app.screen.query_one("#error", Static).render())
        app.screen.query_one(OptionList).highlighted = len(names) - 1
        await pilot.press("d")
        await settle(pilot)
        assert screen.view_name == "Inbox"  # the view on screen was deleted
        assert [view.name for view in screen.view_state.views][-1] == "In"
        conn = sqlite3.connect(db_path(small_home))
        assert conn.execute("SELECT name, filter, search FROM saved_views").fetchall() == [
            ("In", "platform:linkedin", "")
        ]
        conn.close()


async def test_select_all_runs_in_a_worker_and_is_one_undo_step(
    small_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cockpit.services import triage

    threads: list[str] = []
    real_done = triage.done

    def done(*args: Any, **kwargs: Any) -> triage.ActionResult:
        threads.append(threading.current_thread().name)
        return real_done(*args, **kwargs)

    monkeypatch.setattr(triage, "done", done)
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        total = screen.queue.total
        await pilot.press("X", "e")
        await settle(pilot)
        assert len(threads) == 1 and threads[0] != threading.main_thread().name
        assert screen.queue.total == 0 and f"Done: {total} conversations" in screen.status.message
        await pilot.press("u")
        await settle(pilot)
        assert screen.queue.total == total
        conn = sqlite3.connect(db_path(small_home))
        assert conn.execute("SELECT count(*), sum(undone) FROM undo_log").fetchone() == (1, 1)
        conn.close()


def test_the_grouped_count_agrees_with_counting_each_view(small_home: Path) -> None:
    from cockpit.services import saved_views
    from cockpit.store import open_store
    from cockpit.tui.views import count_all, list_views, resolve

    store = open_store(db_path(small_home))
    try:
        with store.write() as conn:
            person = conn.execute(
                "INSERT INTO people (name, stage, created_at, updated_at) VALUES ('Ada', 'engaged', 0, 0)"
            ).lastrowid
            conn.execute("UPDATE identities SET person_id = ? WHERE handle IN ('ada', 'kat')", (person,))
            conn.execute("UPDATE conversations SET status = 'done' WHERE platform = 'linkedin'")
        saved_views.save(store, "bugs", filter_text="tag:bug status:inbox,done")
        saved_views.save(store, "thanks", search="thank*")
        views = list_views(store.conn)
        expected = [q.count(store.conn, resolve(store.conn, view)) for view in views]
        assert count_all(store.conn, views) == expected
        assert expected[[view.name for view in views].index("Stakeholders")] == 2
        assert expected[-2:] == [1, 2]  # one #bug conversation; two conversations say thank*
    finally:
        store.close()
