"""`cockpit daemon`: sync every account on its interval and send scheduled replies when due, until Ctrl-C."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from cockpit.config import Account
    from cockpit.rules_config import Rule

POLL_SECONDS = 10.0
"""The longest the sender sleeps before looking for new due replies (the TUI may schedule one any time)."""
RECONCILE_EVERY = timedelta(minutes=10)
"""How often unknown replies are looked for on their platforms again."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= value <= 86_400:
        raise argparse.ArgumentTypeError("must be between 1 and 86400 seconds")
    return value


def register(subparsers: Any) -> None:
    """Add the `daemon` command."""
    parser = subparsers.add_parser(
        "daemon",
        help="sync and send scheduled replies until stopped (for a server or a laptop left open)",
        description=(
            "Sync every enabled account on its interval and send each scheduled reply when it is due, until "
            "Ctrl-C (or SIGTERM). On start, replies left 'sending' by a sender that died are reconciled. Safe "
            "to run next to the TUI and `cockpit send-due`: a reply is sent once. See docs/outbox.md."
        ),
    )
    parser.add_argument(
        "--sync-every",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="seconds between syncs of an account (default: sync_interval in config.toml)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the sync and send loops until interrupted."""
    import asyncio

    from cockpit.cli import CommandError
    from cockpit.commands.send_due import redactor
    from cockpit.commands.sync import _apply_people_settings, _LiveSecrets
    from cockpit.config import ConfigError, load_config
    from cockpit.paths import config_path, db_path, resolve_home

    home = resolve_home(args.home)
    try:
        config = load_config(home)
    except ConfigError as error:
        raise CommandError(str(error), 2) from None
    accounts = config.enabled_accounts
    if not accounts:
        raise CommandError(
            f"no enabled accounts in {config_path(home)}: add one with `cockpit accounts add` first", 2
        )
    _apply_people_settings(home, config)
    names = [a.name for a in accounts]
    secrets = _LiveSecrets(home, names)
    clean = redactor(secrets, names)
    interval = timedelta(seconds=args.sync_every or config.settings.sync_interval)

    def say(line: str) -> None:
        print(clean(line), flush=True)

    def save_secret(name: str, secret: str) -> None:
        from cockpit.credentials import set_secret

        set_secret(home, name, secret)

    every = f"{interval.total_seconds():g} s"
    say(
        f"cockpit daemon: syncing {len(accounts)} account{'s' if len(accounts) != 1 else ''} every {every} "
        "and sending scheduled replies when due; press Ctrl-C to stop"
    )
    try:
        asyncio.run(
            _main(
                db_path(home),
                accounts,
                secrets,
                interval,
                say,
                save_secret,
                config.rules,
                config.settings.daily_outreach_limit,
            )
        )
    except KeyboardInterrupt:
        pass
    say("cockpit daemon stopped")
    return 0


async def _main(
    database: Path,
    accounts: Sequence[Account],
    secrets: Mapping[str, str | None],
    interval: timedelta,
    say: Callable[[str], None],
    save_secret: Callable[[str, str], None],
    rules: Sequence[Rule] = (),
    outreach_limit: int | None = None,
) -> None:
    import asyncio
    import signal

    from cockpit.services.sync import StoreWriter, format_result, sync_forever

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform: Ctrl-C raises KeyboardInterrupt
            pass
    width = max(len(a.name) for a in accounts)
    async with StoreWriter(database) as writer:
        await asyncio.gather(
            sync_forever(
                writer,
                accounts,
                secrets=secrets,
                stop=stop,
                interval=interval,
                on_result=lambda result: say(format_result(result, name_width=width, label_width=7)),
                save_secret=save_secret,
                rules=rules,  # config.toml's [[rules]], as `cockpit sync` applies them
                outreach_limit=outreach_limit,  # config.toml's daily_outreach_limit
            ),
            _send_loop(database, accounts, secrets, stop, say, save_secret),
        )


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    import asyncio

    try:
        async with asyncio.timeout(max(0.05, seconds)):
            await stop.wait()
    except TimeoutError:
        pass


async def _send_loop(
    database: Path,
    accounts: Sequence[Account],
    secrets: Mapping[str, str | None],
    stop: asyncio.Event,
    say: Callable[[str], None],
    save_secret: Callable[[str, str], None],
) -> None:
    """Reconcile now and every RECONCILE_EVERY; send what is due; sleep until the next is due (at most POLL)."""
    import time
    from datetime import UTC, datetime

    from cockpit.commands.send_due import one_pass
    from cockpit.services import outbox
    from cockpit.store import open_store

    last_reconcile = float("-inf")
    while not stop.is_set():
        due_reconcile = time.monotonic() - last_reconcile >= RECONCILE_EVERY.total_seconds()
        try:
            results = await one_pass(
                database,
                accounts,
                secrets,
                save_secret,
                reconcile_first=due_reconcile,
                should_stop=stop.is_set,
            )
        except Exception as error:  # the store failed (disk full, locked too long): say so, try again later
            say(f"sending failed: {type(error).__name__}: {error}")
            results = []
        if due_reconcile:
            last_reconcile = time.monotonic()
        for result in results:
            if result.changed:
                say(f"{datetime.now(UTC):%H:%M:%S}  {result.message}")
        store = open_store(database)
        try:
            next_at = outbox.next_due(store)
        finally:
            store.close()
        seconds = POLL_SECONDS
        if next_at is not None:
            seconds = min(seconds, (next_at - datetime.now(UTC)).total_seconds())
        await _wait(stop, max(0.5, seconds))
