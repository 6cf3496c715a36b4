"""End to end: the README's `cockpit demo` in a real terminal (tmux), driven by keys as a user would."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store.queue import QueueFilter, Sort, fetch_page
from cockpit.store.threads import thread_posts

WIDTH, HEIGHT = 120, 40
DEADLINE = 20.0
"""Seconds any one screen may take to appear."""


class Terminal:
    """One tmux server on a private socket, holding one session that runs a command."""

    def __init__(self, tmux: str, socket: str) -> None:
        self.tmux = tmux
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str) -> None:
        self.run(
            "new-session", "-d", "-s", "e2e", "-x", str(WIDTH), "-y", str(HEIGHT), command,
            ";", "set-option", "-t", "e2e", "remain-on-exit", "on",
        )  # fmt: skip

    def screen(self, *, history: bool = False) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e", *(["-S", "-"] if history else []))

    def press(self, key: str) -> None:
        self.run("send-keys", "-t", "e2e", key)

    def display(self, fmt: str) -> str:
        """Expand a tmux format for the pane, e.g. `#{pane_dead}`."""
        return self.run("display-message", "-p", "-t", "e2e", fmt).strip()

    def wait_for(self, what: str, check: Callable[[str], bool]) -> str:
        """Poll the screen until `check` accepts it; fail with the last screen after the deadline."""
        deadline = time.monotonic() + DEADLINE
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.05)  # polling tmux: there is no event to await across the process boundary
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{screen}")

    def wait_for_exit(self, status_file: Path) -> int:
        """The exit status the pane's shell wrote once the command ended.

        tmux itself sometimes leaves the finished process unreaped for a long while (pane_dead stays 0),
        so the shell that ran the command reports its status in a file instead.
        """
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            text = status_file.read_text() if status_file.exists() else ""
            if text.endswith("\n"):
                return int(text)
            time.sleep(0.05)
        raise AssertionError(f"the cockpit did not exit after q; the screen shows:\n{self.screen()}")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("tmux is not installed: this end-to-end test needs it (apt-get install tmux)")
    term = Terminal(tmux, f"cockpit-e2e-{uuid.uuid4().hex[:12]}")
    try:
        yield term
    finally:
        subprocess.run([tmux, "-L", term.socket, "kill-server"], capture_output=True, timeout=10)


def test_the_demo_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    cockpit = shutil.which("cockpit")
    if cockpit is None:
        pytest.fail("the `cockpit` console script is not installed: run `pip install -e .` first")
    home = tmp_path / "demo"
    status_file = tmp_path / "exit-status"
    # The pane's shell may export a stale COLUMNS/LINES (80x24), which would override the real pane size.
    # One sync round at start (from the demo's loopback blog server), then none while the keys are pressed.
    terminal.start(
        f"env -u COLUMNS -u LINES {cockpit} demo --home {home} --sync-every 3600; echo $? > {status_file}"
    )

    terminal.wait_for(
        "the queue, synced from the demo's blog and forum servers",
        lambda s: "blogs: ✓" in _status_line(s) and "forum: ✓" in _status_line(s),
    )
    # Every demo account (X and LinkedIn too) finishes its first round before rows are counted: a round that
    # lands later adds conversations above the cursor and moves its position.
    _wait_until_synced(home)
    queue = _settled(terminal)
    start = int(re.search(r"(\d+)/\d", _status_line(queue)).group(1))  # type: ignore[union-attr]
    store = open_store(db_path(home), create=False)
    try:
        rows = fetch_page(store.conn, QueueFilter(), Sort.NEWEST, limit=start + 2)
        target = rows[start + 1]  # two rows below the cursor (positions on screen count from 1)
        posts = thread_posts(store.conn, target.id)
    finally:
        store.close()
    assert rows[start - 1].author_name[:8] in queue, "the conversation under the cursor is on screen"

    terminal.press("j")
    terminal.wait_for("the cursor one row down", lambda s: f"{start + 1}/" in _status_line(s))
    terminal.press("j")
    terminal.wait_for("the cursor two rows down", lambda s: f"{start + 2}/" in _status_line(s))

    terminal.press("Enter")
    opening = posts[0].text.split("\n", 1)[0][:30]
    thread = terminal.wait_for("the thread screen", lambda s: "Back to queue" in s and opening in s)
    assert posts[0].author_name in thread
    assert f"{target.post_count} posts" in thread

    terminal.press("Escape")
    back = terminal.wait_for("the queue again", lambda s: "Inbox" in s and "Back to queue" not in s)
    assert f"{start + 2}/" in _status_line(back), "the cursor stays where it was"

    terminal.press("?")
    help_screen = terminal.wait_for("the help screen", lambda s: "Close help" in s and "Everywhere" in s)
    seen = _body(help_screen)
    # The list is longer than the screen: page through it as a reader would, collecting what it shows.
    for _ in range(6):
        terminal.press("PageDown")
        time.sleep(0.2)  # the help screen repaints in place: nothing to await across the process boundary
        seen += _body(terminal.screen())
    for expected in ("Quit", "Sync now", "Next", "Previous", "Open thread", "Done", "Undo", "Back to queue"):
        assert expected in seen, f"the help screen does not list {expected!r}"

    terminal.press("Escape")
    terminal.wait_for("the queue after help", lambda s: "Inbox" in s and "Close help" not in s)

    terminal.press("q")
    assert terminal.wait_for_exit(status_file) == 0
    expected = _squeezed(f"reopen it with: cockpit --home {home}")
    terminal.wait_for(
        "the demo to say where its data is",
        lambda _: expected in _squeezed(terminal.screen(history=True)),
    )


def _wait_until_synced(home: Path) -> None:
    """Poll the database until every account has finished a sync round (there is no event across processes)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        store = open_store(db_path(home), create=False)
        try:
            waiting = store.conn.execute(
                "SELECT count(*) FROM accounts WHERE last_sync_at IS NULL"
            ).fetchone()[0]
        finally:
            store.close()
        if waiting == 0:
            return
        time.sleep(0.1)
    raise AssertionError("the demo's accounts did not all finish their first sync round")


def _settled(terminal: Terminal) -> str:
    """The screen once the status line has stopped changing for half a second (the last results drawn)."""
    deadline = time.monotonic() + DEADLINE
    last = terminal.screen()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        screen = terminal.screen()
        if _status_line(screen) == _status_line(last):
            return screen
        last = screen
    raise AssertionError(f"the status line kept changing; the screen shows:\n{last}")


def _status_line(screen: str) -> str:
    """The status bar: the line naming the view (Inbox) and the cursor position (n/total)."""
    return next((line for line in screen.splitlines() if "Inbox" in line and "/" in line), "")


def _body(screen: str) -> str:
    """The screen without its last line (the footer lists a few keys too)."""
    return "\n".join(screen.rstrip("\n").splitlines()[:-1])


def _squeezed(text: str) -> str:
    """The text without any whitespace, so that tmux's line wrapping does not matter."""
    return "".join(text.split())
