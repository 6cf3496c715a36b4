"""Replying to, liking and reading the demo's SEEDED conversations reaches the live demo's sandboxes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cockpit.demo import seed
from cockpit.demo.live import LiveDemo
from cockpit.paths import db_path
from cockpit.services import outbox
from cockpit.services.likes import like_conversation
from cockpit.services.outbox import OutboxState
from cockpit.services.sync import default_connector_factory
from cockpit.store import open_store


@dataclass(frozen=True)
class Running:
    """A seeded demo directory and the live demo's sandboxes."""

    home: Path
    live: LiveDemo

    @property
    def database(self) -> Path:
        """The demo database."""
        return db_path(self.home)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """Seed once and start the live demo, as `cockpit demo` does."""
    home = tmp_path_factory.mktemp("demo-replies")
    seed(home)
    with LiveDemo() as live:
        yield Running(home, live)


def _seeded(running: Running, account: str, *, replies: bool) -> tuple[int, int, int, str, str]:
    """A seeded conversation of `account` and the post to answer: its newest inbound reply, or its opening post.

    Returns the conversation id, its account id, the post's id and ext_id, and the thread key.
    """
    newest_reply = """
        SELECT id FROM posts WHERE conversation_id = c.id AND direction = 'in' AND deleted = 0
        AND ext_id != c.thread_key ORDER BY created_at DESC, id DESC LIMIT 1"""
    opener = "SELECT id FROM posts WHERE conversation_id = c.id ORDER BY created_at, id LIMIT 1"
    store = open_store(running.database, create=False)
    try:
        row = store.conn.execute(
            f"""
            SELECT c.id, c.account_id, p.id, p.ext_id, c.thread_key
            FROM conversations c JOIN accounts a ON a.id = c.account_id
            JOIN posts p ON p.id = ({newest_reply if replies else opener})
            WHERE a.name = ? AND c.source != 'outreach'
            ORDER BY c.id LIMIT 1
            """,
            (account,),
        ).fetchone()
    finally:
        store.close()
    assert row is not None, f"no seeded {account} conversation to try"
    return int(row[0]), int(row[1]), int(row[2]), str(row[3]), str(row[4])


def _send(running: Running, conversation_id: int, account_id: int, post_id: int, text: str) -> None:
    """Schedule a reply through the outbox and send what is due, as the composer and the send loop do."""
    store = open_store(running.database, create=False)
    try:
        item = outbox.schedule(
            store, conversation_id=conversation_id, account_id=account_id, reply_to_post_id=post_id, text=text
        )
    finally:
        store.close()
    results = asyncio.run(
        outbox.send_due(running.database, running.live.accounts(), secrets=running.live.secrets())
    )
    mine = [result for result in results if result.item_id == item]
    assert [result.state for result in mine] == [OutboxState.SENT], [result.message for result in mine]


def test_the_live_demo_holds_the_seeded_posts(running: Running) -> None:
    store = open_store(running.database, create=False)
    try:
        seeded = dict(
            store.conn.execute(
                "SELECT a.name, count(*) FROM posts p JOIN accounts a ON a.id = p.account_id GROUP BY a.name"
            ).fetchall()
        )
    finally:
        store.close()
    assert running.live.loaded == {name: seeded[name] for name in ("acme-x", "acme-linkedin", "forum")}


@pytest.mark.parametrize("replies", [True, False], ids=["to a reply", "to the opening post"])
def test_reply_to_a_seeded_x_conversation(running: Running, replies: bool) -> None:
    conversation, account, post, ext_id, _ = _seeded(running, "acme-x", replies=replies)
    text = f"@someone thanks, we are on it ({'reply' if replies else 'root'} {conversation})"
    _send(running, conversation, account, post, text)
    sent = [p for p in running.live.x.posted if p.get("kind") == "tweet" and p["text"] == text]
    assert [p["in_reply_to"] for p in sent] == [int(ext_id)]


@pytest.mark.parametrize("replies", [True, False], ids=["to a comment", "to the post"])
def test_reply_to_a_seeded_linkedin_conversation(running: Running, replies: bool) -> None:
    conversation, account, post, ext_id, thread_key = _seeded(running, "acme-linkedin", replies=replies)
    text = f"Thank you for the kind words ({conversation}, {'comment' if replies else 'post'})"
    _send(running, conversation, account, post, text)
    sent = [p for p in running.live.linkedin.posted if p["message"]["text"] == text]
    assert len(sent) == 1
    assert sent[0]["object"] == thread_key
    assert sent[0].get("parentComment") == (ext_id if replies else None)


def test_reply_to_a_seeded_forum_topic(running: Running) -> None:
    conversation, account, post, ext_id, thread_key = _seeded(running, "forum", replies=True)
    text = f"Thanks! That is fixed in 2.4; could you try it? ({conversation})"
    _send(running, conversation, account, post, text)
    sent = [p for p in running.live.forum.posted if p["raw"] == text]
    assert len(sent) == 1
    assert sent[0]["topic_id"] == int(thread_key)
    answered = running.live.forum.posts[int(ext_id)]
    assert sent[0]["reply_to_post_number"] == answered.post_number


def test_like_a_seeded_x_conversation(running: Running) -> None:
    conversation, _, _, ext_id, _ = _seeded(running, "acme-x", replies=True)
    account = next(a for a in running.live.accounts() if a.name == "acme-x")
    result = asyncio.run(
        like_conversation(running.database, conversation, account, running.live.secrets()["acme-x"])
    )
    assert result.ok, result.message
    assert {"kind": "like", "tweet_id": ext_id} in running.live.x.posted


@pytest.mark.parametrize("name", ["acme-linkedin", "forum"])
def test_fetch_thread_of_a_seeded_conversation(running: Running, name: str) -> None:
    _, _, _, ext_id, thread_key = _seeded(running, name, replies=True)
    account = next(a for a in running.live.accounts() if a.name == name)

    async def read() -> list[str]:
        connector = default_connector_factory(account, running.live.secrets()[name])
        try:
            return [post.ext_id for post in await connector.fetch_thread(thread_key)]
        finally:
            await connector.aclose()

    found = asyncio.run(read())
    store = open_store(running.database, create=False)
    try:
        stored = {
            row[0]
            for row in store.conn.execute(
                "SELECT p.ext_id FROM posts p JOIN conversations c ON c.id = p.conversation_id "
                "WHERE c.thread_key = ? AND p.deleted = 0",
                (thread_key,),
            )
        }
    finally:
        store.close()
    assert ext_id in found
    assert stored <= set(found)


def test_new_activity_still_arrives_above_the_seeded_ids(running: Running) -> None:
    seeded_top = max(running.live.x.tweets)
    before = set(running.live.x.tweets)
    assert running.live.tick(4) == 4
    new = set(running.live.x.tweets) - before
    assert new
    assert min(new) > seeded_top  # since_id cursors keep finding what arrives after the seeded posts


def test_a_fresh_demo_has_an_outreach_item_in_the_inbox(tmp_path: Path) -> None:
    from cockpit.store.queue import QueueFilter, count

    home = tmp_path / "fresh"
    seed(home)
    store = open_store(db_path(home), create=False)
    try:
        items = store.conn.execute(
            "SELECT c.title, p.stage FROM conversations c JOIN people p ON p.id = c.person_id "
            "WHERE c.source = 'outreach' AND c.status = 'inbox'"
        ).fetchall()
        in_inbox = count(store.conn, QueueFilter(statuses=("inbox",), sources=("outreach",)))
    finally:
        store.close()
    assert len(items) == 1 and items[0][0].startswith("Reach out to ")
    assert items[0][1] == "in_conversation"
    assert in_inbox == 1
    seed(home)  # seeding again adds no second item
    store = open_store(db_path(home), create=False)
    try:
        again = store.conn.execute("SELECT count(*) FROM conversations WHERE source = 'outreach'").fetchone()[
            0
        ]
    finally:
        store.close()
    assert again == 1
