"""The LinkedIn connector against the LinkedIn sandbox over loopback HTTP.

The sandbox's answers are hand-built from LinkedIn's documented shapes: no recorded LinkedIn responses exist
publicly, so these tests check the connector against the documentation, not against captured traffic.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cockpit.config import validate_account
from cockpit.services.sync import sync_accounts
from cockpit.store import open_store
from connectors.errors import (
    AuthExpired,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    RateLimited,
)
from connectors.linkedin import LinkedInConnector
from connectors.linkedin.connector import next_midnight_utc
from connectors.linkedin.urn import comment_parts, decode, encode, parse_restli, restli_list, restli_record
from connectors.models import Page, Post, ReplyTarget
from connectors.oauth import TokenSet
from connectors.registry import connector_class
from connectors.sandbox.linkedin import CLIENT_ID, CLIENT_SECRET, SANDBOX_TOKEN, LinkedInSandbox
from connectors.sandbox.linkedin_content import EXECUTIVE, ORG_URN

FAST = {"retry_wait_seconds": 0, "timeout_seconds": 5, "retry_attempts": 2}
SECRET_ENV = "COCKPIT_TEST_LINKEDIN_SECRET"


@pytest.fixture
def sandbox() -> Iterator[LinkedInSandbox]:
    """A running LinkedIn sandbox (answers hand-built from the documented shapes, not recorded) with its seeded page."""
    with LinkedInSandbox() as server:
        yield server


def make(sandbox: LinkedInSandbox, secret: str = SANDBOX_TOKEN, **options: Any) -> LinkedInConnector:
    return LinkedInConnector(
        account="acme-linkedin",
        base_url=sandbox.url,
        secret=secret,
        options={"organization": ORG_URN, **FAST, **options},
    )


async def read_all(connector: LinkedInConnector, cursors: dict[str, str]) -> list[Page]:
    pages = [page async for page in connector.fetch(cursors)]
    for page in pages:
        if page.cursor is not None:
            cursors[page.stream] = page.cursor
    return pages


def page_comments(sandbox: LinkedInSandbox) -> set[str]:
    """The comments on the page's own posts (a member's post mentioning the page is read without them)."""
    return {c.urn for c in sandbox.comments.values() if c.post.author == ORG_URN}


def posts_of(pages: list[Page]) -> dict[str, Post]:
    return {post.ext_id: post for page in pages for post in page.posts}


# -- URNs and Rest.li syntax ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "urn",
    [
        "urn:li:organization:2414183",
        "urn:li:comment:(urn:li:activity:7300000000000000000,7300500000000023757)",
        "urn:li:comment:(urn:li:ugcPost:6991,(nested),x)",
        "urn:li:share:1?&=#% +",
    ],
)
def test_urns_survive_encoding_in_paths_and_queries(urn: str) -> None:
    encoded = encode(urn)
    assert not set(encoded) & set(":,()?&=#/ +")
    assert unquote(encoded) == urn
    assert parse_restli(restli_list([urn, "COMMENT"])) == [urn, "COMMENT"]
    assert parse_restli(restli_record({"entity": urn, "start": 5})) == {"entity": urn, "start": "5"}


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5))
def test_any_text_survives_rest_li_lists_and_records(values: list[str]) -> None:
    assert parse_restli(restli_list(values)) == values
    record = {f"k{i}": v for i, v in enumerate(values)}
    assert parse_restli(restli_record(record)) == record
    for value in values:
        assert decode(encode(value)) == value and not set(encode(value)) & set(":,()&=?#")


def test_comment_urns_split_into_activity_and_id() -> None:
    assert comment_parts("urn:li:comment:(urn:li:activity:12,34)") == ("urn:li:activity:12", "34")
    assert comment_parts("urn:li:share:12") is None


async def test_urns_reach_the_server_encoded_and_come_back_intact(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    try:
        pages = await read_all(connector, {})
    finally:
        await connector.aclose()
    replies = [r for r in sandbox.requests if r.path.endswith("/comments") and "comment%3A" in r.path]
    assert replies, "replies to comments are read at /rest/socialActions/{commentUrn}/comments"
    for request in replies:
        raw = request.path.split("/")[3]
        assert "(" not in raw and ":" not in raw and "," not in raw
        assert unquote(raw) in sandbox.comments  # the comment URN, commas and parentheses included
    notifications = sandbox.requests_to("/rest/organizationalEntityNotifications")[0]
    assert f"organizationalEntity={encode(ORG_URN)}" in notifications.raw_query
    assert "actions=List(COMMENT,SHARE_MENTION,ADMIN_COMMENT)" in notifications.raw_query
    assert "timeRange=(start:" in notifications.raw_query
    stored = posts_of(pages)
    assert page_comments(sandbox) <= set(stored)


def test_the_sandbox_refuses_unencoded_urns(sandbox: LinkedInSandbox) -> None:
    headers = {
        "Authorization": f"Bearer {SANDBOX_TOKEN}",
        "LinkedIn-Version": "202510",
        "X-Restli-Protocol-Version": "2.0.0",
    }
    post = sandbox.page_posts()[0].urn
    refused = httpx.get(f"{sandbox.url}/rest/socialActions/{post}/comments", headers=headers)
    assert refused.status_code == 400 and refused.json()["code"] == "ILLEGAL_ARGUMENT"
    accepted = httpx.get(f"{sandbox.url}/rest/socialActions/{encode(post)}/comments", headers=headers)
    assert accepted.status_code == 200 and accepted.json()["elements"]


# -- reading ------------------------------------------------------------------------------------


async def test_a_first_sync_reads_notifications_and_threaded_comments(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    try:
        pages = await read_all(connector, {})
    finally:
        await connector.aclose()
    assert not [page.error for page in pages if page.error]
    by_id = posts_of(pages)
    launch = sandbox.page_posts()[1]  # the release post, with a reply thread
    root = by_id[launch.urn]
    assert root.thread_key == launch.urn and root.direction == "out" and root.source == "own"
    assert root.author.name == "Acme Relay"
    threads = {c.urn: c for c in sandbox.comments.values() if c.post is launch}
    for urn, comment in threads.items():
        post = by_id[urn]
        assert post.thread_key == launch.urn
        assert post.in_reply_to == (comment.parent or launch.urn)
        assert post.text == comment.text
    answer = next(by_id[c.urn] for c in threads.values() if c.parent and c.actor == ORG_URN)
    assert answer.direction == "out" and answer.in_reply_to in threads
    priya = next(p for p in by_id.values() if p.author.name == "Priya Raman")
    assert priya.author.ext_id.startswith("urn:li:person:")
    assert priya.author.bio.startswith("Platform lead") and priya.author.handle == "priya-raman"
    assert priya.author.url == "https://www.linkedin.com/in/priya-raman"
    mention = next(p for p in by_id.values() if p.source == "mention")
    assert "@Acme Relay" in mention.text and mention.thread_key == mention.ext_id
    kinds = {page.stream for page in pages}
    assert kinds == {"notifications", "comments"}
    notified = [p.ext_id for page in pages for p in page.posts if page.stream == "notifications"]
    assert (
        sorted(notified) == sorted(n["generatedActivity"] for n in sandbox.notifications)
        and len(notified) == 7
    )


async def test_later_syncs_read_only_what_is_new(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    cursors: dict[str, str] = {}
    try:
        await read_all(connector, cursors)
        again = await read_all(connector, cursors)
        assert [p for page in again for p in page.posts if page.stream == "comments"] == []
        post = sandbox.page_posts()[0]
        parent = next(c for c in sandbox.comments.values() if c.post is post and c.parent is None)
        reply = sandbox.add_comment(
            post.urn, f"urn:li:person:{EXECUTIVE}", "Yes, UK is fine!", parent=parent.urn
        )
        later = await read_all(connector, cursors)
    finally:
        await connector.aclose()
    new_comments = [p for page in later for p in page.posts if page.stream == "comments"]
    assert [p.ext_id for p in new_comments] == [reply.urn]
    assert new_comments[0].in_reply_to == parent.urn and new_comments[0].thread_key == post.urn
    assert json.loads(cursors["comments"])["posts"][post.urn] == reply.created


async def test_an_idle_resync_by_a_new_connector_looks_nobody_up_again(sandbox: LinkedInSandbox) -> None:
    cursors: dict[str, str] = {}
    rounds: list[list[str]] = []
    for _ in range(2):  # the sync engine builds a connector per sync
        sandbox.requests.clear()
        connector = make(sandbox)
        try:
            await read_all(connector, cursors)
        finally:
            await connector.aclose()
        rounds.append([r.path.split("/")[2] for r in sandbox.requests])
    first, idle = rounds
    assert "people" in first and "organizations" in first, "the first sync looks commenters up"
    assert "people" not in idle and "organizations" not in idle
    assert len(idle) < len(first)


async def test_fetch_thread_returns_the_post_and_every_reply_oldest_first(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    launch = sandbox.page_posts()[1]
    try:
        posts = await connector.fetch_thread(launch.urn)
    finally:
        await connector.aclose()
    assert posts[0].ext_id == launch.urn
    assert {p.ext_id for p in posts[1:]} == {c.urn for c in sandbox.comments.values() if c.post is launch}
    assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)


async def test_every_request_carries_the_versioned_headers(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox, linkedin_version="202506")
    try:
        await read_all(connector, {})
        await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "Thanks all!", key="k1")
    finally:
        await connector.aclose()
    api = [r for r in sandbox.requests if r.path.startswith("/rest/")]
    assert len(api) > 10 and any(r.method == "POST" for r in api)
    for request in api:
        assert request.headers["linkedin-version"] == "202506", request.path
        assert request.headers["x-restli-protocol-version"] == "2.0.0", request.path
        assert request.headers["authorization"] == "Bearer <redacted>", request.path


async def test_a_missing_version_header_is_refused_by_the_sandbox(sandbox: LinkedInSandbox) -> None:
    answer = httpx.get(
        f"{sandbox.url}/rest/posts?q=author&author={encode(ORG_URN)}",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "X-Restli-Protocol-Version": "2.0.0"},
    )
    assert answer.status_code == 426 and answer.json()["code"] == "VERSION_MISSING"


# -- writing ------------------------------------------------------------------------------------


async def test_a_reply_to_a_comment_as_the_page_is_threaded_and_its_id_read_from_x_restli_id(
    sandbox: LinkedInSandbox,
) -> None:
    connector = make(sandbox)
    post = sandbox.page_posts()[0]
    parent = next(c for c in sandbox.comments.values() if c.post is post and c.parent is None)
    try:
        ref = await connector.reply(
            ReplyTarget(thread_key=post.urn, ext_id=parent.urn), "Yes, it is!", key="k"
        )
        thread = await connector.fetch_thread(post.urn)
    finally:
        await connector.aclose()
    (sent,) = sandbox.requests_to("/rest/socialActions/", method="POST")
    assert unquote(sent.path.split("/")[3]) == parent.urn
    assert sent.json() == {
        "actor": ORG_URN,
        "object": post.urn,
        "message": {"text": "Yes, it is!"},
        "parentComment": parent.urn,
    }
    assert ref.ext_id in sandbox.comments and sandbox.comments[ref.ext_id].parent == parent.urn
    assert encode(ref.ext_id) in ref.url
    mine = next(p for p in thread if p.ext_id == ref.ext_id)
    assert mine.direction == "out" and mine.in_reply_to == parent.urn


async def test_a_comment_on_a_post_as_a_member_speaks_in_person(sandbox: LinkedInSandbox) -> None:
    person = f"urn:li:person:{EXECUTIVE}"
    connector = make(sandbox, actor=person)
    post = sandbox.page_posts()[0]
    try:
        ref = await connector.reply(ReplyTarget(thread_key=post.urn), "Happy to help, DM me.", key="k")
    finally:
        await connector.aclose()
    (sent,) = sandbox.requests_to("/rest/socialActions/", method="POST")
    assert sent.json()["actor"] == person and "parentComment" not in sent.json()
    assert sandbox.comments[ref.ext_id].actor == person and sandbox.comments[ref.ext_id].parent is None


async def test_the_same_comment_twice_is_a_duplicate(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    target = ReplyTarget(thread_key=sandbox.page_posts()[0].urn)
    try:
        await connector.reply(target, "See you at the meetup!", key="a")
        with pytest.raises(DuplicateContent) as caught:
            await connector.reply(target, "See you at the meetup!", key="b")
    finally:
        await connector.aclose()
    assert "duplicate" in caught.value.message and "change the text" in caught.value.fix


async def test_a_connection_dropped_after_sending_means_outcome_unknown(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    sandbox.misbehave("drop", method="POST")
    try:
        with pytest.raises(OutcomeUnknown):
            await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "Dropped?", key="k")
    finally:
        await connector.aclose()
    published = [c for c in sandbox.comments.values() if c.text == "Dropped?"]
    assert published, "the comment was published"
    assert len(sandbox.requests_to("/rest/socialActions/", method="POST")) == 1, "never resent"
    connector = make(sandbox)
    target = ReplyTarget(thread_key=sandbox.page_posts()[0].urn)
    try:
        found = await connector.find_reply(target, " Dropped? ")
        missing = await connector.find_reply(target, "Never sent")
    finally:
        await connector.aclose()
    assert found is not None and found.ext_id == published[0].urn and missing is None


async def test_unusable_targets_and_empty_text_are_refused_before_sending(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox)
    try:
        with pytest.raises(PermanentError):
            await connector.reply(ReplyTarget(thread_key="not-a-urn"), "hi", key="k")
        with pytest.raises(PermanentError, match="empty"):
            await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "  ", key="k")
    finally:
        await connector.aclose()
    assert not sandbox.requests_to("/rest/socialActions/", method="POST")


# -- permissions and limits ------------------------------------------------------------------------


async def test_a_missing_scope_names_the_scope_to_add(sandbox: LinkedInSandbox) -> None:
    granted = sandbox.issue_tokens(frozenset({"r_organization_social"}))
    connector = make(sandbox, secret=granted["access_token"])
    try:
        pages = await read_all(connector, {})
        with pytest.raises(PermissionDenied) as caught:
            await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "Hello", key="k")
    finally:
        await connector.aclose()
    (failed,) = [page for page in pages if page.error]
    assert failed.stream == "notifications" and failed.error is not None
    assert failed.error.kind == "permission_denied" and "`rw_organization_admin`" in failed.error.fix
    assert any(page.posts for page in pages if page.stream == "comments"), "the other stream still reads"
    assert (
        "`w_organization_social`" in caught.value.fix and "accounts login acme-linkedin" in caught.value.fix
    )


async def test_a_member_who_is_not_a_page_admin_is_told_so(sandbox: LinkedInSandbox) -> None:
    sandbox.admins.clear()
    connector = make(sandbox)
    try:
        pages = await read_all(connector, {})
    finally:
        await connector.aclose()
    error = next(page.error for page in pages if page.error)
    assert error.kind == "permission_denied" and "not an admin of urn:li:organization:4242" in error.message
    assert "Administrator role" in error.fix and "/company/4242/admin/" in error.fix


async def test_a_429_waits_for_midnight_utc_without_asking_again(sandbox: LinkedInSandbox) -> None:
    sandbox.misbehave("rate_limit")
    connector = make(sandbox)
    try:
        pages = await read_all(connector, {})
        note = connector.status_note()
        with pytest.raises(RateLimited) as caught:
            await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "Later", key="k")
    finally:
        await connector.aclose()
    midnight = next_midnight_utc()
    errors = [page.error for page in pages if page.error]
    assert len(errors) == 2 and all(e.kind == "rate_limited" and e.until == midnight for e in errors)
    assert caught.value.until == midnight and midnight.hour == 0 and midnight > datetime.now(UTC)
    assert len(sandbox.requests) == 1, "after the 429 nothing more is sent before midnight"
    assert "daily limit" in note and f"{midnight:%Y-%m-%d} 00:00 UTC" in note


async def test_a_429_on_a_reply_is_rate_limited(sandbox: LinkedInSandbox) -> None:
    sandbox.misbehave("rate_limit", method="POST")
    connector = make(sandbox)
    try:
        with pytest.raises(RateLimited) as caught:
            await connector.reply(ReplyTarget(thread_key=sandbox.page_posts()[0].urn), "Later", key="k")
    finally:
        await connector.aclose()
    assert caught.value.until == next_midnight_utc() and not sandbox.posted


def test_next_midnight_is_the_start_of_the_next_utc_day() -> None:
    assert next_midnight_utc(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert next_midnight_utc(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == datetime(2026, 3, 2, tzinfo=UTC)


# -- tokens ---------------------------------------------------------------------------------------


async def test_an_expired_token_set_is_refreshed_and_stored_before_use(
    sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    sandbox.rotate_refresh_tokens = True  # the strictest case: a used refresh token is gone
    issued = sandbox.issue_tokens()
    stale = TokenSet.from_response(issued).model_copy(update={"expires_at": 1.0})
    saved: list[tuple[str, int]] = []

    def save(secret: str) -> None:
        new = TokenSet.from_json(secret)
        assert new is not None
        used = sandbox.fingerprint(new.access_token) in sandbox.auth_log
        assert not used, "the new token was used before it was stored"
        saved.append((secret, len(sandbox.auth_log)))

    connector = make(sandbox, secret=stale.to_json(), client_id=CLIENT_ID, client_secret_env=SECRET_ENV)
    connector.on_new_secret = save
    try:
        pages = await read_all(connector, {})
    finally:
        await connector.aclose()
    assert not [page.error for page in pages if page.error]
    ((secret, _),) = saved
    renewed = TokenSet.from_json(secret)
    assert renewed is not None and renewed.refresh_token != stale.refresh_token
    assert (
        stale.refresh_token not in sandbox.refresh_tokens and renewed.refresh_token in sandbox.refresh_tokens
    )
    assert set(sandbox.auth_log) == {sandbox.fingerprint(renewed.access_token)}
    assert CLIENT_SECRET not in repr(connector) and renewed.access_token not in repr(renewed)


async def test_a_refresh_that_keeps_the_refresh_token_still_stores_the_new_access_token(
    sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    stale = TokenSet.from_response(sandbox.issue_tokens()).model_copy(update={"expires_at": 1.0})
    saved: list[str] = []
    connector = make(sandbox, secret=stale.to_json(), client_id=CLIENT_ID, client_secret_env=SECRET_ENV)
    connector.on_new_secret = saved.append
    try:
        await read_all(connector, {})
    finally:
        await connector.aclose()
    (secret,) = saved
    renewed = TokenSet.from_json(secret)
    assert renewed is not None and renewed.refresh_token == stale.refresh_token
    assert renewed.access_token != stale.access_token and not renewed.expired()
    (token_request,) = sandbox.requests_to("/oauth/v2/accessToken")
    assert "client_secret=" in token_request.body.decode() and "authorization" not in token_request.headers


async def test_a_token_refused_mid_sync_is_renewed_once(
    sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    tokens = TokenSet.from_response(sandbox.issue_tokens())
    sandbox.expire_access_tokens()  # revoked early: the stored expiry still looks fine
    saved: list[str] = []
    connector = make(sandbox, secret=tokens.to_json(), client_id=CLIENT_ID, client_secret_env=SECRET_ENV)
    connector.on_new_secret = saved.append
    try:
        pages = await read_all(connector, {})
    finally:
        await connector.aclose()
    assert len(saved) == 1 and not [page.error for page in pages if page.error]


async def test_without_a_place_to_store_renewed_tokens_the_refresh_token_is_not_spent(
    sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    stale = TokenSet.from_response(sandbox.issue_tokens()).model_copy(update={"expires_at": 1.0})
    connector = make(sandbox, secret=stale.to_json(), client_id=CLIENT_ID, client_secret_env=SECRET_ENV)
    try:
        with pytest.raises(AuthExpired) as caught:
            await read_all(connector, {})
    finally:
        await connector.aclose()
    assert stale.refresh_token in sandbox.refresh_tokens
    assert "cockpit accounts login acme-linkedin" in caught.value.fix
    assert stale.access_token not in str(caught.value) and str(stale.refresh_token) not in str(caught.value)


async def test_a_refused_plain_token_asks_for_a_login(sandbox: LinkedInSandbox) -> None:
    connector = make(sandbox, secret="not-a-valid-token")
    try:
        with pytest.raises(AuthExpired) as caught:
            await read_all(connector, {})
    finally:
        await connector.aclose()
    assert "HTTP 401" in caught.value.message and "not-a-valid-token" not in str(caught.value)


# -- configuration and the sync engine --------------------------------------------------------------


def test_the_registry_serves_linkedin() -> None:
    assert connector_class("linkedin") is LinkedInConnector


@pytest.mark.parametrize(
    ("options", "field"),
    [({"actor": "urn:li:organization:1"}, "actor"), ({"linkedin_version": "2025-10"}, "linkedin_version")],
)
def test_bad_options_are_reported_by_name(options: dict[str, str], field: str) -> None:
    with pytest.raises(PermanentError) as caught:
        LinkedInConnector(account="li", base_url="http://127.0.0.1:9", secret=None, options=options)
    assert f"`{field}`" in caught.value.message and "config file" in caught.value.fix


async def test_without_an_organization_each_stream_says_what_to_add() -> None:
    connector = LinkedInConnector(account="li", base_url="http://127.0.0.1:9", secret="t", options={})
    pages = [page async for page in connector.fetch({})]
    await connector.aclose()
    errors = [p.error for p in pages if p.error]
    assert [e.kind for e in errors] == ["permanent", "permanent"]
    assert all("organization" in e.fix for e in errors)


async def test_a_sync_into_the_store_threads_comments_and_keeps_commenters(
    sandbox: LinkedInSandbox, tmp_path: Path
) -> None:
    account = validate_account(
        {
            "name": "acme-linkedin",
            "platform": "linkedin",
            "base_url": sandbox.url,
            "organization": ORG_URN,
            "linkedin_version": "202506",
        }
    )
    db = tmp_path / "cockpit.db"
    [first] = await sync_accounts(db, [account], secrets={"acme-linkedin": SANDBOX_TOKEN})
    assert first.outcome == "ok", first.message
    assert (
        first.new_posts == len(page_comments(sandbox)) + len(sandbox.posts) and first.new_conversations == 3
    )
    [again] = await sync_accounts(db, [account], secrets={"acme-linkedin": SANDBOX_TOKEN})
    assert again.outcome == "ok" and again.new_posts == 0
    post = sandbox.page_posts()[0]
    sandbox.add_comment(post.urn, "urn:li:person:Wc9Fg6Uo2", "Booked my ticket.")
    [later] = await sync_accounts(db, [account], secrets={"acme-linkedin": SANDBOX_TOKEN})
    assert later.new_posts == 1 and later.new_conversations == 0
    store = open_store(db)
    try:
        rows = store.conn.execute("SELECT count(*), count(DISTINCT ext_id) FROM posts").fetchone()
        assert rows[0] == rows[1] == len(page_comments(sandbox)) + len(sandbox.posts)
        reply = next(c for c in sandbox.comments.values() if c.parent)
        (in_reply_to, thread_key) = store.conn.execute(
            "SELECT p.in_reply_to, c.thread_key FROM posts p JOIN conversations c ON c.id = p.conversation_id "
            "WHERE p.ext_id = ?",
            (reply.urn,),
        ).fetchone()
        assert in_reply_to == reply.parent and thread_key == reply.post.urn
        (name, bio, handle) = store.conn.execute(
            "SELECT name, bio, handle FROM identities WHERE ext_id = 'urn:li:person:aB3xK9-mQ'"
        ).fetchone()
        assert (name, handle) == ("Priya Raman", "priya-raman") and "Platform lead" in bio
    finally:
        store.close()
    assert timedelta(0) < next_midnight_utc() - datetime.now(UTC) <= timedelta(days=1)
