"""`l` likes on the platform (a loopback sandbox here), records the like, and says what it cannot do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cockpit.demo.live import LiveDemo
from cockpit.paths import db_path
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.syncing import SyncSetup

from .conftest import make_app, settle
from .test_triage import notices


def _likes(home: Path) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(db_path(home))
    try:
        return conn.execute(
            "SELECT i.direction, i.kind, p.conversation_id FROM interactions i JOIN posts p ON p.id = i.post_id "
            "WHERE i.kind = 'like'"
        ).fetchall()
    finally:
        conn.close()


async def test_like_on_the_forum_and_what_linkedin_and_undo_say(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with LiveDemo() as live:
        setup = SyncSetup(accounts=live.accounts(), secret=live.secrets().get, interval=3600)
        app = make_app(home, sync=setup)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)  # the first sync round fills the queue
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            queue = screen.queue
            rows = [row for i in range(queue.total) if (row := queue.row_at(i))]
            forum = next(i for i, row in enumerate(rows) if row.platform == "discourse")
            queue.move_to(forum)
            await pilot.press("l")
            await settle(pilot)
            assert "Liked" in notices(app)
            liked = live.forum.requests_to("/post_actions.json", "POST")
            assert len(liked) == 1
            assert _likes(home) == [("out", "like", rows[forum].id)]

            await pilot.press("u")  # a like cannot be undone here: it says so, and undoes nothing
            await settle(pilot)
            assert "A like cannot be undone from the cockpit" in notices(app)

            linkedin = next(i for i, row in enumerate(rows) if row.platform == "linkedin")
            queue.move_to(linkedin)
            await pilot.press("l")
            await settle(pilot)
            assert "acme-linkedin: linkedin cannot like from the cockpit: press o" in notices(app)
            assert len(_likes(home)) == 1


async def test_like_without_the_account_in_the_config_says_how_to_fix_it(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "is not in config.toml" in notices(app)
        assert _likes(small_home) == []
