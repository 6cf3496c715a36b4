"""`cockpit sync`, `cockpit daemon` and the TUI's config load pass `daily_outreach_limit` and apply `[people]`."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit import cli
from cockpit.services import people
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.tui.syncing import setup_from_config
from connectors.models import Author, Page, Post
from connectors.sandbox.blog import BlogSandbox

ROOT = Path(__file__).resolve().parents[2]


def config(blog: BlogSandbox, *, limit: int | None = None, people_table: str = "") -> str:
    """A config.toml with one feed account on the blog sandbox."""
    settings = f"[settings]\ndaily_outreach_limit = {limit}\n\n" if limit is not None else ""
    feeds = ", ".join(f'"{feed}"' for feed in blog.feed_urls())
    return (
        f'{settings}[[accounts]]\nname = "acme-blog"\nplatform = "feed"\nfeeds = [{feeds}]\n\n{people_table}'
    )


def lapsed_person(home: Path) -> int:
    """A tracked person `in_conversation` (14-day cadence) whose only post is 40 days old: due for outreach."""
    store = open_store(home / "cockpit.db")
    try:
        account = ensure_account(store, "acme-blog", "feed")
        author = Author(platform="feed", host="blog.example", ext_id="ines", handle="ines", name="Inês Costa")
        old = Post(
            ext_id="https://blog.example/p/#comment-1",
            thread_key="https://blog.example/p/",
            author=author,
            text="Loved the piece on retries.",
            created_at=datetime.now(UTC) - timedelta(days=40),
        )
        write_page(store, account, Page(stream="old", posts=[old]))
        identity = store.conn.execute("SELECT id FROM identities WHERE handle = 'ines'").fetchone()[0]
        tracked_at = int(
            (datetime.now(UTC) - timedelta(days=60)).timestamp()
        )  # a cadence counts from then on
        return people.create_person(
            store, "Inês Costa", identity_ids=[identity], stage="in_conversation", at=tracked_at
        )
    finally:
        store.close()


def outreach_items(home: Path) -> list[str]:
    with sqlite3.connect(home / "cockpit.db") as conn:
        return [row[0] for row in conn.execute("SELECT title FROM conversations WHERE source = 'outreach'")]


def cadence(home: Path, key: str) -> int | None:
    with sqlite3.connect(home / "cockpit.db") as conn:
        row = conn.execute("SELECT cadence_days FROM stages WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory; only the sync command is registered."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.sync"])
    return home


def sync_once(home: Path) -> int:
    return cli.main(["--home", str(home), "sync", "--once"])


def test_sync_once_plans_outreach_up_to_the_configured_daily_limit(home: Path, blog: BlogSandbox) -> None:
    (home / "config.toml").write_text(config(blog))  # the default limit (5)
    lapsed_person(home)
    assert sync_once(home) == 0
    assert outreach_items(home) == ["Reach out to Inês Costa"]


def test_sync_once_plans_no_outreach_when_the_limit_is_zero(home: Path, blog: BlogSandbox) -> None:
    (home / "config.toml").write_text(config(blog, limit=0))
    lapsed_person(home)
    assert sync_once(home) == 0
    assert outreach_items(home) == []


def test_sync_applies_the_people_table_and_warns_about_an_unknown_stage(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    table = (
        '[people]\nstages = ["Spotted", "Engaged", "Champion"]\ncadence_days = { engaged = 9, nosuch = 3 }\n'
    )
    (home / "config.toml").write_text(config(blog, people_table=table))
    assert sync_once(home) == 0
    assert cadence(home, "engaged") == 9
    with sqlite3.connect(home / "cockpit.db") as conn:
        order = [row[0] for row in conn.execute("SELECT key FROM stages ORDER BY position")]
    assert order[:3] == ["spotted", "engaged", "champion"]
    err = capsys.readouterr().err
    assert "warning:" in err and "nosuch" in err and "Traceback" not in err


def test_the_tui_config_load_applies_the_people_table_and_returns_its_problems(
    tmp_path: Path, blog: BlogSandbox
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    table = "[people]\ncadence_days = { supporter = 11, nosuch = 3 }\n"
    (home / "config.toml").write_text(config(blog, limit=2, people_table=table))
    setup = setup_from_config(home)
    assert setup.outreach_limit == 2
    assert cadence(home, "supporter") == 11
    assert len(setup.problems) == 1 and "nosuch" in setup.problems[0]


def test_the_daemon_passes_the_limit_and_applies_the_people_table(tmp_path: Path, blog: BlogSandbox) -> None:
    home = tmp_path / "home"
    home.mkdir()
    table = "[people]\ncadence_days = { advocate = 17 }\n"
    (home / "config.toml").write_text(config(blog, limit=3, people_table=table))
    lapsed_person(home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", str(home), "daemon", "--sync-every", "60"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    try:
        while "acme-blog" not in (line := lines.get(timeout=20)) or " ok " not in line:
            pass
        # the people upkeep runs right after the round's results; the item shows once it has committed
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not outreach_items(home) and datetime.now(UTC) < deadline:
            proc.poll()
            threading.Event().wait(0.05)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert outreach_items(home) == ["Reach out to Inês Costa"]
    assert cadence(home, "advocate") == 17


async def test_the_app_applies_the_people_table_when_its_config_loads_and_shows_problems(
    tmp_path: Path,
) -> None:
    from tests.tui.conftest import make_app, settle

    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[people]\ncadence_days = { engaged = 8, nosuch = 3 }\n")
    app = make_app(home, read_config=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = "\n".join(str(notification.message) for notification in app._notifications)
    assert "nosuch" in shown
    assert cadence(home, "engaged") == 8
