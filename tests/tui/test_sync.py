"""Sync inside the TUI: a background round on start and on ctrl+r, per-account status, errors with their fix."""

from __future__ import annotations

from pathlib import Path

from cockpit.demo.live import DemoAccount, LiveDemo
from cockpit.store import open_store
from cockpit.store.queue import QueueFilter, count
from cockpit.tui.syncing import SyncSetup
from cockpit.tui.widgets.queue_list import QueueList
from cockpit.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import make_app, screen_lines, settle


def _inbox(home: Path) -> int:
    store = open_store(home / "cockpit.db", create=False)
    try:
        return count(store.conn, QueueFilter())
    finally:
        store.close()


async def test_new_conversations_arrive_from_a_background_sync_without_moving_the_cursor(
    small_home: Path,
) -> None:
    before = _inbox(small_home)
    with LiveDemo() as live:
        setup = SyncSetup(accounts=live.accounts(), secret=live.secrets().get, interval=3600)
        app = make_app(small_home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)  # the first round runs as soon as the first frame is up
            status = app.screen.query_one(StatusBar)
            assert "blogs: ✓" in status.sync_text, status.sync_text
            first = _inbox(small_home)
            assert first > before and status.total == first, "the count follows the new data"
            assert live.blog.requests, "the sandbox was really asked"

            queue = app.screen.query_one(QueueList)
            await pilot.press("j", "j", "j")
            await settle(pilot)
            chosen = queue.cursor_row
            assert chosen is not None
            live.tick(6)  # new comments arrive on the blogs, newer than anything in the queue
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert _inbox(small_home) > first
            assert status.total == _inbox(small_home)
            assert queue.cursor_row is not None and queue.cursor_row.id == chosen.id, "the cursor stays put"


async def test_ctrl_r_syncs_now_and_reports_a_failing_account_with_its_fix(small_home: Path) -> None:
    broken = DemoAccount(
        name="acme-blog", platform="feed", base_url=None, options={"feeds": ["http://127.0.0.1:9/feed"]}
    )
    rounds: list[str] = []

    def secret(name: str) -> str | None:
        rounds.append(name)  # looked up once per account per round
        return None

    app = make_app(small_home, sync=SyncSetup(accounts=[broken], secret=secret, interval=3600))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = app.screen.query_one(StatusBar)
        assert "acme-blog: ✗" in status.sync_text
        notes = [n.message for n in app._notifications]
        assert any(n.startswith("acme-blog:") for n in notes), notes
        assert rounds == ["acme-blog"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert rounds == ["acme-blog", "acme-blog"], "ctrl+r syncs even an account that is not due"


async def test_a_rate_limited_account_waits_and_says_until_when(small_home: Path) -> None:
    with LiveDemo() as live:
        live.blog.misbehave("rate_limit", times=1000, headers={"Retry-After": "900"})
        app = make_app(
            small_home, sync=SyncSetup(accounts=live.accounts(), secret=live.secrets().get, interval=3600)
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            status = app.screen.query_one(StatusBar)
            assert "blogs: ⏸" in status.sync_text and "rate limited until" in status.sync_text
            asked = len(live.blog.requests)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert len(live.blog.requests) == asked, (
                "a rate-limited account is not asked again before its reset"
            )
            assert any("rate limited" in n.message for n in app._notifications)


async def test_ctrl_r_without_accounts_says_how_to_add_one(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any("cockpit accounts add" in n.message for n in app._notifications)
        assert "Sync now" in "\n".join(screen_lines(app)), "the footer offers the key"


async def test_accounts_come_from_config_toml_read_after_the_first_frame(small_home: Path) -> None:
    with LiveDemo() as live:
        feeds = live.accounts()[0].options["feeds"]
        lines = [
            "[settings]",
            "sync_interval = 600",
            "",
            "[[accounts]]",
            'name = "reading"',
            'platform = "feed"',
        ]
        lines.append("feeds = [" + ", ".join(f'"{url}"' for url in feeds) + "]")
        (small_home / "config.toml").write_text("\n".join(lines) + "\n")
        app = make_app(small_home, read_config=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await settle(pilot)
            assert app.sync_setup is not None and app.sync_setup.interval == 600
            status = app.screen.query_one(StatusBar)
            assert "reading: ✓" in status.sync_text, status.sync_text
            assert live.blog.requests


async def test_a_broken_config_keeps_the_queue_usable_and_says_where_it_is_broken(small_home: Path) -> None:
    (small_home / "config.toml").write_text('[[accounts]]\nname = "x1"\nplatform = "myspace"\n')
    app = make_app(small_home, read_config=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("config.toml:3" in n and "platform" in n for n in notes), notes
        status = app.screen.query_one(StatusBar)
        assert "broken config.toml" in status.sync_text
        await pilot.press("j")
        assert app.is_running, "the queue still works"


async def test_opening_a_thread_brings_in_the_replies_sync_never_saw(tmp_path: Path) -> None:
    import sqlite3

    from cockpit.tui.screens.thread import ThreadScreen
    from connectors.sandbox.x import CLIENT_ID, SANDBOX_TOKEN, XSandbox

    home = tmp_path / "home"
    with XSandbox() as sandbox:
        account = DemoAccount(
            name="acme-x",
            platform="x",
            base_url=sandbox.url,
            options={"client_id": CLIENT_ID, "searches": []},
        )
        setup = SyncSetup(accounts=[account], secret=lambda name: SANDBOX_TOKEN, interval=3600)
        app = make_app(home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await settle(pilot)
            conn = sqlite3.connect(home / "cockpit.db")
            conversation_id, ext_id = conn.execute(
                "SELECT conversation_id, ext_id FROM posts ORDER BY id LIMIT 1"
            ).fetchone()
            conn.close()
            sandbox.add_tweet(
                "learousseau", "Quiet reply between two users, no mention here.", reply_to=int(ext_id)
            )
            app.push_screen(ThreadScreen(conversation_id, db_path=home / "cockpit.db", now=app.now))
            await settle(pilot)
            await settle(pilot)
            assert "Quiet reply between two users" in "\n".join(screen_lines(app))


def test_the_status_says_when_the_next_sync_is_in_relative_terms() -> None:
    from datetime import UTC, datetime, timedelta

    from cockpit.services.sync import AccountResult
    from cockpit.tui.syncing import describe

    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    for delta, words in (
        (timedelta(seconds=15), "next in 15s"),
        (timedelta(minutes=5), "next in 5m"),
        (timedelta(hours=3), "next in 3h"),
    ):
        text, level = describe(AccountResult("blogs", "ok", next_sync_at=now + delta), now)
        assert words in text and level == "info", text
