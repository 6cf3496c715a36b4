"""The queue as a user drives it: moving, paging, jumping, opening threads, and new data arriving."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store import queue as q
from cockpit.store.ingest import ensure_account, write_page
from cockpit.tui.messages import DataChanged, SyncStatus
from cockpit.tui.screens.first_run import FirstRunScreen
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.thread import ThreadScreen
from cockpit.tui.widgets.queue_list import QueueList
from cockpit.tui.widgets.thread_view import ThreadView
from connectors.models import Page, Post

from .conftest import NOW, make_app, person, screen_lines, settle


def queue_of(app: object) -> QueueList:
    """The queue list of the current screen."""
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, QueueScreen), screen
    return screen.queue


def layout_text(view: ThreadView) -> str:
    """Everything a thread view has laid out, its wrapped lines joined by spaces."""
    assert view.layout_data is not None
    return " ".join("".join(text for _kind, text in line.spans) for line in view.layout_data.lines)


def assert_cursor_row_is_right(queue: QueueList, home: Path) -> None:
    """The row under the cursor is the conversation the store puts at the cursor's position."""
    row = queue.cursor_row
    assert row is not None, f"row {queue.cursor} is not loaded (window {queue.window})"
    conn = sqlite3.connect(db_path(home))
    try:
        assert q.position(conn, queue.flt, queue.sort, row.id) == queue.cursor
    finally:
        conn.close()


async def test_the_cursor_stops_at_the_first_and_last_rows(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        await pilot.press("up", "k")
        assert queue.cursor == 0
        first = queue.cursor_row
        await pilot.press(*(["j"] * (queue.total + 3)))
        assert queue.cursor == queue.total - 1
        await pilot.press("down")
        assert queue.cursor == queue.total - 1
        await pilot.press("g")
        assert queue.cursor == 0 and queue.cursor_row == first


async def test_an_empty_queue_says_so_in_the_list(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(db_path(home))
    ensure_account(store, "acme-x", "x")
    store.close()
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "k", "G", "g", "pagedown", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        text = "\n".join(screen_lines(app))
        assert "Nothing in the queue" in text
        assert queue_of(app).total == 0


async def test_the_detail_pane_hides_on_narrow_screens_and_the_cursor_keeps_its_row(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        queue = queue_of(app)
        row = queue.cursor_row
        assert row is not None and screen.detail.display and screen.detail.region.width > 0
        assert screen.detail.conversation_id == row.id
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        assert screen.has_class("-narrow")
        assert screen.detail.region.width == 0
        assert queue.region.width == 90
        assert queue.cursor == 3 and queue.cursor_row == row
        await pilot.resize_terminal(130, 30)
        await settle(pilot)
        assert screen.detail.region.width > 0 and queue.cursor_row == row


async def test_home_and_end_jump_to_the_first_and_last_conversations(many_home: Path) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        assert queue.total == 3_000
        await pilot.press("G")
        assert queue.cursor == 2_999
        assert_cursor_row_is_right(queue, many_home)
        assert queue.cursor_row is not None and queue.cursor_row.excerpt == "Message number 2999"
        await pilot.press("home")
        assert queue.cursor == 0
        assert_cursor_row_is_right(queue, many_home)
        await pilot.press("end")
        assert queue.cursor == 2_999


async def test_paging_across_the_window_edges_keeps_rows_right(many_home: Path) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(100, 80)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        height = queue.size.height
        windows = set()
        await pilot.press("pagedown", "pagedown")
        assert queue.cursor == 2 * height
        for presses in range(3, 2_999 // height + 2):
            queue.action_page_down()  # the key's action, without pilot's per-key pauses
            await pilot.pause()
            assert queue.cursor == min(presses * height, 2_999)
            windows.add(queue.window)
            if presses % 10 == 0:
                assert_cursor_row_is_right(queue, many_home)
        assert queue.cursor == 2_999
        assert_cursor_row_is_right(queue, many_home)
        assert queue.window[1] - queue.window[0] <= QueueList.MAX_WINDOW
        assert len(windows) > 3, "the window never moved"
        for _ in range(20):
            queue.action_page_up()
            await pilot.pause()
        await pilot.press("pageup")
        assert_cursor_row_is_right(queue, many_home)
        await pilot.press("k", "k", "j")
        assert_cursor_row_is_right(queue, many_home)


async def test_a_far_scroll_uses_landmarks_and_shows_placeholders_until_they_exist(many_home: Path) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.has_class("-sidebar"), "rows start at column 0"
        queue = queue_of(app)
        assert queue.has_landmarks
        queue.scroll_to(y=1_700, animate=False)
        await pilot.pause()
        assert queue.window[0] <= 1_700 and queue.window[1] >= 1_700 + queue.size.height
        assert "Message number 1700" in "\n".join(screen_lines(app))
        # Without landmarks (as right after start-up) a far row is a placeholder, then fills in.
        queue.reload()
        queue._landmarks = None
        queue.workers.cancel_all()
        queue.scroll_to(y=900, animate=False)
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[0].startswith("  …"), lines[0]
        queue.start_background_reads()
        await settle(pilot)
        assert "Message number 900" in screen_lines(app)[0]
        await pilot.click(QueueList, offset=(10, 2))
        assert queue.cursor == 902
        assert_cursor_row_is_right(queue, many_home)


async def test_enter_opens_the_thread_and_escape_returns_to_the_same_row(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        await pilot.press("j")
        await settle(pilot)
        row = queue.cursor_row
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert app.screen.conversation_id == row.id
        text = "\n".join(screen_lines(app))
        assert "Loving the dark mode." in text and "↩ you Acme Corp" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert queue_of(app).cursor_row == row


async def test_the_detail_pane_shows_the_selected_thread(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        await pilot.press(*["j"] * 5)
        await settle(pilot)
        row = screen.queue.cursor_row
        assert row is not None and row.author_name == "Katherine J"
        assert screen.detail.conversation_id == row.id
        detail = "\n".join(line[70:] for line in screen_lines(app))
        assert "SSO with Okta" in detail and "Same question here." in detail
        assert "│ " in detail  # replies are indented under what they answer


async def test_new_conversations_above_the_cursor_do_not_move_it_off_its_conversation(
    many_home: Path,
) -> None:
    app = make_app(many_home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        await pilot.press("j", "j")
        queue.move_to(40)
        await settle(pilot)
        before = queue.cursor_row
        assert before is not None and queue.cursor == 40
        screen_offset = queue.cursor - round(queue.scroll_offset.y)
        store = open_store(db_path(many_home))
        try:
            account = ensure_account(store, "acme-x", "x")
            newer = [
                Post(
                    ext_id=f"new{n}",
                    thread_key=f"new{n}",
                    author=person("x", "newcomer", "Newcomer"),
                    text=f"Brand new {n}",
                    created_at=NOW + timedelta(minutes=n),
                )
                for n in range(1, 26)
            ]
            result = write_page(store, account, Page(posts=newer))
        finally:
            store.close()
        app.post_message(DataChanged(sorted(result.conversation_ids)))
        await settle(pilot)
        assert queue.total == 3_025
        assert queue.cursor_row is not None and queue.cursor_row.id == before.id
        assert queue.cursor == 65
        assert queue.cursor - round(queue.scroll_offset.y) == screen_offset
        assert_cursor_row_is_right(queue, many_home)
        assert app.screen.status.total == 3_025  # type: ignore[attr-defined]
        await pilot.press("g")
        assert queue.cursor_row is not None and queue.cursor_row.excerpt == "Brand new 25"


async def test_a_first_run_explains_how_to_start_and_switches_to_the_queue_once_data_arrives(
    tmp_path: Path,
) -> None:
    home = tmp_path / "fresh"
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        text = "\n".join(screen_lines(app))
        assert "cockpit accounts add blogs --platform feed --feed URL" in text
        assert "cockpit accounts import-opml FILE" in text
        assert "cockpit demo" in text and "docs/configuration.md" in text
        assert sorted(path.name for path in home.iterdir()) == [
            "cockpit.db",
            "cockpit.db-shm",
            "cockpit.db-wal",
        ]
        store = open_store(db_path(home))
        try:
            account = ensure_account(store, "blog", "feed")
            post = Post(
                ext_id="p1",
                thread_key="p1",
                author=person("feed", "ann", "Ann"),
                text="Hello",
                created_at=NOW,
            )
            write_page(store, account, Page(posts=[post]))
        finally:
            store.close()
        app.post_message(DataChanged())
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert queue_of(app).total == 1


async def test_sync_status_appears_in_the_status_bar_as_plain_text(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(SyncStatus("acme-x", "syncing…", level="busy"))
        app.post_message(SyncStatus("forum[bold]", "rate limited until 14:05 \x1b[31m", level="warning"))
        await settle(pilot)
        status_line = screen_lines(app)[-2]
        assert "acme-x: syncing…" in status_line
        assert "forum[bold]: rate limited until 14:05 ␛[31m" in status_line
        app.post_message(SyncStatus("acme-x", ""))
        await settle(pilot)
        assert "acme-x" not in screen_lines(app)[-2]
        await pilot.press("enter")
        await settle(pilot)
        assert "forum[bold]: rate limited" in screen_lines(app)[-2]


async def test_remapped_keys_work_and_show_in_help(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.set_keymap({"queue.cursor_down": "n"})
        await pilot.press("n", "n")
        assert queue_of(app).cursor == 2
        await pilot.press("j")
        assert queue_of(app).cursor == 2
        await pilot.press("question_mark")
        await settle(pilot)
        shown = str(app.screen.query_one("#help-keys", Static).render())
        assert any(line.strip().startswith("n ") and line.endswith("Next") for line in shown.splitlines()), (
            shown
        )


async def test_a_thread_of_thousands_of_posts_is_capped_and_says_so(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(db_path(home))
    try:
        account = ensure_account(store, "forum", "discourse")
        posts = [
            Post(
                ext_id=f"p{n}",
                thread_key="big",
                author=person("discourse", f"u{n % 50}", f"User {n % 50}"),
                text=f"Reply {n} " + "x" * (100_000 if n == 0 else 20),
                created_at=NOW - timedelta(minutes=3_000 - n),
                in_reply_to=f"p{n - 1}" if n % 3 else None,
                thread_title="A very long topic",
            )
            for n in range(3_000)
        ]
        write_page(store, account, Page(posts=posts))
    finally:
        store.close()
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        text = layout_text(screen.detail)
        assert "Showing the first 200 of 3,000 posts. Press Enter to open the full thread." in text
        assert "… 98,008 more characters of this post not shown (100,008 in all)." in text
        assert "Showing the first 200" in "\n".join(screen_lines(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        text = "\n".join(screen_lines(app))
        assert "Showing the first 2,000 of 3,000 posts." in text
        assert "… 80,008 more characters of this post not shown (100,008 in all)." in layout_text(
            app.screen.view
        )
        await pilot.press("G")
        await settle(pilot)
        assert "Reply 1999 " in "\n".join(screen_lines(app))


async def test_a_database_from_a_newer_cockpit_exits_with_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    conn = sqlite3.connect(db_path(home))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2


async def test_demo_mode_says_so_in_the_status_bar(small_home: Path) -> None:
    app = make_app(small_home, demo=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert " DEMO " in screen_lines(app)[-2]
