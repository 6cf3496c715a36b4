"""Sync figures: how concurrent account syncs are, and how fast pages are written into a big database.

    python -m benchmarks.sync [--accounts 20] [--latency-ms 200] [--base-posts 1000000] [--data DIR]

Concurrency: N accounts whose loopback server (the sandbox base server with its latency setting) answers each
request after `--latency-ms`; each account fetches `--pages` pages. Wall time of syncing all N together is
compared with syncing one (median of `--repeat` runs, a fresh database each time). Target: at most 1.3x.

Ingest: `--ingest-pages` pages of `--page-size` normalised posts (known and new authors, new threads and
replies to existing ones) go through `write_page`, one transaction per page, into a copy of a database that
already holds `--base-posts` posts with its full-text index (made once with `benchmarks.generate` and kept in
`--data`). The same rows then go into another copy through a raw `executemany` INSERT into posts (its triggers
firing) plus the one-statement full-text indexing of those rows, one transaction per page. Targets: write_page at least 50k posts/s and at least 0.2x raw.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cockpit.services.sync import SyncAccount, sync_accounts
from cockpit.store import Store, open_store
from cockpit.store.ingest import index_pending_posts, write_page
from cockpit.store.schema import MIGRATION_1
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
INSERT INTO posts (account_id, conversation_id, ext_id, identity_id, author_handle, author_name, direction,
                   text, title, url, in_reply_to, created_at, edited_at, deleted, metrics, raw)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


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


def _copy(db: Path, target: Path) -> Path:
    store = open_store(db)  # applies any newer migration once, and folds the WAL into the file
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    shutil.copyfile(db, target)
    with target.open("rb+") as copied:  # write the copy out now, not during the first measured fsync
        os.fsync(copied.fileno())
    return target


@dataclass
class IngestWork:
    """The pages to write and the same rows for the raw insert."""

    account: str
    platform: str
    pages: list[Page]
    raw_pages: list[list[tuple[object, ...]]]


def build_work(
    db: Path,
    pages: int,
    page_size: int,
    *,
    known_authors: float = 0.6,
    old_threads: float = 0.25,
    seed: int = 7,
) -> IngestWork:
    """Pages of new posts for the base database's biggest account, a share by known authors in old threads."""
    from benchmarks.generate import Vocabulary

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
            (key, cid)
            for key, cid in store.conn.execute(
                "SELECT thread_key, id FROM conversations WHERE account_id = ? ORDER BY random() LIMIT 20000",
                (account_id,),
            )
        ]
        identity_ids = {
            (p, h, e): i
            for i, p, h, e in store.conn.execute(
                "SELECT id, platform, host, ext_id FROM identities WHERE platform = ?", (platform,)
            )
        }
    finally:
        store.close()
    start = datetime(2027, 1, 1, tzinfo=UTC)
    fresh = [
        Author(
            platform=platform, host=host, ext_id=f"bench-u{n}", handle=f"bench{n}", name=f"Bench Person {n}"
        )
        for n in range(pages * page_size // 3)
    ]
    built: list[Page] = []
    new_thread = 0
    serial = 0
    for _ in range(pages):
        posts: list[Post] = []
        while len(posts) < page_size:
            if rng.random() < old_threads and threads:
                key = rng.choice(threads)[0]
                size = 1
            else:
                new_thread += 1
                key = f"bench-thread-{new_thread}"
                size = min(page_size - len(posts), 1 + int(rng.expovariate(1 / 4)))
            for _ in range(size):
                serial += 1
                who = rng.choice(known) if known and rng.random() < known_authors else rng.choice(fresh)
                posts.append(
                    Post(
                        ext_id=f"bench-{serial}",
                        thread_key=key,
                        author=who,
                        text=vocabulary.sentence(rng),
                        created_at=start + timedelta(seconds=serial),
                        url=f"https://example.com/bench/{serial}",
                        source="mention",
                    )
                )
        built.append(Page(stream="bench", posts=posts, cursor=str(serial)))
    # The raw rows: the same posts, pointing at existing rows so that only the INSERT itself is measured.
    fallback_identity = next(iter(identity_ids.values()))
    raw_pages: list[list[tuple[object, ...]]] = [
        [
            (
                account_id,
                rng.choice(threads)[1],
                p.ext_id,
                identity_ids.get((p.author.platform, p.author.host, p.author.ext_id), fallback_identity),
                p.author.handle,
                p.author.name,
                p.direction,
                p.text,
                p.title,
                p.url,
                p.in_reply_to,
                int(p.created_at.timestamp()),
                None,
                0,
                json.dumps(p.metrics),
                json.dumps(p.raw),
            )
            for p in page.posts
        ]
        for page in built
    ]
    return IngestWork(name, platform, built, raw_pages)


def _time_pages(store: Store, write: Callable[[Store, int], int], pages: int) -> tuple[int, float]:
    total, elapsed = 0, 0.0
    for index in range(pages):
        started = time.perf_counter()
        total += write(store, index)
        elapsed += time.perf_counter() - started
    return total, elapsed


def _row_trigger_schema(store: Store) -> None:
    """Put back migration 1's full-text triggers (one index insert per row), to measure the old path."""
    statements = re.findall(r"CREATE TRIGGER .*?\bEND;", MIGRATION_1, flags=re.DOTALL)
    with store.write() as conn:
        for name in ("posts_fts_insert", "posts_fts_update", "posts_fts_delete"):
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)


def ingest(data: Path, base_posts: int, pages: int, page_size: int) -> list[str]:
    """Measure write_page (now and with the old row trigger) and a raw executemany; return markdown lines."""
    from cockpit.store import ingest as ingest_module

    base = base_database(data, base_posts)
    work = build_work(base, pages, page_size)
    rows: list[tuple[str, int, float]] = []
    fts_hits = 0
    with tempfile.TemporaryDirectory(prefix="cockpit-ingest-", dir=data) as tmp:
        for label, old_trigger in (("write_page", False), ("write_page before the fix (row trigger)", True)):
            store = open_store(_copy(base, Path(tmp) / "write_page.db"))
            account_id = int(
                store.conn.execute("SELECT id FROM accounts WHERE name = ?", (work.account,)).fetchone()[0]
            )
            indexer = ingest_module.index_pending_posts
            if old_trigger:
                _row_trigger_schema(store)
                ingest_module.index_pending_posts = lambda store: 0  # the row trigger indexes instead

            def engine_write(store: Store, index: int, account_id: int = account_id) -> int:
                return write_page(store, account_id, work.pages[index]).new_posts

            try:
                posts, seconds = _time_pages(store, engine_write, pages)
            finally:
                ingest_module.index_pending_posts = indexer
            word = work.pages[-1].posts[-1].text.split()[0]
            hits = store.conn.execute(
                "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (f'"{word}"',)
            )
            fts_hits = max(fts_hits, int(hits.fetchone()[0]))
            store.close()
            rows.append((label, posts, seconds))

        raw = open_store(_copy(base, Path(tmp) / "raw.db"))

        def raw_write(store: Store, index: int) -> int:
            with store.write() as conn:
                conn.executemany(INSERT_POST, work.raw_pages[index])
                index_pending_posts(store)  # the full-text indexing the triggers used to do
            return len(work.raw_pages[index])

        raw_posts, raw_seconds = _time_pages(raw, raw_write, pages)
        raw.close()
    raw_rate = raw_posts / raw_seconds
    engine_rate = rows[0][1] / rows[0][2]
    met = engine_rate >= 50_000 and engine_rate / raw_rate >= 0.2
    table = [
        f"| {label} | {posts:,} | {seconds:.2f} | {posts / seconds:,.0f} | {posts / seconds / raw_rate:.2f}x |"
        for label, posts, seconds in rows
    ]
    return [
        f"Ingest: {pages} pages of {page_size} posts (60% by known authors, 25% in existing threads) into a copy "
        f"of a database holding {base_posts:,} posts with its full-text index, one transaction per page "
        f"(account {work.account}; {fts_hits:,} search hits for a word of the last post: the index is live).",
        "",
        "| path | posts | seconds | posts/s | vs raw |",
        "|---|---:|---:|---:|---:|",
        *table,
        f"| raw executemany INSERT INTO posts + one-statement FTS indexing | {raw_posts:,} | {raw_seconds:.2f} | "
        f"{raw_rate:,.0f} | 1.00x |",
        "",
        f"Targets >= 50,000 posts/s and >= 0.2x raw: {'met' if met else 'NOT met'}.",
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
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cockpit-bench",
        help="where the generated base database is kept between runs",
    )
    parser.add_argument("--only", choices=["concurrency", "ingest"], help="run one of the two")
    parser.add_argument(
        "--serve", nargs=3, type=int, metavar=("PAGES", "PER_PAGE", "MS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(*args.serve)
        return 0
    args.data.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    if args.only in (None, "concurrency"):
        lines += concurrency(args.accounts, args.latency_ms, args.pages, args.per_page, args.repeat)
    if args.only in (None, "ingest"):
        lines += [""] if lines else []
        lines += ingest(args.data, args.base_posts, args.ingest_pages, args.page_size)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
