"""`cockpit sync` end to end: the real feed connector against the blog sandbox over loopback HTTP."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cockpit import cli
from connectors.sandbox.blog import BlogSandbox
from tests.services.conftest import stored_bytes

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zx9v 4Lmq 7Tt2 pQ8r 1WnB 6yKd"


def feed_account(name: str, *feeds: str) -> str:
    listed = ", ".join(f'"{feed}"' for feed in feeds)
    return f'[[accounts]]\nname = "{name}"\nplatform = "feed"\nfeeds = [{listed}]\n\n'


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory; only the sync command is registered (the others are not under test)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.sync"])
    return home


def sync_once(home: Path, *args: str) -> int:
    return cli.main(["--home", str(home), "sync", "--once", *args])


def count(home: Path, sql: str) -> int:
    with sqlite3.connect(home / "cockpit.db") as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_sync_once_stores_every_blog_and_its_comments_then_only_what_is_new(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text(feed_account("acme-blog", *blog.feed_urls()))
    assert sync_once(home) == 0
    line = capsys.readouterr().out.strip()
    match = re.fullmatch(r"acme-blog  ok       (\d+) new posts, (\d+) new conversations", line)
    assert match, line
    posts, conversations = int(match[1]), int(match[2])
    assert posts == count(home, "SELECT count(*) FROM posts") > 20
    assert conversations == count(home, "SELECT count(*) FROM conversations") > 5
    assert count(home, "SELECT count(DISTINCT stream) FROM sync_state WHERE cursor IS NOT NULL") == 4
    assert count(home, "SELECT count(*) FROM interactions WHERE direction = 'in'") == posts
    assert (
        count(home, "SELECT count(*) FROM accounts WHERE last_error = '' AND next_sync_at > last_sync_at")
        == 1
    )

    assert sync_once(home) == 0
    assert capsys.readouterr().out == "acme-blog  ok       nothing new\n"

    made = blog.simulate_activity(3)
    assert sync_once(home) == 0
    assert capsys.readouterr().out.startswith(f"acme-blog  ok       {len(made)} new post")
    assert count(home, "SELECT count(*) FROM posts") == posts + len(made)
    assert count(home, "SELECT count(DISTINCT ext_id) FROM posts") == posts + len(made)


def test_a_missing_feed_and_a_refused_login_fail_only_their_own_accounts(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (home / "config.toml").write_text(
        feed_account("acme-blog", blog.feed_url("tideline"))
        + feed_account("gone-blog", f"{blog.url}/no-such-blog/feed/")
        + feed_account("locked-blog", blog.feed_url("ferrous"))
    )
    monkeypatch.setenv("COCKPIT_SECRET_LOCKED_BLOG", SECRET)
    blog.misbehave("server_error", times=10, status=401, path="/ferrous/")
    assert sync_once(home) == 1
    out, err = capsys.readouterr()
    lines = sorted(out.splitlines())
    assert lines[0].startswith("acme-blog    ok       ") and "new posts" in lines[0]
    assert re.fullmatch(
        r"gone-blog    error    GET http://127\.0\.0\.1:\d+/no-such-blog/feed/ was refused \(HTTP 404\)",
        lines[1],
    )
    assert lines[2] == (
        "locked-blog  error    token for locked-blog expired or missing: run `cockpit accounts login locked-blog`"
    )
    assert err == ""
    assert SECRET not in out and SECRET.encode() not in stored_bytes(home / "cockpit.db")
    assert count(home, "SELECT count(*) FROM accounts WHERE last_error != ''") == 2


def test_a_slow_blog_times_out_without_holding_back_the_others(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text(
        feed_account("acme-blog", blog.feed_url("tideline"))
        + feed_account("slow-blog", blog.feed_url("margins"))
    )
    blog.misbehave("slow", times=10, delay=30, path="/margins/")
    started = time.monotonic()
    assert sync_once(home, "--timeout", "1") == 1
    elapsed = time.monotonic() - started
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("acme-blog  ok ")  # printed as soon as it was done, before the slow one
    assert re.fullmatch(r"slow-blog  error    no answer within 1 s; will retry at \d\d:\d\d UTC", lines[1])
    assert elapsed < 5


def test_a_rate_limited_blog_waits_and_does_not_fail_the_run(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "config.toml").write_text(
        feed_account("acme-blog", blog.feed_url("tideline"))
        + feed_account("busy-blog", blog.feed_url("commons-garden"))
    )
    blog.misbehave("rate_limit", times=10, path="/commons-garden/", headers={"Retry-After": "600"})
    assert sync_once(home) == 0
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines[0].startswith("acme-blog  ok ")
    assert re.fullmatch(r"busy-blog  waiting  rate limited until \d\d:\d\d UTC; will retry then", lines[1])
    requests_before = len(blog.requests_to("/commons-garden/"))
    assert sync_once(home, "--account", "busy-blog") == 0  # still limited: the blog is not asked again
    assert len(blog.requests_to("/commons-garden/")) == requests_before
    assert "rate limited until" in capsys.readouterr().out


def test_sync_without_once_keeps_syncing_until_interrupted(tmp_path: Path, blog: BlogSandbox) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[settings]\nsync_interval = 60\ntimezone = "UTC"\n\n'
        + feed_account("acme-blog", blog.feed_url("tideline"))
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "--home", str(home), "sync"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for _ in range(2):
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "no output from `cockpit sync`"
            lines.append(proc.stdout.readline().rstrip("\n"))
        assert (
            lines[0] == "syncing 1 account every minute; press Ctrl-C to stop (use --once to sync one time)"
        )
        assert re.fullmatch(
            r"\d\d:\d\d:\d\d  acme-blog  ok       \d+ new posts, \d+ new conversations", lines[1]
        )
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.strip().endswith("sync stopped") and "Traceback" not in err
