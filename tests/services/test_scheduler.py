"""When accounts are due: the interval, backoff after failures, rate limits; and the loop that follows it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from cockpit.services.scheduler import MAX_BACKOFF, due_at, plan_sync, retry_after_failure
from cockpit.services.sync import AccountResult, sync_forever
from cockpit.store.sync_state import AccountStatus
from connectors.errors import RateLimited
from tests.services.conftest import T0, Clock, FakeAccount, FakeWorld, pages, post

INTERVAL = timedelta(minutes=5)


def status(
    name: str,
    *,
    last: datetime | None = T0,
    next_at: datetime | None = None,
    limited: datetime | None = None,
    error: str = "",
) -> AccountStatus:
    return AccountStatus(1, name, "fake", last, next_at, limited, error)


def test_an_account_never_synced_is_due_at_once() -> None:
    assert due_at(None, interval=INTERVAL) is None
    assert due_at(status("a", last=None), interval=INTERVAL) is None
    plan = plan_sync([FakeAccount("a")], {}, now=T0, interval=INTERVAL)
    assert [a.name for a in plan.due] == ["a"] and plan.next_due_at is None


def test_a_healthy_account_is_due_one_interval_after_its_last_sync() -> None:
    statuses = {"a": status("a", next_at=T0 + timedelta(hours=3)), "b": status("b", last=T0 - INTERVAL)}
    accounts = [FakeAccount("a"), FakeAccount("b")]
    plan = plan_sync(accounts, statuses, now=T0 + timedelta(minutes=4), interval=INTERVAL)
    assert [a.name for a in plan.due] == ["b"] and plan.next_due_at == T0 + INTERVAL
    # A shorter interval in the settings applies at once, whatever next_sync_at said.
    plan = plan_sync(accounts, statuses, now=T0 + timedelta(minutes=1), interval=timedelta(minutes=1))
    assert [a.name for a in plan.due] == ["a", "b"]


def test_a_failing_account_waits_for_its_backoff_and_a_rate_limited_one_for_the_limit() -> None:
    failing = status("a", next_at=T0 + 4 * INTERVAL, error="GET /x: 503")
    limited = status("b", next_at=T0 + INTERVAL, limited=T0 + timedelta(hours=2), error="rate limited")
    assert due_at(failing, interval=INTERVAL) == T0 + 4 * INTERVAL
    assert due_at(limited, interval=INTERVAL) == T0 + timedelta(hours=2)
    plan = plan_sync(
        [FakeAccount("a"), FakeAccount("b")],
        {"a": failing, "b": limited},
        now=T0 + INTERVAL,
        interval=INTERVAL,
    )
    assert plan.due == [] and plan.next_due_at == T0 + 4 * INTERVAL


def test_retries_after_failures_double_up_to_a_cap() -> None:
    now = T0 + INTERVAL
    assert retry_after_failure(None, now=now, interval=INTERVAL) == now + INTERVAL
    assert retry_after_failure(status("a"), now=now, interval=INTERVAL) == now + INTERVAL
    once = status("a", next_at=T0 + INTERVAL, error="503")
    assert retry_after_failure(once, now=now, interval=INTERVAL) == now + 2 * INTERVAL
    long = status("a", next_at=T0 + timedelta(minutes=50), error="503")
    assert retry_after_failure(long, now=now, interval=INTERVAL) == now + MAX_BACKOFF
    after_limit = status(
        "a", next_at=T0 + timedelta(hours=1), limited=T0 + timedelta(hours=1), error="limited"
    )
    assert retry_after_failure(after_limit, now=now, interval=INTERVAL) == now + INTERVAL


async def test_the_loop_syncs_each_account_when_it_is_due_until_stopped(
    db_file: Path, world: FakeWorld, clock: Clock
) -> None:
    world.script("acme-blog", *pages([post("1", "a", 0)]))
    limited = world.script(
        "acme-x",
        *pages([post("2", "b", 0)]),
        errors={0: RateLimited("slow down", until=T0 + timedelta(minutes=12))},
    )
    synced: list[tuple[int, str, str]] = []
    waits: list[float] = []
    stop = asyncio.Event()

    def on_result(result: AccountResult) -> None:
        synced.append((int((clock() - T0).total_seconds() // 60), result.account, result.outcome))
        if result.outcome == "rate_limited":
            limited.errors.clear()

    async def wait(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(timedelta(seconds=seconds))
        if len(waits) == 4:
            stop.set()

    rounds = await sync_forever(
        db_file,
        [FakeAccount("acme-blog"), FakeAccount("acme-x")],
        secrets={},
        stop=stop,
        now=clock,
        interval=INTERVAL,
        connector_factory=world.factory,
        on_result=on_result,
        wait=wait,
    )
    assert sorted(synced[:2]) == [(0, "acme-blog", "ok"), (0, "acme-x", "rate_limited")]
    assert synced[2:] == [(5, "acme-blog", "ok"), (10, "acme-blog", "ok"), (12, "acme-x", "ok")]
    assert waits == [300, 300, 120, 180] and rounds == 4
