"""Sync figures: how concurrent account syncs are, and how fast pages are written into a big database.

    python -m benchmarks.sync [--accounts 20] [--latency-ms 200] [--base-posts 1000000] [--data DIR]

Concurrency: N accounts whose loopback server (the sandbox base server with its latency setting) answers each
request after `--latency-ms`; each account fetches `--pages` pages. Wall time of syncing all N together is
compared with syncing one (median of `--repeat` runs, a fresh database each time). Target: at most 1.3x.

Ingest: `--ingest-pages` pages of `--page-size` normalised posts (known and new authors, new threads and
replies to existing ones) go through `write_page`, one transaction per page, into a copy of a database that
already holds `--base-posts` posts with its full-text index (made once with `benchmarks.generate` and kept in
`--data`). The very post rows write_page stored then go into another copy through a raw `executemany` INSERT
(explicit ids, foreign keys unchecked) plus the one-statement full-text indexing, one transaction per page.
The two alternate `--ingest-repeat` times on fresh copies; medians are shown, with and without the WAL
checkpoint that follows. Workload options: `--ext-ids random`, `--skewed`, `--recent-authors` (see
`build_work` and `_copy`). Targets: write_page at least 50k posts/s and at least 0.2x raw.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from cockpit.services.sync import SyncAccount, sync_accounts
from cockpit.store import Store, open_store
from cockpit.store.ingest import index_pending_posts, write_page
from connectors.base import Connector
from connectors.http import HttpClient
from connectors.models import Author, Page, Post
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer

# --- concurrency ---------------------------------------------------------------------------------------


class PagedSandbox(SandboxServer):
    """A loopback API serving `pages` pages of `per_page` posts to each account: GET /{account}/posts?page=N."""

    name = "bench"

    def __init__(self, *, pages: int, per_page: int, latency_ms: int) -> None:
        super().__init__()
        self.pages = pages
        self.per_page = per_page
        self.latency_ms = latency_ms

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Answer one page of one account's posts."""
        parts = request.path.strip("/").split("/")
        if len(parts) != 2 or parts[1] != "posts":
            return Reply.json({"error": "not found"}, status=404)
        account = parts[0]
        page = int(request.param("page", "1") or 1)
        base = (page - 1) * self.per_page
        items = [
            {
                "id": f"{account}-{base + n}",
                "thread": f"{account}-t{(base + n) // 4}",
                "author": f"a{(base + n) % 37}",
                "text": f"post {base + n} for {account} about queues and retries",
                "at": 1_767_225_600 + base + n,
            }
            for n in range(self.per_page)
        ]
        return Reply.json({"items": items, "next": page + 1 if page < self.pages else None})


class PagedConnector(Connector):
    """A minimal JSON-API connector over the shared HTTP layer (its own httpx.AsyncClient)."""

    platform = "bench"

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        super().__init__(account=account, base_url=base_url, secret=secret, options=options)
        self.http = HttpClient(account=account, base_url=self.base_url)

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        """Yield every page after the stored one."""
        page: int | None = int(cursors.get("posts", "0")) + 1
        while page is not None:
            body = (await self.http.get(f"/{self.account}/posts", params={"page": page})).json()
            posts = [
                Post(
                    ext_id=item["id"],
                    thread_key=item["thread"],
                    author=Author(platform="bench", ext_id=item["author"], handle=item["author"]),
                    text=item["text"],
                    created_at=datetime.fromtimestamp(item["at"], tz=UTC),
                )
                for item in body["items"]
            ]
            yield Page(stream="posts", posts=posts, cursor=str(page))
            page = body["next"]

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()


@dataclass(frozen=True)
class BenchAccount:
    """An account of the benchmark platform."""

    name: str
    base_url: str
    platform: str = "bench"
    options: Mapping[str, Any] = field(default_factory=dict)


def _factory(account: SyncAccount, secret: str | None) -> Connector:
    return PagedConnector(account=account.name, base_url=account.base_url or "", secret=secret, options={})


async def _timed_sync(db: Path, accounts: Sequence[SyncAccount]) -> float:
    started = time.perf_counter()
    results = await sync_accounts(db, accounts, secrets={}, connector_factory=_factory)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"benchmark sync failed: {failed[0].account}: {failed[0].message}")
    return elapsed


def serve(pages: int, per_page: int, latency_ms: int) -> None:
    """Run the paged sandbox in this process (the benchmark's child): print its URL, serve until killed."""
    import threading

    server = PagedSandbox(pages=pages, per_page=per_page, latency_ms=latency_ms).start()
    print(server.url, flush=True)
    threading.Event().wait()


def concurrency(accounts: int, latency_ms: int, pages: int, per_page: int, repeat: int) -> list[str]:
    """Measure syncing one account, then `accounts` at once; return markdown lines.

    The server runs in a child process, as a remote platform would, so its threads do not compete with the
    engine's event loop for this process's GIL.
    """
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.sync", "--serve", str(pages), str(per_page), str(latency_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        everyone = [BenchAccount(f"acct-{n:02d}", url) for n in range(accounts)]
        with tempfile.TemporaryDirectory(prefix="cockpit-bench-") as tmp:
            runs: dict[int, list[float]] = {1: [], accounts: []}
            for attempt in range(repeat + 1):  # the first round warms up imports and the page cache
                for size in (1, accounts):
                    db = Path(tmp) / f"run-{attempt}-{size}.db"
                    elapsed = asyncio.run(_timed_sync(db, everyone[:size]))
                    if attempt:
                        runs[size].append(elapsed)
    finally:
        child.kill()
        child.wait()
    one, many = statistics.median(runs[1]), statistics.median(runs[accounts])
    sequential = pages * latency_ms / 1000
    return [
        f"Sync concurrency: {pages} pages of {per_page} posts per account, the server answering each request "
        f"after {latency_ms} ms (so one account alone needs at least {sequential:.1f} s); median of {repeat} runs, "
        "a fresh database each run.",
        "",
        "| accounts | wall time (s) | vs one account |",
        "|---:|---:|---:|",
        f"| 1 | {one:.3f} | 1.00x |",
        f"| {accounts} | {many:.3f} | {many / one:.2f}x |",
        "",
        f"Target <= 1.3x: {'met' if many / one <= 1.3 else 'NOT met'}.",
    ]


# --- ingest --------------------------------------------------------------------------------------------

INSERT_POST = """
INSERT INTO posts (id, account_id, conversation_id, ext_id, identity_id, author_handle, author_name, direction,
                   text, title, url, in_reply_to, created_at, edited_at, deleted, metrics, raw)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
POST_COLUMNS = (
    "id, account_id, conversation_id, ext_id, identity_id, author_handle, author_name, direction, text, title, "
    "url, in_reply_to, created_at, edited_at, deleted, metrics, raw"
)
STALE = 2 * 86_400  # known authors were last seen this long before the run (so each sighting is written)


def base_database(data: Path, posts: int) -> Path:
    """The database of a data directory holding `posts` posts, generated once (it takes a minute or two)."""
    home = data / f"base-{posts}"
    db = home / "cockpit.db"
    if not db.exists():
        print(f"generating {posts:,} posts into {home} (once) ...", file=sys.stderr, flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.generate",
                "--posts",
                str(posts),
                "--home",
                str(home),
                "--quiet",
            ],
            check=True,
        )
    return db


def _copy(db: Path, target: Path, *, recent_authors: bool = False) -> Path:
    """A copy of the base database, checkpointed and on disk before the clock starts.

    Unless `recent_authors`, every identity is made to have been last seen two days ago, so that each known
    author in the pages costs an identity write, as after a quiet spell (the worst case for ingest).
    """
    store = open_store(db)  # applies any newer migration once, and folds the WAL into the file
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    shutil.copyfile(db, target)
    if not recent_authors:
        copied = open_store(target)
        with copied.write() as conn:
            conn.execute(
                "UPDATE identities SET last_seen_at = min(last_seen_at, ?)", (int(time.time()) - STALE,)
            )
        copied.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copied.close()
    with target.open("rb+") as handle:  # write the copy out now, not during the first measured fsync
        os.fsync(handle.fileno())
    return target


@dataclass
class IngestWork:
    """The pages to write into the base database's biggest account."""

    account: str
    platform: str
    pages: list[Page]


def build_work(
    db: Path,
    pages: int,
    page_size: int,
    *,
    known_authors: float = 0.6,
    old_threads: float = 0.25,
    ext_ids: str = "increasing",
    skewed: bool = False,
    seed: int = 7,
) -> IngestWork:
    """Pages of new posts for the base database's biggest account, a share by known authors in old threads.

    Known authors and old threads are drawn uniformly from 20,000 of each, which scatters their index writes
    (the pessimistic case), or with `skewed` by Zipf weights (the n-th most active gets 1/n of the first's
    share; who is most active is shuffled, so the busy ones are not neighbours in any index), as when a few
    people write most mentions. `ext_ids` "increasing" numbers posts like X snowflakes or forum post ids (each
    newer than the last); "random" gives each new post the id of a random stored post plus a suffix, so
    that every insert into the unique (account, ext_id) index lands at a random place among the stored ones
    (as with URL-like ids, or old posts surfacing late).
    """
    from benchmarks.generate import Vocabulary

    if ext_ids not in ("increasing", "random"):
        raise ValueError("ext_ids must be 'increasing' or 'random'")
    rng = random.Random(seed)
    vocabulary = Vocabulary.build(rng)
    store = open_store(db)
    try:
        account_id, name, platform = store.conn.execute(
            """
            SELECT a.id, a.name, a.platform FROM accounts a
            ORDER BY (SELECT count(*) FROM conversations c WHERE c.account_id = a.id) DESC LIMIT 1
            """
        ).fetchone()
        known = [
            Author(platform=p, host=h, ext_id=e, handle=hd, name=n)
            for p, h, e, hd, n in store.conn.execute(
                "SELECT platform, host, ext_id, handle, name FROM identities WHERE platform = ? LIMIT 20000",
                (platform,),
            )
        ]
        host = known[0].host if known else ""
        threads = [
            key
            for (key,) in store.conn.execute(
                "SELECT thread_key FROM conversations WHERE account_id = ? ORDER BY random() LIMIT 20000",
                (account_id,),
            )
        ]
        stored_ids: list[str] = []
        if ext_ids == "random":
            stored_ids = [
                value
                for (value,) in store.conn.execute(
                    "SELECT ext_id FROM posts WHERE account_id = ? ORDER BY random() LIMIT ?",
                    (account_id, pages * page_size),
                )
            ]
    finally:
        store.close()
    rng.shuffle(known)
    rng.shuffle(threads)
    known_weights = list(accumulate(1 / rank for rank in range(1, len(known) + 1))) if skewed else None
    thread_weights = list(accumulate(1 / rank for rank in range(1, len(threads) + 1))) if skewed else None
    start = datetime(2027, 1, 1, tzinfo=UTC)
    fresh = [
        Author(
            platform=platform, host=host, ext_id=f"bench-u{n}", handle=f"bench{n}", name=f"Bench Person {n}"
        )
        for n in range(pages * page_size // 3)
    ]

    def ext_id(serial: int) -> str:
        if ext_ids == "increasing":
            return str(1_800_000_000_000_000_000 + serial)
        return f"{rng.choice(stored_ids)}.{serial}"

    built: list[Page] = []
    new_thread = 0
    serial = 0
    for _ in range(pages):
        posts: list[Post] = []
        while len(posts) < page_size:
            if rng.random() < old_threads and threads:
                key = rng.choices(threads, cum_weights=thread_weights)[0]
                size = 1
            else:
                new_thread += 1
                key = f"bench-thread-{new_thread}"
                size = min(page_size - len(posts), 1 + int(rng.expovariate(1 / 4)))
            for _ in range(size):
                serial += 1
                if known and rng.random() < known_authors:
                    who = rng.choices(known, cum_weights=known_weights)[0]
                else:
                    who = rng.choice(fresh)
                posts.append(
                    Post(
                        ext_id=ext_id(serial),
                        thread_key=key,
                        author=who,
                        text=vocabulary.sentence(rng),
                        created_at=start + timedelta(seconds=serial),
                        url=f"https://example.com/bench/{serial}",
                        source="mention",
                    )
                )
        built.append(Page(stream="bench", posts=posts, cursor=str(serial)))
    return IngestWork(name, platform, built)


@dataclass
class IngestRun:
    """One timed pass over the pages: seconds writing them, then seconds checkpointing what they left."""

    posts: int
    seconds: float
    checkpoint: float

    @property
    def rate(self) -> float:
        """Posts per second while writing pages."""
        return self.posts / self.seconds

    @property
    def sustained(self) -> float:
        """Posts per second counting the checkpoint that copies what was written into the database file."""
        return self.posts / (self.seconds + self.checkpoint)


def _time_pages(store: Store, write: Callable[[Store, int], int], pages: int) -> IngestRun:
    total, elapsed = 0, 0.0
    for index in range(pages):
        started = time.perf_counter()
        total += write(store, index)
        elapsed += time.perf_counter() - started
    started = time.perf_counter()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return IngestRun(total, elapsed, time.perf_counter() - started)


BENCH_RULES: list[dict[str, Any]] = [
    {"name": "outages", "text": ["outage", "is down", "502"], "tags": ["incident"], "priority": 40},
    {"name": "relay api", "text": ["api"], "whole_words": True, "tags": ["api"]},
    {"name": "versions", "regex": r"\bv?\d+\.\d+\.\d+\b", "tags": ["release"]},
    {"name": "bots", "author": ["*bot", "bench1*"], "done": True},
    {"name": "queues", "text": ["queue", "thanks"], "tags": ["queue"], "assign": "bench-x", "stop": True},
    {"name": "x only", "platform": ["x"], "source": ["search"], "priority": -10},
]
"""A handful of rules like a user's (`--rules N` applies the first N at ingest): phrases, a regex, globs."""
RULES_AT_INGEST = 0
RULES_SECONDS: list[float] = []
"""Time spent in the rules hook, per page written."""


def _rules_hook(account: str) -> Any:
    if not RULES_AT_INGEST:
        return None
    from cockpit.rules_config import Rule
    from cockpit.services.rules import RuleSet

    hook = RuleSet(Rule.model_validate(data) for data in BENCH_RULES[:RULES_AT_INGEST]).hook(account)

    def timed(conn: Any, first_id: int) -> object:
        started = time.perf_counter()
        try:
            return hook(conn, first_id)
        finally:
            RULES_SECONDS.append(time.perf_counter() - started)

    return timed


def _engine_round(
    base: Path, target: Path, work: IngestWork, recent_authors: bool
) -> tuple[IngestRun, list[list[Any]], int]:
    """Write the pages with write_page; return the run, the post rows it stored per page, and a search count."""
    store = open_store(_copy(base, target, recent_authors=recent_authors))
    try:
        account_id = int(
            store.conn.execute("SELECT id FROM accounts WHERE name = ?", (work.account,)).fetchone()[0]
        )
        first = int(store.conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]) + 1
        sizes: list[int] = []
        hook = _rules_hook(work.account)

        def engine_write(store: Store, index: int) -> int:
            written = write_page(store, account_id, work.pages[index], on_new_posts=hook).new_posts
            sizes.append(written)
            return written

        run = _time_pages(store, engine_write, len(work.pages))
        rows = store.conn.execute(f"SELECT {POST_COLUMNS} FROM posts WHERE id >= ? ORDER BY id", (first,))
        stored = [list(row) for row in rows]
        word = work.pages[-1].posts[-1].text.split()[0]
        hits = store.conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (f'"{word}"',))
        fts_hits = int(hits.fetchone()[0])
    finally:
        store.close()
    per_page: list[list[Any]] = []
    for size in sizes:
        per_page.append(stored[:size])
        stored = stored[size:]
    return run, per_page, fts_hits


def _raw_round(base: Path, target: Path, pages: list[list[Any]], recent_authors: bool) -> IngestRun:
    """Insert the very rows write_page stored, with executemany, plus the one-statement full-text indexing.

    Foreign keys are not checked on this connection: the conversations and identities that write_page
    created for these rows are not in this copy (and checking them is part of what write_page pays for).
    """
    store = open_store(_copy(base, target, recent_authors=recent_authors))
    try:
        store.conn.execute("PRAGMA foreign_keys = OFF")
        store.prepare_for_bulk_writes()

        def raw_write(store: Store, index: int) -> int:
            with store.write() as conn:
                conn.executemany(INSERT_POST, pages[index])
                index_pending_posts(store)
            return len(pages[index])

        return _time_pages(store, raw_write, len(pages))
    finally:
        store.close()


def ingest(
    data: Path,
    base_posts: int,
    pages: int,
    page_size: int,
    *,
    repeat: int = 3,
    ext_ids: str = "increasing",
    skewed: bool = False,
    recent_authors: bool = False,
) -> list[str]:
    """Measure write_page and a raw executemany of the same rows, alternately, `repeat` times; return markdown."""
    base = base_database(data, base_posts)
    work = build_work(base, pages, page_size, ext_ids=ext_ids, skewed=skewed)
    engine: list[IngestRun] = []
    raw: list[IngestRun] = []
    fts_hits = 0
    with tempfile.TemporaryDirectory(prefix="cockpit-ingest-", dir=data) as tmp:
        for attempt in range(repeat):
            target = Path(tmp) / f"run-{attempt}.db"
            run, rows, fts_hits = _engine_round(base, target, work, recent_authors)
            engine.append(run)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            raw.append(_raw_round(base, target, rows, recent_authors))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

    def median(runs: list[IngestRun], attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in runs)

    posts = engine[0].posts
    raw_rate, raw_sustained = median(raw, "rate"), median(raw, "sustained")
    rate, sustained = median(engine, "rate"), median(engine, "sustained")
    spread = f"{min(r.sustained for r in engine):,.0f}-{max(r.sustained for r in engine):,.0f}"
    raw_spread = f"{min(r.sustained for r in raw):,.0f}-{max(r.sustained for r in raw):,.0f}"
    met = sustained >= 50_000 and sustained / raw_sustained >= 0.2
    authors = "seen within the day" if recent_authors else "last seen two days ago"
    drawn = "Zipf-skewed" if skewed else "uniform"
    return [
        f"Ingest: {pages} pages of {page_size} posts (60% by known authors, {authors}; 25% of threads are existing "
        f"ones; known authors and threads drawn {drawn}; {ext_ids} ext_ids) into a copy of a database holding "
        f"{base_posts:,} posts with its full-text "
        f"index, one transaction per page (account {work.account}; {fts_hits:,} search hits for a word of the "
        f"last post: the index is live). Median of {repeat} rounds, write_page and raw alternating, a fresh "
        "copy each; 'with checkpoint' adds the time to copy what the pages left in the WAL into the database.",
        "",
        "| path | posts | pages (s) | posts/s | with checkpoint (s) | posts/s with checkpoint (min-max) | vs raw |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| write_page | {posts:,} | {median(engine, 'seconds'):.2f} | {rate:,.0f} | "
        f"{median(engine, 'seconds') + median(engine, 'checkpoint'):.2f} | {sustained:,.0f} ({spread}) | "
        f"{sustained / raw_sustained:.2f}x |",
        f"| raw executemany of the same post rows + one-statement FTS indexing | {posts:,} | "
        f"{median(raw, 'seconds'):.2f} | {raw_rate:,.0f} | {median(raw, 'seconds') + median(raw, 'checkpoint'):.2f} | "
        f"{raw_sustained:,.0f} ({raw_spread}) | 1.00x |",
        "",
        f"Targets >= 50,000 posts/s and >= 0.2x raw (with checkpoint): {'met' if met else 'NOT met'}.",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print markdown tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20, help="accounts synced at once (default 20)")
    parser.add_argument(
        "--latency-ms", type=int, default=200, help="server latency per request (default 200)"
    )
    parser.add_argument("--pages", type=int, default=3, help="pages per account in the concurrency run")
    parser.add_argument("--per-page", type=int, default=50, help="posts per page in the concurrency run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--base-posts", type=int, default=1_000_000, help="posts already in the database")
    parser.add_argument("--ingest-pages", type=int, default=20, help="pages written in the ingest run")
    parser.add_argument("--page-size", type=int, default=1000, help="posts per page in the ingest run")
    parser.add_argument(
        "--ingest-repeat", type=int, default=3, help="rounds of write_page and raw in the ingest run (median)"
    )
    parser.add_argument(
        "--ext-ids",
        choices=["increasing", "random"],
        default="increasing",
        help="new posts' ids: increasing like X snowflakes (default) or random",
    )
    parser.add_argument(
        "--skewed",
        action="store_true",
        help="draw known authors and existing threads with Zipf weights (default: uniformly, the worst case)",
    )
    parser.add_argument(
        "--recent-authors",
        action="store_true",
        help="known authors were seen within the day (default: two days ago, so each one costs a write)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cockpit-bench",
        help="where the generated base database is kept between runs",
    )
    parser.add_argument("--only", choices=["concurrency", "ingest"], help="run one of the two")
    parser.add_argument(
        "--rules",
        type=int,
        default=0,
        help=f"apply the first N of {len(BENCH_RULES)} rules at ingest (default 0)",
    )
    parser.add_argument(
        "--serve", nargs=3, type=int, metavar=("PAGES", "PER_PAGE", "MS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(*args.serve)
        return 0
    args.data.mkdir(parents=True, exist_ok=True)
    global RULES_AT_INGEST
    RULES_AT_INGEST = max(0, min(args.rules, len(BENCH_RULES)))
    lines: list[str] = []
    if args.only in (None, "concurrency"):
        lines += concurrency(args.accounts, args.latency_ms, args.pages, args.per_page, args.repeat)
    if args.only in (None, "ingest"):
        lines += [""] if lines else []
        lines += ingest(
            args.data,
            args.base_posts,
            args.ingest_pages,
            args.page_size,
            repeat=args.ingest_repeat,
            ext_ids=args.ext_ids,
            skewed=args.skewed,
            recent_authors=args.recent_authors,
        )
    if RULES_SECONDS:
        per_page = statistics.median(RULES_SECONDS) * 1000
        lines.append(
            f"Rules at ingest: {RULES_AT_INGEST} rules, median {per_page:.1f} ms per page of {args.page_size} "
            f"posts in the rules hook (inside write_page's time above)."
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
