"""A sync killed with SIGKILL between pages or inside a page's transaction never advances a cursor past
stored data, and the next sync stores the rest exactly once."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit.services.sync import sync_accounts
from cockpit.store import open_store
from cockpit.store.ingest import read_cursors
from tests.services.conftest import FakeAccount, FakeWorld
from tests.services.crash_child import PAGES

ROOT = Path(__file__).resolve().parents[2]


def wait_for_line(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the child never reached the kill point"
    return proc.stdout.readline().decode().strip()


@pytest.mark.parametrize("mode", ["between", "inside"])
async def test_a_sync_killed_mid_way_resumes_without_losing_or_duplicating(
    tmp_path: Path, world: FakeWorld, mode: str
) -> None:
    db = tmp_path / "cockpit.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.services.crash_child", str(db), mode],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for_line(proc) == "READY"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    store = open_store(db)
    try:
        account = int(store.conn.execute("SELECT id FROM accounts WHERE name = 'acme-blog'").fetchone()[0])
        assert read_cursors(store, account) == {"default": "c1"}
        assert [r[0] for r in store.conn.execute("SELECT ext_id FROM posts ORDER BY ext_id")] == ["1", "2"]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        world.script("acme-blog", *PAGES)
        [resumed] = await sync_accounts(
            db, [FakeAccount("acme-blog")], secrets={}, connector_factory=world.factory
        )
        assert world.scripts["acme-blog"].fetches == [{"default": "c1"}]
        assert (resumed.outcome, resumed.new_posts) == ("ok", 2)
        [again] = await sync_accounts(
            db, [FakeAccount("acme-blog")], secrets={}, connector_factory=world.factory
        )
        assert again.new_posts == 0
        rows = store.conn.execute(
            "SELECT ext_id, count(*) FROM posts GROUP BY ext_id ORDER BY ext_id"
        ).fetchall()
        assert rows == [("1", 1), ("2", 1), ("3", 1), ("4", 1)]
        assert read_cursors(store, account) == {"default": "c2"}
        assert (
            store.conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'post'").fetchone()[0]
            == 4
        )
    finally:
        store.close()
