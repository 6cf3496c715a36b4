"""When each account syncs next: the interval after a success, a doubling backoff after failures, never
before a platform's rate limit ends. Pure functions over stored statuses, shared by the TUI and the daemon."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from cockpit.store.sync_state import AccountStatus

MAX_BACKOFF = timedelta(hours=1)
"""The longest wait after repeated failures (unless the interval itself is longer)."""


class _Named(Protocol):
    @property
    def name(self) -> str: ...


A = TypeVar("A", bound=_Named)


@dataclass(frozen=True)
class SyncPlan(Generic[A]):
    """Which accounts are due now, and when the next of the others is due (None when none is waiting)."""

    due: list[A]
    next_due_at: datetime | None


def due_at(status: AccountStatus | None, *, interval: timedelta) -> datetime | None:
    """When an account should sync next; None means now (it has never synced)."""
    if status is None or status.last_sync_at is None:
        when = None
    elif status.failing and status.next_sync_at is not None:
        when = status.next_sync_at
    else:
        when = status.last_sync_at + interval
    if status is not None and status.rate_limited_until is not None:
        when = status.rate_limited_until if when is None else max(when, status.rate_limited_until)
    return when


def plan_sync(
    accounts: Sequence[A], statuses: Mapping[str, AccountStatus], *, now: datetime, interval: timedelta
) -> SyncPlan[A]:
    """Split `accounts` into those due at `now` and the earliest due time of the rest."""
    due: list[A] = []
    waiting: list[datetime] = []
    for account in accounts:
        when = due_at(statuses.get(account.name), interval=interval)
        if when is None or when <= now:
            due.append(account)
        else:
            waiting.append(when)
    return SyncPlan(due=due, next_due_at=min(waiting) if waiting else None)


def retry_after_failure(previous: AccountStatus | None, *, now: datetime, interval: timedelta) -> datetime:
    """When to try again after a failure: the interval first, then twice the last wait, up to MAX_BACKOFF."""
    delay = interval
    if (
        previous is not None
        and previous.failing
        and previous.rate_limited_until is None
        and previous.last_sync_at is not None
        and previous.next_sync_at is not None
    ):
        delay = max(interval, 2 * (previous.next_sync_at - previous.last_sync_at))
    return now + min(delay, max(MAX_BACKOFF, interval))
