"""The live demo: sandboxes in-process, a real sync into the seeded demo directory, new activity arriving."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from cockpit.demo import seed
from cockpit.demo.live import LiveDemo
from cockpit.paths import db_path
from cockpit.services.sync import sync_accounts
from cockpit.store import open_store

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _counts(home: Path) -> tuple[int, int]:
    store = open_store(db_path(home), create=False)
    try:
        posts = store.conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        conversations = store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
        return int(posts), int(conversations)
    finally:
        store.close()


def test_the_demo_syncs_from_its_sandboxes_and_new_activity_arrives(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    seed(home, NOW)
    seeded_posts, seeded_conversations = _counts(home)
    with LiveDemo(now=NOW) as live:
        first = asyncio.run(sync_accounts(db_path(home), live.accounts(), secrets=live.secrets()))
        assert [r.outcome for r in first] == ["ok", "ok", "ok", "ok"], [r.message for r in first]
        assert first[0].new_posts > 0 and first[0].new_conversations > 0
        after_first = _counts(home)
        assert after_first[0] == seeded_posts + sum(r.new_posts for r in first)
        assert after_first[1] == seeded_conversations + sum(r.new_conversations for r in first)

        again = asyncio.run(sync_accounts(db_path(home), live.accounts(), secrets=live.secrets()))
        assert [r.new_posts for r in again] == [0, 0, 0, 0], (
            "nothing new on the sandbox: nothing stored twice"
        )

        assert live.tick(5) == 5
        later = asyncio.run(sync_accounts(db_path(home), live.accounts(), secrets=live.secrets()))
        assert later[0].outcome == "ok" and later[0].new_posts >= 1
    assert _counts(home)[0] == after_first[0] + sum(r.new_posts for r in later)


def test_the_demo_secret_never_reaches_the_database(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    seed(home, NOW)
    with LiveDemo(now=NOW) as live:
        asyncio.run(sync_accounts(db_path(home), live.accounts(), secrets=live.secrets()))
        secret = live.secrets()["blogs"]
    assert secret
    for path in home.iterdir():
        assert secret.encode() not in path.read_bytes(), path
