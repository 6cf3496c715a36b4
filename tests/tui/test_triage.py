"""Keyboard triage: done, snooze, mute, tags, undo (also after a restart), selection, views and counts."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from cockpit.paths import db_path
from cockpit.store import queue as store_queue
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.history import HistoryScreen
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.snooze import SnoozeDialog
from cockpit.tui.screens.tags import TagsDialog
from cockpit.tui.text import one_line
from cockpit.tui.widgets import status_bar
from cockpit.tui.widgets.queue_list import QueueList

from .conftest import NOW, make_app, screen_lines, settle


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = NOW.timestamp()

    def __call__(self) -> float:
        return self.value


def clock_app(home: Path, clock: Clock) -> CockpitApp:
    """The app under test on a hand-moved clock."""
    app = CockpitApp(home, now=clock)
    app.detail_debounce = 0
    return app


def queue_of(app: CockpitApp) -> QueueList:
    """The queue list of the current screen."""
    screen = app.screen
    assert isinstance(screen, QueueScreen), screen
    return screen.queue


def statuses(home: Path) -> dict[int, tuple[str, int | None]]:
    """Every conversation's status and snooze time, straight from the database."""
    conn = sqlite3.connect(db_path(home))
    try:
        return {
            row[0]: (row[1], row[2])
            for row in conn.execute("SELECT id, status, snooze_until FROM conversations")
        }
    finally:
        conn.close()


def undo_steps(home: Path) -> list[tuple[str, int, int]]:
    """The undo log, oldest first: (action, count, undone)."""
    conn = sqlite3.connect(db_path(home))
    try:
        return [
            (row[0], row[1], row[2])
            for row in conn.execute(
                "SELECT action, json_extract(payload, '$.count'), undone FROM undo_log ORDER BY id"
            )
        ]
    finally:
        conn.close()


def row_lines(app: CockpitApp) -> list[str]:
    """The screen lines from the queue list's left edge (the sidebar, when shown, is cut off)."""
    left = queue_of(app).region.x
    return [line[left:] for line in screen_lines(app)]


def notices(app: CockpitApp) -> str:
    """The text of every notification shown so far."""
    return "\n".join(notification.message for notification in app._notifications)


async def test_done_removes_the_row_in_place_and_undo_brings_it_back_under_the_cursor(
    small_home: Path,
) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        total = queue.total
        await pilot.press("j")
        second, third = queue.row_at(1), queue.row_at(2)
        assert second is not None and third is not None
        reads = queue.keyset_reads
        await pilot.press("e")
        assert queue.total == total - 1
        assert queue.cursor == 1 and queue.cursor_row == third
        assert queue.keyset_reads == reads, "done re-read the list instead of removing the row"
        assert statuses(small_home)[second.id][0] == "done"
        status = app.screen.status  # type: ignore[attr-defined]
        assert "Done: 1 conversation" in status.message
        assert not app._notifications, "a toast mounts and lays out the screen on every key press"
        await settle(pilot)
        assert status.left_text.strip().startswith("Inbox")
        bar = screen_lines(app)[-2]
        assert f"2/{total - 1:,}" in bar and "Done: 1 conversation · u undoes" in bar

        await pilot.press("j", "u")
        await settle(pilot)
        assert queue.total == total
        assert queue.cursor_row is not None and queue.cursor_row.id == second.id
        assert statuses(small_home)[second.id][0] == "inbox"
        assert undo_steps(small_home) == [("done", 1, 1)]
        assert "Undone: Done: 1 conversation" in screen_lines(app)[-2]
        await pilot.press("u")
        assert "Nothing to undo" in notices(app)


async def test_undo_survives_a_restart(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = queue_of(app).cursor_row
        assert first is not None
        await pilot.press("e", "m")
        await settle(pilot)
    assert statuses(small_home)[first.id][0] == "done"
    again = make_app(small_home)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(again)
        assert first.id not in {queue.row_at(i).id for i in range(queue.total)}  # type: ignore[union-attr]
        await pilot.press("u", "u")
        await settle(pilot)
        assert queue.cursor_row is not None and queue.cursor_row.id == first.id
        assert all(status == "inbox" for status, _ in statuses(small_home).values())


async def test_a_selection_takes_one_action_as_one_undo_step(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        total = queue.total
        picked = [queue.row_at(0), queue.row_at(2)]
        await pilot.press("x", "j", "j", "x")
        await pilot.pause()
        lines = row_lines(app)
        assert lines[0].lstrip().startswith("✓") and lines[2].lstrip().startswith("✓")
        assert not lines[1].lstrip().startswith("✓")
        assert "2 selected" in app.screen.status.left_text  # type: ignore[attr-defined]
        await pilot.press("e")
        await settle(pilot)
        assert queue.total == total - 2 and queue.selection_count == 0
        assert [statuses(small_home)[row.id][0] for row in picked if row] == ["done", "done"]
        assert undo_steps(small_home) == [("done", 2, 0)]
        await pilot.press("u")
        await settle(pilot)
        assert queue.total == total
        assert undo_steps(small_home) == [("done", 2, 1)]


async def test_select_all_applies_to_the_whole_view_and_escape_clears_it(many_home: Path) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        await pilot.press("X")
        assert queue.all_marked and queue.selection_count == 3_000
        assert not queue.marked, "select-all must not read the ids"
        await pilot.press("escape")
        assert queue.selection_count == 0
        await pilot.press("X", "e")
        await settle(pilot)
        assert queue.total == 0
        assert undo_steps(many_home) == [("done", 3_000, 0)]
        await pilot.press("u")
        await settle(pilot)
        assert queue.total == 3_000 and queue.cursor == 0


async def test_snooze_with_a_preset_and_the_conversation_wakes_at_its_time(small_home: Path) -> None:
    clock = Clock()
    app = clock_app(small_home, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        first = queue.cursor_row
        assert first is not None
        total = queue.total
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press("enter")  # the first preset: 1 hour
        await settle(pilot)
        assert queue.total == total - 1
        assert statuses(small_home)[first.id] == ("snoozed", int(NOW.timestamp()) + 3600)
        assert app._wake_timer is not None
        await pilot.press("2")
        await settle(pilot)
        assert queue.total == 1 and queue.cursor_row is not None and queue.cursor_row.id == first.id

        clock.value += 3599
        app.schedule_wake()
        await settle(pilot)
        assert statuses(small_home)[first.id][0] == "snoozed"
        clock.value += 1
        app.schedule_wake()  # the timer is due now
        await pilot.pause()
        await settle(pilot)
        assert statuses(small_home)[first.id] == ("inbox", None)
        assert queue.total == 0
        await pilot.press("1")
        await settle(pilot)
        assert queue.total == total and queue.cursor_row is not None and queue.cursor_row.id == first.id


async def test_a_typed_snooze_time_and_an_unreadable_one(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = queue_of(app).cursor_row
        assert first is not None
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("tab", *"blorp", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeDialog)
        error = str(app.screen.query_one("#error", Static).render())
        assert "blorp" in error or "try" in error, error
        field = app.screen.query_one("#when", Input)
        field.value = "in 3 days"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert statuses(small_home)[first.id] == ("snoozed", int((NOW + timedelta(days=3)).timestamp()))
        await pilot.press("s", "escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert undo_steps(small_home) == [("snooze", 1, 0)]
        await pilot.press("u")
        await settle(pilot)
        assert statuses(small_home)[first.id] == ("inbox", None)


async def test_a_snooze_that_ended_while_closed_wakes_on_start(small_home: Path) -> None:
    clock = Clock()
    app = clock_app(small_home, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = queue_of(app).cursor_row
        assert first is not None
        await pilot.press("s", "enter")
        await settle(pilot)
        assert statuses(small_home)[first.id][0] == "snoozed"
    clock.value += 2 * 3600
    again = clock_app(small_home, clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert statuses(small_home)[first.id] == ("inbox", None)
        queue = queue_of(again)
        assert first.id in {queue.row_at(i).id for i in range(queue.total)}  # type: ignore[union-attr]


async def test_mute_and_unmute_in_the_muted_view(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        first = queue.cursor_row
        assert first is not None
        await pilot.press("m")
        await settle(pilot)
        assert statuses(small_home)[first.id][0] == "muted"
        await pilot.press("4")
        await settle(pilot)
        assert queue.total == 1 and queue.cursor_row is not None and queue.cursor_row.id == first.id
        await pilot.press("m")
        await settle(pilot)
        assert statuses(small_home)[first.id][0] == "inbox" and queue.total == 0
        await pilot.press("u")
        await settle(pilot)
        assert statuses(small_home)[first.id][0] == "muted"
        assert queue.cursor_row is not None and queue.cursor_row.id == first.id


async def test_tags_add_with_completion_remove_and_undo(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        first = queue.cursor_row
        assert first is not None and "bug" not in first.tags
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagsDialog)
        await pilot.press("b", "u")
        await settle(pilot)
        await pilot.press("right")
        assert app.screen.query_one("#tags", Input).value == "bug"
        await pilot.press("space", *"urgent", "enter")
        await settle(pilot)
        row = queue.cursor_row
        assert row is not None and row.id == first.id and row.tags == ("bug", "urgent")
        assert "#bug #urg" in row_lines(app)[0]
        await pilot.press("t", *"-urgent", "enter")
        await settle(pilot)
        assert queue.cursor_row is not None and queue.cursor_row.tags == ("bug",)
        await pilot.press("t", "space", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TagsDialog)
        assert "type a tag" in str(app.screen.query_one("#error", Static).render())
        await pilot.press("escape", "u")
        await settle(pilot)
        assert queue.cursor_row is not None and queue.cursor_row.tags == ("bug", "urgent")
        assert [step[0] for step in undo_steps(small_home)] == ["tag", "untag"]


async def test_history_lists_steps_newest_first(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x", "j", "x", "e", "m", "u", "U")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = str(app.screen.query_one("#history-text", Static).render())
        muted, done = text.index("Muted 1 conversation"), text.index("Done: 2 conversations")
        assert muted < done
        assert "(undone)" in text.splitlines()[muted and text[:muted].count("\n")]
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_the_action_message_in_the_status_bar_clears_itself(
    small_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        status = app.screen.status  # type: ignore[attr-defined]
        assert status.message.startswith("Done: 1 conversation")
        monkeypatch.setattr(status_bar, "MESSAGE_SECONDS", 0.05)
        cleared = asyncio.Event()
        monkeypatch.setattr(status, "clear_message", _also_set(status.clear_message, cleared))
        status.show_message(status.message)  # restart its timer, short this time
        await asyncio.wait_for(cleared.wait(), 2.0)
        await pilot.pause()
        assert status.message == "" and "Done:" not in screen_lines(app)[-2]


def _also_set(call: Callable[[], None], event: asyncio.Event) -> Callable[[], None]:
    def wrapped() -> None:
        call()
        event.set()

    return wrapped


async def test_done_and_undo_of_a_row_below_keep_the_view_without_reading_it_again(
    small_home: Path,
) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        total = queue.total
        rows = [queue.row_at(index) for index in range(6)]
        reads = queue.keyset_reads
        await pilot.press("j", "j", "j", "e")
        assert [queue.row_at(index) for index in range(5)] == rows[:3] + rows[4:6]
        assert queue.cursor == 3 and queue.total == total - 1
        await pilot.press("k", "u")
        assert [queue.row_at(index) for index in range(6)] == rows
        assert queue.cursor == 3 and queue.total == total
        lines = row_lines(app)
        assert rows[3] is not None and one_line(rows[3].excerpt, 40)[:20] in lines[3]
        assert queue.keyset_reads == reads, "undo re-read the view instead of putting the row back in memory"
        await settle(pilot)
        assert f"4/{total:,}" in screen_lines(app)[-2]


def _window_matches_the_view(queue: QueueList) -> None:
    """The rows held in memory are the view's rows at the same indices, as a fresh read gives them."""
    start, end = queue.window
    conn = queue._conn
    rows = [queue.row_at(index) for index in range(start, end)]
    if start == 0:
        expected = store_queue.fetch_page(conn, queue.flt, queue.sort, limit=end)
    else:
        before = store_queue.fetch_page(conn, queue.flt, queue.sort, limit=start)
        expected = store_queue.fetch_page(
            conn, queue.flt, queue.sort, after=before[-1].key(queue.sort), limit=end - start
        )
    assert rows == expected
    assert queue.total == store_queue.count(conn, queue.flt)


async def test_done_and_undo_deep_in_a_long_view_and_across_the_window(
    many_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        total = queue.total
        await pilot.press("G", "k", "k", "k")
        await settle(pilot)
        assert queue.window[0] > 0 and queue.cursor == total - 4
        row = queue.cursor_row
        below = queue.row_at(total - 3)
        reloads: list[object] = []
        real_reload = queue.reload

        def counted_reload(*args: Any, **kwargs: Any) -> None:
            reloads.append(args)
            real_reload(*args, **kwargs)

        monkeypatch.setattr(queue, "reload", counted_reload)
        await pilot.press("e")
        assert queue.cursor_row == below and queue.total == total - 1
        await pilot.press("u")
        assert queue.cursor == total - 4 and queue.cursor_row == row
        assert reloads == [], "a done or undo inside the window reloaded the view"
        await settle(pilot)
        _window_matches_the_view(queue)

        # A row far above the window comes back: its place is not in memory, the view is read again.
        await pilot.press("g", "e", "G")
        await settle(pilot)
        assert queue.total == total - 1 and queue.window[0] > 0
        await pilot.press("u")
        await settle(pilot)
        assert len(reloads) == 1
        assert queue.cursor == 0 and queue.total == total
        assert queue.cursor_row is not None and queue.cursor_row.excerpt == "Message number 0"
        _window_matches_the_view(queue)
