"""`cockpit send-due`: one pass for cron or a systemd timer: reconcile, then send the replies that are due."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cockpit.services.outbox import SendResult
    from cockpit.services.sync import SyncAccount

MAX_ROUNDS = 20
"""Batches of `BATCH` items one pass sends at most (a pass never runs away)."""
BATCH = 50


def register(subparsers: Any) -> None:
    """Add the `send-due` command."""
    parser = subparsers.add_parser(
        "send-due",
        help="send the scheduled replies that are due (for cron or a systemd timer)",
        description=(
            "One pass over the outbox: first reconcile (a reply left 'sending' by a sender that died becomes "
            "'unknown' and is looked for on its platform: found means sent), then send every reply that is "
            "due, each exactly once even with other senders running. Prints one line per item and exits with "
            "status 1 if any reply failed or became unknown in this pass. See docs/outbox.md."
        ),
    )
    parser.add_argument("--account", metavar="NAME", help="only send the replies of the account called NAME")
    parser.set_defaults(func=run)


def redactor(secrets: Mapping[str, str | None], names: Sequence[str]) -> Any:
    """A function that removes every account's secret from a line (messages never carry them; belt and braces)."""
    from cockpit.services.sync import _Redactor

    cleaners = [_Redactor(secrets.get(name)) for name in names]

    def clean(line: str) -> str:
        for cleaner in cleaners:
            line = cleaner(line)
        return line

    return clean


async def one_pass(
    database: Path,
    accounts: Sequence[SyncAccount],
    secrets: Mapping[str, str | None],
    save_secret: Any,
    *,
    reconcile_first: bool = True,
    should_stop: Callable[[], bool] | None = None,
) -> list[SendResult]:
    """Reconcile (optionally), then send what is due in batches until nothing due is left (or told to stop)."""
    from cockpit.services import outbox

    results: list[SendResult] = []
    if reconcile_first:
        results += await outbox.reconcile(database, accounts, secrets=secrets, save_secret=save_secret)
    for _ in range(MAX_ROUNDS):
        batch = await outbox.send_due(
            database, accounts, secrets=secrets, save_secret=save_secret, limit=BATCH, should_stop=should_stop
        )
        results += batch
        if len(batch) < BATCH or (should_stop is not None and should_stop()):
            break
    return results


def needs_attention(results: Sequence[SendResult]) -> bool:
    """Whether a pass failed a reply or left one unknown (the exit status of send-due)."""
    from cockpit.services.outbox import OutboxState

    return any(r.changed and r.state in (OutboxState.FAILED, OutboxState.UNKNOWN) for r in results)


def run(args: argparse.Namespace) -> int:
    """Reconcile, send what is due, print a line per item; 1 when something needs the user."""
    import asyncio

    from cockpit.cli import CommandError
    from cockpit.commands.sync import _LiveSecrets, _select
    from cockpit.config import ConfigError, load_config
    from cockpit.paths import config_path, db_path, resolve_home

    home = resolve_home(args.home)
    try:
        config = load_config(home)
    except ConfigError as error:
        raise CommandError(str(error), 2) from None
    accounts = _select(config, args.account, config_path(home))
    if not accounts:
        print(f"no enabled accounts in {config_path(home)}: nothing can be sent")
        return 0
    database = db_path(home)
    if not database.exists():
        print(f"nothing to send: no database at {database} yet")
        return 0
    names = [a.name for a in accounts]
    secrets = _LiveSecrets(home, names)
    clean = redactor(secrets, names)

    def save_secret(name: str, secret: str) -> None:
        from cockpit.credentials import set_secret

        set_secret(home, name, secret)

    results = asyncio.run(one_pass(database, accounts, secrets, save_secret))
    for result in results:
        print(clean(result.message), flush=True)
    if not results:
        print("nothing due")
    return 1 if needs_attention(results) else 0
