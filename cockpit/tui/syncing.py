"""Background sync inside the TUI: what to sync, one round in a worker thread, and its status line text.

A round runs in a thread worker with its own asyncio loop and its own SQLite connections, so neither the
network nor the writes ever touch the Textual event loop; results come back as messages.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.config import PeopleSettings
    from cockpit.rules_config import Rule
    from cockpit.services.sync import AccountResult, SyncAccount


@dataclass(frozen=True)
class SyncSetup:
    """What the TUI syncs: the accounts, how to find each one's secret, how often, and a pre-round hook."""

    accounts: Sequence[SyncAccount]
    secret: Callable[[str], str | None]
    interval: float
    """Seconds between background rounds."""
    before_round: Callable[[], object] | None = None
    """Run in the worker before each round (the demo makes new activity happen on its sandboxes)."""
    save_secret: Callable[[str, str], None] | None = None
    """Stores a secret a connector rotated (a refreshed token set) before the connector uses it."""
    timezone: str | None = None
    """The user's IANA time zone for snooze times (None: the system's)."""
    undo_depth: int | None = None
    """How many undo steps to keep (None: the default)."""
    rules: Sequence[Rule] = ()
    """config.toml's [[rules]], applied to new posts at sync time (the Rules screen replaces them on save)."""
    outreach_limit: int | None = None
    """Outreach items created per day after a round (config.toml `daily_outreach_limit`; None: none)."""
    problems: tuple[str, ...] = ()
    """Config problems to show that do not stop sync (e.g. a `[people]` cadence for an unknown stage)."""


def setup_from_config(home: Path) -> SyncSetup:
    """Read config.toml (raising `cockpit.config.ConfigError`) and return what the TUI should sync."""
    from cockpit.config import load_config
    from cockpit.credentials import get_secret

    config = load_config(home)
    problems = apply_people_settings(home, config.people)
    return SyncSetup(
        accounts=config.enabled_accounts,
        secret=lambda name: get_secret(home, name),
        interval=float(config.settings.sync_interval),
        timezone=config.settings.timezone,
        undo_depth=config.settings.undo_depth,
        rules=config.rules,
        outreach_limit=config.settings.daily_outreach_limit,
        problems=tuple(problems),
    )


def apply_people_settings(home: Path, settings: PeopleSettings) -> list[str]:
    """Apply config.toml's `[people]` stages and cadences to the database (call off the event loop); return problems."""
    from cockpit.paths import db_path
    from cockpit.services.people import apply_settings
    from cockpit.store import StoreError, open_store

    try:
        store = open_store(db_path(home))
    except StoreError as error:
        return [f"[people] settings not applied: {error}"]
    try:
        return apply_settings(store, settings)
    except (StoreError, sqlite3.Error) as error:
        return [f"[people] settings not applied: {error}"]
    finally:
        store.close()


def _after(delta: timedelta) -> str:
    """A short duration: 15s, 5m, 2h."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 90:
        return f"{seconds}s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)}m"
    return f"{round(seconds / 3600)}h"


def _clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def describe(result: AccountResult, now: datetime) -> tuple[str, str]:
    """Short status-bar text and level for one account's result."""
    nxt = f" · next in {_after(result.next_sync_at - now)}" if result.next_sync_at else ""
    if result.ok:
        news = f" · {result.counts()}" if result.new_posts or result.new_conversations else ""
        note = f" · {result.note}" if result.note else ""
        return f"✓ {_clock(now)}{news}{nxt}{note}", "info"
    if result.outcome == "rate_limited":
        return f"⏸ {result.message}", "warning"
    return f"✗ {result.message}", "error"


def run_round(
    db_path: Path,
    setup: SyncSetup,
    *,
    force: bool,
    post_status: Callable[[str, str, str], object],
    post_result: Callable[[AccountResult], None],
) -> int:
    """Sync the accounts that are due (all of them with `force`) and return how many were synced.

    Runs in a worker thread: it opens its own event loop and SQLite connections.
    """
    from cockpit.services.scheduler import plan_sync
    from cockpit.services.sync import sync_accounts
    from cockpit.store import open_store
    from cockpit.store.sync_state import read_statuses

    if setup.before_round is not None:
        setup.before_round()
    accounts = list(setup.accounts)
    interval = timedelta(seconds=setup.interval)
    if not force:
        store = open_store(db_path)
        try:
            statuses = read_statuses(store)
        finally:
            store.close()
        accounts = list(plan_sync(accounts, statuses, now=datetime.now(UTC), interval=interval).due)
    if not accounts:
        return 0
    for account in accounts:
        post_status(account.name, "syncing…", "busy")
    secrets = {account.name: setup.secret(account.name) for account in accounts}
    asyncio.run(
        sync_accounts(
            db_path,
            accounts,
            secrets=secrets,
            interval=interval,
            on_result=post_result,
            save_secret=setup.save_secret,
            rules=setup.rules,
            outreach_limit=setup.outreach_limit,
        )
    )
    return len(accounts)
