"""The outbox on a Discourse forum (no `find_reply`): an unknown reply is looked for in the topic by our
username and text; found means sent, not found waits for the user."""

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
from connectors.sandbox.discourse import ADMIN_KEY, DiscourseSandbox


@dataclass(frozen=True)
class ForumAccount:
    """The sandbox forum as an account (fits `SyncAccount`)."""

    base_url: str
    options: Mapping[str, Any] = field(default_factory=dict)
    name: str = "forum"
    platform: str = "discourse"


@pytest.fixture
def forum() -> Iterator[DiscourseSandbox]:
    """The Discourse sandbox on loopback."""
    with DiscourseSandbox(now=datetime.now(UTC)) as sandbox:
        yield sandbox


async def synced(db: Path, forum: DiscourseSandbox) -> ForumAccount:
    settings = forum.account_settings()
    account = ForumAccount(base_url=forum.url, options={**settings["options"], "timeout_seconds": 2})
    [result] = await sync_accounts(db, [account], secrets={"forum": ADMIN_KEY})
    assert result.ok, result.message
    return account


def schedule_on_an_inbound_post(db: Path, text: str, skip: int = 0) -> int:
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


async def test_a_forum_reply_accepted_before_a_503_is_found_in_its_topic(
    tmp_path: Path, forum: DiscourseSandbox
) -> None:
    db = tmp_path / "cockpit.db"
    account = await synced(db, forum)
    found = schedule_on_an_inbound_post(db, "Thanks, a fix is in 2.4.1.")
    lost = schedule_on_an_inbound_post(db, "We will look into it.", skip=1)
    secrets = {"forum": ADMIN_KEY}

    forum.misbehave("accept_then_fail", method="POST", path="/posts.json")
    [first] = await outbox.send_due(db, [account], secrets=secrets, limit=1)
    assert first.state == OutboxState.SENT and "found on discourse" in first.message
    forum.misbehave("server_error", method="POST", path="/posts.json")
    [second] = await outbox.send_due(db, [account], secrets=secrets)
    assert second.state == OutboxState.UNKNOWN and "not found on discourse" in second.message

    assert [p["raw"] for p in forum.posted] == ["Thanks, a fix is in 2.4.1."]
    store = open_store(db)
    try:
        item = outbox.get(store, found)
        assert item is not None and item.remote_id == str(forum.posted[0]["id"])
        assert store.conn.execute(
            "SELECT direction FROM posts WHERE ext_id = ?", (item.remote_id,)
        ).fetchall() == [("out",)]
        unknown = outbox.get(store, lost)
        assert unknown is not None and unknown.state == OutboxState.UNKNOWN
    finally:
        store.close()
