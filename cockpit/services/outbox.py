"""The outbox: drafts, scheduled replies and their states, sent exactly once even across crashes.

States (docs/outbox.md has the whole story):

    draft -> scheduled -> sending -> sent
                             |  -> failed      (permanent: stays, with the reason; retryable: back to scheduled)
                             |  -> unknown     (the request may have gone out: never resent automatically)
    scheduled/failed/unknown/draft -> cancelled

Every function here takes a `Store` and writes inside `store.write()` (one IMMEDIATE transaction), so the TUI,
`cockpit daemon` and `cockpit send-due` can share one database. Times are aware datetimes (UTC) in and out,
integer Unix seconds in the table. Sending lives in `cockpit.services.outbox_sender` (`send_due`, `reconcile`
here are its entry points).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.errors import UserError
from cockpit.store.db import Store

if TYPE_CHECKING:
    from cockpit.services.sync import ConnectorFactory, SyncAccount


class OutboxState(StrEnum):
    """Where an outbox item is in its life."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


class Condition(StrEnum):
    """A reason to cancel a scheduled reply, checked against a fresh fetch of the thread just before sending."""

    NONE = ""
    UNLESS_THEY_REPLY = "unless_they_reply"
    UNLESS_WE_REPLIED = "unless_we_replied"


class OutboxError(UserError):
    """An outbox action that does not fit the item's state; the message says what to do instead."""


@dataclass(frozen=True)
class OutboxItem:
    """One row of the outbox, with its account and conversation named for lists."""

    id: int
    conversation_id: int | None
    account_id: int
    account_name: str
    platform: str
    reply_to_post_id: int | None
    text: str
    state: OutboxState
    send_at: datetime | None
    condition: Condition
    attempts: int
    remote_id: str | None
    remote_url: str
    error: str
    created_at: datetime
    updated_at: datetime
    conversation_title: str


@dataclass(frozen=True)
class SendResult:
    """What happened to one item in a send or reconcile pass; `message` is one line for a status bar or CLI."""

    item_id: int
    state: OutboxState
    message: str
    changed: bool = True
    """False when the pass only looked again at an item that stays as it was (an unknown reply still not found)."""


EDITABLE = frozenset({OutboxState.SCHEDULED, OutboxState.FAILED})
"""States whose text and time the user may still change."""
CANCELLABLE = frozenset({OutboxState.SCHEDULED, OutboxState.FAILED, OutboxState.UNKNOWN, OutboxState.DRAFT})
"""States the user may cancel from."""


def _ts(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("outbox times must be aware datetimes")
    return int(moment.timestamp())


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), tz=UTC)


def _now(now: datetime | None) -> int:
    return _ts(now) if now is not None else int(datetime.now(UTC).timestamp())  # type: ignore[return-value]


_SELECT = """
SELECT o.id, o.conversation_id, o.account_id, coalesce(a.name, ''), coalesce(a.platform, ''),
       o.reply_to_post_id, o.text, o.state, o.send_at, o.condition, o.attempts, o.remote_id, o.remote_url,
       o.error, o.created_at, o.updated_at,
       coalesce(nullif(c.title, ''), c.excerpt, '')
FROM outbox o
LEFT JOIN accounts a ON a.id = o.account_id
LEFT JOIN conversations c ON c.id = o.conversation_id
"""


def _item(row: Sequence[Any]) -> OutboxItem:
    created = _dt(row[14])
    updated = _dt(row[15])
    assert created is not None and updated is not None
    return OutboxItem(
        id=int(row[0]),
        conversation_id=None if row[1] is None else int(row[1]),
        account_id=int(row[2]),
        account_name=str(row[3]),
        platform=str(row[4]),
        reply_to_post_id=None if row[5] is None else int(row[5]),
        text=str(row[6]),
        state=OutboxState(row[7]),
        send_at=_dt(row[8]),
        condition=Condition(row[9]) if row[9] in Condition._value2member_map_ else Condition.NONE,
        attempts=int(row[10]),
        remote_id=None if row[11] is None else str(row[11]),
        remote_url=str(row[12]),
        error=str(row[13]),
        created_at=created,
        updated_at=updated,
        conversation_title=" ".join(str(row[16]).split())[:200],
    )


def _state_of(store: Store, item_id: int) -> OutboxState:
    row = store.conn.execute("SELECT state FROM outbox WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise OutboxError(f"outbox item {item_id} no longer exists: refresh the Outbox")
    return OutboxState(row[0])


def _check_text(text: str) -> None:
    if not text.strip():
        raise OutboxError("the reply is empty: write something first")


def _check_targets(store: Store, conversation_id: int, account_id: int) -> None:
    conn = store.conn
    if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
        raise OutboxError(f"conversation {conversation_id} no longer exists: pick another one")
    if conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone() is None:
        raise OutboxError(f"account {account_id} no longer exists: choose another account to reply as")


# --- drafts ------------------------------------------------------------------------------------------


def save_draft(
    store: Store,
    *,
    conversation_id: int,
    account_id: int,
    reply_to_post_id: int | None,
    text: str,
    now: datetime | None = None,
) -> int:
    """Save the conversation's draft (one per conversation: saving again replaces its text) and return its id."""
    stamp = _now(now)
    _check_targets(store, conversation_id, account_id)
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM outbox WHERE conversation_id = ? AND state = 'draft'", (conversation_id,)
        ).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE outbox SET account_id = ?, reply_to_post_id = ?, text = ?, updated_at = ? WHERE id = ?",
                (account_id, reply_to_post_id, text, stamp, row[0]),
            )
            return int(row[0])
        cursor = conn.execute(
            "INSERT INTO outbox (conversation_id, account_id, reply_to_post_id, text, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'draft', ?, ?)",
            (conversation_id, account_id, reply_to_post_id, text, stamp, stamp),
        )
        return int(cursor.lastrowid or 0)


def draft_for(store: Store, conversation_id: int) -> OutboxItem | None:
    """The conversation's saved draft, if it has one."""
    row = store.conn.execute(
        _SELECT + "WHERE o.conversation_id = ? AND o.state = 'draft'", (conversation_id,)
    ).fetchone()
    return None if row is None else _item(row)


def discard_draft(store: Store, conversation_id: int) -> None:
    """Delete the conversation's draft (nothing happens when it has none)."""
    with store.write() as conn:
        conn.execute("DELETE FROM outbox WHERE conversation_id = ? AND state = 'draft'", (conversation_id,))


# --- scheduling --------------------------------------------------------------------------------------


def schedule(
    store: Store,
    *,
    conversation_id: int,
    account_id: int,
    reply_to_post_id: int | None,
    text: str,
    send_at: datetime | None = None,
    condition: Condition = Condition.NONE,
    now: datetime | None = None,
) -> int:
    """Schedule a reply (`send_at` None: as soon as possible); the conversation's draft becomes the item."""
    _check_text(text)
    stamp = _now(now)
    when = _ts(send_at)
    _check_targets(store, conversation_id, account_id)
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM outbox WHERE conversation_id = ? AND state = 'draft'", (conversation_id,)
        ).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE outbox SET account_id = ?, reply_to_post_id = ?, text = ?, state = 'scheduled', "
                "send_at = ?, condition = ?, error = '', updated_at = ? WHERE id = ?",
                (account_id, reply_to_post_id, text, when, Condition(condition).value, stamp, row[0]),
            )
            return int(row[0])
        cursor = conn.execute(
            "INSERT INTO outbox (conversation_id, account_id, reply_to_post_id, text, state, send_at, condition, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
            (
                conversation_id,
                account_id,
                reply_to_post_id,
                text,
                when,
                Condition(condition).value,
                stamp,
                stamp,
            ),
        )
        return int(cursor.lastrowid or 0)


def get(store: Store, item_id: int) -> OutboxItem | None:
    """One item by id, or None."""
    row = store.conn.execute(_SELECT + "WHERE o.id = ?", (item_id,)).fetchone()
    return None if row is None else _item(row)


def list_items(
    store: Store, states: Iterable[OutboxState] | None = None, limit: int = 500
) -> list[OutboxItem]:
    """Items in the given states (all but drafts when None), newest first."""
    wanted = (
        [OutboxState(s).value for s in states]
        if states is not None
        else [s.value for s in OutboxState if s is not OutboxState.DRAFT]
    )
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    rows = store.conn.execute(
        _SELECT + f"WHERE o.state IN ({marks}) ORDER BY o.id DESC LIMIT ?", (*wanted, int(limit))
    ).fetchall()
    return [_item(row) for row in rows]


def counts(store: Store) -> dict[OutboxState, int]:
    """How many items are in each state (every state present, zero when empty)."""
    found = {state: 0 for state in OutboxState}
    for state, number in store.conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
        found[OutboxState(state)] = int(number)
    return found


def _require(store: Store, item_id: int, allowed: frozenset[OutboxState], action: str) -> OutboxState:
    state = _state_of(store, item_id)
    if state not in allowed:
        hint = {
            OutboxState.SENDING: "it is being sent right now; wait for the result",
            OutboxState.SENT: "it was already sent",
            OutboxState.CANCELLED: "it was cancelled; write a new reply instead",
            OutboxState.UNKNOWN: "it may already be on the platform: check there, then mark it sent or not sent",
            OutboxState.DRAFT: "it is still a draft; schedule it first",
        }.get(state, f"it is {state.value}")
        raise OutboxError(f"cannot {action} outbox item {item_id}: {hint}")
    return state


def edit(store: Store, item_id: int, text: str) -> None:
    """Change the text of a scheduled or failed item (a new text gets a new idempotency key)."""
    _check_text(text)
    with store.write() as conn:
        _require(store, item_id, EDITABLE, "edit")
        conn.execute(
            "UPDATE outbox SET text = ?, send_key = NULL, updated_at = ? WHERE id = ?",
            (text, _now(None), item_id),
        )


def reschedule(store: Store, item_id: int, send_at: datetime | None) -> None:
    """Schedule a scheduled or failed item for `send_at` (None: as soon as possible)."""
    when = _ts(send_at)
    with store.write() as conn:
        _require(store, item_id, EDITABLE, "reschedule")
        conn.execute(
            "UPDATE outbox SET state = 'scheduled', send_at = ?, error = '', updated_at = ? WHERE id = ?",
            (when, _now(None), item_id),
        )


def cancel(store: Store, item_id: int) -> None:
    """Cancel a scheduled, failed, unknown or draft item; it will never be sent."""
    with store.write() as conn:
        _require(store, item_id, CANCELLABLE, "cancel")
        conn.execute(
            "UPDATE outbox SET state = 'cancelled', error = 'cancelled by you', updated_at = ? WHERE id = ?",
            (_now(None), item_id),
        )


def retry(store: Store, item_id: int) -> None:
    """Send a failed item again as soon as possible."""
    with store.write() as conn:
        _require(store, item_id, frozenset({OutboxState.FAILED}), "retry")
        conn.execute(
            "UPDATE outbox SET state = 'scheduled', send_at = NULL, error = '', updated_at = ? WHERE id = ?",
            (_now(None), item_id),
        )


def resolve_unknown(store: Store, item_id: int, *, sent: bool, remote_url: str = "") -> None:
    """Record the user's answer for an unknown item: sent (done) or not sent (scheduled to send again now)."""
    stamp = _now(None)
    with store.write() as conn:
        _require(store, item_id, frozenset({OutboxState.UNKNOWN}), "resolve")
        if sent:
            conn.execute(
                "UPDATE outbox SET state = 'sent', remote_url = ?, error = '', sent_at = ?, updated_at = ? "
                "WHERE id = ?",
                (remote_url.strip()[:2000], stamp, stamp, item_id),
            )
        else:
            conn.execute(
                "UPDATE outbox SET state = 'scheduled', send_at = NULL, error = '', updated_at = ? WHERE id = ?",
                (stamp, item_id),
            )


def next_due(store: Store) -> datetime | None:
    """When the earliest scheduled item is due (a past time when one is due now), or None."""
    row = store.conn.execute(
        "SELECT min(coalesce(send_at, updated_at)) FROM outbox WHERE state = 'scheduled'"
    ).fetchone()
    return _dt(row[0]) if row and row[0] is not None else None


# --- sending (the engine is in outbox_sender) --------------------------------------------------------


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
    """Send the items due at `now` (claiming each atomically, so several senders never send one twice)."""
    from cockpit.services import outbox_sender

    return await outbox_sender.send_due(
        store_path,
        accounts,
        secrets=secrets,
        save_secret=save_secret,
        now=now,
        connector_factory=connector_factory,
        limit=limit,
        should_stop=should_stop,
    )


async def reconcile(
    store_path: Path,
    accounts: Sequence[SyncAccount],
    *,
    secrets: Mapping[str, str | None] | None = None,
    save_secret: Callable[[str, str], None] | None = None,
    connector_factory: ConnectorFactory | None = None,
) -> list[SendResult]:
    """Turn abandoned claims into unknown items, then look for each unknown reply on its platform."""
    from cockpit.services import outbox_sender

    return await outbox_sender.reconcile(
        store_path,
        accounts,
        secrets=secrets,
        save_secret=save_secret,
        connector_factory=connector_factory,
    )
