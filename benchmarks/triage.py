"""Triage benchmark: bulk done of 5,000 conversations and its undo, one done + undo, snooze wake-up.

    python -m benchmarks.triage [--source bench-data/1m] [--work /tmp/cockpit-triage-bench]
                                [--bulk 5000] [--bulk-repeats 20] [--single-repeats 300]

The data directory from `benchmarks.generate` (1,000,000 posts in about 100,000 conversations) is copied
to `--work` first (once; `--fresh` copies again) and only the copy is written to: opening it applies any
new migration, and every action is undone after it is timed, so each repeat starts from the same state.
When `--source` has no database, one is generated into `--work` with `benchmarks.generate --posts 1000000`.

Each figure is the wall-clock time of one call of the service function (`cockpit.services.triage`) on a
store on disk in WAL mode with the app's own pragmas: its whole IMMEDIATE transaction, the undo record and
the pruning of the log to 100 steps, up to and including COMMIT.

Then, unless `--no-keys`, the same copy is opened in the app, headless, and key presses are timed as
`benchmarks.keys` does (a real `events.Key` posted to the app, the clock read in `App._display` when the
frame that follows is complete, its terminal string rendered too): `e` (done: the row leaves the Inbox) and
`u` (undo: it comes back under the cursor), alternately, `--key-repeats` times each, reporting the
event-loop CPU time ("work") and the elapsed time ("wall", which adds Textual's 1/60 s frame pacing). Last,
a bulk done of `--bulk` conversations from the keyboard: the selection is set, `e` is posted, and the clock
stops at the frame that shows the result (the action runs in a thread worker; one undo step, undone after).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cockpit.services import triage
from cockpit.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def prepare(source: Path, work: Path, *, fresh: bool) -> Path:
    """Return the database to write to: a copy of `source`'s (or a generated one) under `work`."""
    target = work / "cockpit.db"
    if target.exists() and not fresh:
        return target
    work.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        work.joinpath("cockpit.db" + suffix).unlink(missing_ok=True)
    original = source / "cockpit.db"
    if original.exists():
        print(f"copying {original} to {target} ...", file=sys.stderr, flush=True)
        shutil.copyfile(original, target)
        wal = source / "cockpit.db-wal"
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, work / "cockpit.db-wal")
    else:
        print(
            f"{original} not found: generating 1,000,000 posts into {work} ...", file=sys.stderr, flush=True
        )
        command = [sys.executable, "-m", "benchmarks.generate", "--posts", "1000000", "--home", str(work)]
        subprocess.run(command, check=True, cwd=ROOT)
    return target


def timed(call: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def row(name: str, values: Sequence[float]) -> str:
    """One markdown table row of min / median / p95 / max in milliseconds."""
    figures = (min(values), statistics.median(values), percentile(values, 0.95), max(values))
    return f"| {name} | {len(values)} | " + " | ".join(f"{value:.2f}" for value in figures) + " |"


def inbox_ids(store: Store, limit: int) -> list[int]:
    """The newest `limit` conversations in the Inbox."""
    rows = store.conn.execute(
        "SELECT id FROM conversations WHERE status = 'inbox' ORDER BY last_activity_at DESC, id DESC LIMIT ?",
        (limit,),
    )
    return [value for (value,) in rows]


def undo_checked(store: Store) -> None:
    """Undo one step, which must exist."""
    if triage.undo(store) is None:
        raise RuntimeError("nothing to undo: the benchmark lost track of its own steps")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.triage", description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "bench-data" / "1m")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cockpit-triage-bench"))
    parser.add_argument("--fresh", action="store_true", help="copy the source database again")
    parser.add_argument("--bulk", type=int, default=5_000)
    parser.add_argument("--bulk-repeats", type=int, default=20)
    parser.add_argument("--single-repeats", type=int, default=300)
    parser.add_argument("--key-repeats", type=int, default=200, help="`e` and `u` presses each")
    parser.add_argument("--no-keys", action="store_true", help="skip the key-to-frame part")
    parser.add_argument("--keys-only", action="store_true", help="only the key-to-frame part")
    args = parser.parse_args(argv)
    if args.work.resolve() == args.source.resolve():
        raise SystemExit("--work must differ from --source: the benchmark writes to its copy")
    path = prepare(args.source, args.work, fresh=args.fresh)
    store = open_store(path)
    try:
        status = 0 if args.keys_only else _run(store, args)
    finally:
        store.close()
    if not args.no_keys:
        status |= asyncio.run(_keys(args.work, args.key_repeats, args.bulk))
    return status


async def _keys(home: Path, repeats: int, bulk: int) -> int:
    """Time `e` and `u` from key to frame in the app, and a bulk done from the keyboard; print a table."""
    from textual import events

    from cockpit.tui.app import CockpitApp
    from cockpit.tui.screens.queue import QueueScreen

    app = CockpitApp(home)
    done_work: list[float] = []
    done_wall: list[float] = []
    undo_work: list[float] = []
    undo_wall: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QueueScreen), screen
        queue = screen.queue
        total = queue.total
        frame = asyncio.Event()
        frame_end = [0.0, 0.0]
        console = app.console
        display = app._display

        def display_and_render(target: Any, renderable: Any) -> None:
            display(target, renderable)
            if renderable is not None:
                renderable.render_segments(console)
            if not frame.is_set():
                frame_end[:] = [time.thread_time(), time.perf_counter()]
                frame.set()

        app._display = display_and_render  # type: ignore[method-assign, assignment]

        async def press(key: str) -> tuple[float, float]:
            frame.clear()
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            app.post_message(events.Key(key, None))
            await frame.wait()
            return (frame_end[0] - cpu0) * 1000, (frame_end[1] - wall0) * 1000

        for index in range(repeats + 10):
            queue.move_to(index % 30)
            await pilot.pause()
            await asyncio.sleep(0.03)
            work, wall = await press("e")
            await asyncio.sleep(0.03)
            if index >= 10:  # the first presses import the triage modules
                done_work.append(work)
                done_wall.append(wall)
            work, wall = await press("u")
            if index >= 10:
                undo_work.append(work)
                undo_wall.append(wall)
            await asyncio.sleep(0.03)
        app.clear_notifications()
        await app.workers.wait_for_complete()
        if queue.total != total:
            raise RuntimeError(f"the Inbox held {total:,} and now {queue.total:,}: an undo was lost")

        # Bulk done of `bulk` conversations from the keyboard: key to the frame that shows the result.
        ids = [
            row[0]
            for row in app.store_conn.execute(
                "SELECT id FROM conversations WHERE status = 'inbox' ORDER BY last_activity_at DESC LIMIT ?",
                (bulk,),
            )
        ]
        queue.marked = set(ids)
        await pilot.pause()
        started = time.perf_counter()
        app.post_message(events.Key("e", None))
        while queue.total != total - len(ids):
            await asyncio.sleep(0.001)
        frame.clear()
        await frame.wait()
        bulk_wall = (time.perf_counter() - started) * 1000
        await app.workers.wait_for_complete()
        frame.clear()
        app.post_message(events.Key("u", None))
        await frame.wait()
        await app.workers.wait_for_complete()
    lines = [
        "",
        f"Key to frame in the app at {total:,} Inbox conversations (120x40; work = event-loop CPU, wall adds"
        " frame pacing):",
        "",
        "| key | runs | min ms | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        row("`e` done, work", done_work),
        row("`e` done, wall", done_wall),
        row("`u` undo, work", undo_work),
        row("`u` undo, wall", undo_wall),
        "",
        f"Bulk done of {len(ids):,} selected conversations from the keyboard (worker), key to result frame:"
        f" {bulk_wall:.1f} ms",
    ]
    print("\n".join(lines))
    worst = max(percentile(done_work, 0.95), percentile(undo_work, 0.95))
    return 0 if worst < 10.0 and bulk_wall < 500.0 else 1


def _run(store: Store, args: argparse.Namespace) -> int:
    conversations = store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
    posts = store.conn.execute("SELECT max(id) FROM posts").fetchone()[0] or 0
    selection = inbox_ids(store, args.bulk)
    if len(selection) < args.bulk:
        raise SystemExit(f"only {len(selection)} conversations in the Inbox; need {args.bulk}")
    single = selection[: args.single_repeats]

    bulk_done: list[float] = []
    bulk_undo: list[float] = []
    for _ in range(args.bulk_repeats):
        bulk_done.append(timed(lambda: triage.done(store, selection)))
        bulk_undo.append(timed(lambda: undo_checked(store)))

    one_done: list[float] = []
    one_undo: list[float] = []
    for conversation in single:
        one_done.append(timed(partial(triage.done, store, [conversation])))
        one_undo.append(timed(lambda: undo_checked(store)))
    both = [done + undo for done, undo in zip(one_done, one_undo, strict=True)]

    # Wake-up: snooze the selection across ten hours, then wake a tenth of it each hour. Waking marks rows
    # unread and is no undo step: their read state is put back by hand afterwards.
    marks = ",".join("?" * len(selection))
    unread = store.conn.execute(
        f"SELECT unread, id FROM conversations WHERE id IN ({marks})", selection
    ).fetchall()
    now = datetime.now(UTC)
    for hour in range(10):
        part = selection[hour::10]
        triage.snooze(store, part, now + timedelta(hours=hour + 1), now=now)
    wake: list[float] = []
    woken = 0
    for hour in range(10):
        moment = now + timedelta(hours=hour + 1)
        started = time.perf_counter()
        woken += len(triage.wake_due(store, moment))
        wake.append((time.perf_counter() - started) * 1000)
    if woken != len(selection):
        raise RuntimeError(f"woke {woken} of {len(selection)} snoozed conversations")
    for _ in range(10):
        undo_checked(store)
    with store.write() as conn:
        conn.executemany("UPDATE conversations SET unread = ? WHERE id = ?", unread)

    per = f"{args.bulk // 10:,}"
    lines = [
        f"Triage at {conversations:,} conversations ({posts:,} posts), database copied to {args.work}.",
        "",
        "| operation | runs | min ms | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        row(f"done, {len(selection):,} conversations (one step)", bulk_done),
        row(f"undo of that step ({len(selection):,} rows)", bulk_undo),
        row("done, 1 conversation", one_done),
        row("undo, 1 conversation", one_undo),
        row("done + undo, 1 conversation", both),
        row(f"wake_due, {per} due of {len(selection):,} snoozed", wake),
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
