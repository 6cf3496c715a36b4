"""The outbox survives SIGKILL at any point: 200 scheduled X replies (X has no idempotency key), a sender
killed 60 times at random points (before the sandbox handles a post, after it accepted one but before the
answer reached the sender, just after an answer, and at random moments of start-up and reconcile), restarted
each time like cron would run `cockpit send-due`. The sandbox must hold each reply exactly once, and every
item must end sent (matching the sandbox) or unknown with nothing on the sandbox, awaiting the user."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.services import outbox
from cockpit.services.outbox import OutboxState
from cockpit.store import open_store
from connectors.sandbox.server import Pause
from connectors.sandbox.x import XSandbox
from tests.services.outbox_fixtures import World, relaxed_x_sandbox

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 200
KILLS = 60
SEED = int(os.environ.get("OUTBOX_CRASH_SEED", "20261121"))
POST = "/2/tweets"


class Zygote:
    """The forking helper process (tests/crash/outbox_child.py) and its answers, read by a thread."""

    def __init__(self, db: Path, base_url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.outbox_child", str(db), base_url],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.exited = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line(60) == "READY"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("EXIT"):
                self.exited.set()
            self.lines.put(line.strip())

    def next_line(self, timeout: float = 30) -> str:
        return self.lines.get(timeout=timeout)

    def start(self) -> int:
        """Fork one send-due run; return its pid."""
        assert self.proc.stdin is not None
        self.exited.clear()
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        kind, pid = self.next_line().split()
        assert kind == "PID"
        return int(pid)

    def reaped(self, pid: int) -> int:
        """Wait until the run is gone and reaped; its exit status (-9 when killed)."""
        kind, gone, status = self.next_line(60).split()
        assert (kind, int(gone)) == ("EXIT", pid)
        return int(status)

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_for(pause: Pause, zygote: Zygote, timeout: float = 30) -> bool:
    """Whether the run reached the pause (False when it finished first: nothing left to send)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pause.reached.wait(0.01):
            return True
        if zygote.exited.is_set():
            return pause.reached.is_set()
    raise AssertionError("the sender neither reached the sandbox nor finished")


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """The X sandbox in this process, so it outlives every killed sender; double posts are stored, not refused."""
    with relaxed_x_sandbox() as running:
        running.refuse_duplicates = False
        yield running


def test_200_replies_survive_60_sigkills_each_published_exactly_once(
    tmp_path: Path, sandbox: XSandbox
) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)
    world = World(tmp_path / "cockpit.db", sandbox)
    tweets = [world.mention(f"@acmerelay crash question {n:03d}", who="priyaraman") for n in range(ITEMS)]
    world.sync()
    texts = {
        world.schedule(tweet, f"Crash reply {n:03d}"): f"Crash reply {n:03d}"
        for n, tweet in enumerate(tweets)
    }
    target_of = {item: tweets[n] for n, item in enumerate(texts)}

    zygote = Zygote(world.db, sandbox.url)
    kills: Counter[str] = Counter()
    runs = 0
    try:
        while sum(kills.values()) < KILLS:
            mode = rng.choice(["before_accept", "after_accept", "after_answer", "anytime"])
            passing = rng.randint(0, 2)  # let a reply or two through before the kill
            pause = sandbox.pause_next("after", method="POST", path=POST) if passing else None
            if mode == "before_accept" and not passing:
                pause = sandbox.pause_next("before", method="POST", path=POST)
            elif mode in ("after_accept", "after_answer") and not passing:
                pause = sandbox.pause_next("after", method="POST", path=POST)
            pid = zygote.start()
            runs += 1
            reached = True
            for left in range(passing, 0, -1):
                assert pause is not None
                reached = wait_for(pause, zygote)
                if not reached:
                    break
                held = pause
                if left > 1 or mode == "anytime":
                    pause = sandbox.pause_next("after", method="POST", path=POST)
                elif mode == "before_accept":
                    pause = sandbox.pause_next("before", method="POST", path=POST)
                else:
                    pause = sandbox.pause_next("after", method="POST", path=POST)
                held.release.set()
            if mode == "anytime":
                if pause is not None:
                    sandbox.behave()
                time.sleep(rng.uniform(0, 0.1))  # a random moment: start-up, reconcile, a claim, a commit
            elif reached:
                assert pause is not None
                reached = wait_for(pause, zygote)
                if reached and mode == "after_answer":
                    pause.release.set()
                    time.sleep(rng.uniform(0, 0.02))  # the answer is on its way: storing it, recording it
            if reached and not zygote.exited.is_set():
                with contextlib.suppress(ProcessLookupError):  # it may just have finished on its own
                    os.kill(pid, signal.SIGKILL)
                status = zygote.reaped(pid)
                assert status in (-signal.SIGKILL, 0), status
                if status == -signal.SIGKILL:
                    kills[mode] += 1
            else:
                assert zygote.reaped(pid) == 0
            sandbox.behave()  # release whatever a killed sender left held
            if not reached and zygote.exited.is_set() and not due(world):
                break
        # Restarted without kills until a run finds nothing left to do.
        for _ in range(5):
            pid = zygote.start()
            runs += 1
            assert zygote.reaped(pid) == 0
            if not due(world):
                break
    finally:
        sandbox.behave()
        zygote.close()

    on_sandbox = Counter(p["text"] for p in sandbox.posted if p.get("kind") == "tweet")
    assert max(on_sandbox.values()) == 1, [t for t, n in on_sandbox.items() if n > 1]
    tweet_of = {p["text"]: p for p in sandbox.posted if p.get("kind") == "tweet"}
    store = open_store(world.db)
    try:
        states = Counter(item.state for item in outbox.list_items(store, limit=1000))
        assert set(states) <= {OutboxState.SENT, OutboxState.UNKNOWN}, states  # nothing stuck or lost
        unknown = outbox.list_items(store, [OutboxState.UNKNOWN], limit=1000)
        for item in outbox.list_items(store, [OutboxState.SENT], limit=1000):
            posted = tweet_of[item.text]
            assert (item.remote_id, str(posted["in_reply_to"])) == (posted["id"], target_of[item.id])
        for item in unknown:
            assert item.text not in on_sandbox  # unknown only when it truly is not there: the user decides
            outbox.resolve_unknown(store, item.id, sent=False)  # the user checked X: "send it again"
    finally:
        store.close()
    figures = (
        f"{sum(kills.values())} kills ({dict(kills)}), {runs} runs, {len(unknown)} left unknown for the user"
    )

    pid = zygote_run_once(world, sandbox)
    assert pid
    on_sandbox = Counter(p["text"] for p in sandbox.posted if p.get("kind") == "tweet")
    assert on_sandbox == Counter(texts.values())  # every reply exactly once
    rows = world.query("SELECT state, count(*) FROM outbox GROUP BY state")
    assert rows == [("sent", ITEMS)]
    assert world.query("SELECT count(*) FROM outbox WHERE recorded_at IS NULL") == [(0,)]
    ours = world.query("SELECT count(*), count(DISTINCT ext_id) FROM posts WHERE text LIKE 'Crash reply %'")
    assert ours == [(ITEMS, ITEMS)]
    assert world.query("PRAGMA integrity_check") == [("ok",)]
    assert sum(kills.values()) >= 50
    print(f"\noutbox crash test: {ITEMS} items, {figures}, {time.monotonic() - started:.1f} s (seed {SEED})")


def due(world: World) -> bool:
    """Whether anything is still scheduled or being sent."""
    return bool(world.query("SELECT 1 FROM outbox WHERE state IN ('scheduled', 'sending') LIMIT 1"))


def zygote_run_once(world: World, sandbox: XSandbox) -> int:
    """One clean send-due run (after the user's answers); its pid."""
    zygote = Zygote(world.db, sandbox.url)
    try:
        pid = zygote.start()
        assert zygote.reaped(pid) == 0
    finally:
        zygote.close()
    return pid
