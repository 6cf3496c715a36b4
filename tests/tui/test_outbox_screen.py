"""The Outbox view (`O`): items by state with counts, and its keys: filter, edit, reschedule, cancel, retry,
resolve an unknown outcome, open the posted reply; plus the command palette entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from cockpit.paths import db_path
from cockpit.services import outbox
from cockpit.services.outbox import OutboxState
from cockpit.store import open_store
from cockpit.tui.screens.composer import ComposerScreen
from cockpit.tui.screens.outbox import OutboxScreen
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.schedule import ScheduleDialog
from cockpit.tui.screens.templates import TemplatesScreen

from .conftest import NOW, make_app, settle

FUTURE = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
"""Far enough ahead that no sender picks these items during a test."""


def seed_outbox(home: Path) -> dict[str, int]:
    """One item in each state the Outbox lists (and one cancelled), on the fixture's conversations."""
    store = open_store(db_path(home))
    try:
        rows = store.conn.execute(
            "SELECT c.id, c.account_id, (SELECT max(p.id) FROM posts p WHERE p.conversation_id = c.id) "
            "FROM conversations c ORDER BY c.last_activity_at DESC"
        ).fetchall()
        ids: dict[str, int] = {}
        for name, (conversation, account, post) in zip(
            ["scheduled", "failed", "unknown", "sent", "sending", "cancelled"], rows, strict=False
        ):
            ids[name] = outbox.schedule(
                store,
                conversation_id=conversation,
                account_id=account,
                reply_to_post_id=post,
                text=f"The {name} reply",
                send_at=FUTURE,
            )
        with store.write() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'failed', error = 'acme-li: token expired: run cockpit accounts "
                "login acme-li', attempts = 3 WHERE id = ?",
                (ids["failed"],),
            )
            conn.execute("UPDATE outbox SET state = 'unknown', attempts = 1 WHERE id = ?", (ids["unknown"],))
            conn.execute(
                "UPDATE outbox SET state = 'sent', remote_id = '99', attempts = 1, "
                "remote_url = 'https://x.com/acme/status/99' WHERE id = ?",
                (ids["sent"],),
            )
            conn.execute("UPDATE outbox SET state = 'sending' WHERE id = ?", (ids["sending"],))
            conn.execute("UPDATE outbox SET state = 'cancelled' WHERE id = ?", (ids["cancelled"],))
            stamp = int(NOW.timestamp())
            conn.execute("UPDATE outbox SET created_at = ?, updated_at = ?", (stamp, stamp))
        return ids
    finally:
        store.close()


def item(home: Path, item_id: int) -> outbox.OutboxItem:
    """One item as stored now."""
    store = open_store(db_path(home))
    try:
        found = outbox.get(store, item_id)
        assert found is not None
        return found
    finally:
        store.close()


@pytest.fixture
def outbox_home(small_home: Path) -> tuple[Path, dict[str, int]]:
    """The small fixture with an outbox item in every state."""
    return small_home, seed_outbox(small_home)


async def open_outbox(pilot: Pilot[Any]) -> OutboxScreen:
    """Press O on the queue and wait for the items."""
    await settle(pilot)
    await pilot.press("O")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OutboxScreen)
    return screen


async def go_to(pilot: Pilot[Any], screen: OutboxScreen, item_id: int) -> None:
    """Put the cursor on one item."""
    ids = [entry.id for entry in screen.items]
    screen.query_one(DataTable).move_cursor(row=ids.index(item_id))
    await settle(pilot)
    assert screen.current is not None and screen.current.id == item_id


def title(screen: OutboxScreen) -> str:
    return str(screen.query_one("#outbox-title", Static).render())


def detail(screen: OutboxScreen) -> str:
    return str(screen.query_one("#outbox-detail", Static).render())


async def test_O_lists_items_by_state_with_counts_and_f_filters(
    outbox_home: tuple[Path, dict[str, int]],
) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        assert "scheduled 1 · sending 1 · sent 1 · failed 1 · unknown 1" in title(screen)
        assert "showing: all" in title(screen)
        assert {entry.id for entry in screen.items} == {
            ids[n] for n in ("scheduled", "failed", "unknown", "sent", "sending")
        }
        shown: list[str] = []
        for _ in range(6):
            await pilot.press("f")
            await settle(pilot)
            shown.append(title(screen).split("showing: ")[1].split(" ")[0])
            assert all(entry.state.value == shown[-1] for entry in screen.items)
            assert len(screen.items) == 1
        assert shown == ["scheduled", "sending", "sent", "failed", "unknown", "cancelled"]
        await pilot.press("f")
        await settle(pilot)
        assert "showing: all" in title(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen), "O closes it too"


async def test_a_failed_item_shows_why_and_y_retries_it_now(outbox_home: tuple[Path, dict[str, int]]) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["failed"])
        assert "Why: acme-li: token expired: run cockpit accounts login acme-li" in detail(screen)
        assert "3 attempts" in detail(screen)
        await pilot.press("y")
        await settle(pilot)
        retried = item(home, ids["failed"])
        assert retried.state is OutboxState.SCHEDULED and retried.send_at is None
        await go_to(pilot, screen, ids["sent"])
        await pilot.press("y")
        await settle(pilot)
        assert any("cannot retry" in n.message for n in app._notifications), "only failed items retry"


async def test_c_cancels_and_a_cancelled_item_cannot_be_cancelled_again(
    outbox_home: tuple[Path, dict[str, int]],
) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["scheduled"])
        await pilot.press("c")
        await settle(pilot)
        assert item(home, ids["scheduled"]).state is OutboxState.CANCELLED
        assert ids["scheduled"] not in [entry.id for entry in screen.items], "it leaves the list"
        assert "scheduled 0" in title(screen)
        await go_to(pilot, screen, ids["sent"])
        await pilot.press("c")
        await settle(pilot)
        assert item(home, ids["sent"]).state is OutboxState.SENT
        assert any("already sent" in n.message for n in app._notifications)


async def test_unknown_items_are_resolved_by_the_user(outbox_home: tuple[Path, dict[str, int]]) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["unknown"])
        assert "S it was sent · A send again" in detail(screen)
        await pilot.press("S")
        await settle(pilot)
        assert item(home, ids["unknown"]).state is OutboxState.SENT
        store = open_store(db_path(home))
        with store.write() as conn:
            conn.execute("UPDATE outbox SET state = 'unknown' WHERE id = ?", (ids["unknown"],))
        store.close()
        screen.reload()
        await settle(pilot)
        await go_to(pilot, screen, ids["unknown"])
        await pilot.press("A")
        await settle(pilot)
        again = item(home, ids["unknown"])
        assert again.state is OutboxState.SCHEDULED and again.send_at is None


async def test_R_reschedules_with_the_picker(outbox_home: tuple[Path, dict[str, int]]) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["scheduled"])
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ScheduleDialog)
        assert not dialog.query("#condition"), "rescheduling keeps the condition"
        await pilot.press("down", "down", "down", "enter")  # tomorrow morning
        await settle(pilot)
        assert app.screen is screen
        assert item(home, ids["scheduled"]).send_at == NOW.replace(hour=9) + timedelta(days=1)
        await go_to(pilot, screen, ids["sent"])
        await pilot.press("R")
        await settle(pilot)
        assert app.screen is screen, "a sent item is not rescheduled"


async def test_e_reopens_the_composer_on_the_item_and_saves_the_new_text(
    outbox_home: tuple[Path, dict[str, int]],
) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["scheduled"])
        await pilot.press("e")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        assert composer.text == "The scheduled reply" and composer.item is not None
        await pilot.press("end", *"!!", "ctrl+l")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # this evening
        await settle(pilot)
        changed = item(home, ids["scheduled"])
        assert changed.text == "The scheduled reply!!"
        assert changed.send_at == NOW.replace(hour=18)
        assert changed.state is OutboxState.SCHEDULED
        await go_to(pilot, screen, ids["sent"])
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen
        assert any("Only scheduled or failed replies can be edited" in n.message for n in app._notifications)


async def test_o_opens_the_posted_reply(
    outbox_home: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, ids = outbox_home
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["sent"])
        assert "Posted: https://x.com/acme/status/99" in detail(screen)
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://x.com/acme/status/99"]
        await go_to(pilot, screen, ids["scheduled"])
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://x.com/acme/status/99"]
        assert any("no link" in n.message for n in app._notifications)


async def test_an_empty_outbox_says_how_replies_get_there(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        assert "r on the queue" in detail(screen)
        await pilot.press("e", "c", "y")
        await settle(pilot)
        assert any(n.message == "No item here." for n in app._notifications)


async def test_the_command_palette_opens_the_outbox_and_the_templates(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"outbox")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"templates")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)


async def test_escape_from_editing_an_item_keeps_the_new_text_and_its_time(
    outbox_home: tuple[Path, dict[str, int]],
) -> None:
    home, ids = outbox_home
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_outbox(pilot)
        await go_to(pilot, screen, ids["failed"])
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press("end", "!", "escape")
        await settle(pilot)
        kept = item(home, ids["failed"])
        assert (kept.text, kept.state, kept.send_at) == ("The failed reply!", OutboxState.FAILED, FUTURE)
        assert screen.is_current
        assert screen.current is not None and screen.current.text == "The failed reply!", "the list is fresh"
