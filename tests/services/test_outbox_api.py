"""The outbox's store API: drafts, scheduling, edits and the user's moves between states."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.services import outbox
from cockpit.services.outbox import Condition, OutboxError, OutboxState
from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Author, Page, Post

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store with one X account and one conversation of two posts."""
    opened = open_store(tmp_path / "cockpit.db")
    account = ensure_account(opened, "acme-x", "x", "acmerelay")
    who = Author(platform="x", ext_id="u1", handle="ada", name="Ada")
    write_page(
        opened,
        account,
        Page(
            posts=[
                Post(ext_id="10", thread_key="10", author=who, text="hello @acmerelay", created_at=T0),
                Post(ext_id="11", thread_key="20", author=who, text="another thread", created_at=T0),
            ]
        ),
    )
    yield opened
    opened.close()


def ids(store: Store) -> tuple[int, int, int]:
    """The account, first conversation and its first post."""
    account = store.conn.execute("SELECT id FROM accounts").fetchone()[0]
    conversation, post = store.conn.execute(
        "SELECT conversation_id, id FROM posts WHERE ext_id = '10'"
    ).fetchone()
    return account, conversation, post


def test_a_draft_is_kept_once_per_conversation_and_replaced_when_saved_again(store: Store) -> None:
    account, conversation, post = ids(store)
    first = outbox.save_draft(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="Hi", now=T0
    )
    again = outbox.save_draft(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="Hi Ada"
    )
    assert first == again
    draft = outbox.draft_for(store, conversation)
    assert draft is not None
    assert (draft.text, draft.state, draft.account_name, draft.platform) == ("Hi Ada", "draft", "acme-x", "x")
    assert draft.conversation_title == "hello @acmerelay"
    assert outbox.list_items(store) == []  # drafts are not listed unless asked for
    assert [i.id for i in outbox.list_items(store, [OutboxState.DRAFT])] == [first]
    outbox.discard_draft(store, conversation)
    assert outbox.draft_for(store, conversation) is None


def test_scheduling_turns_the_draft_into_the_item(store: Store) -> None:
    account, conversation, post = ids(store)
    draft = outbox.save_draft(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="draft"
    )
    when = T0 + timedelta(hours=2)
    item_id = outbox.schedule(
        store,
        conversation_id=conversation,
        account_id=account,
        reply_to_post_id=post,
        text="Thanks Ada!",
        send_at=when,
        condition=Condition.UNLESS_THEY_REPLY,
        now=T0,
    )
    assert item_id == draft
    item = outbox.get(store, item_id)
    assert item is not None
    assert (item.state, item.text, item.send_at, item.condition) == (
        OutboxState.SCHEDULED,
        "Thanks Ada!",
        when,
        Condition.UNLESS_THEY_REPLY,
    )
    assert outbox.draft_for(store, conversation) is None
    assert outbox.next_due(store) == when
    assert outbox.counts(store)[OutboxState.SCHEDULED] == 1


def test_an_empty_reply_or_a_missing_conversation_is_refused_with_what_to_do(store: Store) -> None:
    account, conversation, post = ids(store)
    with pytest.raises(OutboxError, match="empty"):
        outbox.schedule(
            store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text=" "
        )
    with pytest.raises(OutboxError, match="no longer exists"):
        outbox.schedule(store, conversation_id=999, account_id=account, reply_to_post_id=None, text="hi")


def test_edit_reschedule_cancel_and_retry_follow_the_states(store: Store) -> None:
    account, conversation, post = ids(store)
    item_id = outbox.schedule(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="one"
    )
    outbox.edit(store, item_id, "two")
    later = T0 + timedelta(days=1)
    outbox.reschedule(store, item_id, later)
    item = outbox.get(store, item_id)
    assert item is not None and (item.text, item.send_at) == ("two", later)
    # A failure (as the sender records it) can be retried; a sent item cannot be touched.
    with store.write() as conn:
        conn.execute("UPDATE outbox SET state = 'failed', error = 'refused' WHERE id = ?", (item_id,))
    outbox.retry(store, item_id)
    item = outbox.get(store, item_id)
    assert item is not None and (item.state, item.send_at, item.error) == (OutboxState.SCHEDULED, None, "")
    with store.write() as conn:
        conn.execute("UPDATE outbox SET state = 'sent' WHERE id = ?", (item_id,))
    for action in (lambda: outbox.edit(store, item_id, "x"), lambda: outbox.cancel(store, item_id)):
        with pytest.raises(OutboxError, match="already sent"):
            action()
    with pytest.raises(OutboxError, match="no longer exists"):
        outbox.retry(store, 12345)


def test_cancel_from_scheduled_and_retry_only_from_failed(store: Store) -> None:
    account, conversation, post = ids(store)
    item_id = outbox.schedule(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="one"
    )
    with pytest.raises(OutboxError, match="cannot retry"):
        outbox.retry(store, item_id)
    outbox.cancel(store, item_id)
    item = outbox.get(store, item_id)
    assert item is not None and item.state == OutboxState.CANCELLED
    assert outbox.next_due(store) is None


def test_the_users_answer_settles_an_unknown_item(store: Store) -> None:
    account, conversation, post = ids(store)
    first = outbox.schedule(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="a"
    )
    second = outbox.schedule(
        store, conversation_id=conversation, account_id=account, reply_to_post_id=post, text="b"
    )
    with store.write() as conn:
        conn.execute("UPDATE outbox SET state = 'unknown'")
    with pytest.raises(OutboxError, match="check there"):
        outbox.edit(store, first, "changed")
    outbox.resolve_unknown(store, first, sent=True, remote_url="https://x.com/acmerelay/status/1")
    outbox.resolve_unknown(store, second, sent=False)
    one, two = outbox.get(store, first), outbox.get(store, second)
    assert one is not None and (one.state, one.remote_url) == (
        OutboxState.SENT,
        "https://x.com/acmerelay/status/1",
    )
    assert two is not None and (two.state, two.send_at) == (OutboxState.SCHEDULED, None)
    assert [i.id for i in outbox.list_items(store)] == [second, first]
    assert [i.id for i in outbox.list_items(store, [OutboxState.SENT])] == [first]


def test_naive_times_are_refused(store: Store) -> None:
    account, conversation, post = ids(store)
    with pytest.raises(ValueError, match="aware"):
        outbox.schedule(
            store,
            conversation_id=conversation,
            account_id=account,
            reply_to_post_id=post,
            text="hi",
            send_at=datetime(2026, 1, 1),
        )
