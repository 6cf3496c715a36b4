"""Reading a thread in a worker thread, shared by the queue's detail pane and the full-screen thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from textual.dom import DOMNode
from textual.worker import get_current_worker

from cockpit.tui.messages import ThreadLoaded
from cockpit.tui.thread_layout import Caps, ThreadLayout, ThreadLine, load_thread


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection for one worker thread (sqlite connections are tied to their thread)."""
    conn = sqlite3.connect(str(path), timeout=10.0)
    conn.execute("PRAGMA query_only = 1")
    return conn


def start_thread_load(
    node: DOMNode,
    *,
    db_path: Path,
    conversation_id: int,
    width: int,
    now: Callable[[], float],
    caps: Caps,
    target: str,
    more_hint: str = "",
) -> None:
    """Lay out a thread in an exclusive thread worker; `node` receives a ThreadLoaded message."""

    def load() -> None:
        worker = get_current_worker()
        try:
            conn = read_only_connection(db_path)
            try:
                layout = load_thread(
                    conn, conversation_id, width=width, now=now(), caps=caps, more_hint=more_hint
                )
            finally:
                conn.close()
        except sqlite3.Error as error:
            line = ThreadLine((("notice", f"Could not read this conversation: {error}"),))
            layout = ThreadLayout(conversation_id, width, (line,), found=False)
        if not worker.is_cancelled:
            node.post_message(ThreadLoaded(target, layout))

    node.run_worker(load, thread=True, exclusive=True, group=f"thread-{target}", exit_on_error=False)
