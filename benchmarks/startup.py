"""Start-up time: process start to the first frame of the queue, against an empty Textual app.

    python -m benchmarks.startup [--runs 9] [--data bench-data] [--sizes 10k,100k,1m]

Each case runs once untimed (warming the OS page cache and applying any pending migration), then `--runs`
times, the cases interleaved round-robin so that background noise spreads evenly. See benchmarks/common.py
for how the first frame is detected. Target: the cockpit with 1M posts within 1.5x the empty app (median).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import DEFAULT_DATA, Stats, data_dir, machine, run_child

TARGET_RATIO = 1.5


def measure(cases: dict[str, Path | None], runs: int) -> dict[str, Stats]:
    """First-frame seconds per case (None as home: the empty app)."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for home in cases.values():
        run_child("empty" if home is None else "cockpit", home)
    for _ in range(runs):
        for name, home in cases.items():
            samples[name].append(run_child("empty" if home is None else "cockpit", home).first_frame)
    return {name: Stats.of(values) for name, values in samples.items()}


def table(results: dict[str, Stats]) -> str:
    """A Markdown table, with each case's median and minimum as multiples of the empty app's."""
    empty = results["empty Textual app"]
    lines = [
        "| app | data | min (s) | median (s) | max (s) | median vs empty | min vs empty |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, stats in results.items():
        app, _, data = name.partition(" @ ")
        lines.append(
            f"| {app} | {data or '-'} | {stats.low:.3f} | {stats.median:.3f} | {stats.high:.3f} | "
            f"{stats.median / empty.median:.2f}x | {stats.low / empty.low:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if the 1M case misses the target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per case (default 9, at least 5)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="where the generated dirs are")
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated data dirs under --data")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    cases: dict[str, Path | None] = {"empty Textual app": None}
    for size in args.sizes.split(","):
        cases[f"cockpit @ {size} posts"] = data_dir(args.data, size)
    print(f"Machine: {machine()}", file=sys.stderr)
    results = measure(cases, args.runs)
    print(f"Start-up to first frame, {args.runs} runs each (after one warm-up run):\n")
    print(table(results))
    largest = list(results)[-1]
    ratio = results[largest].median / results["empty Textual app"].median
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"\n{largest}: {ratio:.2f}x the empty app, {verdict} the {TARGET_RATIO}x target.")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
