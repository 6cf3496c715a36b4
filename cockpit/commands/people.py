"""`cockpit import people FILE`: people from a CSV or JSON Lines file, with a dry run showing matches and conflicts."""

from __future__ import annotations

import argparse
from typing import Any

_IMPORT_DESCRIPTION = (
    "Import people: each row is matched to an existing person (by a handle, the exported id, or name and "
    "organisation) or creates one. Empty fields are filled, tags joined; a field that differs is reported as "
    "a conflict and keeps the stored value unless --overwrite. Use --dry-run first. Columns are listed in "
    "docs/people.md. Exits 1 when rows were skipped."
)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .csv or .jsonl file")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument(
        "--format", choices=["csv", "jsonl"], default=None, help="file format (default: by extension)"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace stored values that differ from the file"
    )
    parser.set_defaults(func=run)


def register(subparsers: Any) -> None:
    """Add the `import` command (`cockpit import people FILE`) and the `people` command."""
    parser = subparsers.add_parser(
        "import",
        help="read people from a CSV or JSONL file (a spreadsheet, another CRM, or `cockpit export people`)",
        description=_IMPORT_DESCRIPTION,
    )
    parser.add_argument("what", choices=["people"], help="what to import")
    _import_arguments(parser)

    people = subparsers.add_parser(
        "people",
        help="the stakeholder tracker from the command line: import, suggestions, momentum",
        description="Work with tracked people without the TUI: import a file, list suggestions, export momentum.",
    )
    actions = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help="read people from a CSV or JSONL file (same as `cockpit import people`)",
        description=_IMPORT_DESCRIPTION,
    )
    _import_arguments(importing)
    suggestions = actions.add_parser(
        "suggestions",
        help="authors worth tracking, people ready for the next stage, people slipping away",
        description=(
            "Print what the tracker proposes now: untracked authors who engaged repeatedly, tracked people "
            "with promotion signals, and people going quiet. Nothing is changed."
        ),
    )
    suggestions.set_defaults(func=run_suggestions)
    momentum = actions.add_parser(
        "momentum",
        help="weekly touches, streak, response time, two-way and funnel as CSV",
        description="Write the momentum view's figures (one row per week, then the funnel) to stdout as CSV.",
    )
    momentum.add_argument(
        "--weeks", type=int, default=12, help="how many weeks, ending with this one (default 12)"
    )
    momentum.set_defaults(func=run_momentum)


def _open(args: argparse.Namespace) -> Any:
    from cockpit.cli import CommandError
    from cockpit.paths import db_path, resolve_home
    from cockpit.store import StoreError, open_store

    home = resolve_home(args.home)
    try:
        return open_store(db_path(home), create=False)
    except StoreError as error:
        raise CommandError(f"{error} (is {home} a cockpit data directory? try --home DIR)") from error


def run_suggestions(args: argparse.Namespace) -> int:
    """Print the current suggestions."""
    from datetime import UTC, datetime

    from cockpit.commands.export import _escape_controls
    from cockpit.config import ConfigError, load_config
    from cockpit.paths import resolve_home
    from cockpit.services.signals import suggestions, thresholds_from

    try:
        settings = load_config(resolve_home(args.home)).people
    except ConfigError as error:
        from cockpit.cli import CommandError

        raise CommandError(str(error)) from None
    store = _open(args)
    try:
        found = suggestions(store.conn, datetime.now(UTC), thresholds_from(settings))
    finally:
        store.close()
    lines = ["New stakeholders:"]
    lines += [f"  {s.platform} @{s.handle} ({s.name}): {s.reason}" for s in found.new_stakeholders] or [
        "  none"
    ]
    lines.append("Ready for the next stage:")
    lines += [
        f"  #{p.person_id} {p.name}: {p.from_stage} -> {p.to_stage} ({p.reason})" for p in found.promotions
    ] or ["  none"]
    lines.append("Slipping away:")
    lines += [
        f"  #{s.person_id} {s.name} ({s.stage}): quiet for {s.quiet_days} days" for s in found.slipping
    ] or ["  none"]
    print("\n".join(str(_escape_controls(line)) for line in lines))
    return 0


def run_momentum(args: argparse.Namespace) -> int:
    """Write the momentum CSV to stdout."""
    import sys
    from datetime import datetime

    from cockpit.cli import CommandError
    from cockpit.services.momentum import momentum, momentum_csv

    if not 1 <= args.weeks <= 520:
        raise CommandError("--weeks must be between 1 and 520")
    store = _open(args)
    try:
        figures = momentum(store.conn, datetime.now().astimezone(), weeks=args.weeks)
    finally:
        store.close()
    sys.stdout.write(momentum_csv(figures))
    return 0


def run(args: argparse.Namespace) -> int:
    """Plan the import, print it, and apply it unless it is a dry run; 1 when rows were skipped."""
    import sys

    from cockpit.cli import CommandError
    from cockpit.commands.export import _escape_controls
    from cockpit.paths import db_path, resolve_home
    from cockpit.services.people import PeopleError
    from cockpit.services.people_io import apply_import, plan_import, read_people_file
    from cockpit.store import StoreError, open_store

    home = resolve_home(args.home)
    try:
        rows = read_people_file(args.file, fmt=args.format)
    except PeopleError as error:
        raise CommandError(f"{error}") from None
    database = db_path(home)
    try:
        # a dry run against a directory that holds nothing yet plans against an empty database in memory
        store = open_store(None if args.dry_run and not database.exists() else database)
    except StoreError as error:
        raise CommandError(f"{error} (is {home} a cockpit data directory? try --home DIR)") from error
    out = sys.stdout
    clean = _escape_controls

    def say(text: str) -> None:
        out.write(f"{clean(text)}\n")

    try:
        plan = plan_import(store.conn, rows, overwrite=args.overwrite)
        for row in plan.rows:
            if row.action != "unchanged" or row.conflicts:
                say(row.describe())
        if args.dry_run:
            say(f"dry run: {plan.summary()}; nothing was written")
            return 0
        apply_import(store, plan)
        say(f"imported: {plan.summary()}")
    except PeopleError as error:
        raise CommandError(str(error)) from None
    finally:
        store.close()
    return 1 if plan.count("skip") else 0
