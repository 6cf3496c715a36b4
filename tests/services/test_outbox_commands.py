"""`cockpit send-due` and `cockpit daemon` against the X sandbox: a line per reply, exit statuses, no secrets."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit import cli
from connectors.sandbox.x import SANDBOX_TOKEN, XSandbox
from tests.services.outbox_fixtures import World, relaxed_x_sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """The X sandbox on loopback."""
    with relaxed_x_sandbox() as running:
        yield running


@pytest.fixture
def home(tmp_path: Path, sandbox: XSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory whose config has the sandbox X account; its token comes from the environment."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[[accounts]]\nname = "acme-x"\nplatform = "x"\nbase_url = "{sandbox.url}"\n'
    )
    monkeypatch.setenv("COCKPIT_SECRET_ACME_X", SANDBOX_TOKEN)
    return home


@pytest.fixture
def world(home: Path, sandbox: XSandbox) -> World:
    """The home's database, synced."""
    return World(home / "cockpit.db", sandbox)


def send_due(home: Path, *args: str) -> int:
    return cli.main(["--home", str(home), "send-due", *args])


def test_send_due_prints_a_line_per_reply_and_fails_when_one_failed(
    home: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first = world.mention("@acmerelay first question")
    second = world.mention("@acmerelay second question", who="jonasoberg")
    world.sync()
    sent = world.schedule(first, "Thanks for the question!")
    dup = world.schedule(second, "Thanks for the question!")

    assert send_due(home) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"#{sent} acme-x sent http") and "/status/" in out[0]
    assert out[1].startswith(f"#{dup} acme-x failed: duplicate content")
    assert len(out) == 2

    assert send_due(home) == 0
    assert capsys.readouterr().out == "nothing due\n"
    assert world.our_tweets() == ["Thanks for the question!"]


def test_send_due_reconciles_first_and_names_an_unknown_account(
    home: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    tweet = world.mention("@acmerelay reconcile me")
    world.sync()
    item = world.schedule(tweet, "Published by a sender that died")
    store_rows = world.query("SELECT id FROM outbox")
    assert store_rows == [(item,)]
    from cockpit.store import open_store

    store = open_store(world.db)
    with store.write() as conn:  # a sender on another machine claimed it an hour ago and never came back
        conn.execute(
            "UPDATE outbox SET state = 'sending', attempt_id = 'a', claimed_by = 'elsewhere 1 t', claimed_at = ?",
            (int((datetime.now(UTC) - timedelta(hours=1)).timestamp()),),
        )
    store.close()
    world.sandbox.add_tweet("acmerelay", "Published by a sender that died", reply_to=int(tweet))
    assert send_due(home, "--account", "acme-x") == 0
    out = capsys.readouterr().out
    assert f"#{item} acme-x sent (found on x)" in out
    assert world.item(item).state == "sent"

    assert send_due(home, "--account", "nope") == 2
    assert "no account named 'nope'" in capsys.readouterr().err


def test_send_due_leaves_an_unknown_reply_to_the_user_and_says_so(
    home: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    tweet = world.mention("@acmerelay 503?")
    world.sync()
    item = world.schedule(tweet, "Into a 503")
    world.sandbox.misbehave("server_error", method="POST", path="/2/tweets")
    assert send_due(home) == 1
    out = capsys.readouterr().out
    assert f"#{item} acme-x unknown: " in out and "mark it sent or send it again" in out
    assert SANDBOX_TOKEN not in out
    # The next pass does not ask X again so soon (searches are rate limited) and does not fail again.
    assert send_due(home) == 0
    assert capsys.readouterr().out == "nothing due\n"
    assert world.item(item).state == "unknown" and world.our_tweets() == []


class Daemon:
    """`cockpit daemon` in a process of its own, its output read line by line."""

    def __init__(self, home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cockpit", "--home", str(home), "daemon", "--sync-every", "60"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, needle: str, timeout: float = 20) -> str:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if needle in line:
                return line

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def test_the_daemon_syncs_and_sends_each_reply_when_due_until_interrupted(home: Path, world: World) -> None:
    now_tweet = world.mention("@acmerelay answer me now")
    later_tweet = world.mention("@acmerelay answer me in a moment", who="jonasoberg")
    world.sync()
    world.sandbox.add_tweet("chidicodes", "@acmerelay a new mention for the daemon's sync")
    from cockpit.store import open_store

    store = open_store(world.db)
    with store.write() as conn:  # the last sync was an hour ago: the daemon syncs at once
        conn.execute("UPDATE accounts SET last_sync_at = last_sync_at - 3600, next_sync_at = NULL")
    store.close()
    now_item = world.schedule(now_tweet, "Right away")
    later_item = world.schedule(
        later_tweet, "A moment later", send_at=datetime.now(UTC) + timedelta(seconds=2)
    )
    daemon = Daemon(home)
    try:
        assert "press Ctrl-C to stop" in daemon.wait_for("cockpit daemon:")
        daemon.wait_for(f"#{now_item} acme-x sent")
        daemon.wait_for(f"#{later_item} acme-x sent")
        assert daemon.stop() == 0
        remaining = []
        while not daemon.lines.empty():
            remaining.append(daemon.lines.get())
        output = daemon.seen + remaining
    finally:
        daemon.stop()
    assert output[-1] == "cockpit daemon stopped"
    assert any(line.startswith("acme-x") and " ok " in line for line in output), output
    assert not any("Traceback" in line or SANDBOX_TOKEN in line for line in output)
    assert world.our_tweets() == ["Right away", "A moment later"]
    assert world.query("SELECT count(*) FROM posts WHERE text LIKE '%new mention for the daemon%'") == [(1,)]
