"""Liking the newest inbound post of a conversation on its platform, and recording it as an interaction."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cockpit.services.sync import ConnectorFactory, SyncAccount, default_connector_factory
from cockpit.store import open_store
from cockpit.store.db import now
from connectors.errors import ConnectorError
from connectors.models import Capability


@dataclass(frozen=True)
class LikeResult:
    """What a like did: `ok`, or a one-line message saying what went wrong and what to do."""

    ok: bool
    message: str
    post_id: int | None = None


@dataclass(frozen=True)
class LikeTarget:
    """The post a like goes to: the conversation's newest inbound post, and its account."""

    post_id: int
    ext_id: str
    account: str
    platform: str
    identity_id: int | None


def like_target(db_path: Path, conversation_id: int) -> LikeTarget | None:
    """The newest inbound, not deleted post of a conversation, or None when it has none."""
    store = open_store(db_path, create=False)
    try:
        row = store.conn.execute(
            """
            SELECT p.id, p.ext_id, a.name, a.platform, p.identity_id
            FROM posts p JOIN accounts a ON a.id = p.account_id
            WHERE p.conversation_id = ? AND p.direction = 'in' AND p.deleted = 0
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1
            """,
            (conversation_id,),
        ).fetchone()
    finally:
        store.close()
    return LikeTarget(*row) if row else None


def record_like(db_path: Path, conversation_id: int, target: LikeTarget) -> None:
    """Record the like as an outbound interaction of kind 'like' (once per post)."""
    store = open_store(db_path)
    try:
        with store.write() as conn:
            conn.execute(
                """
                INSERT OR IGNORE INTO interactions
                    (identity_id, person_id, account_id, direction, kind, post_id, conversation_id, occurred_at)
                SELECT ?, i.person_id, p.account_id, 'out', 'like', p.id, ?, ?
                FROM posts p LEFT JOIN identities i ON i.id = ? WHERE p.id = ?
                """,
                (target.identity_id, conversation_id, now(), target.identity_id, target.post_id),
            )
    finally:
        store.close()


async def like_conversation(
    db_path: Path,
    conversation_id: int,
    account: SyncAccount | None,
    secret: str | None,
    *,
    save_secret: Callable[[str, str], None] | None = None,
    connector_factory: ConnectorFactory | None = None,
) -> LikeResult:
    """Like the conversation's newest inbound post with its account's connector; errors come back as text."""
    target = like_target(db_path, conversation_id)
    if target is None:
        return LikeResult(False, "Nothing to like: this conversation has no post from someone else.")
    if account is None:
        return LikeResult(
            False,
            f"Account {target.account!r} is not in config.toml (or is disabled): add it to like from here.",
        )
    connector = (connector_factory or default_connector_factory)(account, secret)
    if save_secret is not None:
        connector.on_new_secret = functools.partial(save_secret, account.name)
    try:
        if not connector.can(Capability.LIKE):
            return LikeResult(
                False,
                f"{account.name}: {account.platform} cannot like from the cockpit: press o and like it in the browser.",
            )
        try:
            await connector.like(target.ext_id)
        except ConnectorError as error:
            return LikeResult(False, f"Not liked: {error}")
    finally:
        await connector.aclose()
    record_like(db_path, conversation_id, target)
    return LikeResult(True, "Liked", post_id=target.post_id)
