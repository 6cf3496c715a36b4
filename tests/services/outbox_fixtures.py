"""A synced X sandbox account and helpers to schedule replies to its mentions, for the outbox tests."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cockpit.services import outbox
from cockpit.services.outbox import Condition
from cockpit.services.sync import sync_accounts
from cockpit.store import open_store
from connectors.sandbox.x import SANDBOX_TOKEN, XSandbox

ACCOUNT = "acme-x"


@dataclass(frozen=True)
class XAccount:
    """An X account pointed at the sandbox (fits `SyncAccount`)."""

    base_url: str
    name: str = ACCOUNT
    platform: str = "x"
    options: Mapping[str, Any] = field(
        default_factory=lambda: {"timeout_seconds": 1.0, "retry_wait_seconds": 0, "retry_attempts": 1}
    )


def relaxed_x_sandbox() -> XSandbox:
    """An X sandbox whose budgets never run out during a test that posts hundreds of replies."""
    sandbox = XSandbox()
    sandbox.daily_post_limit = 100_000
    for key in sandbox.rate_limits:
        sandbox.rate_limits[key] = 100_000
    return sandbox


class World:
    """The database, the sandbox and the account, with helpers that read like the test's story."""

    def __init__(self, db: Path, sandbox: XSandbox) -> None:
        self.db = db
        self.sandbox = sandbox
        self.account = XAccount(base_url=sandbox.url)
        self.secrets = {ACCOUNT: SANDBOX_TOKEN}

    def mention(self, text: str, who: str = "priyaraman") -> str:
        """Add a new mention of us on X; return its tweet id."""
        return str(self.sandbox.add_tweet(who, text).id)

    def sync(self) -> None:
        """Sync the account into the database (real ingest)."""
        [result] = asyncio.run(sync_accounts(self.db, [self.account], secrets=self.secrets))
        assert result.ok, result.message

    async def async_sync(self) -> None:
        """Sync from inside a running event loop."""
        [result] = await sync_accounts(self.db, [self.account], secrets=self.secrets)
        assert result.ok, result.message

    def schedule(
        self,
        tweet_id: str,
        text: str,
        *,
        send_at: datetime | None = None,
        condition: Condition = Condition.NONE,
    ) -> int:
        """Schedule a reply to a stored tweet (created a few seconds ago, so later posts count as later)."""
        store = open_store(self.db)
        try:
            post_id, conversation_id, account_id = store.conn.execute(
                "SELECT id, conversation_id, account_id FROM posts WHERE ext_id = ?", (tweet_id,)
            ).fetchone()
            return outbox.schedule(
                store,
                conversation_id=conversation_id,
                account_id=account_id,
                reply_to_post_id=post_id,
                text=text,
                send_at=send_at,
                condition=condition,
                now=datetime.now(UTC) - timedelta(seconds=5),
            )
        finally:
            store.close()

    def item(self, item_id: int) -> outbox.OutboxItem:
        """One outbox item as stored now."""
        store = open_store(self.db)
        try:
            found = outbox.get(store, item_id)
        finally:
            store.close()
        assert found is not None
        return found

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on a fresh connection."""
        store = open_store(self.db)
        try:
            return [tuple(row) for row in store.conn.execute(sql, params)]
        finally:
            store.close()

    def our_tweets(self) -> list[str]:
        """The texts of the tweets the sandbox holds from us (in order of posting)."""
        return [p["text"] for p in self.sandbox.posted if p.get("kind") == "tweet"]
