"""Sending the outbox exactly once: claims, the request, its outcome, reconciling what a crash left behind.

One item goes like this (docs/outbox.md):

1. Its condition, if any, is checked against the thread fetched fresh from the platform (stored through
   `write_page`); when it holds, the item is cancelled with the reason.
2. It is claimed: `UPDATE ... SET state = 'sending' WHERE id = ? AND state = 'scheduled'` inside BEGIN
   IMMEDIATE, with a fresh attempt id and the claimer (`host pid token`) and time, committed with
   `PRAGMA synchronous = FULL` before any byte leaves. Only one sender can win a claim.
3. The connector sends it (`key=` the item's idempotency key). The outcome is stored against that attempt id:
   sent (remote id and URL), failed (a permanent refusal, a duplicate), back to scheduled (rate limited until
   the platform's time, a connection that never reached the server: with backoff) or unknown (the request may
   have gone out: a timeout after sending, a 5xx answer to a write, a crash). Unknown is never resent
   automatically unless the connector declares `IDEMPOTENT_WRITES`, in which case the retry carries the same key.
4. A sent reply is written into its conversation: our post (direction 'out', ext_id = the remote id), the
   conversation marked answered, an outbound 'reply' interaction for the person we answered.

`reconcile` finds claims whose sender is gone (its process is dead on this host, or the claim is older than
`LEASE`), makes them unknown, then looks for each unknown reply on its platform: found means sent.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import secrets as token_source
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cockpit.services.outbox import Condition, OutboxState, SendResult
from cockpit.services.sync import (
    ConnectorFactory,
    StoreWriter,
    SyncAccount,
    default_connector_factory,
)
from cockpit.store.db import Store
from cockpit.store.ingest import write_page
from connectors.base import Connector
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    RateLimited,
    RequestNotSent,
    TransientError,
)
from connectors.models import Author, Capability, Page, Post, PostRef, ReplyTarget

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
"""A claim older than this is abandoned even when its claimer cannot be checked (another host)."""
REQUEST_TIMEOUT = 180.0
"""Seconds one reply request may take before its outcome counts as unknown (well inside `LEASE`)."""
RECHECK_AFTER = timedelta(minutes=5)
"""An unknown reply the platform did not show is looked for again at most this often (searches are rate
limited: X allows 180 per 15 minutes)."""
CHECK_TIMEOUT = 60.0
"""Seconds a condition check or a reconcile lookup may take."""
FIRST_BACKOFF = timedelta(seconds=30)
"""The wait after the first retryable failure; each further one doubles it."""
MAX_BACKOFF = timedelta(hours=1)
"""The longest wait between retries."""
MAX_ERROR_LENGTH = 400
"""Characters of an error message kept on an item."""

_TOKENS: dict[int, str] = {}


def _token() -> str:
    """This process's random token (made afresh in a forked child, whose pid differs)."""
    return _TOKENS.setdefault(os.getpid(), token_source.token_hex(6))


def sender_id() -> str:
    """Who holds a claim made by this process: `host pid token` (the token tells a reused pid apart)."""
    return f"{socket.gethostname()} {os.getpid()} {_token()}"


def claim_is_abandoned(
    claimed_by: str, claimed_at: int | None, *, now: int, lease: timedelta = LEASE
) -> bool:
    """Whether a 'sending' claim's sender is gone: dead on this host, or silent for longer than the lease."""
    if claimed_at is None or now - claimed_at >= lease.total_seconds():
        return True
    host, _, rest = claimed_by.partition(" ")
    pid_text, _, token = rest.partition(" ")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's sender: only the lease can tell
    pid = int(pid_text)
    if pid == os.getpid():
        return token != _token()  # our pid, but an earlier process that had it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _clip(text: str) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def _error_text(error: BaseException, account: str) -> str:
    text = str(error) or type(error).__name__
    prefix = f"{account}: "
    return _clip(text[len(prefix) :] if text.startswith(prefix) else text)


def backoff(attempts: int) -> timedelta:
    """How long to wait before sending again after `attempts` retryable failures (30 s doubling, up to 1 h)."""
    return min(FIRST_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


# --- store work (runs on the StoreWriter thread) ---------------------------------------------------


@dataclass(frozen=True)
class _Due:
    """An item about to be sent, with everything the request needs."""

    id: int
    account: str
    platform: str
    conversation_id: int | None
    conversation_account_id: int | None
    thread_key: str
    text: str
    condition: Condition
    created_at: int
    reply_to_post_id: int | None
    reply_to_ext_id: str | None
    reply_to_url: str
    reply_to_raw: str
    reply_to_created_at: int | None
    reply_to_identity_id: int | None
    send_key: str | None
    attempts: int
    attempt_id: str = ""

    def target(self) -> ReplyTarget:
        """The platform's reference for what this reply answers."""
        try:
            raw = json.loads(self.reply_to_raw or "{}")
        except ValueError:
            raw = {}
        return ReplyTarget(
            thread_key=self.thread_key,
            ext_id=self.reply_to_ext_id,
            url=self.reply_to_url,
            extra=raw if isinstance(raw, dict) else {},
        )


_DUE_SELECT = """
SELECT o.id, a.name, a.platform, o.conversation_id, c.account_id, coalesce(c.thread_key, ''), o.text,
       o.condition, o.created_at, o.reply_to_post_id, p.ext_id, coalesce(p.url, ''), coalesce(p.raw, '{}'),
       p.created_at, p.identity_id, o.send_key, o.attempts, coalesce(o.attempt_id, '')
FROM outbox o
JOIN accounts a ON a.id = o.account_id
LEFT JOIN conversations c ON c.id = o.conversation_id
LEFT JOIN posts p ON p.id = o.reply_to_post_id
"""


def _due_from(row: Sequence[Any]) -> _Due:
    condition = Condition(row[7]) if row[7] in Condition._value2member_map_ else Condition.NONE
    return _Due(
        id=int(row[0]),
        account=str(row[1]),
        platform=str(row[2]),
        conversation_id=row[3],
        conversation_account_id=row[4],
        thread_key=str(row[5]),
        text=str(row[6]),
        condition=condition,
        created_at=int(row[8]),
        reply_to_post_id=row[9],
        reply_to_ext_id=None if row[10] is None else str(row[10]),
        reply_to_url=str(row[11]),
        reply_to_raw=str(row[12]),
        reply_to_created_at=row[13],
        reply_to_identity_id=row[14],
        send_key=row[15],
        attempts=int(row[16]),
        attempt_id=str(row[17]),
    )


def _durable(store: Store) -> None:
    """Make every commit on this connection reach the disk before it returns (claims and outcomes)."""
    store.conn.execute("PRAGMA synchronous = FULL")


def _due_items(store: Store, names: Sequence[str], now: int, limit: int) -> list[_Due]:
    if not names:
        return []
    marks = ",".join("?" * len(names))
    rows = store.conn.execute(
        _DUE_SELECT + f"WHERE o.state = 'scheduled' AND coalesce(o.send_at, 0) <= ? AND a.name IN ({marks}) "
        "ORDER BY coalesce(o.send_at, 0), o.id LIMIT ?",
        (now, *names, limit),
    ).fetchall()
    return [_due_from(row) for row in rows]


def _claim(store: Store, item_id: int, now: int) -> _Due | None:
    """Claim one due item for this process (None when another sender got it first, or it changed)."""
    attempt = token_source.token_hex(8)
    with store.write() as conn:
        claimed = conn.execute(
            "UPDATE outbox SET state = 'sending', attempt_id = ?, attempts = attempts + 1, claimed_by = ?, "
            "claimed_at = ?, send_key = coalesce(send_key, ?), updated_at = ? "
            "WHERE id = ? AND state = 'scheduled' AND coalesce(send_at, 0) <= ?",
            (attempt, sender_id(), now, attempt, now, item_id, now),
        ).rowcount
        if claimed != 1:
            return None
        row = conn.execute(_DUE_SELECT + "WHERE o.id = ?", (item_id,)).fetchone()
    return _due_from(row)


def _finish(store: Store, item: _Due, now: int, **changes: Any) -> bool:
    """Store an attempt's outcome, only if the claim is still this attempt's (True when stored)."""
    changes.setdefault("claimed_by", "")
    changes["updated_at"] = now
    sets = ", ".join(f"{column} = ?" for column in changes)
    with store.write() as conn:
        return (
            conn.execute(
                f"UPDATE outbox SET {sets} WHERE id = ? AND state = 'sending' AND attempt_id = ?",
                (*changes.values(), item.id, item.attempt_id),
            ).rowcount
            == 1
        )


def _set_state(store: Store, item_id: int, expected: OutboxState, now: int, **changes: Any) -> bool:
    changes["updated_at"] = now
    sets = ", ".join(f"{column} = ?" for column in changes)
    with store.write() as conn:
        return (
            conn.execute(
                f"UPDATE outbox SET {sets} WHERE id = ? AND state = ?",
                (*changes.values(), item_id, expected.value),
            ).rowcount
            == 1
        )


def _own_author(store: Store, account: str, platform: str, hint: Author | None) -> Author:
    """Our author for a stored reply: the identity sync already knows for the account, else the hint."""
    if (
        hint is not None
        and store.conn.execute(
            "SELECT 1 FROM identities WHERE platform = ? AND host = ? AND ext_id = ?",
            (platform, hint.host, hint.ext_id),
        ).fetchone()
    ):
        return hint  # the identity sync stores for our posts (found through its unique index)
    row = store.conn.execute("SELECT handle FROM accounts WHERE name = ?", (account,)).fetchone()
    handle = (hint.handle if hint is not None else "") or (str(row[0]) if row and row[0] else "") or account
    host = hint.host if hint is not None else ""
    known = store.conn.execute(
        "SELECT ext_id, handle, name, host FROM identities WHERE platform = ? AND lower(handle) = lower(?) "
        "ORDER BY is_own DESC, (host = ?) DESC LIMIT 1",
        (platform, handle, host),
    ).fetchone()
    if hint is not None and (known is None or hint.ext_id == str(known[0])):
        return hint
    if known is not None:
        return Author(
            platform=platform,
            host=str(known[3]),
            ext_id=str(known[0]),
            handle=str(known[1]),
            name=str(known[2]),
        )
    return Author(platform=platform, host=host, ext_id=handle, handle=handle)


def _record(store: Store, item_id: int, hint: Author | None, now: int) -> None:
    """Write a sent reply into its conversation: our post, answered, and the outbound interaction (once)."""
    row = store.conn.execute(
        "SELECT o.conversation_id, c.account_id, c.thread_key, o.remote_id, o.remote_url, o.text, "
        "coalesce(o.sent_at, o.updated_at), a.name, a.platform, p.ext_id, p.identity_id, c.last_author_id "
        "FROM outbox o JOIN accounts a ON a.id = o.account_id "
        "LEFT JOIN conversations c ON c.id = o.conversation_id LEFT JOIN posts p ON p.id = o.reply_to_post_id "
        "WHERE o.id = ? AND o.state = 'sent' AND o.recorded_at IS NULL",
        (item_id,),
    ).fetchone()
    if row is None:
        return
    (conversation_id, conv_account, thread_key, remote_id, remote_url, text, sent_at, account, platform) = (
        row[:9]
    )
    reply_to_ext_id, answered_identity, last_author = row[9], row[10], row[11]
    post_id: int | None = None
    if conversation_id is not None and remote_id:
        author = _own_author(store, str(account), str(platform), hint)
        ours = Post(
            ext_id=str(remote_id),
            thread_key=str(thread_key),
            author=author,
            text=str(text),
            created_at=datetime.fromtimestamp(int(sent_at), tz=UTC),
            url=str(remote_url),
            in_reply_to=reply_to_ext_id,
            direction="out",
            source="reply",
        )
        write_page(store, int(conv_account), Page(stream=f"outbox:{item_id}", posts=[ours]))
        found = store.conn.execute(
            "SELECT id FROM posts WHERE account_id = ? AND ext_id = ?", (conv_account, str(remote_id))
        ).fetchone()
        post_id = int(found[0]) if found else None
    recipient = answered_identity if answered_identity is not None else last_author
    with store.write() as conn:
        if conversation_id is not None:
            conn.execute("UPDATE conversations SET answered = 1, unread = 0 WHERE id = ?", (conversation_id,))
        person = None
        if recipient is not None:
            found_person = conn.execute(
                "SELECT person_id FROM identities WHERE id = ?", (recipient,)
            ).fetchone()
            person = found_person[0] if found_person else None
        account_id = conn.execute("SELECT account_id FROM outbox WHERE id = ?", (item_id,)).fetchone()[0]
        if post_id is not None:
            conn.execute(
                "INSERT INTO interactions (identity_id, person_id, account_id, direction, kind, post_id, "
                "conversation_id, occurred_at, note) VALUES (?, ?, ?, 'out', 'reply', ?, ?, ?, 'outbox') "
                "ON CONFLICT (post_id, kind) WHERE post_id IS NOT NULL DO UPDATE SET "
                "identity_id = excluded.identity_id, person_id = excluded.person_id, note = 'outbox'",
                (recipient, person, account_id, post_id, conversation_id, int(sent_at)),
            )
        else:
            conn.execute(
                "INSERT INTO interactions (identity_id, person_id, account_id, direction, kind, post_id, "
                "conversation_id, occurred_at, note) VALUES (?, ?, ?, 'out', 'reply', NULL, ?, ?, 'outbox')",
                (recipient, person, account_id, conversation_id, int(sent_at)),
            )
        conn.execute("UPDATE outbox SET recorded_at = ? WHERE id = ?", (now, item_id))


def _unrecorded(store: Store) -> list[int]:
    return [
        int(r[0])
        for r in store.conn.execute("SELECT id FROM outbox WHERE state = 'sent' AND recorded_at IS NULL")
    ]


def _record_all(store: Store, now: int) -> int:
    items = _unrecorded(store)
    for item_id in items:
        _record(store, item_id, None, now)
    return len(items)


def _condition_hit(store: Store, item: _Due) -> str:
    """Why the item's condition cancels it ("" when it may go), judged on the stored (fresh) thread."""
    if item.condition is Condition.NONE or item.conversation_id is None:
        return ""
    since = max(item.created_at, item.reply_to_created_at or 0)
    base = "SELECT p.author_handle FROM posts p LEFT JOIN identities i ON i.id = p.identity_id "
    # Seconds are coarse: a post in the same second as the one answered counts as later (it is not that one).
    base += "WHERE p.conversation_id = ? AND p.deleted = 0 AND p.created_at >= ? AND p.id != coalesce(?, -1) "
    if item.condition is Condition.UNLESS_THEY_REPLY:
        if item.reply_to_identity_id is not None:
            row = store.conn.execute(
                base + "AND p.identity_id = ? ORDER BY p.created_at LIMIT 1",
                (item.conversation_id, since, item.reply_to_post_id, item.reply_to_identity_id),
            ).fetchone()
        else:
            row = store.conn.execute(
                base + "AND p.direction = 'in' AND coalesce(i.is_own, 0) = 0 ORDER BY p.created_at LIMIT 1",
                (item.conversation_id, since, item.reply_to_post_id),
            ).fetchone()
        return f"@{_clip(str(row[0]))[:60]} replied first" if row else ""
    row = store.conn.execute(
        base + "AND (p.direction = 'out' OR coalesce(i.is_own, 0) = 1 OR lower(p.author_handle) IN "
        "(SELECT lower(handle) FROM accounts WHERE platform = ? AND handle != '')) ORDER BY p.created_at LIMIT 1",
        (item.conversation_id, since, item.reply_to_post_id, item.platform),
    ).fetchone()
    return f"@{_clip(str(row[0]))[:60]} already replied from our side" if row else ""


def _store_thread(store: Store, conversation_account_id: int, thread_key: str, posts: list[Post]) -> None:
    if posts:
        write_page(store, conversation_account_id, Page(stream=f"thread:{thread_key}", posts=posts))


def _abandon_claims(store: Store, now: int) -> list[SendResult]:
    """Make 'sending' items whose sender is gone unknown."""
    results = []
    rows = store.conn.execute(
        "SELECT id, claimed_by, claimed_at, coalesce(attempt_id, '') FROM outbox WHERE state = 'sending'"
    ).fetchall()
    for item_id, claimed_by, claimed_at, attempt in rows:
        if not claim_is_abandoned(str(claimed_by), claimed_at, now=now):
            continue
        message = "the sender stopped while sending; the reply may or may not have been published"
        with store.write() as conn:
            changed = conn.execute(
                "UPDATE outbox SET state = 'unknown', error = ?, claimed_by = '', checked_at = NULL, updated_at = ? "
                "WHERE id = ? AND state = 'sending' AND coalesce(attempt_id, '') = ?",
                (message, now, item_id, attempt),
            ).rowcount
        if changed:
            results.append(SendResult(int(item_id), OutboxState.UNKNOWN, f"#{item_id} unknown: {message}"))
    return results


def _unknown_items(store: Store, names: Sequence[str], now: int, limit: int) -> list[_Due]:
    """Unknown items not looked for yet, or not for `RECHECK_AFTER`."""
    if not names:
        return []
    marks = ",".join("?" * len(names))
    rows = store.conn.execute(
        _DUE_SELECT + f"WHERE o.state = 'unknown' AND coalesce(o.checked_at, 0) <= ? AND a.name IN ({marks}) "
        "ORDER BY o.id LIMIT ?",
        (now - int(RECHECK_AFTER.total_seconds()), *names, limit),
    ).fetchall()
    return [_due_from(row) for row in rows]


# --- the network side ------------------------------------------------------------------------------


def _hint_from(connector: Connector) -> Author | None:
    """Our own author as the connector knows it after a request (X's user, a forum's username)."""
    platform = connector.platform
    me = getattr(connector, "me", None)
    if isinstance(me, dict) and me.get("id") and me.get("username"):
        return Author(
            platform=platform,
            ext_id=str(me["id"]),
            handle=str(me["username"]),
            name=str(me.get("name") or ""),
        )
    username = getattr(connector, "username", None)
    if isinstance(username, str) and username:
        return Author(
            platform=platform,
            host=str(getattr(connector, "host", "") or ""),
            ext_id=username,
            handle=username,
        )
    actor = getattr(connector, "actor_urn", None)
    if isinstance(actor, str) and actor:
        return Author(platform=platform, ext_id=actor, handle=actor)
    return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


async def find_reply(connector: Connector, target: ReplyTarget, text: str) -> PostRef | None:
    """Look for our reply with this text on the platform (None when not found or the platform cannot tell)."""
    finder = getattr(connector, "find_reply", None)
    if callable(finder):
        found = await finder(target, text)
        return found if isinstance(found, PostRef) else None
    if not connector.can(Capability.THREAD):
        return None
    posts = await connector.fetch_thread(target.thread_key)
    ours = _hint_from(connector)
    for post in posts:
        by_us = post.direction == "out" or (
            ours is not None and post.author.handle.lower() == ours.handle.lower()
        )
        answers = target.ext_id is None or post.in_reply_to in (None, target.ext_id)
        if by_us and answers and post.ext_id != target.ext_id and _same_text(post.text, text):
            return PostRef(ext_id=post.ext_id, url=post.url)
    return None


@dataclass
class _Pass:
    """One send or reconcile pass: the store, the accounts and how to reach them."""

    writer: StoreWriter
    accounts: dict[str, SyncAccount]
    secrets: Mapping[str, str | None]
    save_secret: Callable[[str, str], None] | None
    factory: ConnectorFactory
    should_stop: Callable[[], bool] | None = None

    def error_text(self, error: BaseException, account: str) -> str:
        """An error as one clean line for the item and the CLI, without the account's secret in any form."""
        from cockpit.services.sync import _Redactor

        return _clip(_Redactor(self.secrets.get(account))(_error_text(error, account)))

    def connector(self, name: str) -> Connector:
        account = self.accounts[name]
        connector = self.factory(account, self.secrets.get(name))
        if self.save_secret is not None:
            connector.on_new_secret = functools.partial(self.save_secret, name)
        return connector


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _taken(item: _Due, label: str) -> SendResult:
    return SendResult(item.id, OutboxState.SENDING, f"{label} skipped: another sender has it", changed=False)


async def _send_one(run: _Pass, connector: Connector, item: _Due, now: datetime) -> SendResult:
    writer = run.writer
    label = f"#{item.id} {item.account}"
    stamp = int(now.timestamp())
    if item.condition is not Condition.NONE:
        if item.conversation_id is None or item.conversation_account_id is None:
            hit = ""
        elif not connector.can(Capability.THREAD):
            message = (
                f"{item.platform} cannot fetch the thread to check the condition; "
                "reschedule it without the condition or cancel it"
            )
            if not await writer.call(
                _set_state, item.id, OutboxState.SCHEDULED, stamp, state="failed", error=message
            ):
                return _taken(item, label)
            return SendResult(item.id, OutboxState.FAILED, f"{label} failed: {message}")
        else:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    posts = await connector.fetch_thread(item.thread_key)
            except (ConnectorError, TimeoutError) as error:
                return await _retry_later(run, item, stamp, error, "could not check the condition")
            await writer.call(_store_thread, item.conversation_account_id, item.thread_key, posts)
            hit = await writer.call(_condition_hit, item)
        if hit:
            reason = f"cancelled: {hit} (condition: {item.condition.value.replace('_', ' ')})"
            if not await writer.call(
                _set_state, item.id, OutboxState.SCHEDULED, stamp, state="cancelled", error=reason
            ):
                return _taken(item, label)  # another sender claimed (or sent) it meanwhile
            return SendResult(item.id, OutboxState.CANCELLED, f"{label} {reason}")
    claimed = await writer.call(_claim, item.id, stamp)
    if claimed is None:
        return _taken(item, label)
    item = claimed
    if item.conversation_id is None or not item.thread_key:
        message = "its conversation is no longer stored; write the reply again"
        await writer.call(_finish, item, stamp, state="failed", error=message)
        return SendResult(item.id, OutboxState.FAILED, f"{label} failed: {message}")
    idempotent = connector.can(Capability.IDEMPOTENT_WRITES)
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            ref = await connector.reply(item.target(), item.text, key=item.send_key or item.attempt_id)
    except RateLimited as error:
        until = max(error.until, datetime.now(UTC) + timedelta(seconds=1))
        message = f"rate limited until {_when(until)}; will send then"
        await writer.call(
            _finish, item, stamp, state="scheduled", send_at=int(until.timestamp()) + 1, error=message
        )
        return SendResult(item.id, OutboxState.SCHEDULED, f"{label} {message}")
    except RequestNotSent as error:  # the connection was never made: safe to send again later
        return await _retry_after_claim(run, item, stamp, error)
    except TransientError as error:
        # Anything else transient may come after the platform stored the post (a garbled answer to the write).
        return await _unknown(run, connector, item, stamp, run.error_text(error, item.account), idempotent)
    except DuplicateContent as error:
        message = f"duplicate content: {run.error_text(error, item.account)}"
        await writer.call(_finish, item, stamp, state="failed", error=message)
        return SendResult(item.id, OutboxState.FAILED, f"{label} failed: {message}")
    except AuthExpired:
        message = f"token for {item.account} expired or missing: run `cockpit accounts login {item.account}`, then retry"
        await writer.call(_finish, item, stamp, state="failed", error=message)
        return SendResult(item.id, OutboxState.FAILED, f"{label} failed: {message}")
    except (PermissionDenied, ConnectorError) as error:
        if isinstance(error, OutcomeUnknown) or _accepted_without_reference(error):
            return await _unknown(
                run, connector, item, stamp, run.error_text(error, item.account), idempotent
            )
        message = run.error_text(error, item.account)
        await writer.call(_finish, item, stamp, state="failed", error=message)
        return SendResult(item.id, OutboxState.FAILED, f"{label} failed: {message}")
    except TimeoutError:
        return await _unknown(
            run, connector, item, stamp, f"no answer within {REQUEST_TIMEOUT:g} s", idempotent
        )
    except Exception as error:  # a bug while the request may have been out: never resend blindly
        log.warning("sending outbox item %s failed unexpectedly: %s", item.id, type(error).__name__)
        return await _unknown(run, connector, item, stamp, f"unexpected {type(error).__name__}", idempotent)
    sent_at = int(datetime.now(UTC).timestamp())
    stored = await writer.call(
        _finish,
        item,
        sent_at,
        state="sent",
        remote_id=ref.ext_id,
        remote_url=ref.url,
        error="",
        sent_at=sent_at,
    )
    if stored:
        await writer.call(_record, item.id, _hint_from(connector), sent_at)
    return SendResult(item.id, OutboxState.SENT, f"{label} sent {ref.url or ref.ext_id}")


def _accepted_without_reference(error: ConnectorError) -> bool:
    """Whether a connector said the platform took the post but sent no id back (X, LinkedIn, Discourse word it
    "accepted the ... but sent no ... id back"): the post exists, so it is looked for, never failed and resent."""
    return (
        isinstance(error, PermanentError) and " accepted the " in error.message and "sent no" in error.message
    )


async def _retry_later(run: _Pass, item: _Due, stamp: int, error: BaseException, what: str) -> SendResult:
    """Before a claim: push the item back by the backoff (its attempts count the failure)."""
    until = datetime.fromtimestamp(stamp, tz=UTC) + backoff(item.attempts + 1)
    if isinstance(error, RateLimited):
        until = max(until, error.until)
    message = f"{what}: {run.error_text(error, item.account)}; will try again at {_when(until)}"
    await run.writer.call(
        _set_state,
        item.id,
        OutboxState.SCHEDULED,
        stamp,
        send_at=int(until.timestamp()),
        attempts=item.attempts + 1,
        error=_clip(message),
    )
    return SendResult(item.id, OutboxState.SCHEDULED, f"#{item.id} {item.account} {message}")


async def _retry_after_claim(run: _Pass, item: _Due, stamp: int, error: BaseException) -> SendResult:
    until = datetime.fromtimestamp(stamp, tz=UTC) + backoff(item.attempts)
    message = f"{run.error_text(error, item.account)}; will try again at {_when(until)}"
    await run.writer.call(
        _finish, item, stamp, state="scheduled", send_at=int(until.timestamp()), error=_clip(message)
    )
    return SendResult(item.id, OutboxState.SCHEDULED, f"#{item.id} {item.account} {message}")


async def _unknown(
    run: _Pass, connector: Connector, item: _Due, stamp: int, why: str, idempotent: bool
) -> SendResult:
    """The request may have gone out: store unknown, then look for it on the platform at once."""
    message = f"{why}; the reply may or may not have been published"
    stored = await run.writer.call(
        _finish, item, stamp, state="unknown", error=_clip(message), checked_at=None
    )
    if not stored:
        return SendResult(item.id, OutboxState.UNKNOWN, f"#{item.id} {item.account} unknown: {message}")
    return await _settle_unknown(run, connector, item, idempotent, fresh=True)


async def _settle_unknown(
    run: _Pass, connector: Connector, item: _Due, idempotent: bool, *, fresh: bool = False
) -> SendResult:
    """Look for an unknown item's reply on its platform: found -> sent; not found -> unknown (or resent)."""
    label = f"#{item.id} {item.account}"
    now = int(datetime.now(UTC).timestamp())
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            found = await find_reply(connector, item.target(), item.text)
    except (ConnectorError, TimeoutError) as error:
        reason = (
            "no answer in time" if isinstance(error, TimeoutError) else run.error_text(error, item.account)
        )
        message = f"{label} unknown: could not look on {item.platform}: {reason}"
        return SendResult(item.id, OutboxState.UNKNOWN, message, changed=fresh)
    if found is not None:
        changed = await run.writer.call(
            _set_state,
            item.id,
            OutboxState.UNKNOWN,
            now,
            state="sent",
            remote_id=found.ext_id,
            remote_url=found.url,
            error="",
            sent_at=now,
        )
        if changed:
            await run.writer.call(_record, item.id, _hint_from(connector), now)
        return SendResult(
            item.id, OutboxState.SENT, f"{label} sent (found on {item.platform}) {found.url or found.ext_id}"
        )
    if idempotent:
        until = datetime.fromtimestamp(now, tz=UTC) + backoff(item.attempts)
        await run.writer.call(
            _set_state,
            item.id,
            OutboxState.UNKNOWN,
            now,
            state="scheduled",
            send_at=int(until.timestamp()),
            error=f"not found on {item.platform}; sending again with the same idempotency key",
        )
        return SendResult(
            item.id, OutboxState.SCHEDULED, f"{label} not found; will send again at {_when(until)}"
        )
    message = (
        f"not found on {item.platform}: check there, then mark it sent or send it again"
        if connector.can(Capability.THREAD) or callable(getattr(connector, "find_reply", None))
        else f"{item.platform} cannot be searched for it: check there, then mark it sent or send it again"
    )
    await run.writer.call(_set_state, item.id, OutboxState.UNKNOWN, now, error=message, checked_at=now)
    return SendResult(item.id, OutboxState.UNKNOWN, f"{label} unknown: {message}", changed=fresh)


async def _close(connector: Connector | None) -> None:
    if connector is None:
        return
    try:
        async with asyncio.timeout(5):
            await connector.aclose()
    except Exception as error:
        log.debug("closing a connector failed: %s", type(error).__name__)


def _account_failure(
    run: _Pass, item_ids: Sequence[int], name: str, error: BaseException
) -> list[SendResult]:
    message = (
        run.error_text(error, name)
        if isinstance(error, ConnectorError)
        else f"cannot reach {name}: {type(error).__name__}"
    )
    return [SendResult(i, OutboxState.SCHEDULED, f"#{i} {name} not sent: {message}") for i in item_ids]


async def _send_account(run: _Pass, name: str, items: list[_Due], now: datetime) -> list[SendResult]:
    results: list[SendResult] = []
    connector: Connector | None = None
    try:
        connector = run.connector(name)
        for item in items:
            if run.should_stop is not None and run.should_stop():
                break  # the rest stay scheduled for the next pass
            results.append(await _send_one(run, connector, item, max(now, datetime.now(UTC))))
    except Exception as error:  # the connector could not be built (bad options): the items wait
        done = {r.item_id for r in results}
        results += _account_failure(run, [i.id for i in items if i.id not in done], name, error)
    finally:
        await _close(connector)
    return results


def _by_account(items: Sequence[_Due]) -> dict[str, list[_Due]]:
    grouped: dict[str, list[_Due]] = {}
    for item in items:
        grouped.setdefault(item.account, []).append(item)
    return grouped


async def send_due(
    store_path: Path,
    accounts: Sequence[SyncAccount],
    *,
    secrets: Mapping[str, str | None] | None = None,
    save_secret: Callable[[str, str], None] | None = None,
    now: datetime | None = None,
    connector_factory: ConnectorFactory | None = None,
    limit: int = 50,
    should_stop: Callable[[], bool] | None = None,
) -> list[SendResult]:
    """Send up to `limit` items due at `now` for `accounts` (each account in turn, accounts concurrently).

    `should_stop()` is asked before each item: once it says yes, the items not started wait for the next pass.
    """
    moment = _utc(now)
    async with StoreWriter(store_path) as writer:
        await writer.call(_durable)
        run = _Pass(
            writer,
            {a.name: a for a in accounts},
            secrets or {},
            save_secret,
            connector_factory or default_connector_factory,
            should_stop,
        )
        await writer.call(_record_all, int(moment.timestamp()))
        due = await writer.call(_due_items, list(run.accounts), int(moment.timestamp()), limit)
        groups = _by_account(due)
        batches = await asyncio.gather(
            *(_send_account(run, name, items, moment) for name, items in groups.items())
        )
    return [result for batch in batches for result in batch]


async def reconcile(
    store_path: Path,
    accounts: Sequence[SyncAccount],
    *,
    secrets: Mapping[str, str | None] | None = None,
    save_secret: Callable[[str, str], None] | None = None,
    connector_factory: ConnectorFactory | None = None,
    limit: int = 200,
) -> list[SendResult]:
    """Make abandoned claims unknown, finish recording sent replies, and look for unknown replies on their platforms."""
    async with StoreWriter(store_path) as writer:
        await writer.call(_durable)
        run = _Pass(
            writer,
            {a.name: a for a in accounts},
            secrets or {},
            save_secret,
            connector_factory or default_connector_factory,
        )
        now = int(datetime.now(UTC).timestamp())
        results = await writer.call(_abandon_claims, now)
        await writer.call(_record_all, now)
        unknown = await writer.call(_unknown_items, list(run.accounts), now, limit)
        batches = await asyncio.gather(
            *(_settle_account(run, name, items) for name, items in _by_account(unknown).items())
        )
    settled = {r.item_id: r for batch in batches for r in batch}
    abandoned = [replace(settled.pop(r.item_id, r), changed=True) for r in results]
    return abandoned + list(settled.values())


async def _settle_account(run: _Pass, name: str, items: list[_Due]) -> list[SendResult]:
    results: list[SendResult] = []
    connector: Connector | None = None
    try:
        connector = run.connector(name)
        idempotent = connector.can(Capability.IDEMPOTENT_WRITES)
        for item in items:
            results.append(await _settle_unknown(run, connector, item, idempotent))
    except Exception as error:
        done = {r.item_id for r in results}
        results += [
            SendResult(
                i.id, OutboxState.UNKNOWN, f"#{i.id} {name} unknown: could not look: {type(error).__name__}"
            )
            for i in items
            if i.id not in done
        ]
    finally:
        await _close(connector)
    return results
