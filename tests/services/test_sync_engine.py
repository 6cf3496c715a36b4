"""The sync engine: concurrency, crash safety, typed errors per account, status for the TUI, no leaked secrets."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

from cockpit.services.sync import AccountResult, StoreWriter, sync_accounts
from cockpit.store import Store
from cockpit.store.ingest import read_cursors
from cockpit.store.sync_state import read_statuses
from connectors.errors import (
    AuthExpired,
    PermanentError,
    PermissionDenied,
    RateLimited,
    TransientError,
)
from connectors.models import Page
from tests.services.conftest import T0, Clock, FakeAccount, FakeWorld, pages, post, stored_bytes

INTERVAL = timedelta(minutes=5)


def count(reader: Store, sql: str, *params: object) -> int:
    return int(reader.conn.execute(sql, params).fetchone()[0])


def account_id(reader: Store, name: str) -> int:
    return int(reader.conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()[0])


async def test_every_account_is_synced_and_its_status_stored(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    world.script("acme-blog", *pages([post("1", "a", 0), post("2", "a", 1, who=2)], [post("3", "b", 2)]))
    world.script("acme-x", *pages([post("9", "z", 0)]))
    results = await sync_accounts(
        db_file,
        [FakeAccount("acme-blog"), FakeAccount("acme-x")],
        secrets={},
        now=clock,
        interval=INTERVAL,
        connector_factory=world.factory,
    )
    assert [(r.account, r.outcome, r.new_posts, r.new_conversations) for r in results] == [
        ("acme-blog", "ok", 3, 2),
        ("acme-x", "ok", 1, 1),
    ]
    assert results[0].summary() == "3 new posts, 2 new conversations"
    assert read_cursors(reader, account_id(reader, "acme-blog")) == {"default": "c2"}
    statuses = read_statuses(reader)
    assert statuses["acme-blog"].last_sync_at == T0
    assert statuses["acme-blog"].next_sync_at == T0 + INTERVAL
    assert statuses["acme-blog"].last_error == "" and statuses["acme-blog"].rate_limited_until is None
    assert [s.closed for s in world.scripts.values()] == [1, 1]

    again = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert again[0].summary() == "nothing new"
    assert world.scripts["acme-blog"].fetches[-1] == {"default": "c2"}


async def test_a_failure_after_page_one_keeps_page_one_and_its_cursor_and_a_rerun_resumes(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    script = world.script(
        "acme-blog",
        *pages([post("1", "a", 0), post("2", "b", 1)], [post("3", "a", 2), post("4", "c", 3)]),
        errors={1: RuntimeError("connection reset while parsing page two")},
    )
    [failed] = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert failed.outcome == "error" and failed.failed
    assert "RuntimeError" in failed.message and failed.new_posts == 2
    assert "(2 new posts, 2 new conversations stored)" in failed.summary()
    acme = account_id(reader, "acme-blog")
    assert read_cursors(reader, acme) == {"default": "c1"}
    assert [r[0] for r in reader.conn.execute("SELECT ext_id FROM posts ORDER BY ext_id")] == ["1", "2"]
    assert "RuntimeError" in read_statuses(reader)["acme-blog"].last_error

    script.errors.clear()
    [resumed] = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert script.fetches[-1] == {"default": "c1"}
    assert (resumed.outcome, resumed.new_posts, resumed.new_conversations) == ("ok", 2, 1)
    [again] = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert again.new_posts == 0
    assert count(reader, "SELECT count(*) FROM posts") == 4
    assert count(reader, "SELECT count(DISTINCT ext_id) FROM posts") == 4
    assert count(reader, "SELECT count(*) FROM interactions") == 4
    assert read_statuses(reader)["acme-blog"].last_error == ""


async def test_a_rate_limited_account_is_rescheduled_while_the_others_complete(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    until = T0 + timedelta(minutes=5)
    limited = world.script(
        "acme-x",
        *pages([post("1", "a", 0)], [post("2", "a", 1)]),
        errors={1: RateLimited("acme-x: GET /2/mentions is rate limited", until=until)},
    )
    world.script("acme-blog", *pages([post("b1", "t", 0)]))
    accounts = [FakeAccount("acme-x"), FakeAccount("acme-blog")]
    results = await sync_accounts(
        db_file, accounts, secrets={}, now=clock, interval=INTERVAL, connector_factory=world.factory
    )
    by_name = {r.account: r for r in results}
    assert by_name["acme-blog"].ok
    x = by_name["acme-x"]
    assert (x.outcome, x.label, x.failed) == ("rate_limited", "waiting", False)
    assert x.message == "rate limited until 14:05 UTC; will retry then"
    assert x.next_sync_at == until and x.new_posts == 1
    status = read_statuses(reader)["acme-x"]
    assert status.rate_limited_until == until and status.next_sync_at == until
    assert "rate limited until 14:05 UTC" in status.last_error

    # Before the limit ends the platform is not contacted at all.
    limited.errors.clear()
    clock.advance(timedelta(minutes=2))
    [early] = await sync_accounts(
        db_file, accounts[:1], secrets={}, now=clock, connector_factory=world.factory
    )
    assert early.outcome == "rate_limited" and len(limited.fetches) == 1
    assert early.message == "rate limited until 14:05 UTC; will retry then"

    clock.advance(timedelta(minutes=4))
    [later] = await sync_accounts(
        db_file, accounts[:1], secrets={}, now=clock, connector_factory=world.factory
    )
    assert later.ok and later.new_posts == 1 and limited.fetches[-1] == {"default": "c1"}
    assert read_statuses(reader)["acme-x"].rate_limited_until is None


async def test_a_hanging_account_does_not_delay_the_others_beyond_its_own_timeout(
    db_file: Path, reader: Store, world: FakeWorld
) -> None:
    hanging = world.script("slow-forum", *pages([post("s1", "a", 0)], [post("s2", "a", 1)]), hang_at=1)
    world.script("acme-blog", *pages([post("1", "a", 0)], [post("2", "b", 1)]))
    world.script("acme-x", *pages([post("3", "c", 0)]))
    finished: dict[str, float] = {}
    start = time.monotonic()

    def on_result(result: AccountResult) -> None:
        finished[result.account] = time.monotonic() - start

    results = await sync_accounts(
        db_file,
        [FakeAccount("slow-forum"), FakeAccount("acme-blog"), FakeAccount("acme-x")],
        secrets={},
        timeout=0.6,
        connector_factory=world.factory,
        on_result=on_result,
    )
    elapsed = time.monotonic() - start
    assert [r.outcome for r in results] == ["timeout", "ok", "ok"]
    assert finished["acme-blog"] < 0.3 and finished["acme-x"] < 0.3
    assert 0.6 <= finished["slow-forum"] < 1.5 and elapsed < 1.5
    assert results[0].message.startswith("no answer within 0.6 s; will retry at ")
    assert results[0].new_posts == 1  # the page before the hang is kept, with its cursor
    assert read_cursors(reader, account_id(reader, "slow-forum")) == {"default": "c1"}
    assert hanging.closed == 1


async def test_an_expired_token_names_the_account_and_the_fix_and_never_the_secret(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    secret = "sk-live-7f3a9c1e5b2d4086"
    world.script(
        "acme-x",
        *pages([post("1", "a", 0)]),
        errors={0: AuthExpired(f"acme-x: GET /2/users/me?token={secret} refused the credentials (HTTP 401)")},
    )
    world.script(
        "acme-li",
        *pages([post("2", "a", 0)]),
        errors={0: RuntimeError(f"parser choked on Authorization: Bearer {secret}")},
    )
    results = await sync_accounts(
        db_file,
        [FakeAccount("acme-x"), FakeAccount("acme-li")],
        secrets={"acme-x": secret, "acme-li": secret},
        now=clock,
        connector_factory=world.factory,
    )
    assert results[0].outcome == "auth_expired"
    assert results[0].message == "token for acme-x expired or missing: run `cockpit accounts login acme-x`"
    assert results[1].outcome == "error" and "Bearer ***" in results[1].message
    assert world.scripts["acme-x"].secrets == [secret]  # the connector did get it
    statuses = read_statuses(reader)
    for result in results:
        assert secret not in result.message and secret not in result.summary() and secret not in repr(result)
        assert statuses[result.account].last_error == result.message
    assert secret.encode() not in stored_bytes(db_file)


async def test_transient_failures_back_off_and_a_success_resets_the_interval(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    script = world.script(
        "acme-forum",
        *pages([post("1", "a", 0)]),
        errors={0: TransientError("acme-forum: GET /latest.json: 503")},
    )
    run = dict(secrets={}, now=clock, interval=INTERVAL, connector_factory=world.factory)
    accounts = [FakeAccount("acme-forum")]
    [first] = await sync_accounts(db_file, accounts, **run)  # type: ignore[arg-type]
    assert first.outcome == "transient" and first.next_sync_at == T0 + INTERVAL
    assert first.message == "GET /latest.json: 503; will retry at 14:05 UTC"
    clock.advance(INTERVAL)
    [second] = await sync_accounts(db_file, accounts, **run)  # type: ignore[arg-type]
    assert second.next_sync_at == clock() + 2 * INTERVAL
    clock.advance(2 * INTERVAL)
    [third] = await sync_accounts(db_file, accounts, **run)  # type: ignore[arg-type]
    assert third.next_sync_at == clock() + 4 * INTERVAL
    script.errors.clear()
    clock.advance(4 * INTERVAL)
    [fine] = await sync_accounts(db_file, accounts, **run)  # type: ignore[arg-type]
    assert fine.ok and fine.next_sync_at == clock() + INTERVAL
    assert read_statuses(reader)["acme-forum"].last_error == ""


async def test_permanent_errors_and_unknown_platforms_are_shown_for_that_account_only(
    db_file: Path, world: FakeWorld, clock: Clock
) -> None:
    world.script(
        "gone", errors={0: PermanentError("gone: GET /feed was refused (HTTP 410)", fix="check the URL")}
    )
    world.script("private", errors={0: PermissionDenied("private: GET /posts is not allowed (HTTP 403)")})
    world.script("fine", *pages([post("1", "a", 0)]))
    results = await sync_accounts(
        db_file,
        [FakeAccount("gone"), FakeAccount("private"), FakeAccount("nowhere"), FakeAccount("fine")],
        secrets={},
        now=clock,
        connector_factory=world.factory,
    )
    assert [r.outcome for r in results] == ["permanent", "permission_denied", "permanent", "ok"]
    assert results[0].message == "GET /feed was refused (HTTP 410) (check the URL)"
    assert results[1].message == "GET /posts is not allowed (HTTP 403)"
    assert results[2].message.startswith("cannot sync platform 'fake': LookupError")
    assert [r.failed for r in results] == [True, True, True, False]


async def test_an_edited_post_is_updated_and_a_deleted_one_marked(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    script = world.script(
        "acme-blog", *pages([post("1", "a", 0, text="first wording"), post("2", "a", 1, who=2, text="hello")])
    )
    await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    edited = post("1", "a", 0, text="second wording").model_copy(
        update={"edited_at": T0 + timedelta(hours=1)}
    )
    script.pages.append(Page(posts=[edited], deleted_ext_ids=["2"], cursor="c2"))
    [result] = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert (result.new_posts, result.updated_posts, result.deleted_posts) == (0, 1, 1)
    assert result.summary() == "1 edited post, 1 deleted post"
    rows = dict(reader.conn.execute("SELECT ext_id, text || '|' || deleted FROM posts").fetchall())
    assert rows == {"1": "second wording|0", "2": "hello|1"}
    assert count(reader, "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'second'") == 1
    assert count(reader, "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'first'") == 0


async def test_each_page_stores_authors_identities_and_inbound_interactions(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    world.script(
        "acme-blog", *pages([post("1", "a", 0, who=1), post("2", "a", 1, who=2)], [post("3", "b", 2, who=1)])
    )
    await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    identities = reader.conn.execute("SELECT handle, name FROM identities ORDER BY handle").fetchall()
    assert identities == [("user1", "User 1"), ("user2", "User 2")]
    interactions = reader.conn.execute(
        """
        SELECT p.ext_id, i.direction, i.kind, d.handle FROM interactions i
        JOIN posts p ON p.id = i.post_id JOIN identities d ON d.id = i.identity_id ORDER BY p.ext_id
        """
    ).fetchall()
    assert interactions == [
        ("1", "in", "post", "user1"),
        ("2", "in", "post", "user2"),
        ("3", "in", "post", "user1"),
    ]


async def test_all_database_work_runs_on_one_writer_thread_off_the_event_loop(db_file: Path) -> None:
    seen: set[str] = set()
    ticks = 0

    def slow_write(store: Store) -> str:
        seen.add(threading.current_thread().name)
        time.sleep(0.2)  # a long transaction, standing in for a big page
        return str(store.path)

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async with StoreWriter(db_file) as writer:
        task = asyncio.create_task(ticker())
        results = await asyncio.gather(writer.call(slow_write), writer.call(slow_write))
        task.cancel()
    assert results == [str(db_file), str(db_file)]
    assert len(seen) == 1 and threading.current_thread().name not in seen
    assert ticks >= 10  # the loop kept running while the writer was busy


async def test_syncing_no_accounts_returns_nothing(db_file: Path, world: FakeWorld) -> None:
    assert await sync_accounts(db_file, [], secrets={}, connector_factory=world.factory) == []


async def test_a_failed_stream_is_reported_while_the_other_streams_are_stored(
    db_file: Path, reader: Store, world: FakeWorld, clock: Clock
) -> None:
    from connectors.models import StreamError

    gone = StreamError(kind="permanent", message="acme-blog: GET http://b.test/feed was refused (HTTP 404)")
    limited = StreamError(kind="rate_limited", message="slow down", until=T0 + timedelta(minutes=30))
    world.script(
        "acme-blog",
        Page(stream="http://a.test/feed", posts=[post("1", "a", 0)], cursor="a1"),
        Page(stream="http://b.test/feed", error=gone),
        Page(stream="http://c.test/feed", posts=[post("2", "c", 0)], cursor="c1", error=limited),
    )
    [result] = await sync_accounts(
        db_file, [FakeAccount("acme-blog")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert result.outcome == "permanent" and result.failed
    assert result.message == "GET http://b.test/feed was refused (HTTP 404) (and 1 more problem)"
    assert result.summary().endswith("(2 new posts, 2 new conversations stored)")
    assert read_cursors(reader, account_id(reader, "acme-blog")) == {
        "http://a.test/feed": "a1",
        "http://c.test/feed": "c1",
    }

    world.script("acme-forum", Page(stream="s", posts=[post("3", "d", 0)], cursor="s1", error=limited))
    [waiting] = await sync_accounts(
        db_file, [FakeAccount("acme-forum")], secrets={}, now=clock, connector_factory=world.factory
    )
    assert (waiting.outcome, waiting.next_sync_at) == ("rate_limited", T0 + timedelta(minutes=30))
    assert waiting.message == "rate limited until 14:30 UTC; will retry then"
