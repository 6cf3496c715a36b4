"""`cockpit export`: posts, conversations or people as JSON Lines or CSV on standard output."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `export` command."""
    parser = subparsers.add_parser(
        "export",
        help="write posts, conversations or people to stdout as JSONL or CSV",
        description=(
            "Write every post, conversation or person in the data directory to standard output. "
            "Times are ISO-8601 UTC. Secrets are never exported."
        ),
    )
    parser.add_argument("what", choices=["posts", "conversations", "people"], help="what to export")
    parser.add_argument(
        "--format", choices=["jsonl", "csv"], default="jsonl", help="output format (default: jsonl)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export the chosen table to stdout."""
    import csv
    import json
    import sys

    from cockpit.cli import CommandError
    from cockpit.paths import db_path, resolve_home
    from cockpit.store import StoreError, open_store
    from cockpit.store import export as rows

    home = resolve_home(args.home)
    try:
        store = open_store(db_path(home), create=False)
    except StoreError as error:
        raise CommandError(f"{error} (is {home} a cockpit data directory? try --home DIR)") from error
    producers = {
        "posts": (rows.iter_posts, rows.POST_FIELDS),
        "conversations": (rows.iter_conversations, rows.CONVERSATION_FIELDS),
        "people": (rows.iter_people, rows.PEOPLE_FIELDS),
    }
    produce, fields = producers[args.what]
    out = sys.stdout
    # JSON escapes control characters itself; CSV would pass ANSI/OSC escapes from hostile posts straight to a
    # terminal, so they are shown escaped there (a file or pipe still gets the text exactly as stored).
    clean = _escape_controls if args.format == "csv" and out.isatty() else (lambda value: value)
    try:
        if args.format == "jsonl":
            for record in produce(store.conn):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
            writer.writeheader()
            for record in produce(store.conn):
                writer.writerow(
                    {
                        k: clean(json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                        for k, v in record.items()
                    }
                )
    except BrokenPipeError:
        return 0
    finally:
        store.close()
    return 0


_CONTROLS = {
    c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
}
_CONTROLS.update(
    {c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
)


def _escape_controls(value: object) -> object:
    """Show control and bidi characters as escapes (`\\x1b`) so they cannot act on a terminal."""
    return value.translate(_CONTROLS) if isinstance(value, str) else value
