"""Sending the outbox to the X sandbox over loopback: exactly once, each fault, racing senders, conditions,
and reconciling what a dead sender left behind."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from cockpit.services import outbox, outbox_sender
from cockpit.services.outbox import Condition, OutboxState, SendResult
from cockpit.services.outbox_sender import claim_is_abandoned, sender_id
from cockpit.services.sync import SyncAccount
from connectors.base import Connector
from connectors.errors import PermanentError
from connectors.models import Capability, PostRef, ReplyTarget
from connectors.sandbox.x import OUR_HANDLE, SANDBOX_TOKEN, XSandbox
from connectors.x import XConnector
from tests.services.conftest import stored_bytes
from tests.services.outbox_fixtures import World, relaxed_x_sandbox


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """The X sandbox on loopback, with budgets that never run out."""
    with relaxed_x_sandbox() as running:
        yield running


@pytest.fixture
def world(tmp_path: Path, sandbox: XSandbox) -> World:
    """A database with the sandbox account synced."""
    return World(tmp_path / "cockpit.db", sandbox)


async def send(world: World, now: datetime | None = None, **kwargs: Any) -> list[SendResult]:
    return await outbox.send_due(world.db, [world.account], secrets=world.secrets, now=now, **kwargs)


async def reconcile(world: World, **kwargs: Any) -> list[SendResult]:
    return await outbox.reconcile(world.db, [world.account], secrets=world.secrets, **kwargs)


async def test_a_due_reply_is_sent_once_stored_in_its_thread_and_logged_for_the_person(world: World) -> None:
    tweet = world.mention("@acmerelay how do I cap in-flight messages?")
    await world.async_sync()
    item_id = world.schedule(tweet, "Set max_in_flight on the consumer group.")

    [result] = await send(world)
    assert result.state == OutboxState.SENT
    assert await send(world) == []  # nothing left to send
    assert world.our_tweets() == ["Set max_in_flight on the consumer group."]
    [posted] = [p for p in world.sandbox.posted if p["kind"] == "tweet"]
    assert str(posted["in_reply_to"]) == tweet

    item = world.item(item_id)
    assert (item.state, item.remote_id, item.attempts, item.error) == (OutboxState.SENT, posted["id"], 1, "")
    assert item.remote_url.endswith(f"/{OUR_HANDLE}/status/{posted['id']}")
    # Our reply is in the conversation at once, the conversation is answered, the person's log has the reply.
    [(direction, conversation, in_reply_to, handle)] = world.query(
        "SELECT direction, conversation_id, in_reply_to, author_handle FROM posts WHERE ext_id = ?",
        posted["id"],
    )
    assert (direction, conversation, in_reply_to, handle) == ("out", item.conversation_id, tweet, OUR_HANDLE)
    assert world.query("SELECT answered FROM conversations WHERE id = ?", conversation) == [(1,)]
    [(kind, way, identity_handle)] = world.query(
        "SELECT i.kind, i.direction, d.handle FROM interactions i JOIN identities d ON d.id = i.identity_id "
        "JOIN posts p ON p.id = i.post_id WHERE p.ext_id = ?",
        posted["id"],
    )
    assert (kind, way, identity_handle) == ("reply", "out", "priyaraman")
    # A sync that brings our own tweet back changes nothing.
    await world.async_sync()
    assert world.query("SELECT count(*) FROM posts WHERE ext_id = ?", posted["id"]) == [(1,)]


async def test_a_reply_scheduled_for_later_waits_until_it_is_due(world: World) -> None:
    tweet = world.mention("@acmerelay ping me tomorrow")
    await world.async_sync()
    later = datetime.now(UTC) + timedelta(hours=3)
    item_id = world.schedule(tweet, "Good morning!", send_at=later)
    assert await send(world) == []
    assert world.our_tweets() == []
    [result] = await send(world, now=later + timedelta(seconds=1))
    assert result.state == OutboxState.SENT
    assert world.item(item_id).state == OutboxState.SENT


@pytest.mark.parametrize("shape", ["errors", "problem"])
async def test_a_429_puts_the_reply_back_until_the_platform_says(world: World, shape: str) -> None:
    tweet = world.mention("@acmerelay rate me")
    await world.async_sync()
    item_id = world.schedule(tweet, f"Answer under a rate limit ({shape})")
    world.sandbox.limit_next(shape, path="/2/tweets")  # type: ignore[arg-type]
    [result] = await send(world)
    item = world.item(item_id)
    assert result.state == OutboxState.SCHEDULED and "rate limited until" in result.message
    assert item.state == OutboxState.SCHEDULED and item.send_at is not None
    assert item.send_at > datetime.now(UTC) + timedelta(seconds=30)  # x-rate-limit-reset is a minute away
    assert world.our_tweets() == []
    assert await send(world) == []  # not before the reset
    [again] = await send(world, now=item.send_at + timedelta(seconds=1))
    assert again.state == OutboxState.SENT
    assert world.our_tweets() == [f"Answer under a rate limit ({shape})"]


async def test_a_5xx_before_accepting_leaves_the_reply_unknown_and_unsent_until_the_user_says(
    world: World,
) -> None:
    tweet = world.mention("@acmerelay server trouble?")
    await world.async_sync()
    item_id = world.schedule(tweet, "Sending into a 503")
    world.sandbox.misbehave("server_error", method="POST", path="/2/tweets")
    [result] = await send(world)
    # X has no idempotency key: a 5xx to a write may or may not have published, so it is never resent blindly;
    # the sender looked for it at once and did not find it.
    assert result.state == OutboxState.UNKNOWN and "not found on x" in result.message and result.changed
    assert world.item(item_id).state == OutboxState.UNKNOWN
    assert world.our_tweets() == []
    assert await send(world) == []
    assert await reconcile(world) == []  # looked for just now: not asked again before RECHECK_AFTER
    store = outbox_open(world)
    with store.write() as conn:
        conn.execute("UPDATE outbox SET checked_at = checked_at - ?", (outbox_sender.RECHECK_AFTER.seconds,))
    store.close()
    [still] = await reconcile(world)
    assert (still.state, still.changed) == (OutboxState.UNKNOWN, False)
    assert world.our_tweets() == []
    # The user checked X and says it is not there: it goes again, once.
    store = outbox_open(world)
    outbox.resolve_unknown(store, item_id, sent=False)
    store.close()
    [sent] = await send(world)
    assert sent.state == OutboxState.SENT
    assert world.our_tweets() == ["Sending into a 503"]


def outbox_open(world: World) -> Any:
    from cockpit.store import open_store

    return open_store(world.db)


@pytest.mark.parametrize("fault", ["accept_then_fail", "accept_then_stall", "drop", "malformed"])
async def test_a_fault_after_the_platform_accepted_the_post_ends_sent_exactly_once(
    world: World, fault: str
) -> None:
    tweet = world.mention(f"@acmerelay {fault}?")
    await world.async_sync()
    item_id = world.schedule(tweet, f"Accepted, then {fault}")
    world.sandbox.misbehave(fault, method="POST", path="/2/tweets", delay=3.0)  # type: ignore[arg-type]
    [result] = await send(world)
    [posted] = [p for p in world.sandbox.posted if p["kind"] == "tweet"]
    assert result.state == OutboxState.SENT and "found on x" in result.message
    item = world.item(item_id)
    assert (item.state, item.remote_id) == (OutboxState.SENT, posted["id"])
    assert await send(world) == [] and await reconcile(world) == []
    assert world.our_tweets() == [f"Accepted, then {fault}"]
    assert world.query("SELECT direction FROM posts WHERE ext_id = ?", posted["id"]) == [("out",)]


async def test_a_duplicate_is_reported_as_such_and_stays_failed(world: World) -> None:
    first = world.mention("@acmerelay question one")
    second = world.mention("@acmerelay question two", who="jonasoberg")
    await world.async_sync()
    world.schedule(first, "Thanks, we are on it!")
    dup = world.schedule(second, "Thanks, we are on it!")
    results = await send(world)
    assert [r.state for r in results] == [OutboxState.SENT, OutboxState.FAILED]
    item = world.item(dup)
    assert item.state == OutboxState.FAILED and item.error.startswith("duplicate content")
    assert "change the text" in item.error
    assert await send(world) == []
    assert world.our_tweets() == ["Thanks, we are on it!"]
    # Edited and retried, it goes.
    store = outbox_open(world)
    outbox.edit(store, dup, "Thanks Jonas, we are on it!")
    outbox.retry(store, dup)
    store.close()
    [retried] = await send(world)
    assert retried.state == OutboxState.SENT


async def test_a_connection_that_never_reached_the_platform_is_retried_with_backoff(world: World) -> None:
    tweet = world.mention("@acmerelay are you there?")
    await world.async_sync()
    item_id = world.schedule(tweet, "Here we are")
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # a port nobody listens on: the connection is refused
    port = dead.getsockname()[1]
    dead.close()
    gone = type(world.account)(base_url=f"http://127.0.0.1:{port}")
    [result] = await outbox.send_due(world.db, [gone], secrets=world.secrets)
    item = world.item(item_id)
    assert result.state == OutboxState.SCHEDULED and "will try again" in result.message
    assert item.state == OutboxState.SCHEDULED and item.send_at is not None
    assert timedelta(seconds=20) < item.send_at - datetime.now(UTC) <= timedelta(seconds=31)
    [sent] = await send(world, now=item.send_at)
    assert sent.state == OutboxState.SENT and world.our_tweets() == ["Here we are"]


def test_two_senders_racing_over_the_same_items_send_each_once(world: World) -> None:
    tweets = [world.mention(f"@acmerelay race {n}") for n in range(24)]
    world.sync()
    items = [world.schedule(t, f"Race answer {n}") for n, t in enumerate(tweets)]
    world.sandbox.refuse_duplicates = False  # a double post would be stored, not refused
    start = threading.Barrier(3)
    outcomes: list[list[SendResult]] = []

    def sender() -> None:
        start.wait()
        outcomes.append(asyncio.run(outbox.send_due(world.db, [world.account], secrets=world.secrets)))

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 3
    assert not [
        r for batch in outcomes for r in batch if r.state not in (OutboxState.SENT, OutboxState.SENDING)
    ]
    sent = [r.item_id for batch in outcomes for r in batch if r.state == OutboxState.SENT]
    assert sorted(sent) == sorted(items)  # each sent by exactly one of the senders
    texts = world.our_tweets()
    assert sorted(texts) == sorted(f"Race answer {n}" for n in range(24))
    assert len(texts) == len(set(texts)) == 24


async def test_unless_they_reply_cancels_when_they_posted_again_and_sends_otherwise(world: World) -> None:
    quiet = world.mention("@acmerelay does the CLI support TLS?")
    chatty = world.mention("@acmerelay is there a Helm chart?", who="jonasoberg")
    await world.async_sync()
    sends = world.schedule(quiet, "Yes: --tls", condition=Condition.UNLESS_THEY_REPLY)
    cancels = world.schedule(chatty, "Not yet", condition=Condition.UNLESS_THEY_REPLY)
    world.sandbox.add_tweet("jonasoberg", "@acmerelay never mind, found one", reply_to=int(chatty))
    results = {r.item_id: r for r in await send(world)}
    assert results[sends].state == OutboxState.SENT
    assert results[cancels].state == OutboxState.CANCELLED
    item = world.item(cancels)
    assert item.state == OutboxState.CANCELLED and "@jonasoberg replied first" in item.error
    assert world.our_tweets() == ["Yes: --tls"]
    # The fresh fetch stored their new tweet in the conversation.
    assert world.query("SELECT count(*) FROM posts WHERE text LIKE '%never mind%'") == [(1,)]


async def test_unless_we_replied_cancels_when_someone_from_our_side_answered(world: World) -> None:
    tweet = world.mention("@acmerelay any ETA on 2.0?")
    await world.async_sync()
    item_id = world.schedule(tweet, "Next month!", condition=Condition.UNLESS_WE_REPLIED)
    world.sandbox.add_tweet(OUR_HANDLE, "@priyaraman 2.0 ships on the 3rd", reply_to=int(tweet))
    [result] = await send(world)
    assert result.state == OutboxState.CANCELLED
    assert "already replied from our side" in world.item(item_id).error
    assert world.our_tweets() == []


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def claim(world: World, item_id: int, claimed_by: str, age: timedelta = timedelta(0)) -> None:
    store = outbox_open(world)
    with store.write() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'sending', attempt_id = 'a1', attempts = attempts + 1, claimed_by = ?, "
            "claimed_at = ? WHERE id = ?",
            (claimed_by, int((datetime.now(UTC) - age).timestamp()), item_id),
        )
    store.close()


async def test_reconcile_finds_a_reply_a_dead_sender_published_and_leaves_the_rest_to_the_user(
    world: World,
) -> None:
    published, lost, live, elsewhere, old = (world.mention(f"@acmerelay reconcile {n}") for n in range(5))
    await world.async_sync()
    ids = {
        name: world.schedule(tweet, f"Reply {name}")
        for name, tweet in zip(
            ("published", "lost", "live", "elsewhere", "old"),
            (published, lost, live, elsewhere, old),
            strict=True,
        )
    }
    host = socket.gethostname()
    gone = dead_pid()
    claim(world, ids["published"], f"{host} {gone} t1")
    claim(world, ids["lost"], f"{host} {gone} t1")
    claim(world, ids["live"], sender_id())  # this very process is sending it
    claim(world, ids["elsewhere"], "other-host 1 t9")  # another machine, within the lease
    claim(world, ids["old"], "other-host 1 t9", age=outbox_sender.LEASE + timedelta(seconds=5))
    # The dead sender's request for "published" reached X before it died.
    tweet = world.sandbox.add_tweet(OUR_HANDLE, "Reply published", reply_to=int(published))

    results = {r.item_id: r for r in await reconcile(world)}
    assert set(results) == {ids["published"], ids["lost"], ids["old"]}
    assert results[ids["published"]].state == OutboxState.SENT
    assert world.item(ids["published"]).remote_id == str(tweet.id)
    assert world.query("SELECT direction FROM posts WHERE ext_id = ?", str(tweet.id)) == [("out",)]
    for name in ("lost", "old"):
        item = world.item(ids[name])
        assert item.state == OutboxState.UNKNOWN and "not found on x" in item.error
        assert results[ids[name]].changed
    assert world.item(ids["live"]).state == OutboxState.SENDING
    assert world.item(ids["elsewhere"]).state == OutboxState.SENDING
    assert world.our_tweets() == []  # reconcile never posts


def test_a_claim_is_abandoned_only_when_its_sender_is_gone() -> None:
    now = int(datetime.now(UTC).timestamp())
    host = socket.gethostname()
    assert not claim_is_abandoned(sender_id(), now, now=now)
    assert claim_is_abandoned(f"{host} {os.getpid()} not-our-token", now, now=now)  # a reused pid
    assert claim_is_abandoned(f"{host} {dead_pid()} t", now, now=now)
    assert not claim_is_abandoned(f"{host} {os.getppid()} t", now, now=now)  # alive
    assert not claim_is_abandoned("elsewhere 1 t", now - 60, now=now)
    assert claim_is_abandoned("elsewhere 1 t", now - int(outbox_sender.LEASE.total_seconds()), now=now)
    assert claim_is_abandoned("", None, now=now)


class IdempotentX(XConnector):
    """An X connector that says its writes honour the key (as a platform with an Idempotency-Key header would)."""

    capabilities = XConnector.capabilities | {Capability.IDEMPOTENT_WRITES}
    keys: ClassVar[list[str]] = []

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Record the key, then post."""
        self.keys.append(key)
        return await super().reply(target, text, key=key)


async def test_where_writes_are_idempotent_an_unknown_outcome_is_retried_with_the_same_key(
    world: World,
) -> None:
    tweet = world.mention("@acmerelay idempotent?")
    await world.async_sync()
    item_id = world.schedule(tweet, "Same key twice")

    def factory(account: SyncAccount, secret: str | None) -> Connector:
        options: Mapping[str, Any] = account.options
        return IdempotentX(
            account=account.name, base_url=account.base_url or "", secret=secret, options=options
        )

    world.sandbox.misbehave("server_error", method="POST", path="/2/tweets")
    [first] = await send(world, connector_factory=factory)
    item = world.item(item_id)
    assert first.state == OutboxState.SCHEDULED and item.send_at is not None
    [second] = await send(world, now=item.send_at, connector_factory=factory)
    assert second.state == OutboxState.SENT
    assert len(IdempotentX.keys) == 2 and IdempotentX.keys[0] == IdempotentX.keys[1]
    assert world.our_tweets() == ["Same key twice"]


class LeakyX(XConnector):
    """An X connector with a bug: its refusal quotes the token."""

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Refuse, quoting the secret."""
        raise PermanentError(f"{self.account}: refused bearer {self.secret}")


async def test_a_secret_in_an_error_never_reaches_the_database_or_the_result(world: World) -> None:
    tweet = world.mention("@acmerelay leak?")
    await world.async_sync()
    item_id = world.schedule(tweet, "No leaks")

    def factory(account: SyncAccount, secret: str | None) -> Connector:
        return LeakyX(account=account.name, base_url=account.base_url or "", secret=secret, options={})

    [result] = await send(world, connector_factory=factory)
    assert result.state == OutboxState.FAILED and "refused bearer ***" in result.message
    assert world.item(item_id).error == "refused bearer ***"
    assert SANDBOX_TOKEN.encode() not in stored_bytes(world.db)
