"""The reply composer: `r` opens it on the conversation, it counts the platform's way, warns about strangers,
keeps drafts across a crash, inserts templates, and hands replies to the outbox (now or scheduled)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from cockpit.paths import db_path
from cockpit.services import outbox
from cockpit.services.outbox import OutboxState
from cockpit.store import open_store
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.composer import ComposerScreen
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.thread import ThreadScreen
from cockpit.tui.widgets.queue_list import QueueList

from .conftest import make_app, screen_lines, settle


@pytest.fixture
def quick_drafts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Save drafts on the next tick instead of after half a second of quiet typing."""
    monkeypatch.setattr(ComposerScreen, "draft_delay", 0.001)


def _items(home: Path, states: tuple[OutboxState, ...] | None = None) -> list[outbox.OutboxItem]:
    store = open_store(db_path(home))
    try:
        return outbox.list_items(store, states)
    finally:
        store.close()


def _draft(home: Path, conversation_id: int) -> outbox.OutboxItem | None:
    store = open_store(db_path(home))
    try:
        return outbox.draft_for(store, conversation_id)
    finally:
        store.close()


async def _wait_for(pilot: Pilot[Any], condition: Any, what: str) -> None:
    """Let the app run (timers, workers, messages) until `condition()` holds."""
    for _ in range(50):
        await settle(pilot)
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


async def _open_composer(pilot: Pilot[Any], *keys: str) -> ComposerScreen:
    await settle(pilot)
    await pilot.press(*keys, "r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ComposerScreen), screen
    return screen


def _text(screen: ComposerScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_r_opens_the_composer_on_the_conversation_with_the_post_and_the_x_count(
    small_home: Path,
) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        assert screen.context.reply_to_author == "Ada Lovelace"
        shown = "\n".join(screen_lines(app))
        assert "Reply to Ada Lovelace on X" in shown
        assert "Is the new release out yet? Asking for a friend." in shown
        assert "acme-x (@acme)" in shown, "reply as: our X account"
        assert _text(screen, "#composer-count").startswith("0 / 280")
        await pilot.press("S", "e", "e", "space")
        screen.editor.insert("https://example.com/a/very/long/path/that/is/much/longer/than/23")
        await pilot.pause()
        # "See " is 4, the link counts 23 whatever its length.
        assert _text(screen, "#composer-count").startswith("27 / 280")
        assert not screen.query_one("#composer-count").has_class("-over")
        screen.editor.insert(" " + "x" * 259)
        await pilot.pause()
        assert _text(screen, "#composer-count").startswith("287 / 280 · 7 over the limit")
        assert screen.query_one("#composer-count").has_class("-over"), "red when over"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen), "a reply over the limit is not sent"
        assert any("Too long by 7" in n.message for n in app._notifications)
        assert _items(small_home) == []


async def test_linkedin_and_forum_count_their_own_way(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot, "j", "j")  # Marie Curie, LinkedIn
        assert screen.context.platform == "linkedin"
        await pilot.press(*"Thanks! https://example.com/x")
        assert _text(screen, "#composer-count").startswith("29 / 1,250")
        await pilot.press("escape")
        await settle(pilot)
        screen = await _open_composer(pilot, "j", "j", "j")  # the forum topic
        assert screen.context.platform == "discourse"
        assert _text(screen, "#composer-count").startswith("0 / 32,000")


async def test_mentions_of_people_outside_the_thread_are_warned_about(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot, "j")  # Grace's thread, where we (acme) replied
        await pilot.press(*"Thanks @grace and @acme!")
        assert _text(screen, "#composer-warning") == "", "people in the thread and our own account are fine"
        await pilot.press(*" cc @linus @bob")
        warning = _text(screen, "#composer-warning")
        assert "@linus, @bob are not in this thread" in warning


@pytest.mark.usefixtures("quick_drafts")
async def test_drafts_save_as_you_type_show_in_the_queue_and_survive_a_crash(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        conversation = screen.context.conversation_id
        await pilot.press(*"Not yet, next week")
        await _wait_for(
            pilot,
            lambda: (d := _draft(small_home, conversation)) is not None and d.text == "Not yet, next week",
            "the draft saved",
        )
        # A crash now: the app is never closed properly. The draft is already committed.
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(QueueList)
        assert queue.cursor_row is not None and queue.cursor_row.has_draft
        assert "✎ draft" in screen_lines(app)[0]
        assert "✎ draft" not in screen_lines(app)[1]
        screen = await _open_composer(pilot)
        assert screen.text == "Not yet, next week", "r brings the draft back"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


@pytest.mark.usefixtures("quick_drafts")
async def test_escape_keeps_the_draft_and_clearing_the_text_discards_it(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        conversation = screen.context.conversation_id
        await pilot.press("h", "i", "escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        draft = _draft(small_home, conversation)
        assert draft is not None and draft.text == "hi"
        await _wait_for(pilot, lambda: "✎ draft" in screen_lines(app)[0], "the draft mark")
        screen = await _open_composer(pilot)
        await pilot.press("backspace", "backspace", "escape")
        await settle(pilot)
        assert _draft(small_home, conversation) is None
        await _wait_for(pilot, lambda: "✎ draft" not in screen_lines(app)[0], "the draft mark to go")


async def test_ctrl_s_sends_now_through_the_outbox(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        conversation = screen.context.conversation_id
        reply_to = screen.context.reply_to_post_id
        await pilot.press(*"Yes, out today!", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        (item,) = _items(small_home)
        assert (item.conversation_id, item.reply_to_post_id, item.text) == (
            conversation,
            reply_to,
            "Yes, out today!",
        )
        assert item.state is OutboxState.SCHEDULED and item.send_at is None, "as soon as possible"
        assert item.account_name == "acme-x"
        assert _draft(small_home, conversation) is None, "the draft became the outbox item"
        assert any("no account is configured in this session" in n.message for n in app._notifications), (
            "without accounts to send with, it says where the reply is and what sends it"
        )


async def test_ctrl_s_with_nothing_written_says_so(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert any(n.message == "Write something first." for n in app._notifications)


async def test_r_in_the_full_screen_thread_opens_the_composer(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert app.screen.context.reply_to_author == "Grace Hopper"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)


async def test_hostile_text_in_the_answered_post_is_inert(hostile_home: Path) -> None:
    app: CockpitApp = make_app(hostile_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await _open_composer(pilot)
        shown = "\n".join(screen_lines(app))
        assert "\x1b" not in shown and "\u202e" not in shown
        assert screen.context.reply_to_text in (
            "[bold red]x[/] and [link=http://evil.example]click[/link]",
            "\x1b[31mred\x1b[0m plain",
            "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ after",
            "\u202eevil",
            "csi\x9b2J and bell\x07 and cr\rover and bs\bx",
            "Is the new release out yet? Asking for a friend.",
        )
