"""Search benchmark: the `/` search view at a million posts, for common words, rare words, prefixes and authors.

    python -m benchmarks.search [--source bench-data/1m] [--work /tmp/cockpit-search-bench] [--fresh]
                                [--repeats 20]

The data directory from `benchmarks.generate` is copied to `--work` first (once; `--fresh` copies again) and
only the copy is opened (opening applies any new migration). The queries are picked from the index itself
(`fts5vocab`): the 10 words found in the most posts (common), 10 found in 1 to 10 posts (rare; in generated data, mostly handles), 10 prefixes
of 3 letters (`abc*`) of words in between, and 10 author handles (`@handle`).

Each figure is the wall-clock time of what the app does before it shows a search's results, on a read-only
connection of its own as the search worker has: `search_conversations` (the conversations of the newest
matching posts, up to `SEARCH_LIMIT`, reading at most `SCAN_LIMIT` matches) and then the first page of the
results view (`fetch_page` over those ids, newest first, 50 rows) with its count. The exact number of
matching conversations (`count_conversations`) is counted afterwards in the same worker while the results
are already on screen; its time is reported separately. Each query runs `--repeats` times; the page cache
is warm after the first.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.triage import percentile, prepare
from cockpit.store import open_store
from cockpit.store.queue import QueueFilter, Sort, count, fetch_page
from cockpit.store.search import count_conversations, search_conversations

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def pick_queries(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Common words, rare words, prefixes and author handles, read from the index and the identities."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, posts_fts, row)")
    words = "SELECT term FROM temp.vocab WHERE length(term) >= 3 AND term GLOB '[a-z]*' AND term NOT GLOB '*[0-9]*'"
    common = [row[0] for row in conn.execute(f"{words} ORDER BY doc DESC LIMIT 10")]
    rare = [
        row[0]
        for row in conn.execute(
            "SELECT term FROM temp.vocab WHERE term GLOB '[a-z]*' AND doc BETWEEN 1 AND 10 ORDER BY term LIMIT 10"
        )
    ]
    middling = [
        row[0] for row in conn.execute(f"{words} AND doc BETWEEN 500 AND 5000 ORDER BY term LIMIT 200")
    ]
    prefixes = list(dict.fromkeys(term[:3] + "*" for term in middling))[:10]
    handles = [
        "@" + row[0]
        for row in conn.execute(
            "SELECT handle FROM identities WHERE is_own = 0 AND handle GLOB '[a-z]*' ORDER BY id LIMIT 10"
        )
    ]
    return {"common word": common, "rare word": rare, "prefix": prefixes, "author handle": handles}


def row(name: str, values: Sequence[float], matches: str) -> str:
    """One markdown table row of min / median / p95 / max in milliseconds."""
    figures = (min(values), statistics.median(values), percentile(values, 0.95), max(values))
    return f"| {name} | {matches} | {len(values)} | " + " | ".join(f"{value:.2f}" for value in figures) + " |"


def first_page(conn: sqlite3.Connection, text: str) -> int:
    """What the app does before it shows results: find the conversations, read the first page and count it."""
    flt = QueueFilter(statuses=(), ids=tuple(search_conversations(conn, text)))
    fetch_page(conn, flt, Sort.NEWEST, limit=50)
    return count(conn, flt)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a markdown table; exit 1 when a p95 misses the target."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.search", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--source", type=Path, default=ROOT / "bench-data" / "1m")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cockpit-search-bench"))
    parser.add_argument("--fresh", action="store_true", help="copy the source database again")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    if args.work.resolve() == args.source.resolve():
        raise SystemExit("--work must differ from --source: the benchmark opens (and migrates) its copy")
    path = prepare(args.source, args.work, fresh=args.fresh)
    open_store(path).close()  # apply any migration once, outside the timings
    conn = sqlite3.connect(str(path))
    try:
        queries = pick_queries(conn)  # creates a temp table: before the connection turns read-only
        conn.execute("PRAGMA query_only = 1")
        posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        conversations = conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
        lines = [
            f"Search at {posts:,} posts in {conversations:,} conversations (copy in {args.work}).",
            "",
            "| query kind | results (min-max conversations) | runs | min ms | median ms | p95 ms | max ms |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        worst = 0.0
        counting: list[float] = []
        for kind, texts in queries.items():
            times: list[float] = []
            sizes: list[int] = []
            for text in texts:
                for _ in range(args.repeats):
                    started = time.perf_counter()
                    sizes.append(first_page(conn, text))
                    times.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                count_conversations(conn, text)
                counting.append((time.perf_counter() - started) * 1000)
            worst = max(worst, percentile(times, 0.95))
            lines.append(row(f"{kind} ({', '.join(texts[:3])}, …)", times, f"{min(sizes):,}-{max(sizes):,}"))
        lines += [
            "",
            f"Counting every matching conversation (in the worker, after the results show), all {len(counting)}"
            f" queries: median {statistics.median(counting):.1f} ms, max {max(counting):.1f} ms.",
        ]
    finally:
        conn.close()
    verdict = "PASS" if worst < TARGET_MS else "FAIL"
    lines.append(f"\nWorst p95 {worst:.2f} ms: {verdict} (target < {TARGET_MS:.0f} ms)")
    print("\n".join(lines))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
