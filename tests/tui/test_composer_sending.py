"""Replies sent from the composer while the TUI runs land on the platform (the demo's X sandbox) exactly once,
and our reply then shows in the thread; a failure says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cockpit.demo.live import LiveDemo
from cockpit.paths import db_path
from cockpit.services import outbox
from cockpit.services.outbox import OutboxState
from cockpit.store import open_store
from cockpit.tui.screens.composer import ComposerScreen, open_composer
from cockpit.tui.syncing import SyncSetup
from cockpit.tui.widgets.status_bar import StatusBar

from .conftest import make_app, settle
from .test_composer import _wait_for


def _x_conversation(home: Path) -> int:
    """A conversation the demo's X sandbox holds (synced, not from the fixture)."""
    store = open_store(db_path(home))
    try:
        row = store.conn.execute(
            "SELECT c.id FROM conversations c JOIN posts p ON p.conversation_id = c.id "
            "WHERE c.platform = 'x' AND p.ext_id GLOB '[0-9]*' AND p.direction = 'in' "
            "ORDER BY c.last_activity_at DESC LIMIT 1"
        ).fetchone()
        assert row is not None, "the demo's X account synced"
        return int(row[0])
    finally:
        store.close()


def _state(home: Path) -> list[outbox.OutboxItem]:
    store = open_store(db_path(home))
    try:
        return outbox.list_items(store)
    finally:
        store.close()


async def test_a_reply_sent_now_lands_on_the_sandbox_once_and_shows_in_the_thread(small_home: Path) -> None:
    with LiveDemo() as live:
        setup = SyncSetup(accounts=live.accounts(), secret=live.secrets().get, interval=3600)
        app = make_app(small_home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)  # the first sync round fills the queue from the sandboxes
            conversation = _x_conversation(small_home)
            open_composer(app, conversation)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ComposerScreen)
            target = screen.context.reply_to_post_id
            await pilot.press(*"Thanks, on it!", "ctrl+s")
            await _wait_for(
                pilot, lambda: any(i.state is OutboxState.SENT for i in _state(small_home)), "sent"
            )
            tweets = [p for p in live.x.posted if p.get("kind") == "tweet"]
            assert [t["text"] for t in tweets] == ["Thanks, on it!"], "posted exactly once"
            store = open_store(db_path(small_home))
            try:
                in_reply_to = store.conn.execute(
                    "SELECT ext_id FROM posts WHERE id = ?", (target,)
                ).fetchone()[0]
                ours = store.conn.execute(
                    "SELECT direction, text FROM posts WHERE conversation_id = ? AND ext_id = ?",
                    (conversation, tweets[0]["id"]),
                ).fetchall()
            finally:
                store.close()
            assert str(tweets[0]["in_reply_to"]) == in_reply_to, "it answers the post shown in the composer"
            assert ours == [("out", "Thanks, on it!")], "our reply is a post of the thread"
            notes = [n.message for n in app._notifications]
            assert "Sending…" in notes and any(" acme-x sent " in n for n in notes), notes
            assert "outbox: ✓ sent 1" in app.screen.query_one(StatusBar).sync_text


async def test_a_reply_the_platform_refuses_fails_and_says_why(small_home: Path) -> None:
    with LiveDemo() as live:
        setup = SyncSetup(accounts=live.accounts(), secret=lambda name: "wrong-token", interval=3600)
        app = make_app(small_home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            conversation = 0
            store = open_store(db_path(small_home))
            try:
                conversation = int(
                    store.conn.execute(
                        "SELECT id FROM conversations WHERE platform = 'x' LIMIT 1"
                    ).fetchone()[0]
                )
            finally:
                store.close()
            open_composer(app, conversation)
            await settle(pilot)
            await pilot.press(*"Hello", "ctrl+s")
            await _wait_for(
                pilot,
                lambda: any(i.state is not OutboxState.SCHEDULED for i in _state(small_home)),
                "a result",
            )
            (item,) = _state(small_home)
            assert item.state is OutboxState.FAILED and item.error
            assert not [p for p in live.x.posted if p.get("kind") == "tweet"]
            assert any(n.severity == "error" and "acme-x" in n.message for n in app._notifications)


async def test_a_reply_that_fell_due_while_closed_goes_out_when_the_cockpit_starts(small_home: Path) -> None:
    with LiveDemo() as live:
        setup = SyncSetup(accounts=live.accounts(), secret=live.secrets().get, interval=3600)
        app = make_app(small_home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)  # sync, so the conversation exists on the sandbox and in the store
        conversation = _x_conversation(small_home)
        store = open_store(db_path(small_home))
        try:
            row = store.conn.execute(
                "SELECT account_id, (SELECT max(id) FROM posts WHERE conversation_id = c.id AND direction = 'in') "
                "FROM conversations c WHERE id = ?",
                (conversation,),
            ).fetchone()
            outbox.schedule(
                store,
                conversation_id=conversation,
                account_id=row[0],
                reply_to_post_id=row[1],
                text="Scheduled while we were away",
                send_at=datetime.now(UTC) - timedelta(minutes=5),
            )
        finally:
            store.close()
        app = make_app(small_home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await _wait_for(pilot, lambda: _state(small_home)[0].state is OutboxState.SENT, "sent on start")
        assert [p["text"] for p in live.x.posted if p.get("kind") == "tweet"] == [
            "Scheduled while we were away"
        ]
