"""Key-to-frame benchmark of the People list and the time to open a person, at 50k people and 1M interactions.

    python -m benchmarks.people_keys [--home DIR] [--source bench-data/1m] [--people 50000] [--presses 500]
                                     [--opens 40] [--size 120x40] [--interval 0.03]

Data. Without --home, a data directory is made once from the 1M-post directory of `benchmarks.generate`
(`--source`, generated first if missing; its database is copied, never changed). By default
(`--generator people`, into `bench-data/people-shared-50k`) the copy is turned into a tracker by the people
benchmark's own `benchmarks.people.populate` (50,000 people, four authors in five attached, stages and
cadences over the funnel, every interaction attributed, manual entries, stage changes, stored signals). With
`--generator own` (into `bench-data/people-50k`) this module does a simpler version: the first `--people`
authors each become a person with a stage, an organisation for one in three and a cadence for one in four,
every interaction of their identities is attributed to them, and the stored signals are computed once.
Either way five people are then given a very long timeline (see `make_heavy`).

Method (the same as `benchmarks.keys`). The app runs headless (`App.run_test`); the People screen is opened
with `P`. For each press the benchmark posts a real `events.Key` and waits for the end of the frame that
follows, hooked at `App._display` (the terminal string is rendered too, as a driver would). "work" is the
event-loop thread's CPU time from posting the key to the end of its frame; "wall" is the elapsed time (it
adds Textual's 1/60 s frame pacing). Presses are `--interval` apart, like a held key. Opening a person is
Enter on the list until the frame that first shows the person screen (reading the person, identities,
signals and the first 100 timeline entries happens in that span), then Esc; people are taken at even steps
through the list sorted by last touch, plus the five people with the longest timelines: when preparing, five
people are each given every 20th otherwise unattributed interaction (over 20,000 each).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.keys import Series, percentile, summary

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("spotted", "engaged", "in_conversation", "supporter", "advocate")
ORGANISATIONS = (
    "Acme Labs",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
)


def prepare(home: Path, source: Path, people: int, seed: int = 1) -> Path:
    """Make `home` from a copy of `source` with `people` tracked people (once; reused when present)."""
    from cockpit.paths import db_path
    from cockpit.services.signals import refresh_signals
    from cockpit.store import open_store

    target = db_path(home)
    if target.exists():
        return home
    if not (source / "cockpit.db").exists():
        print(f"generating 1,000,000 posts into {source} (once) ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.generate",
                "--posts",
                "1000000",
                "--home",
                str(source),
                "--quiet",
            ],
            check=True,
            cwd=ROOT,
        )
    home.mkdir(parents=True, exist_ok=True)
    partial = home / "cockpit.preparing.db"
    print(f"copying {source / 'cockpit.db'} and tracking {people:,} people (once) ...", flush=True)
    started = time.perf_counter()
    shutil.copyfile(source / "cockpit.db", partial)
    store = open_store(partial)  # applies the pending migrations
    rng = random.Random(seed)
    try:
        with store.write() as conn:
            conn.execute("UPDATE interactions SET person_id = NULL")
            conn.execute("UPDATE conversations SET person_id = NULL")
            conn.execute("UPDATE identities SET person_id = NULL")
            conn.execute("DELETE FROM stage_log")
            conn.execute("DELETE FROM people")
            authors = conn.execute(
                "SELECT id, coalesce(nullif(name, ''), handle), first_seen_at FROM identities "
                "WHERE is_own = 0 ORDER BY id LIMIT ?",
                (people,),
            ).fetchall()
            positions = dict(conn.execute("SELECT key, position FROM stages").fetchall())
            rows = []
            for identity_id, name, first_seen in authors:
                stage = rng.choices(STAGES, weights=(50, 25, 12, 8, 5))[0]
                organisation = rng.choice(ORGANISATIONS) if rng.random() < 0.33 else ""
                cadence = rng.choice((7, 14, 30)) if rng.random() < 0.25 else None
                rows.append(
                    (
                        identity_id,
                        name,
                        name.casefold(),
                        organisation,
                        stage,
                        positions[stage],
                        cadence,
                        first_seen,
                        first_seen,
                    )
                )
            conn.executemany(
                "INSERT INTO people (id, name, sort_name, organisation, stage, stage_position, cadence_days, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "UPDATE identities SET person_id = id WHERE is_own = 0 AND id IN (SELECT id FROM people)"
            )
            conn.execute(
                "UPDATE people SET handles = (SELECT group_concat(handle, ' ') FROM identities i "
                "WHERE i.person_id = people.id)"
            )
            conn.execute(
                "UPDATE interactions SET person_id = identity_id WHERE identity_id IN (SELECT id FROM people)"
            )
        with store.write() as conn:
            make_heavy(conn)
        newest = store.conn.execute("SELECT max(occurred_at) FROM interactions").fetchone()[0]
        refresh_signals(store, datetime.fromtimestamp(newest, UTC))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    partial.rename(target)
    print(f"prepared in {time.perf_counter() - started:.1f} s", flush=True)
    return home


def prepare_shared(home: Path, source: Path, people: int, seed: int = 1) -> Path:
    """Make `home` with the people engineer's generator (`benchmarks.people.populate`), plus HEAVY people."""
    from benchmarks.people import populate
    from benchmarks.triage import prepare as copy_source
    from cockpit.services.signals import refresh_signals
    from cockpit.store import open_store

    ready = home / "people-ready"
    if ready.exists():
        return home
    started = time.perf_counter()
    path = copy_source(source, home, fresh=True)
    store = open_store(path)
    try:
        now = datetime.fromtimestamp(
            store.conn.execute("SELECT max(occurred_at) FROM interactions").fetchone()[0] + 3600, UTC
        )
        print(f"tracking {people:,} people with benchmarks.people.populate (once) ...", flush=True)
        populate(store, people, now, random.Random(seed))
        with store.write() as conn:
            heavy = make_heavy(conn)
        refresh_signals(store, now, heavy)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    ready.write_text("done\n", encoding="utf-8")
    print(f"prepared in {time.perf_counter() - started:.1f} s", flush=True)
    return home


HEAVY = 5
"""People given a very long timeline (over 20,000 entries each)."""


def make_heavy(conn: sqlite3.Connection) -> list[int]:
    """Give each of the first HEAVY people every 20th interaction that nobody else has; return their ids."""
    heavy = [row[0] for row in conn.execute("SELECT id FROM people ORDER BY id LIMIT ?", (HEAVY,))]
    for index, person_id in enumerate(heavy):
        conn.execute(
            "UPDATE interactions SET person_id = ? WHERE person_id IS NULL AND id % 20 = ?",
            (person_id, index),
        )
    return heavy


def heavy_people(home: Path) -> list[int]:
    """The people with the longest timelines."""
    from cockpit.paths import db_path

    conn = sqlite3.connect(db_path(home))
    try:
        return [
            row[0]
            for row in conn.execute(
                "SELECT person_id FROM interactions WHERE person_id IS NOT NULL "
                "GROUP BY person_id ORDER BY count(*) DESC LIMIT ?",
                (HEAVY,),
            )
        ]
    finally:
        conn.close()


def describe(home: Path) -> str:
    """People, interactions attributed and the longest timeline, for the record."""
    from cockpit.paths import db_path

    conn = sqlite3.connect(db_path(home))
    try:
        people = conn.execute("SELECT count(*) FROM people WHERE merged_into IS NULL").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
        attributed = conn.execute("SELECT count(*) FROM interactions WHERE person_id IS NOT NULL").fetchone()[
            0
        ]
        longest = conn.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM interactions WHERE person_id IS NOT NULL "
            "GROUP BY person_id)"
        ).fetchone()[0]
    finally:
        conn.close()
    return (
        f"{people:,} people; {total:,} interactions, {attributed:,} attributed to people; "
        f"longest timeline {longest:,} entries"
    )


async def settled(app: Any) -> None:
    """Wait for the app's workers; one cancelled because its screen closed counts as finished."""
    from textual.worker import WorkerCancelled

    try:
        await app.workers.wait_for_complete()
    except WorkerCancelled:
        pass


async def measure(
    home: Path, presses: int, opens: int, size: tuple[int, int], interval: float
) -> tuple[dict[str, Series], list[float], list[float]]:
    """Time People-list keys and person openings; return the series and the open times (wall, work) in ms."""
    from textual import events

    from cockpit.tui.app import CockpitApp
    from cockpit.tui.screens.people import PeopleScreen
    from cockpit.tui.screens.person import PersonScreen

    app = CockpitApp(home)
    heavy = heavy_people(home)
    pauses: list[float] = []
    started: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(on_gc)
    heavy_wall: list[float] = []
    results: dict[str, Series] = {}
    open_wall: list[float] = []
    open_work: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await settled(app)
        await pilot.press("P")
        await pilot.pause()
        await settled(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PeopleScreen), screen
        people = screen.people
        print(f"{people.total:,} people in the list; landmarks ready: {people.has_landmarks}")

        frame = asyncio.Event()
        frame_end = [0.0, 0.0]
        wanted: list[type[Any] | None] = [None]
        console = app.console
        display = app._display

        def display_and_render(target: Any, renderable: Any) -> None:
            display(target, renderable)
            if renderable is not None:
                renderable.render_segments(console)
            if not frame.is_set() and (wanted[0] is None or isinstance(app.screen, wanted[0])):
                frame_end[:] = [time.thread_time(), time.perf_counter()]
                frame.set()

        app._display = display_and_render  # type: ignore[method-assign, assignment]

        async def press(key: str, until: type[Any] | None = None) -> tuple[float, float]:
            wanted[0] = until
            frame.clear()
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            app.post_message(events.Key(key, None))
            await frame.wait()
            cpu1, wall1 = frame_end
            return (cpu1 - cpu0) * 1000, (wall1 - wall0) * 1000

        async def series(name: str, key: str, count: int, before: Callable[[], Any] | None = None) -> None:
            if before is not None:
                before()
                await pilot.pause()
                await asyncio.sleep(0.2)
            result = Series()
            cpu0 = time.thread_time()
            for _ in range(count):
                top = people.scroll_offset.y
                cpu_ms, wall_ms = await press(key)
                result.work_ms.append(cpu_ms)
                result.wall_ms.append(wall_ms)
                result.scrolled.append(people.scroll_offset.y != top)
                if interval:
                    await asyncio.sleep(interval)
            result.loop_cpu_ms = (time.thread_time() - cpu0) * 1000 / count
            results[name] = result

        await series("warm-up", "down", 50)
        await series("down", "down", presses, before=people.action_first)
        await series("up", "up", min(presses, people.cursor) or 1)
        await series("pagedown", "pagedown", 200, before=people.action_first)
        await series("end", "end", 1)
        await series("home", "home", 1)
        await series("sort (s)", "s", 12)  # every sort twice: re-reads count, first page, landmarks
        print(f"cursor after the runs: {people.cursor:,}; keyset reads: {people.keyset_reads}")

        # Opening people: by last touch (the most active first), at even steps through the list.
        while people.sort.value != "last_touch":
            await press("s")
        await settled(app)
        step = max(1, people.total // opens)
        for index in range(0, step * opens, step):
            people.move_to(index)
            await pilot.pause()
            work_ms, wall_ms = await press("enter", until=PersonScreen)
            open_work.append(work_ms)
            open_wall.append(wall_ms)
            await settled(app)
            await press("escape", until=PeopleScreen)
            await settled(app)
            await pilot.pause()
        for person_id in heavy:  # the longest timelines, too
            people.reload(anchor=person_id)
            await pilot.pause()
            work_ms, wall_ms = await press("enter", until=PersonScreen)
            open_work.append(work_ms)
            open_wall.append(wall_ms)
            heavy_wall.append(wall_ms)
            await settled(app)
            await press("escape", until=PeopleScreen)
            await settled(app)
            await pilot.pause()
    gc.callbacks.remove(on_gc)
    if pauses:
        print(summary("full GC pauses", pauses) + "  (the whole run; Python's cyclic collector)")
    results.pop("warm-up", None)
    print("open person (longest timelines) wall ms: " + ", ".join(f"{ms:.1f}" for ms in heavy_wall))
    print("open person, each (work ms): " + ", ".join(f"{ms:.0f}" for ms in open_work))
    return results, open_work, open_wall


def main(argv: list[str] | None = None) -> int:
    """Parse options, prepare or reuse the data, and print the figures."""
    from benchmarks.common import machine

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--home", type=Path, help="existing data directory with people to use")
    parser.add_argument(
        "--source", type=Path, default=ROOT / "bench-data" / "1m", help="1M-post data to copy"
    )
    parser.add_argument("--people", type=int, default=50_000, help="people to track when preparing")
    parser.add_argument(
        "--generator",
        choices=("people", "own"),
        default="people",
        help="prepare with benchmarks.people's generator (default) or this module's simpler one",
    )
    parser.add_argument("--presses", type=int, default=500, help="`down` presses to time")
    parser.add_argument("--opens", type=int, default=40, help="people to open")
    parser.add_argument("--size", default="120x40", help="terminal size, WxH (default 120x40)")
    parser.add_argument("--interval", type=float, default=0.03, help="seconds between presses (default 0.03)")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}", file=sys.stderr)
    if args.home is not None:
        home = args.home
    elif args.generator == "people":
        home = prepare_shared(
            ROOT / "bench-data" / f"people-shared-{args.people // 1000}k", args.source, args.people
        )
    else:
        home = prepare(ROOT / "bench-data" / f"people-{args.people // 1000}k", args.source, args.people)
    print(describe(home))
    width, height = (int(part) for part in args.size.lower().split("x"))
    results, open_work, open_wall = asyncio.run(
        measure(home, args.presses, args.opens, (width, height), args.interval)
    )
    print(
        f"\nkey-to-frame at {width}x{height}, presses {args.interval * 1000:.0f} ms apart "
        "(work = event-loop CPU from key to frame; wall adds 1/60 s frame pacing)"
    )
    for name, result in results.items():
        print(summary(f"{name} work", result.work_ms))
        if len(result.wall_ms) > 1:
            print(summary(f"{name} wall", result.wall_ms))
        print(
            f"{name + ' loop CPU':<16} {result.loop_cpu_ms:.3f} ms per press (incl. read-ahead between keys)"
        )
    print(summary("open person work", open_work))
    print(summary("open person wall", open_wall))
    down_p95 = percentile(results["down"].work_ms, 0.95)
    open_p95 = percentile(open_wall, 0.95)
    keys_ok = down_p95 < 10.0
    open_ok = open_p95 < 100.0
    print(f"\n`down` p95 work {down_p95:.3f} ms: {'PASS' if keys_ok else 'FAIL'} (target < 10 ms)")
    print(f"open person p95 wall {open_p95:.1f} ms: {'PASS' if open_ok else 'FAIL'} (target < 100 ms)")
    return 0 if keys_ok and open_ok else 1


if __name__ == "__main__":
    sys.exit(main())
