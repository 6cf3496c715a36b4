"""`cockpit demo`: open the cockpit on invented but realistic data, with nothing to configure."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `demo` command."""
    parser = subparsers.add_parser(
        "demo",
        help="try the cockpit on a demo data directory full of realistic conversations",
        description=(
            "Fill a data directory with a few hundred invented conversations about Acme Relay (an open-source "
            "message queue) from X, LinkedIn, a Discourse forum and blog comments, then open the cockpit on "
            "it. Without --home a new temporary directory is used and its path printed on exit; with "
            "--home DIR the data stays there (reopen it with `cockpit --home DIR`). Running it again on the "
            "same directory adds nothing twice."
        ),
    )
    # SUPPRESS keeps the global `cockpit --home DIR demo` working: an absent sub-option must not reset it.
    parser.add_argument(
        "--home", metavar="DIR", default=argparse.SUPPRESS, help="keep the demo data in DIR (new or empty)"
    )
    parser.add_argument("--no-tui", action="store_true", help="only write the data and print a summary")
    parser.add_argument("--seed", type=int, default=None, help="vary the invented content (default: fixed)")
    parser.add_argument(
        "--sync-every",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="how often the demo syncs from its loopback blog server, where new comments keep arriving (default 15)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Seed the demo directory, then open the TUI on it unless --no-tui."""
    import tempfile
    from pathlib import Path

    from cockpit.cli import CommandError
    from cockpit.demo import DemoError, seed
    from cockpit.demo.content import DEFAULT_SEED
    from cockpit.paths import resolve_home
    from cockpit.store import StoreError

    home: Path = (
        resolve_home(args.home) if args.home else Path(tempfile.mkdtemp(prefix="cockpit-demo-")).resolve()
    )
    try:
        summary = seed(home, seed=DEFAULT_SEED if args.seed is None else args.seed)
    except DemoError as error:
        raise CommandError(str(error)) from error
    except (StoreError, OSError) as error:
        raise CommandError(f"cannot write the demo data in {home}: {error}") from error
    if args.no_tui:
        try:
            print(summary.describe())
            print(f"Open it with: cockpit --home {home}")
        except BrokenPipeError:
            pass
        return 0
    from cockpit.demo.live import LiveDemo
    from cockpit.tui.run import run_tui
    from cockpit.tui.syncing import SyncSetup

    with LiveDemo(content_seed=DEFAULT_SEED if args.seed is None else args.seed) as live:
        secrets = live.secrets()
        setup = SyncSetup(
            accounts=live.accounts(),
            secret=secrets.get,
            interval=max(1.0, args.sync_every),
            before_round=lambda: live.tick(2),
        )
        status = run_tui(home, demo=True, sync=setup)
    print(f"The demo data is in {home}; reopen it with: cockpit --home {home}")
    return status
