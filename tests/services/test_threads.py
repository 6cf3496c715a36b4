"""Opening a conversation brings in the rest of its thread from the platform, without moving sync cursors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.demo.live import DemoAccount
from cockpit.services.sync import sync_accounts
from cockpit.services.threads import refresh_thread
from cockpit.store import open_store
from connectors.sandbox.x import CLIENT_ID, SANDBOX_TOKEN, XSandbox

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    with XSandbox() as server:
        yield server


def _account(sandbox: XSandbox) -> DemoAccount:
    return DemoAccount(
        name="acme-x", platform="x", base_url=sandbox.url, options={"client_id": CLIENT_ID, "searches": []}
    )


def _posts(db: Path, conversation_id: int) -> list[str]:
    store = open_store(db, create=False)
    try:
        rows = store.conn.execute(
            "SELECT ext_id FROM posts WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
        return [row[0] for row in rows]
    finally:
        store.close()


async def test_opening_a_thread_stores_replies_the_mentions_never_showed(
    sandbox: XSandbox, tmp_path: Path
) -> None:
    db = tmp_path / "cockpit.db"
    account = _account(sandbox)
    (result,) = await sync_accounts(db, [account], secrets={"acme-x": SANDBOX_TOKEN})
    assert result.ok, result.message
    store = open_store(db, create=False)
    conversation_id, thread_key, ext_id = store.conn.execute(
        "SELECT c.id, c.thread_key, p.ext_id FROM conversations c JOIN posts p ON p.conversation_id = c.id "
        "ORDER BY c.id LIMIT 1"
    ).fetchone()
    cursors = store.conn.execute("SELECT stream, cursor FROM sync_state ORDER BY stream").fetchall()
    store.close()
    before = _posts(db, conversation_id)

    # Two people talk in that thread without naming us: mentions never bring this in.
    first = sandbox.add_tweet("learousseau", "Same here, the retry budget fixed it.", reply_to=int(ext_id))
    sandbox.add_tweet("priyaraman", "Which budget did you pick?", reply_to=first.id)

    refreshed = await refresh_thread(db, conversation_id, account, SANDBOX_TOKEN)
    assert refreshed.error == "" and refreshed.supported
    after = _posts(db, conversation_id)
    assert refreshed.new_posts == len(after) - len(before) >= 2
    assert str(first.id) in after
    assert thread_key  # the same conversation, found by its platform key

    again = await refresh_thread(db, conversation_id, account, SANDBOX_TOKEN)
    assert again.new_posts == 0, "opening it again stores nothing twice"
    store = open_store(db, create=False)
    assert store.conn.execute("SELECT stream, cursor FROM sync_state ORDER BY stream").fetchall() == cursors
    store.close()


async def test_a_platform_without_threads_or_a_failing_one_says_so(sandbox: XSandbox, tmp_path: Path) -> None:
    db = tmp_path / "cockpit.db"
    account = _account(sandbox)
    await sync_accounts(db, [account], secrets={"acme-x": SANDBOX_TOKEN})
    refreshed = await refresh_thread(db, 1, account, "not-a-valid-token")
    assert refreshed.new_posts == 0 and refreshed.error
    assert refreshed.actionable, "a refused token asks the user to log in again"
    assert "not-a-valid-token" not in refreshed.error
    feed = DemoAccount(
        name="acme-x", platform="feed", base_url=None, options={"feeds": ["https://example.invalid/feed"]}
    )
    assert (await refresh_thread(db, 1, feed, None)).supported is False
    assert (
        await refresh_thread(db, 10**9, account, SANDBOX_TOKEN)
    ).error == "the conversation is no longer stored"


async def test_a_thread_gone_from_the_platform_is_not_an_error_to_act_on(tmp_path: Path) -> None:
    from cockpit.store.ingest import ensure_account, write_page
    from connectors.models import Author, Page, Post
    from connectors.sandbox.discourse import ADMIN_KEY, DiscourseSandbox

    db = tmp_path / "cockpit.db"
    with DiscourseSandbox() as forum:
        store = open_store(db)
        account_id = ensure_account(store, "forum", "discourse")
        author = Author(platform="discourse", host="forum.example", ext_id="7", handle="sam")
        gone = Post(
            ext_id="999001", thread_key="999000", author=author, text="a topic deleted since", created_at=T0
        )
        write_page(store, account_id, Page(posts=[gone]))
        store.close()
        account = DemoAccount(
            name="forum", platform="discourse", base_url=forum.url, options={"api_username": "system"}
        )
        refreshed = await refresh_thread(db, 1, account, ADMIN_KEY)
    assert refreshed.error and not refreshed.actionable
    assert _posts(db, 1) == ["999001"], "what was stored stays"
