"""`cockpit rules`: list the rules of config.toml, and dry-run them over the posts of the last days."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cockpit.services.rules import RuleReport

SAMPLES = 3


def register(subparsers: Any) -> None:
    """Add the `rules` command with its `list` and `test` subcommands."""
    parser = subparsers.add_parser(
        "rules",
        help="list the rules of config.toml, or see what they would have matched (a dry run)",
        description=(
            "Rules tag, boost, mark done or assign new inbound posts at sync time; they live in "
            "config.toml as [[rules]] tables (see docs/rules.md) and can be edited in the cockpit (R)."
        ),
    )
    parser.set_defaults(func=_run_list)
    sub = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND")
    listing = sub.add_parser("list", help="show every rule: its conditions and actions, in order")
    listing.set_defaults(func=_run_list)
    test = sub.add_parser(
        "test",
        help="dry run: what the rules would have matched in the last days (writes nothing)",
        description=(
            "Evaluate the rules over the stored inbound posts of the last --days days, as sync would (in "
            "order, stop honoured; a disabled rule on its own), and print per rule the number of matches "
            "and the newest few. Nothing is written."
        ),
    )
    test.add_argument("name", nargs="?", help="only this rule (by name)")
    test.add_argument("--days", type=int, default=30, help="how many days back to look (default 30)")
    test.set_defaults(func=_run_test)


def _load(args: argparse.Namespace) -> tuple[Any, Any]:
    from cockpit.cli import CommandError
    from cockpit.config import ConfigError, load_config
    from cockpit.paths import resolve_home

    home = resolve_home(args.home)
    try:
        return home, load_config(home)
    except ConfigError as error:
        raise CommandError(str(error), 2) from None


def _run_list(args: argparse.Namespace) -> int:
    """Print the rules in order, with their conditions and actions."""
    from cockpit.paths import config_path

    home, config = _load(args)
    if not config.rules:
        print(
            f"no rules in {config_path(home)}: add [[rules]] tables (docs/rules.md) "
            "or press R in the cockpit to write one"
        )
        return 0
    width = max(len(rule.name) for rule in config.rules)
    for number, rule in enumerate(config.rules, start=1):
        state = "" if rule.enabled else "  (disabled)"
        print(f"{number:>2}. {rule.name:<{width}}  when {rule.conditions()}  then {rule.actions()}{state}")
    return 0


def _run_test(args: argparse.Namespace) -> int:
    """Print what each rule would have matched over the last `--days` days."""
    import time

    from cockpit.cli import CommandError
    from cockpit.paths import db_path
    from cockpit.services.rules import dry_run
    from cockpit.store import StoreError, open_store

    if not 1 <= args.days <= 3650:
        raise CommandError("--days must be between 1 and 3650")
    home, config = _load(args)
    names = [rule.name for rule in config.rules]
    if args.name is not None and args.name not in names:
        known = ", ".join(names) if names else "none"
        raise CommandError(f"no rule named {args.name!r} in config.toml (rules: {known})")
    if not config.rules:
        print("no rules to test: add [[rules]] tables to config.toml (docs/rules.md)")
        return 0
    try:
        store = open_store(db_path(home), create=False)
    except StoreError as error:
        raise CommandError(f"{error} (run `cockpit sync` first, or pass --home DIR)") from error
    try:
        only = None if args.name is None else {args.name}
        reports = dry_run(
            store.conn, config.rules, now=int(time.time()), days=args.days, samples=SAMPLES, only=only
        )
    finally:
        store.close()
    print(f"Dry run over the inbound posts of the last {args.days} days (nothing is written):")
    for report in reports:
        print()
        print(_headline(report))
        for sample in report.samples:
            print(
                f"  {_when(sample.created_at)}  {sample.platform}/{sample.account}  {sample.author}: {sample.excerpt}"
            )
    return 0


def _headline(report: RuleReport) -> str:
    posts = f"{report.count} post{'s' if report.count != 1 else ''}"
    conversations = len(report.conversations)
    where = f" in {conversations} conversation{'s' if conversations != 1 else ''}" if report.count else ""
    state = "" if report.enabled else " (disabled: counted on its own)"
    return f"{report.name}{state}: {posts}{where}"


def _when(stamp: int) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
