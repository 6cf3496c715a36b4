"""The Discourse connector against the loopback forum sandbox: reading, threads, replies, likes, limits, auth."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cockpit.config import validate_account
from cockpit.services.sync import sync_accounts
from cockpit.store import open_store
from connectors.discourse import DiscourseConnector, DiscourseCursor
from connectors.discourse.connector import _next_listing_page
from connectors.discourse.user_api_key import UserApiKeyError, UserApiKeyRequest
from connectors.errors import AuthExpired, OutcomeUnknown, PermanentError
from connectors.models import Page, Post, ReplyTarget
from connectors.registry import connector_class
from connectors.sandbox.discourse import (
    ADMIN_KEY,
    LIKED,
    MENTIONED,
    QUIET_TOPIC,
    UNKNOWN_TYPE,
    USER_API_CLIENT_ID,
    USER_API_KEY,
    DiscourseSandbox,
)
from tests.connectors.conftest import FIXED_NOW

FAST = {"retry_wait_seconds": 0, "timeout_seconds": 5, "retry_attempts": 2}


@pytest.fixture
def forum() -> Iterator[DiscourseSandbox]:
    """A running forum sandbox with seeded content dated before 2025-06-02 12:00 UTC."""
    with DiscourseSandbox(now=FIXED_NOW) as sandbox:
        yield sandbox


def make_connector(
    sandbox: DiscourseSandbox, *, secret: str | None = ADMIN_KEY, **options: Any
) -> DiscourseConnector:
    """A connector for account "forum" on the sandbox, acting as maya_acme with an admin key."""
    settings: dict[str, Any] = {
        "api_username": "maya_acme",
        "categories": ["support", "feature-requests/7"],
        "searches": ["dead-letter"],
        **FAST,
    }
    settings.update(options)
    return DiscourseConnector(account="forum", base_url=sandbox.url, secret=secret, options=settings)


@pytest.fixture
async def connector(forum: DiscourseSandbox) -> AsyncIterator[DiscourseConnector]:
    """The admin-key connector (closed after the test)."""
    made = make_connector(forum)
    yield made
    await made.aclose()


async def fetch_all(
    connector: DiscourseConnector, cursors: Mapping[str, str] | None = None
) -> dict[str, Page]:
    """Every page of one fetch, by stream."""
    return {page.stream: page async for page in connector.fetch(cursors or {})}


def cursors_of(pages: Mapping[str, Page]) -> dict[str, str]:
    return {stream: page.cursor for stream, page in pages.items() if page.cursor}


def by_id(posts: list[Post]) -> dict[str, Post]:
    return {post.ext_id: post for post in posts}


# -- reading ------------------------------------------------------------------------------------------


async def test_a_first_sync_reads_every_stream_and_skips_likes_and_unknown_notification_types(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    pages = await fetch_all(connector)
    assert list(pages) == [
        "notifications",
        "category:support",
        "category:feature-requests/7",
        "search:dead-letter",
    ]
    assert all(page.error is None and page.cursor for page in pages.values())
    kinds = {n.notification_type for n in forum.notifications}
    assert {MENTIONED, LIKED, UNKNOWN_TYPE} <= kinds
    # This topic only has a like and an unknown-type notification: neither makes it a conversation.
    quiet = forum.topic_by_title(QUIET_TOPIC)
    assert {n.notification_type for n in forum.notifications if n.topic_id == quiet.id} == {
        LIKED,
        UNKNOWN_TYPE,
    }
    notified_topics = {post.thread_key for post in pages["notifications"].posts}
    assert str(quiet.id) not in notified_topics and str(forum.long_topic.id) in notified_topics
    dlq = forum.topic_by_title("How do I set up dead-letter queues with retries?")
    private = forum.topic_by_title("Licensing question for our on-prem deployment")
    assert {str(dlq.id), str(private.id)} <= notified_topics
    cursor = DiscourseCursor.load(pages["notifications"].cursor)
    assert cursor.last_id == max(n.id for n in forum.notifications), "skipped types still move the cursor"

    mention = by_id(pages["notifications"].posts)[str(dlq.posts[1].id)]
    assert mention.source == "mention" and mention.thread_key == str(dlq.id)
    assert mention.in_reply_to == str(dlq.posts[0].id)
    assert mention.thread_title == dlq.title and mention.url.endswith(f"/t/{dlq.slug}/{dlq.id}/2")
    assert by_id(pages["notifications"].posts)[str(private.posts[0].id)].source == "notification"
    ours = by_id(pages["notifications"].posts)[str(dlq.posts[2].id)]
    assert ours.direction == "out" and mention.direction == "in"

    watched = pages["category:support"].posts
    assert {p.source for p in watched} == {"watch"}
    assert len([p for p in watched if p.thread_key == str(forum.long_topic.id)]) == 27
    assert {p.source for p in pages["search:dead-letter"].posts} == {"search"}
    assert {p.thread_key for p in pages["search:dead-letter"].posts} == {str(dlq.id)}


async def test_a_second_sync_yields_nothing_and_new_activity_yields_only_itself(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    first = await fetch_all(connector)
    asked = len(forum.requests)
    second = await fetch_all(connector, cursors_of(first))
    assert all(not page.posts and not page.deleted_ext_ids and page.error is None for page in second.values())
    since = forum.requests[asked:]
    topic_reads = [r for r in since if r.path.startswith("/t/") and r.path.count("/") == 2]
    assert len(since) - len([r for r in since if r.path.startswith("/t/")]) == 4, "one request per stream"
    assert 0 < len(topic_reads) <= 3 * 4, "besides, at most `recheck_topics` topics re-read per stream"

    long_topic = forum.long_topic
    new = forum.add_reply(
        long_topic.id, "kenji", '<p><a class="mention" href="/u/maya_acme">@maya_acme</a> is 2.4.2 out?</p>'
    )
    third = await fetch_all(connector, cursors_of(second))
    assert [p.ext_id for p in third["notifications"].posts] == [str(new.id)]
    assert third["notifications"].posts[0].source == "mention"
    assert [p.ext_id for p in third["category:support"].posts] == [str(new.id)]
    assert third["category:feature-requests/7"].posts == [] and third["search:dead-letter"].posts == []
    fourth = await fetch_all(connector, cursors_of(third))
    assert all(not page.posts for page in fourth.values())


async def test_an_unreadable_cursor_starts_the_stream_afresh(connector: DiscourseConnector) -> None:
    assert DiscourseCursor.load("{not json") == DiscourseCursor()
    assert DiscourseCursor.load(json.dumps({"v": 99, "last_id": 5})).last_id == 0
    pages = await fetch_all(connector, {"notifications": "garbage"})
    assert pages["notifications"].posts


async def test_a_long_topic_is_read_past_its_first_page(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    topic = forum.long_topic
    assert len(topic.posts) > 20
    posts = await connector.fetch_thread(str(topic.id))
    assert [p.ext_id for p in posts] == [str(p.id) for p in topic.posts]
    [more] = forum.requests_to(f"/t/{topic.id}/posts.json")
    assert more.query["post_ids[]"] == [str(p.id) for p in topic.posts[20:]]
    assert posts[0].title == topic.title and posts[1].title == ""
    for post, source in zip(posts[1:], topic.posts[1:], strict=True):
        number = source.reply_to_post_number or 1
        assert post.in_reply_to == str(topic.posts[number - 1].id)
    assert posts[-1].direction == "out" and posts[0].direction == "in"


async def test_a_reply_to_a_post_beyond_the_first_page_finds_its_parent(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    first = await fetch_all(connector)
    topic = forum.long_topic
    parent = topic.posts[24]
    new = forum.add_reply(topic.id, "olga", "<p>Same workaround here.</p>", reply_to=parent.post_number)
    cursors = cursors_of(first)
    # Without the versions kept for re-checks, only the new post is loaded: its parent is looked up.
    support = DiscourseCursor.load(cursors["category:support"])
    support.checks = {}
    cursors["category:support"] = support.dump()
    pages = await fetch_all(connector, cursors)
    [post] = pages["category:support"].posts
    assert post.ext_id == str(new.id) and post.in_reply_to == str(parent.id)
    assert forum.requests_to(f"/posts/by_number/{topic.id}/{parent.post_number}.json")


async def test_authors_carry_trust_level_post_count_and_the_forum_host(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    posts = await connector.fetch_thread(str(forum.long_topic.id))
    helga = posts[0].author
    assert helga.platform == "discourse" and helga.handle == "helga" and helga.host == "127.0.0.1"
    assert helga.ext_id == str(forum.user("helga").id) and helga.name == "Helga Sørensen"
    assert helga.extra["trust_level"] == 1
    assert helga.extra["post_count"] == sum(1 for p in forum.posts.values() if p.username == "helga")
    other = make_connector(forum, public_url="https://forum.other.example", profile_lookups=0)
    try:
        elsewhere = (await other.fetch_thread(str(forum.long_topic.id)))[0].author
    finally:
        await other.aclose()
    assert elsewhere.handle == helga.handle and elsewhere.host == "forum.other.example"
    assert elsewhere.url == "https://forum.other.example/u/helga"
    assert (elsewhere.platform, elsewhere.host, elsewhere.ext_id) != (
        helga.platform,
        helga.host,
        helga.ext_id,
    )


async def test_cooked_html_becomes_readable_text_and_hostile_html_stays_inert(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    dlq = await connector.fetch_thread(
        str(forum.topic_by_title("How do I set up dead-letter queues with retries?").id)
    )
    assert "queues:\n  orders:\n    max_retries: 3" in dlq[0].text, "code keeps its layout"
    assert dlq[1].text.startswith("rafa wrote:\n> What am I missing?")
    assert "@maya_acme is this in the docs yet?" in dlq[1].text and "/u/maya_acme" not in dlq[1].text
    assert "Dead-letter queues (https://docs.acme.dev/relay/dlq)" in dlq[2].text, "the onebox is one line"
    assert dlq[3].text == "Works now, thank you both! :tada:"

    hostile = await connector.fetch_thread(
        str(forum.topic_by_title("Broker dashboard shows garbage after restart").id)
    )
    text = hostile[0].text
    for bad in ("<script", "alert", "javascript:", "\x1b", "\x07", "<iframe", "display:none", "<b>"):
        assert bad not in text, bad
    assert "[image: broken chart]" in text and "deeply nested" in text
    assert "[image: dashboard screenshot]" in hostile[1].text and "88 KB" not in hostile[1].text


# -- writing ------------------------------------------------------------------------------------------


async def test_a_reply_answers_the_target_post_and_comes_back_as_ours(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    first = await fetch_all(connector)
    topic = forum.long_topic
    target = topic.posts[21]
    ref = await connector.reply(
        ReplyTarget(thread_key=str(topic.id), ext_id=str(target.id)), "Thursday, promise.", key="k-1"
    )
    assert forum.posted == [
        {"topic_id": topic.id, "raw": "Thursday, promise.", "reply_to_post_number": 22, "id": int(ref.ext_id)}
    ]
    assert ref.url.endswith(f"/t/{topic.slug}/{topic.id}/{len(topic.posts)}")
    [sent] = forum.requests_to("/posts.json", "POST")
    assert sent.json() == {"topic_id": topic.id, "raw": "Thursday, promise.", "reply_to_post_number": 22}

    pages = await fetch_all(connector, cursors_of(first))
    [ours] = pages["category:support"].posts
    assert ours.ext_id == ref.ext_id and ours.direction == "out" and ours.in_reply_to == str(target.id)
    assert pages["notifications"].posts == [], "our own post notifies nobody"


async def test_a_reply_to_the_topic_uses_the_post_number_when_known(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    topic = forum.topic_by_title("Relay 2.4.1 released")
    await connector.reply(
        ReplyTarget(thread_key=str(topic.id), extra={"post_number": 2}), "Glad to hear!", key="k"
    )
    await connector.reply(ReplyTarget(thread_key=str(topic.id)), "Anyone else upgraded?", key="k2")
    assert [p["reply_to_post_number"] for p in forum.posted] == [2, None]
    assert not forum.requests_to("/posts/", "GET"), "no lookup needed"
    with pytest.raises(PermanentError, match="too similar"):
        await connector.reply(ReplyTarget(thread_key=str(topic.id)), "Anyone else upgraded?", key="k3")
    with pytest.raises(PermanentError, match="not a Discourse topic id"):
        await connector.reply(ReplyTarget(thread_key="https://elsewhere"), "hi", key="k4")


async def test_a_dropped_connection_after_the_post_was_accepted_is_outcome_unknown(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    topic = forum.long_topic
    forum.misbehave("drop", method="POST", path="/posts.json")
    with pytest.raises(OutcomeUnknown) as caught:
        await connector.reply(ReplyTarget(thread_key=str(topic.id)), "Did this go out?", key="k")
    assert [p["raw"] for p in forum.posted] == ["Did this go out?"], "the forum did store it"
    assert len(forum.requests_to("/posts.json", "POST")) == 1, "a write is never retried"
    assert ADMIN_KEY not in str(caught.value)


async def test_like_likes_once_and_a_second_like_is_not_an_error(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    post = forum.long_topic.posts[3]
    await connector.like(str(post.id))
    await connector.like(str(post.id))
    assert forum.likes == {("maya_acme", post.id)}
    assert forum.requests_to("/post_actions.json", "POST")[0].json() == {
        "id": post.id,
        "post_action_type_id": 2,
    }
    with pytest.raises(PermanentError):
        await connector.like("999999")


# -- limits -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["json", "text"])
@pytest.mark.parametrize("retry_after", [True, False])
async def test_a_429_becomes_rate_limited_until_the_time_it_names(
    forum: DiscourseSandbox, connector: DiscourseConnector, body: Any, retry_after: bool
) -> None:
    forum.limit_next(body=body, wait_seconds=45, retry_after=retry_after)
    before = datetime.now(UTC)
    pages = await fetch_all(connector)
    asked = len(forum.requests)
    assert asked == 1, "after a 429 the connector asks nothing more"
    for page in pages.values():
        assert page.error is not None and page.error.kind == "rate_limited" and page.cursor is None
        assert page.error.until is not None
        assert before + timedelta(seconds=44) <= page.error.until <= datetime.now(UTC) + timedelta(seconds=46)


async def test_pacing_keeps_requests_under_the_user_key_budget(forum: DiscourseSandbox) -> None:
    forum.enforce_rate_limits, forum.rate_window, forum.rate_limits["user"] = True, 5.0, 5
    secret = json.dumps({"key": USER_API_KEY, "client_id": USER_API_CLIENT_ID})
    small = {"auth": "user_api_key", "categories": ["support"], "searches": [], "profile_lookups": 0}
    eager = make_connector(forum, secret=secret, requests_per_minute=1000, **small)
    try:
        pages = await fetch_all(eager)
    finally:
        await eager.aclose()
    assert any(p.error is not None and p.error.kind == "rate_limited" for p in pages.values())

    forum.reset_rate_limits()
    forum.rate_window = 0.3
    paced = make_connector(forum, secret=secret, requests_per_minute=4, pacing_window_seconds=0.3, **small)
    started = len(forum.requests)
    try:
        pages = await fetch_all(paced)
    finally:
        await paced.aclose()
    assert all(p.error is None for p in pages.values()), [p.error for p in pages.values()]
    assert len(forum.requests) - started > 5, "more requests than one window allows, all accepted"


async def test_a_budget_wait_longer_than_allowed_reschedules_instead_of_sleeping(
    forum: DiscourseSandbox,
) -> None:
    stingy = make_connector(forum, requests_per_minute=3, max_pacing_wait_seconds=0)
    try:
        pages = await fetch_all(stingy)
    finally:
        await stingy.aclose()
    assert len(forum.requests) == 3
    errors = [p.error for p in pages.values() if p.error is not None]
    assert errors and all(e.kind == "rate_limited" and e.until is not None for e in errors)


# -- auth ---------------------------------------------------------------------------------------------


async def test_an_admin_key_is_sent_with_the_api_username(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    await fetch_all(connector)
    for request in forum.requests:
        assert request.headers["api-key"] == "<redacted>" and request.headers["api-username"] == "maya_acme"
        assert "user-api-key" not in request.headers


@pytest.mark.parametrize("as_json", [True, False])
async def test_a_user_api_key_is_sent_with_its_client_id(forum: DiscourseSandbox, as_json: bool) -> None:
    if as_json:
        user = make_connector(
            forum,
            secret=json.dumps({"key": USER_API_KEY, "client_id": USER_API_CLIENT_ID}),
            auth="user_api_key",
            api_username=None,
            requests_per_minute=1000,
        )
    else:
        user = make_connector(
            forum,
            secret=USER_API_KEY,
            auth="user_api_key",
            api_username=None,
            user_api_client_id=USER_API_CLIENT_ID,
            requests_per_minute=1000,
        )
    try:
        pages = await fetch_all(user)
    finally:
        await user.aclose()
    assert all(p.error is None for p in pages.values())
    assert forum.requests[0].path == "/session/current.json", "the user is learned from the key"
    assert user.username == "maya_acme"
    for request in forum.requests:
        assert request.headers["user-api-key"] == "<redacted>"
        assert (
            request.headers["user-api-client-id"] == USER_API_CLIENT_ID and "api-key" not in request.headers
        )
    ours = [p for page in pages.values() for p in page.posts if p.author.handle == "maya_acme"]
    assert ours and {p.direction for p in ours} == {"out"}


async def test_a_wrong_key_says_which_command_fixes_it_and_never_shows_the_key(
    forum: DiscourseSandbox,
) -> None:
    wrong = make_connector(forum, secret="not-the-key-0000")
    try:
        pages = await fetch_all(wrong)
    finally:
        await wrong.aclose()
    for page in pages.values():
        assert page.error is not None and page.error.kind == "auth_expired"
        assert "cockpit accounts login forum" in page.error.fix and "not-the-key" not in str(page.error)
    missing = make_connector(forum, secret=None)
    try:
        with pytest.raises(AuthExpired, match="no API key"):
            await fetch_all(missing)
    finally:
        await missing.aclose()
    assert "not-the-key" not in repr(wrong)


def test_the_registry_serves_discourse() -> None:
    assert connector_class("discourse") is DiscourseConnector


# -- through the sync engine into a real store ---------------------------------------------------------


async def test_a_sync_stores_the_forum_and_a_second_sync_stores_nothing_new(
    forum: DiscourseSandbox, tmp_path: Path
) -> None:
    account = validate_account(
        {
            "name": "forum",
            "platform": "discourse",
            "base_url": forum.url,
            "api_username": "maya_acme",
            "categories": ["support"],
            "searches": ["rebalance"],
            "timeout_seconds": 5,
        }
    )
    db = tmp_path / "cockpit.db"
    [first] = await sync_accounts(db, [account], secrets={"forum": ADMIN_KEY})
    assert first.outcome == "ok", first.message
    assert first.new_posts > 30 and first.new_conversations >= 5
    [again] = await sync_accounts(db, [account], secrets={"forum": ADMIN_KEY})
    assert again.outcome == "ok" and again.new_posts == 0
    forum.add_reply(
        forum.long_topic.id, "jonas", "<p>Ping <a class='mention' href='/u/maya_acme'>@maya_acme</a></p>"
    )
    [later] = await sync_accounts(db, [account], secrets={"forum": ADMIN_KEY})
    assert later.new_posts == 1 and later.new_conversations == 0
    edited, removed = forum.long_topic.posts[2], forum.long_topic.posts[4]
    forum.edit_post(edited.id, "<p>Corrected: set <code>session.timeout.ms</code> to 45000</p>")
    forum.delete_post(removed.id)
    forum.add_reply(forum.long_topic.id, "olga", "<p>Thanks, that fixed it.</p>")
    [changed] = await sync_accounts(db, [account], secrets={"forum": ADMIN_KEY})
    assert changed.outcome == "ok" and changed.new_posts == 1

    store = open_store(db)
    try:
        conn = store.conn
        topics = {row[0] for row in conn.execute("SELECT DISTINCT thread_key FROM conversations")}
        assert str(forum.long_topic.id) in topics
        hosts = {
            row[0]
            for row in conn.execute("SELECT DISTINCT host FROM identities WHERE platform = 'discourse'")
        }
        assert hosts == {"127.0.0.1"}
        rows = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT ext_id, text, edited_at, deleted FROM posts WHERE ext_id IN (?, ?)",
                (str(edited.id), str(removed.id)),
            )
        }
        assert rows[str(edited.id)][0] == "Corrected: set `session.timeout.ms` to 45000"
        assert rows[str(edited.id)][1] is not None and not rows[str(edited.id)][2]
        assert rows[str(removed.id)][2]
        directions = dict(conn.execute("SELECT direction, count(*) FROM posts GROUP BY direction").fetchall())
        ours = sum(
            1
            for p in forum.posts.values()
            if p.username == "maya_acme" and p.topic_id != forum.topic_by_title("Relay 2.4.1 released").id
        )
        assert directions["out"] >= ours - 1 and directions["in"] > directions["out"]
        everything = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.is_file())
        assert ADMIN_KEY.encode() not in everything
    finally:
        store.close()


# -- the user-API-key authorisation flow ---------------------------------------------------------------


async def test_a_user_api_key_authorisation_gives_a_secret_the_connector_can_use(
    forum: DiscourseSandbox,
) -> None:
    request = UserApiKeyRequest.create(forum.url, auth_redirect="http://127.0.0.1:1/done")
    assert "/user-api-key/new?" in request.authorize_url and "BEGIN+PUBLIC+KEY" in request.authorize_url
    assert "PRIVATE" not in repr(request) and "private_key" not in repr(request)
    async with httpx.AsyncClient(follow_redirects=False) as client:
        answer = await client.get(request.authorize_url)
    assert answer.status_code == 302
    payload = parse_qs(urlsplit(answer.headers["location"]).query)["payload"][0]
    secret = request.secret_from_payload(payload)
    assert json.loads(secret)["client_id"] == request.client_id

    user = make_connector(
        forum, secret=secret, auth="user_api_key", api_username=None, requests_per_minute=1000
    )
    try:
        pages = await fetch_all(user)
    finally:
        await user.aclose()
    assert all(p.error is None for p in pages.values()) and pages["notifications"].posts
    assert user.username == "maya_acme"

    other = UserApiKeyRequest.create(forum.url)
    with pytest.raises(UserApiKeyError, match="not a payload"):
        other.secret_from_payload(payload)
    with pytest.raises(UserApiKeyError, match="not a payload"):
        request.secret_from_payload("%%% not base64")


async def test_notifications_are_read_across_pages_and_a_deleted_topic_does_not_hold_them_back(
    forum: DiscourseSandbox,
) -> None:
    reader = make_connector(forum, categories=[], searches=[])
    try:
        first = await fetch_all(reader)
        forum.notifications_per_page = 2
        mention = '<p><a class="mention" href="/u/maya_acme">@maya_acme</a> question</p>'
        doomed = forum.topic_by_title("Feature request: priority lanes per consumer group")
        gone = forum.add_reply(doomed.id, "kenji", mention)
        made = [
            forum.add_reply(forum.long_topic.id, who, mention) for who in ("olga", "jonas", "fatou", "aarav")
        ]
        forum.delete_topic(doomed.id)
        pages = await fetch_all(reader, cursors_of(first))
    finally:
        await reader.aclose()
    page = pages["notifications"]
    assert [p.ext_id for p in page.posts] == [str(p.id) for p in made], (
        "five new notifications over three pages"
    )
    assert {p.source for p in page.posts} == {"mention"}, "every notified post keeps its own kind"
    assert str(gone.id) not in {p.ext_id for p in page.posts}
    # The deleted topic had been read: its posts come back as deleted, which is no error.
    had = {p.ext_id for p in first["notifications"].posts if p.thread_key == str(doomed.id)}
    assert had and set(page.deleted_ext_ids) == had
    assert page.error is None and page.cursor is not None
    assert DiscourseCursor.load(page.cursor).last_id == max(n.id for n in forum.notifications)
    assert len(forum.requests_to("/notifications.json")) >= 1 + 3


async def test_a_passing_server_error_is_retried_and_a_malformed_answer_fails_only_its_stream(
    forum: DiscourseSandbox, connector: DiscourseConnector
) -> None:
    forum.misbehave("server_error", times=1, path="/notifications.json")
    forum.misbehave("malformed", times=2, path="/c/support")
    pages = await fetch_all(connector)
    assert pages["notifications"].error is None and pages["notifications"].posts
    assert len(forum.requests_to("/notifications.json")) == 2, "one 503, then the retry"
    broken = pages["category:support"]
    assert broken.error is not None and broken.error.kind == "transient" and broken.cursor is None
    assert "malformed" in broken.error.message
    assert pages["category:feature-requests/7"].error is None and pages["category:feature-requests/7"].posts


# -- edits and deletions ------------------------------------------------------------------------------


async def test_edited_deleted_and_hidden_posts_are_found_by_bounded_rechecks(forum: DiscourseSandbox) -> None:
    reader = make_connector(forum, categories=["support"], searches=[], recheck_topics=1)
    try:
        pages = await fetch_all(reader)
        checked = DiscourseCursor.load(pages["category:support"].cursor).checks
        topic = forum.long_topic
        assert str(topic.id) in checked and len(checked) == 3, "every support topic read is kept for checks"
        early, late, deleted, hidden = topic.posts[3], topic.posts[24], topic.posts[5], topic.posts[6]
        forum.edit_post(early.id, "<p>Edited: <strong>fixed</strong> in 2.4.2</p>")
        forum.edit_post(late.id, "<p>Edited beyond the first page</p>")
        forum.delete_post(deleted.id)
        forum.hide_post(hidden.id)
        edits: list[Post] = []
        gone: list[str] = []
        rounds = 0
        while rounds < len(checked):  # one topic re-read per stream and fetch: all done within 3 rounds
            rounds += 1
            before = len(forum.requests)
            pages = await fetch_all(reader, cursors_of(pages))
            support = pages["category:support"]
            assert support.error is None
            edits += support.posts
            gone += support.deleted_ext_ids
            reads = [
                r for r in forum.requests[before:] if r.path.startswith("/t/") and r.path.count("/") == 2
            ]
            assert len(reads) <= 2, "one re-check for each of the two streams"
        assert sorted(p.ext_id for p in edits) == sorted([str(early.id), str(late.id)])
        assert sorted(gone) == sorted([str(deleted.id), str(hidden.id)])
        edited = by_id(edits)[str(early.id)]
        assert edited.text == "Edited: fixed in 2.4.2" and edited.edited_at is not None
        assert edited.thread_key == str(topic.id) and edited.in_reply_to is not None
        assert by_id(edits)[str(late.id)].text == "Edited beyond the first page"
        # Once seen, an edit or deletion is not reported again.
        for _ in range(len(checked)):
            pages = await fetch_all(reader, cursors_of(pages))
            assert not pages["category:support"].posts and not pages["category:support"].deleted_ext_ids
    finally:
        await reader.aclose()


async def test_a_topic_read_for_new_posts_also_reports_its_edits_and_deletions(
    forum: DiscourseSandbox,
) -> None:
    reader = make_connector(forum, categories=["support"], searches=[], recheck_topics=0)
    try:
        first = await fetch_all(reader)
        topic = forum.topic_by_title("How do I set up dead-letter queues with retries?")
        forum.edit_post(topic.posts[0].id, "<p>Edited question</p>")
        forum.delete_post(topic.posts[1].id)
        new = forum.add_reply(topic.id, "olga", "<p>Any news?</p>")
        pages = await fetch_all(reader, cursors_of(first))
    finally:
        await reader.aclose()
    support = pages["category:support"]
    assert [p.ext_id for p in support.posts] == [str(topic.posts[0].id), str(new.id)]
    assert support.posts[0].text == "Edited question" and support.posts[0].title == topic.title
    assert support.deleted_ext_ids == [str(topic.posts[1].id)]


async def test_a_topic_deleted_before_it_was_ever_read_is_reported_and_skipped(
    forum: DiscourseSandbox,
) -> None:
    reader = make_connector(forum, categories=[], searches=[])
    try:
        first = await fetch_all(reader)
        fresh = forum.add_topic(
            "Brand new question",
            "support",
            "kenji",
            '<p><a class="mention" href="/u/maya_acme">@maya_acme</a>?</p>',
        )
        forum.delete_topic(fresh.id)
        pages = await fetch_all(reader, cursors_of(first))
    finally:
        await reader.aclose()
    page = pages["notifications"]
    assert page.posts == [] and page.deleted_ext_ids == []
    assert page.error is not None and page.error.kind == "permanent" and page.cursor is not None
    assert DiscourseCursor.load(page.cursor).last_id == max(n.id for n in forum.notifications)


# -- paging -------------------------------------------------------------------------------------------


async def test_the_first_sync_pages_through_notifications_up_to_the_bound(forum: DiscourseSandbox) -> None:
    forum.notifications_per_page = 2
    wanted = {n.topic_id for n in forum.notifications if n.notification_type not in (LIKED, UNKNOWN_TYPE)}
    everything = make_connector(forum, categories=[], searches=[], max_notification_pages=50)
    bounded = make_connector(forum, categories=[], searches=[], max_notification_pages=2)
    try:
        pages = await fetch_all(everything)
        asked = len(forum.requests_to("/notifications.json"))
        assert asked == -(-len(forum.notifications) // 2), "every page of notifications is read"
        assert {int(p.thread_key) for p in pages["notifications"].posts} == wanted
        assert DiscourseCursor.load(pages["notifications"].cursor).last_id == max(
            n.id for n in forum.notifications
        )
        await fetch_all(bounded)
        assert len(forum.requests_to("/notifications.json")) - asked == 2, "no more than the bound"
    finally:
        await everything.aclose()
        await bounded.aclose()


async def test_category_listings_follow_more_topics_url_up_to_the_bound(forum: DiscourseSandbox) -> None:
    forum.topics_per_page = 2
    for number in range(3):
        forum.add_topic(f"Question number {number}", "support", "kenji", f"<p>Question {number}</p>")
    support = [t.id for t in forum.topics.values() if t.category_id == 5]
    assert len(support) == 6
    reader = make_connector(forum, categories=["support"], searches=[], max_listing_pages=2)
    everything = make_connector(forum, categories=["support"], searches=[], max_listing_pages=5)
    try:
        pages = await fetch_all(reader)
        listed = forum.requests_to("/c/support.json")
        assert [r.query.get("page") for r in listed] == [None, ["1"]], "two pages, the bound"
        read = {int(p.thread_key) for p in pages["category:support"].posts}
        assert len(read) == 4 and read < set(support)

        pages = await fetch_all(everything)
        assert {int(p.thread_key) for p in pages["category:support"].posts} == set(support)
        assert len(forum.requests_to("/c/support.json")) == 2 + 3

        # Later syncs stop at the first page that holds a topic read before.
        newest = forum.add_reply(support[-1], "olga", "<p>Bump</p>")
        before = len(forum.requests_to("/c/support.json"))
        again = await fetch_all(everything, cursors_of(pages))
        assert [p.ext_id for p in again["category:support"].posts] == [str(newest.id)]
        assert len(forum.requests_to("/c/support.json")) - before == 1
    finally:
        await reader.aclose()
        await everything.aclose()


def test_more_topics_url_is_followed_only_on_the_same_forum() -> None:
    assert _next_listing_page("/c/support/5/l/latest?page=1&no_definitions=true") == (
        "/c/support/5/l/latest.json",
        {"page": "1", "no_definitions": "true"},
    )
    assert _next_listing_page("/latest.json?page=2") == ("/latest.json", {"page": "2"})
    for hostile in ("https://evil.example/c/x?page=1", "//evil.example/c/x", "c/x?page=1", None, 7):
        assert _next_listing_page(hostile) is None
