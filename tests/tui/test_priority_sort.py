"""The priority order (`S` cycles newest, oldest, priority) and `w`, which explains a conversation's score."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Static

from cockpit.paths import db_path
from cockpit.store.queue import Sort
from cockpit.tui.screens.explain import ExplainScreen
from cockpit.tui.screens.queue import QueueScreen

from .conftest import make_app, settle


def _ids(screen: QueueScreen) -> list[int]:
    return [row.id for i in range(screen.queue.total) if (row := screen.queue.row_at(i))]


async def test_s_cycles_the_order_and_w_explains_the_score(small_home: Path) -> None:
    conn = sqlite3.connect(db_path(small_home))
    by_priority = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM conversations WHERE status = 'inbox' "
            "ORDER BY priority DESC, last_activity_at DESC, id DESC"
        )
    ]
    by_age = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM conversations WHERE status = 'inbox' ORDER BY last_activity_at, id"
        )
    ]
    top = conn.execute(
        "SELECT excerpt, priority FROM conversations WHERE id = ?", (by_priority[0],)
    ).fetchone()
    conn.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        newest = _ids(screen)
        assert newest == list(reversed(by_age)) and newest != by_priority
        await pilot.press("S")
        await settle(pilot)
        assert screen.sort is Sort.OLDEST and _ids(screen) == by_age
        assert "by oldest" in screen.status.left_text
        await pilot.press("S")
        await settle(pilot)
        assert screen.sort is Sort.PRIORITY and _ids(screen) == by_priority
        assert "by priority" in screen.status.left_text
        # The top of the priority order: "Is the new release out yet? ..." — a mention (20) asking (15).
        assert top == ("Is the new release out yet? Asking for a friend.", 35)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        text = str(app.screen.query_one("#explain-text", Static).render())
        assert "Source" in text and "+20" in text and "a direct mention" in text
        assert "Question" in text and "+15" in text and "Total" in text and "35" in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert screen.sort is Sort.NEWEST and _ids(screen) == newest
