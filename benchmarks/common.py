"""Shared parts of the start-up and memory benchmarks: a probe child run in a pseudo-terminal.

The parent notes the wall-clock time, then spawns `python -m benchmarks.common child ...` with a new
pseudo-terminal (120x40) as its terminal, exactly as a user's shell would start a program. The child runs
either the real `cockpit --home DIR` entry point (`cockpit.cli.main`) or an empty Textual app, and writes the
wall-clock time of its first painted frame to a pipe: for the empty app, the first refresh after the app
mounts; for the cockpit, the first refresh after the queue screen has mounted and read its first page (the
queue screen reads its rows synchronously in `on_mount`, so that frame shows the rows). The probe is added by
wrapping `QueueScreen.on_mount` in the child process only; the app itself carries no benchmark code.

After the first frame the parent can type keys into the terminal (as a user would) before quitting, and
collects the child's resource usage with `os.wait4`, which gives that one child's peak RSS (`ru_maxrss`,
the same figure `getrusage(RUSAGE_CHILDREN)` reports for a parent with a single child).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "bench-data"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
COLUMNS, ROWS = 120, 40


@dataclass
class ChildRun:
    """What one probe child reported and used."""

    first_frame: float
    """Seconds from just before spawning the process to its first painted frame."""
    max_rss_kib: int
    """Peak resident set size of the child, in KiB (Linux ru_maxrss)."""
    status: int
    details: str = ""
    """The child's closing line (queue position, rows read), for checking that keys were handled."""


class ProbeError(RuntimeError):
    """The probe child failed or did not report a frame in time."""


def data_dir(data: Path, size: str) -> Path:
    """The generated data directory for a size label, checked to exist."""
    home = data / size
    if not (home / "cockpit.db").exists():
        raise SystemExit(
            f"{home} has no cockpit.db: generate it first with "
            f"`python -m benchmarks.generate --posts {SIZES.get(size, size)} --home {home}`"
        )
    return home


def run_child(
    app: str,
    home: Path | None = None,
    *,
    keys: Sequence[str] = (),
    quit_key: str | None = None,
    timeout: float = 120.0,
) -> ChildRun:
    """Start a probe child in a fresh pseudo-terminal; after its first frame, type `keys`, then quit."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    report_read, report_write = os.pipe()
    command = [sys.executable, "-m", "benchmarks.common", "child", app, "--report-fd", str(report_write)]
    if home is not None:
        command += ["--home", str(home)]
    if quit_key is None:
        command.append("--exit-after-first-frame")
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(REPO))
    for name in ("TEXTUAL", "TEXTUAL_DEBUG", "TEXTUAL_DEVTOOLS_PORT"):
        env.pop(name, None)
    output = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk[-4096:])
            del output[:-8192]

    started = time.time()
    process = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(report_write,),
        start_new_session=True,
        env=env,
        cwd=REPO,
    )
    os.close(slave)
    os.close(report_write)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    lines = _ReportLines(report_read)
    try:
        frame_line = lines.next(timeout)
        if frame_line is None or not frame_line.startswith("frame "):
            raise ProbeError(f"{app}: no first frame within {timeout:.0f} s; terminal said: {_tail(output)}")
        first_frame = float(frame_line.split()[1]) - started
        if quit_key is not None:
            for key in [*keys, quit_key]:
                os.write(master, key.encode())
        details = lines.next(timeout) or ""
        _, wait_status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(wait_status)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        os.close(report_read)
        reader.join(timeout=5)
        os.close(master)
    if process.returncode != 0:
        raise ProbeError(f"{app}: exit status {process.returncode}; terminal said: {_tail(output)}")
    return ChildRun(
        first_frame, int(usage.ru_maxrss), process.returncode, details.removeprefix("done ").strip()
    )


class _ReportLines:
    """Lines from the child's report pipe, read with a deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                break
            self.buffer += chunk
        if b"\n" not in self.buffer:
            line, self.buffer = self.buffer, b""
            return line.decode() or None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


def _tail(output: bytearray) -> str:
    text = bytes(output[-600:]).decode("utf-8", "replace")
    return "".join(ch if ch.isprintable() else " " for ch in text).strip() or "(nothing)"


@dataclass(frozen=True)
class Stats:
    """Minimum, median and maximum of several runs."""

    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        """Summarise the values."""
        return cls(min(values), statistics.median(values), max(values))


def machine() -> str:
    """A one-line description of the machine and software versions."""
    import platform

    import textual

    return (
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), Linux {platform.release()}, "
        f"Python {platform.python_version()}, Textual {textual.__version__}, SQLite {_sqlite_version()}"
    )


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


# ------------------------------------------------------------------------------------------ the child


def _child(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.common child")
    parser.add_argument("app", choices=("cockpit", "empty"))
    parser.add_argument("--home")
    parser.add_argument("--report-fd", type=int, required=True)
    parser.add_argument("--exit-after-first-frame", action="store_true")
    args = parser.parse_args(argv)
    report = os.fdopen(args.report_fd, "w", buffering=1)
    seen: dict[str, Any] = {}

    def first_frame(app: Any) -> None:
        report.write(f"frame {time.time():.6f}\n")
        if args.exit_after_first_frame:
            app.exit()

    if args.app == "empty":
        from textual.app import App

        class EmptyApp(App[None]):
            """An app with nothing in it, started and probed the same way as the cockpit."""

            def on_mount(self) -> None:
                self.call_after_refresh(first_frame, self)

        EmptyApp().run()
        report.write("done empty\n")
        return 0

    from cockpit.tui.screens.queue import QueueScreen

    original = QueueScreen.on_mount

    def on_mount(self: QueueScreen) -> None:
        original(self)
        seen["queue"] = self.queue
        self.call_after_refresh(first_frame, self.app)

    QueueScreen.on_mount = on_mount  # type: ignore[method-assign]
    from cockpit.cli import main

    status = main(["--home", str(args.home)])
    queue = seen.get("queue")
    if queue is None:
        report.write("done no-queue-screen\n")
        return 3
    report.write(f"done cursor={queue.cursor} total={queue.total} keyset_reads={queue.keyset_reads}\n")
    return status


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(_child(sys.argv[2:]))
    print(
        "usage: python -m benchmarks.common child {cockpit,empty} --report-fd FD [--home DIR]",
        file=sys.stderr,
    )
    sys.exit(2)
