"""The outbox on LinkedIn: a comment accepted before a 503 is found by the connector's `find_reply`, and a
duplicate comment is reported as such."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cockpit.services import outbox
from cockpit.services.outbox import OutboxState
from cockpit.services.sync import sync_accounts
from cockpit.store import open_store
from connectors.sandbox.linkedin import SANDBOX_TOKEN, LinkedInSandbox


@dataclass(frozen=True)
class PageAccount:
    """The sandbox organisation page as an account (fits `SyncAccount`)."""

    base_url: str
    options: Mapping[str, Any] = field(default_factory=dict)
    name: str = "acme-linkedin"
    platform: str = "linkedin"


@pytest.fixture
def linkedin() -> Iterator[LinkedInSandbox]:
    """The LinkedIn sandbox on loopback."""
    with LinkedInSandbox(now=datetime.now(UTC)) as sandbox:
        yield sandbox


def schedule(db: Path, text: str, skip: int) -> int:
    store = open_store(db)
    try:
        post_id, conversation_id, account_id = store.conn.execute(
            "SELECT id, conversation_id, account_id FROM posts WHERE direction = 'in' ORDER BY id LIMIT 1 OFFSET ?",
            (skip,),
        ).fetchone()
        return outbox.schedule(
            store, conversation_id=conversation_id, account_id=account_id, reply_to_post_id=post_id, text=text
        )
    finally:
        store.close()


async def test_a_comment_accepted_before_a_503_is_found_and_a_duplicate_is_reported(
    tmp_path: Path, linkedin: LinkedInSandbox
) -> None:
    db = tmp_path / "cockpit.db"
    settings = linkedin.account_settings()
    account = PageAccount(base_url=linkedin.url, options={**settings["options"], "timeout_seconds": 2})
    secrets = {account.name: SANDBOX_TOKEN}
    [synced] = await sync_accounts(db, [account], secrets=secrets)
    assert synced.ok, synced.message
    found = schedule(db, "Thank you, glad it helped!", skip=0)

    linkedin.misbehave("accept_then_fail", method="POST", path="/rest/socialActions")
    [first] = await outbox.send_due(db, [account], secrets=secrets)
    assert first.state == OutboxState.SENT and "found on linkedin" in first.message
    assert len(linkedin.posted) == 1

    again = schedule(db, "Thank you, glad it helped!", skip=0)
    [second] = await outbox.send_due(db, [account], secrets=secrets)
    assert second.state == OutboxState.FAILED and "duplicate content" in second.message
    assert len(linkedin.posted) == 1
    store = open_store(db)
    try:
        item = outbox.get(store, found)
        assert item is not None and item.remote_id and item.remote_id.startswith("urn:li:comment:")
        assert store.conn.execute(
            "SELECT direction FROM posts WHERE ext_id = ?", (item.remote_id,)
        ).fetchall() == [("out",)]
        dup = outbox.get(store, again)
        assert dup is not None and dup.state == OutboxState.FAILED
    finally:
        store.close()
