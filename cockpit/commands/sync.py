"""`cockpit sync`: fetch new posts from the configured accounts, once or on the sync interval."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cockpit.config import Account, Config
    from cockpit.rules_config import Rule
    from cockpit.services.sync import AccountResult

LABEL_WIDTH = len("waiting")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 86400 seconds")
    return value


def register(subparsers: Any) -> None:
    """Add the `sync` command."""
    parser = subparsers.add_parser(
        "sync",
        help="fetch new posts and comments from your accounts",
        description=(
            "Fetch what is new on every enabled account in config.toml, all accounts at once, and store it. "
            "With --once, sync one time, print one line per account (ok, waiting when the platform asked us to "
            "slow down, or error with what to do) and exit with status 1 if any account failed. Without "
            "--once, keep syncing each account every sync_interval seconds (see [settings]) until Ctrl-C. "
            "What was fetched before a failure stays stored; the next sync resumes from there."
        ),
    )
    parser.add_argument("--once", action="store_true", help="sync once, print a line per account and exit")
    parser.add_argument("--account", metavar="NAME", help="sync only the account called NAME")
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="stop an account that takes longer than this (default: 120)",
    )
    parser.set_defaults(func=run)


def _select(config: Config, name: str | None, config_file: Path) -> list[Account]:
    from cockpit.cli import CommandError

    if name is None:
        return config.enabled_accounts
    try:
        account = config.account(name)
    except KeyError:
        known = ", ".join(a.name for a in config.accounts) or "none configured"
        raise CommandError(f"no account named {name!r} in {config_file} (accounts: {known})") from None
    if not account.enabled:
        raise CommandError(f"account {name!r} is disabled: set enabled = true for it in {config_file}")
    return [account]


class _LiveSecrets(Mapping[str, "str | None"]):
    """Each account's secret, read afresh on every lookup (a `cockpit accounts login` takes effect at once)."""

    def __init__(self, home: Path, names: list[str]) -> None:
        self._home = home
        self._names = names

    def __getitem__(self, name: str) -> str | None:
        from cockpit.credentials import get_secret

        if name not in self._names:
            raise KeyError(name)
        return get_secret(self._home, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"_LiveSecrets({len(self._names)} accounts)"


def run(args: argparse.Namespace) -> int:
    """Sync once (`--once`) or on the interval until interrupted."""
    import asyncio

    from cockpit.cli import CommandError
    from cockpit.config import ConfigError, load_config
    from cockpit.paths import config_path, db_path, resolve_home
    from cockpit.services.sync import DEFAULT_TIMEOUT, format_result

    home = resolve_home(args.home)
    try:
        config = load_config(home)
    except ConfigError as error:
        raise CommandError(str(error), 2) from None
    accounts = _select(config, args.account, config_path(home))
    if not accounts:
        if config.accounts:
            print(f"every account in {config_path(home)} is disabled: set enabled = true for one to sync it")
        else:
            print(
                f"no accounts to sync in {config_path(home)}: add one with "
                "`cockpit accounts add NAME --platform feed --feed URL` (see `cockpit accounts add --help`), "
                "or run `cockpit demo` to try the cockpit with sample accounts"
            )
        return 0
    _apply_people_settings(home, config)
    secrets = _LiveSecrets(home, [a.name for a in accounts])
    interval = timedelta(seconds=config.settings.sync_interval)
    timeout = args.timeout or DEFAULT_TIMEOUT
    name_width = max(len(a.name) for a in accounts)

    def line(result: AccountResult) -> str:
        return format_result(result, name_width=name_width, label_width=LABEL_WIDTH)

    def save_secret(name: str, secret: str) -> None:
        from cockpit.credentials import set_secret

        set_secret(home, name, secret)  # a rotated token set, stored before the connector uses it

    if args.once:
        return _once(
            db_path(home),
            accounts,
            secrets,
            interval,
            timeout,
            line,
            save_secret,
            config.rules,
            config.settings.daily_outreach_limit,
        )
    try:
        asyncio.run(
            _forever(
                db_path(home),
                accounts,
                secrets,
                interval,
                timeout,
                line,
                config.settings.timezone,
                save_secret,
                config.rules,
                config.settings.daily_outreach_limit,
            )
        )
    except KeyboardInterrupt:
        print("sync stopped", flush=True)
    return 0


def _apply_people_settings(home: Path, config: Config) -> None:
    """Apply config.toml's [people] stages and cadences to the database; print any problem as a warning."""
    import sqlite3

    from cockpit.paths import config_path, db_path
    from cockpit.services.people import apply_settings
    from cockpit.store import StoreError, open_store

    try:
        store = open_store(db_path(home))
    except StoreError as error:
        print(f"warning: cannot apply the [people] settings: {error}", file=sys.stderr)
        return
    try:
        problems = apply_settings(store, config.people)
    except (StoreError, sqlite3.Error) as error:
        problems = [f"[people] settings not applied: {error}"]
    finally:
        store.close()
    for problem in problems:
        print(f"warning: {config_path(home)}: {problem}", file=sys.stderr)


def _once(
    database: Path,
    accounts: list[Account],
    secrets: Mapping[str, str | None],
    interval: timedelta,
    timeout: float,
    line: Callable[[AccountResult], str],
    save_secret: Callable[[str, str], None],
    rules: Sequence[Rule] = (),
    outreach_limit: int | None = None,
) -> int:
    import asyncio

    from cockpit.services.sync import sync_accounts

    results = asyncio.run(
        sync_accounts(
            database,
            accounts,
            secrets=secrets,
            interval=interval,
            timeout=timeout,
            on_result=lambda result: print(line(result), flush=True),
            save_secret=save_secret,
            rules=rules,
            outreach_limit=outreach_limit,
        )
    )
    return 1 if any(result.failed for result in results) else 0


async def _forever(
    database: Path,
    accounts: list[Account],
    secrets: Mapping[str, str | None],
    interval: timedelta,
    timeout: float,
    line: Callable[[AccountResult], str],
    timezone: str,
    save_secret: Callable[[str, str], None],
    rules: Sequence[Rule] = (),
    outreach_limit: int | None = None,
) -> None:
    import asyncio
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cockpit.services.sync import sync_forever

    zone = ZoneInfo(timezone)

    def show(result: AccountResult) -> None:
        print(f"{datetime.now(zone):%H:%M:%S}  {line(result)}", flush=True)

    minutes = interval.total_seconds() / 60
    every = f"{minutes:g} minutes" if minutes != 1 else "minute"
    print(
        f"syncing {len(accounts)} account{'s' if len(accounts) != 1 else ''} every {every}; "
        "press Ctrl-C to stop (use --once to sync one time)",
        flush=True,
    )
    await sync_forever(
        database,
        accounts,
        secrets=secrets,
        stop=asyncio.Event(),
        interval=interval,
        timeout=timeout,
        on_result=show,
        save_secret=save_secret,
        rules=rules,
        outreach_limit=outreach_limit,
    )
