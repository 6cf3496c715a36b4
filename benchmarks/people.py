"""People benchmark: 50,000 tracked people over 1,000,000 interactions; list pages and opening a person.

    python -m benchmarks.people [--source bench-data/1m] [--work /tmp/cockpit-people-bench] [--people 50000]
                                [--fresh] [--reuse] [--repeats 200]

The 1M-post directory from `benchmarks.generate` (83k authors, one interaction per post) is copied to
`--work` (once; `--fresh` copies again) and, on the copy only, turned into a tracker holding `--people`
people: four authors in five are attached to a person (round robin: most people get one or two
identities, some none), stages and
cadences are spread over the funnel, every interaction is attributed (our replies included, by the same
statement the upkeep runs), a few thousand manual entries and stage changes are added, and the stored
signals are refreshed for everyone. Each of those steps is timed too (the first table).

Then the reads the People and person screens make, each timed as one call on the store (wall clock,
milliseconds): pages of 50 rows in every sort (first page, a page after a key in the middle, the last page),
filtered by stage, by text and to the overdue; count and position; and opening a person: `get_person` +
`identities_of` + `signals_for` + the first `timeline` page of 100, for random people and for the person with
the most interactions.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from benchmarks.triage import prepare, row, timed
from cockpit.services import momentum, outreach, people, signals
from cockpit.store import Store, open_store
from cockpit.store import people_list as plist

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("spotted", "engaged", "in_conversation", "supporter", "advocate")
STAGE_SHARE = (0.55, 0.25, 0.12, 0.06, 0.02)


def populate(store: Store, count: int, now: datetime, rng: random.Random) -> list[str]:
    """Turn the copy into a tracker with `count` people; return table rows timing each step."""
    lines: list[str] = []
    stamp = int(now.timestamp())

    def step(name: str, call: Callable[[], object]) -> None:
        started = time.perf_counter()
        call()
        lines.append(f"| {name} | {time.perf_counter() - started:.2f} s |")

    def make_people() -> None:
        store.conn.execute("PRAGMA foreign_keys = OFF")  # emptying people would check every referencing row
        with store.write() as conn:
            conn.execute("UPDATE identities SET person_id = NULL")
            conn.execute("UPDATE interactions SET person_id = NULL")
            conn.execute("DELETE FROM stage_log")
            conn.execute("DELETE FROM person_merges")
            conn.execute("DELETE FROM people")
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT coalesce(nullif(name, ''), handle) FROM identities WHERE is_own = 0 ORDER BY id LIMIT ?",
                    (count,),
                )
            ]
            rows = []
            for n in range(count):
                name = names[n % len(names)] if names else f"Person {n}"
                stage = rng.choices(STAGES, STAGE_SHARE)[0]
                cadence = rng.choice((None, None, 7, 14, 30)) if stage != "spotted" else None
                created = stamp - rng.randrange(30, 400) * 86_400
                rows.append(
                    (
                        n + 1,
                        name,
                        people.sort_name(name),
                        rng.choice(("", "Acme", "Globex", "Initech")),
                        stage,
                        cadence,
                        created,
                        created,
                    )
                )
            conn.executemany(
                "INSERT INTO people (id, name, sort_name, organisation, stage, cadence_days, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "UPDATE people SET stage_position = (SELECT position FROM stages WHERE stages.key = people.stage)"
            )
            conn.execute(
                "INSERT INTO stage_log (person_id, from_stage, to_stage, at) SELECT id, NULL, stage, created_at FROM people"
            )
            # four authors in five are tracked; the fifth are left for the new-stakeholder suggestions
            conn.execute(
                f"UPDATE identities SET person_id = ((id - 1) % {count}) + 1 WHERE is_own = 0 AND id % 5 != 0"
            )
        store.conn.execute("PRAGMA foreign_keys = ON")

    def link_log() -> None:
        with store.write() as conn:
            conn.execute(
                "UPDATE interactions SET person_id = (SELECT person_id FROM identities i WHERE i.id = interactions.identity_id) "
                "WHERE direction = 'in'"
            )
            conn.execute("DELETE FROM people_state WHERE key = 'attributed_through'")

    def attribute() -> None:
        with store.write() as conn:
            signals.attribute_new(conn)

    def manual_and_moves() -> None:
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO interactions (person_id, direction, kind, occurred_at, note) VALUES (?, 'out', ?, ?, ?)",
                [
                    (
                        rng.randrange(1, count + 1),
                        rng.choice(("call", "email", "meetup")),
                        stamp - rng.randrange(0, 300) * 86_400,
                        "benchmark entry",
                    )
                    for _ in range(5_000)
                ],
            )
            moves = []
            for _ in range(3_000):
                person = rng.randrange(1, count + 1)
                a, b = rng.sample(STAGES, 2)
                moves.append((person, a, b, stamp - rng.randrange(0, 84) * 86_400))
            conn.executemany(
                "INSERT INTO stage_log (person_id, from_stage, to_stage, at) VALUES (?, ?, ?, ?)", moves
            )

    step(f"create {count:,} people, attach every author", make_people)
    step("attribute inbound interactions to their people", link_log)
    step("attribute our replies (attribute_new over the whole log)", attribute)
    step("5,000 manual entries, 3,000 stage changes", manual_and_moves)
    step("refresh_signals for everyone", lambda: signals.refresh_signals(store, now))
    with store.write() as conn:
        conn.execute("ANALYZE")  # as `PRAGMA optimize` would after a while; the app's stores run none today
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print markdown tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.people", description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "bench-data" / "1m")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cockpit-people-bench"))
    parser.add_argument("--fresh", action="store_true", help="copy the source database again")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the people a previous run put in the copy")
    args = parser.parse_args(argv)
    if args.work.resolve() == args.source.resolve():
        raise SystemExit("--work must differ from --source: the benchmark writes to its copy")
    path = prepare(args.source, args.work, fresh=args.fresh)
    store = open_store(path)
    try:
        return _run(store, args)
    finally:
        store.close()


def _run(store: Store, args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    now = datetime.fromtimestamp(
        store.conn.execute("SELECT max(occurred_at) FROM interactions").fetchone()[0] + 3600, UTC
    )
    if args.reuse and store.conn.execute("SELECT count(*) FROM people").fetchone()[0] == args.people:
        setup = ["| (reused the tracker already in the copy) | - |"]
    else:
        setup = populate(store, args.people, now, rng)
    conn = store.conn
    interactions = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    total = plist.count(conn, plist.PeopleFilter())
    flt = plist.PeopleFilter(now=int(now.timestamp()))
    reads: list[str] = []
    repeats = args.repeats

    def bench(name: str, call: Callable[[], object], runs: int = repeats) -> None:
        call()  # warm the page cache once, as a screen that is already open would have
        reads.append(row(name, [timed(call) for _ in range(runs)]))

    for sort in plist.PeopleSort:
        middle = plist.landmarks(conn, flt, sort, total // 2)[0]
        bench(f"first page, {sort}", partial(plist.fetch_page, conn, flt, sort))
        bench(f"page after a middle key, {sort}", partial(plist.fetch_page, conn, flt, sort, after=middle))
        bench(f"page before a middle key, {sort}", partial(plist.fetch_page, conn, flt, sort, before=middle))
        bench(f"last page, {sort}", partial(plist.fetch_last_page, conn, flt, sort))
    advocates = plist.PeopleFilter(stages=("advocate",), now=flt.now)
    bench(
        "first page, stage = advocate, by warmth",
        lambda: plist.fetch_page(conn, advocates, plist.PeopleSort.WARMTH),
    )
    bench(
        "first page, stage = advocate, by name",
        lambda: plist.fetch_page(conn, advocates, plist.PeopleSort.NAME),
    )
    overdue = plist.PeopleFilter(overdue_only=True, now=flt.now)
    bench(
        "first page, overdue only, by overdue",
        lambda: plist.fetch_page(conn, overdue, plist.PeopleSort.OVERDUE),
    )
    texty = plist.PeopleFilter(text="acme", now=flt.now)
    bench(
        "first page, text 'acme' (organisation)", lambda: plist.fetch_page(conn, texty, plist.PeopleSort.NAME)
    )
    rare = plist.PeopleFilter(text="zzqx", now=flt.now)
    bench(
        "first page, text matching nobody (full scan)",
        lambda: plist.fetch_page(conn, rare, plist.PeopleSort.NAME),
        20,
    )
    bench("count, everyone", lambda: plist.count(conn, flt), 50)
    bench("count, overdue", lambda: plist.count(conn, overdue), 50)
    some = rng.randrange(1, args.people + 1)
    bench(
        "position of a person, by warmth",
        lambda: plist.position(conn, flt, plist.PeopleSort.WARMTH, some),
        50,
    )
    bench("find_people('ann') (the `p` picker)", lambda: people.find_people(conn, "ann"), 50)

    def open_person(person_id: int) -> None:
        people.get_person(conn, person_id)
        people.identities_of(conn, person_id)
        signals.signals_for(conn, person_id, now)
        people.timeline(conn, person_id, limit=100)

    ids = [rng.randrange(1, args.people + 1) for _ in range(repeats)]
    opening = [timed(partial(open_person, pid)) for pid in ids]
    heavy, heavy_count = conn.execute(
        "SELECT person_id, count(*) FROM interactions WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    reads.append(row("open a person (random)", opening))
    bench(f"open the busiest person ({heavy_count:,} interactions)", lambda: open_person(heavy), 50)
    bench("signals_for, busiest person", lambda: signals.signals_for(conn, heavy, now), 50)

    heavier: list[str] = []

    def once(name: str, call: Callable[[], object], runs: int = 3) -> None:
        heavier.append(row(name, [timed(call) for _ in range(runs)]))

    once("suggestions (new, promotions, slipping)", lambda: signals.suggestions(conn, now))
    once("merge_suggestions", lambda: people.merge_suggestions(conn))
    once("momentum, 12 weeks", lambda: momentum.momentum(conn, now, 12))
    once("people_upkeep after a round (nothing new)", lambda: signals.people_upkeep(store, now), 5)
    once("refresh_signals, 500 people", lambda: signals.refresh_signals(store, now, range(1, 501)), 5)
    once(
        "plan_outreach, limit 5 (first call of the day creates 5)",
        lambda: outreach.plan_outreach(store, now, daily_limit=5),
        3,
    )

    print(f"People benchmark: {total:,} people, {interactions:,} interactions, copy at {args.work}.\n")
    print("| setting up | time |\n|---|---:|")
    print("\n".join(setup))
    print("\n| read | runs | min ms | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|")
    print("\n".join(reads))
    print("\n| heavier work (off the event loop) | runs | min ms | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(heavier))
    return 0


if __name__ == "__main__":
    sys.exit(main())
