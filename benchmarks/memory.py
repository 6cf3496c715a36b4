"""Peak memory: the RSS of a cockpit process that paints the queue and moves through rows, 1M vs 10k posts.

    python -m benchmarks.memory [--runs 5] [--data bench-data] [--sizes 10k,100k,1m]

Each run starts `cockpit --home DIR` in a pseudo-terminal, waits for the first frame of the queue, then types
what a user would (100 x j, 20 x PageDown, G to the last row, 50 x k, g back to the top) and q. The figure is
the child's peak resident set size (ru_maxrss from os.wait4, in MiB). Target: the 1M figure within 30 MB of
the 10k figure (medians).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import DEFAULT_DATA, Stats, data_dir, machine, run_child

TARGET_MB = 30.0
PAGE_DOWN = "\x1b[6~"
KEYS: tuple[str, ...] = ("j" * 100, PAGE_DOWN * 20, "G", "k" * 50, "g")
"""What the run types after the first frame, before q."""


def measure(cases: dict[str, Path], runs: int) -> tuple[dict[str, Stats], dict[str, str]]:
    """Peak RSS in MiB per case, and the last run's closing line (to show the keys were handled)."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    details: dict[str, str] = {}
    for _ in range(runs):
        for name, home in cases.items():
            run = run_child("cockpit", home, keys=KEYS, quit_key="q")
            samples[name].append(run.max_rss_kib / 1024)
            details[name] = run.details
    return {name: Stats.of(values) for name, values in samples.items()}, details


def table(results: dict[str, Stats], baseline: str) -> str:
    """A Markdown table with each case's median above the baseline's."""
    base = results[baseline].median
    lines = [
        "| data | min (MiB) | median (MiB) | max (MiB) | median above smallest |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, stats in results.items():
        lines.append(
            f"| {name} | {stats.low:.1f} | {stats.median:.1f} | {stats.high:.1f} | {stats.median - base:+.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if the largest case misses the target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5, at least 5)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="where the generated dirs are")
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated data dirs under --data")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    sizes = args.sizes.split(",")
    cases = {f"{size} posts": data_dir(args.data, size) for size in sizes}
    print(f"Machine: {machine()}", file=sys.stderr)
    results, details = measure(cases, args.runs)
    names = list(results)
    print(f"Peak RSS, {args.runs} runs each:\n")
    print(table(results, names[0]))
    print()
    for name, line in details.items():
        print(f"- {name}: after the keys, {line}")
    growth = results[names[-1]].median - results[names[0]].median
    verdict = "meets" if growth <= TARGET_MB else "MISSES"
    print(
        f"\n{names[-1]} uses {growth:+.1f} MiB more than {names[0]}: {verdict} the {TARGET_MB:.0f} MB target."
    )
    return 0 if growth <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
