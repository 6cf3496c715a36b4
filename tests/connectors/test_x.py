"""The X connector against the X sandbox over loopback: sync, threads, rate limits, tokens, replies, likes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from connectors.errors import AuthExpired, DuplicateContent, OutcomeUnknown, RateLimited
from connectors.models import Page, Post, ReplyTarget
from connectors.oauth import TokenSet
from connectors.registry import connector_class
from connectors.sandbox.x import CLIENT_ID, SANDBOX_TOKEN, XSandbox
from connectors.x import XConnector, budget_summary


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """A running X sandbox with the seeded Acme Relay conversations."""
    with XSandbox() as server:
        yield server


def make(sandbox: XSandbox, secret: str | None = SANDBOX_TOKEN, **options: Any) -> XConnector:
    """A connector for account "acme-x" on the sandbox, five mentions a page, instant retries."""
    settings: dict[str, Any] = {
        "searches": ['"Acme Relay" -is:retweet', "#acmerelay"],
        "client_id": CLIENT_ID,
        "max_results": 5,
        "retry_wait_seconds": 0,
        **options,
    }
    return XConnector(account="acme-x", base_url=sandbox.url, secret=secret, options=settings)


async def sync(connector: XConnector, cursors: dict[str, str], limit: int | None = None) -> list[Page]:
    """Run one fetch, storing each page's cursor as the sync engine does; stop after `limit` pages."""
    pages: list[Page] = []
    async for page in connector.fetch(cursors):
        pages.append(page)
        if page.cursor is not None:
            cursors[page.stream] = page.cursor
        if limit is not None and len(pages) >= limit:
            break
    return pages


def posts_of(pages: list[Page], stream: str | None = None) -> list[Post]:
    """Every post of the pages (of one stream)."""
    return [p for page in pages if stream is None or page.stream == stream for p in page.posts]


def expected_mentions(sandbox: XSandbox) -> set[str]:
    """The ids of every visible tweet that names @acmerelay, by someone else."""
    return {
        str(t.id)
        for t in sandbox.tweets.values()
        if "@acmerelay" in t.text.lower() and t.author_id != sandbox.me.id and sandbox._visible(t)
    }


def test_the_registry_serves_x() -> None:
    assert connector_class("x") is XConnector


async def test_first_sync_reads_every_mention_across_pages_grouped_by_conversation(sandbox: XSandbox) -> None:
    connector = make(sandbox)
    cursors: dict[str, str] = {}
    pages = await sync(connector, cursors)
    await connector.aclose()

    mention_pages = [p for p in pages if p.stream == "mentions"]
    assert len(mention_pages) == 2, "nine mentions at five a page"
    assert all(p.error is None for p in pages)
    mentions = posts_of(pages, "mentions")
    assert {p.ext_id for p in mentions} == expected_mentions(sandbox)
    assert len(mentions) == len({p.ext_id for p in mentions})
    assert {p.source for p in mentions} == {"mention"}
    # Paging: mentions send pagination_token, searches would send next_token.
    mention_requests = sandbox.requests_to(f"/2/users/{sandbox.me.id}/mentions")
    assert mention_requests[0].param("pagination_token") is None
    assert mention_requests[1].param("pagination_token") is not None
    assert all(r.param("next_token") is None for r in mention_requests)
    assert "conversation_id" in (mention_requests[0].param("tweet.fields") or "")
    assert mention_requests[0].param("expansions") == "author_id"

    for post in mentions:
        tweet = sandbox.tweets[int(post.ext_id)]
        assert post.thread_key == str(tweet.conversation_id)
        assert post.in_reply_to == (str(tweet.reply_to) if tweet.reply_to else None)
        assert post.direction == "in"
    priya = next(p for p in mentions if p.author.handle == "priyaraman")
    assert priya.author.name == "Priya Raman" and priya.author.reach == 8_400
    assert "Queues" in priya.author.bio
    assert priya.url.startswith("https://x.com/priyaraman/status/")
    threads: dict[str, set[str]] = {}
    for post in mentions:
        threads.setdefault(post.thread_key, set()).add(post.author.handle)
    assert {"priyaraman", "jonasoberg"} <= next(h for h in threads.values() if "jonasoberg" in h)

    searched = posts_of(pages, "search:#acmerelay")
    assert [p.author.handle for p in searched] == ["devops_dan"] and searched[0].source == "search"
    phrase = posts_of(pages, 'search:"Acme Relay" -is:retweet')
    assert {"mateus_araujo", "chidicodes"} <= {p.author.handle for p in phrase}
    assert "quiet_quinn" not in {p.author.handle for p in posts_of(pages)}, "protected accounts stay hidden"
    final = json.loads(cursors["mentions"])
    assert final["pending"] is None and int(final["since_id"]) == max(int(p.ext_id) for p in mentions)


async def test_later_syncs_read_only_what_is_new_and_never_twice(sandbox: XSandbox) -> None:
    connector = make(sandbox)
    cursors: dict[str, str] = {}
    first = {p.ext_id for p in posts_of(await sync(connector, cursors))}
    again = await sync(connector, cursors)
    assert posts_of(again) == [] and all(p.error is None for p in again)
    last = sandbox.requests_to(f"/2/users/{sandbox.me.id}/mentions")[-1]
    assert last.param("since_id") == json.loads(cursors["mentions"])["since_id"]

    made = sandbox.simulate_activity(12)
    later = posts_of(await sync(connector, cursors))
    ids = [p.ext_id for p in later]
    assert set(ids).isdisjoint(first)
    new_mentions = {p.ext_id for p in later if p.source == "mention"}
    assert new_mentions == {str(t.id) for t in made} & expected_mentions(sandbox)
    assert len({(p.ext_id, p.source) for p in later}) == len(later)
    assert posts_of(await sync(connector, cursors)) == []
    await connector.aclose()


async def test_an_interrupted_multi_page_read_resumes_where_it_stopped(sandbox: XSandbox) -> None:
    connector = make(sandbox, searches=[])
    cursors: dict[str, str] = {}
    first_page = await sync(connector, cursors, limit=1)
    pending = json.loads(cursors["mentions"])
    assert pending["since_id"] is None and pending["pending"]["token"]
    newer = sandbox.add_tweet(
        "zoeadler", "@acmerelay one more question about the migration"
    )  # arrives meanwhile
    rest = await sync(connector, cursors)
    seen = [p.ext_id for p in posts_of(first_page + rest)]
    assert len(seen) == len(set(seen))
    assert set(seen) == expected_mentions(sandbox) - {str(newer.id)}
    upcoming = posts_of(await sync(connector, cursors))
    assert [p.ext_id for p in upcoming] == [str(newer.id)], "the tweet that arrived mid-read comes next time"
    await connector.aclose()


async def test_a_thread_opens_whole_with_our_own_replies_marked_out(sandbox: XSandbox) -> None:
    connector = make(sandbox)
    root = next(t for t in sandbox.tweets.values() if t.text.startswith("@acmerelay is there a way to cap"))
    thread = await connector.fetch_thread(str(root.id))
    assert [p.ext_id for p in thread] == [str(t.id) for t in sandbox.conversation(root)]
    ours = [p for p in thread if p.author.handle == "acmerelay"]
    assert len(ours) == 1 and ours[0].direction == "out" and ours[0].in_reply_to == str(root.id)
    assert all(p.direction == "in" for p in thread if p.author.handle != "acmerelay")
    assert sandbox.requests_to("/2/tweets/search/recent")[-1].param("query") == f"conversation_id:{root.id}"

    # A conversation whose first tweet is older than recent search reaches: the root is looked up by id.
    old = sandbox.add_tweet(
        "olga_smirnova", "Old question for @acmerelay", when=datetime.now(UTC) - timedelta(days=9)
    )
    answer = sandbox.add_tweet("priyaraman", "@olga_smirnova still relevant!", reply_to=old.id)
    posts = await connector.fetch_thread(str(old.id))
    assert [p.ext_id for p in posts] == [str(old.id), str(answer.id)]
    sandbox.delete_tweet(old.id)
    assert [p.ext_id for p in await connector.fetch_thread(str(old.id))] == [str(answer.id)]
    await connector.aclose()


async def test_deleted_tweets_are_reported_and_missing_fields_get_defaults(sandbox: XSandbox) -> None:
    connector = make(sandbox, searches=[])
    cursors: dict[str, str] = {}
    await sync(connector, cursors)
    parent = sandbox.add_tweet("learousseau", "Thread about @acmerelay at the Lyon meetup")
    sandbox.add_tweet("siobhan_nb", "@learousseau @acmerelay count me in", reply_to=parent.id)
    sandbox.delete_tweet(parent.id)
    pages = await sync(connector, cursors)
    assert [p.author.handle for p in posts_of(pages)] == ["siobhan_nb"]
    assert pages[-1].deleted_ext_ids == [str(parent.id)]

    bare = {"data": [{"id": "1861", "text": "hi @acmerelay", "edit_history_tweet_ids": ["1861"]}]}
    posts, deleted = connector.posts_from_response(bare, "mention")
    (post,) = posts
    assert post.thread_key == "1861" and post.in_reply_to is None and deleted == []
    assert post.author.handle == "unknown" and post.author.reach is None and post.metrics == {}
    assert post.url == "https://x.com/i/web/status/1861"
    assert connector.posts_from_response({"meta": {"result_count": 0}}, "mention") == ([], [])
    assert connector.posts_from_response(["not", "an", "object"], "mention") == ([], [])
    await connector.aclose()


@pytest.mark.parametrize("shape", ["errors", "problem"])
async def test_a_429_reschedules_until_the_reset_in_either_body_shape(sandbox: XSandbox, shape: Any) -> None:
    connector = make(sandbox, searches=[])
    sandbox.limit_next(shape, path="/2/users/" + sandbox.me.id)
    pages = await sync(connector, {})
    (page,) = pages
    assert page.error is not None and page.error.kind == "rate_limited" and page.cursor is None
    sent = sandbox.requests_to(f"/2/users/{sandbox.me.id}/mentions")
    assert len(sent) == 1, "a 429 is not retried"
    budget = connector.budgets["GET /2/users/:id/mentions"]
    assert budget.remaining == 0 and budget.reset is not None
    assert page.error.until == budget.reset
    assert abs((budget.reset - datetime.now(UTC)).total_seconds() - sandbox.rate_window) < 5
    # Until the reset the connector does not even ask.
    again = await sync(connector, {})
    assert again[0].error is not None and again[0].error.kind == "rate_limited"
    assert len(sandbox.requests_to(f"/2/users/{sandbox.me.id}/mentions")) == 1
    await connector.aclose()


async def test_budgets_follow_the_headers_and_are_enforced_before_sending(sandbox: XSandbox) -> None:
    sandbox.enforce_rate_limits = True
    sandbox.rate_limits["GET /2/users/:id/mentions"] = 3
    connector = make(sandbox, searches=[])
    cursors: dict[str, str] = {}
    await sync(connector, cursors)
    budget = connector.budgets["GET /2/users/:id/mentions"]
    assert (budget.limit, budget.remaining) == (3, 1)
    assert any(
        line.startswith("GET /2/users/:id/mentions: 1/3 until") for line in budget_summary(connector.budgets)
    )
    await sync(connector, cursors)
    assert connector.budgets["GET /2/users/:id/mentions"].remaining == 0
    before = len(sandbox.requests)
    pages = await sync(connector, cursors)
    assert pages[0].error is not None and pages[0].error.kind == "rate_limited"
    assert len(sandbox.requests) == before, "a spent budget is not spent again"
    await connector.aclose()


# -- tokens ---------------------------------------------------------------------------------------


def token_secret(sandbox: XSandbox, *, expired: bool) -> str:
    """A token set as `cockpit accounts login` stores it, freshly issued by the sandbox."""
    tokens = TokenSet.from_response(sandbox.issue_tokens())
    if expired:
        tokens = tokens.model_copy(update={"expires_at": time.time() - 10})
    return tokens.to_json()


async def test_an_expired_token_set_is_refreshed_and_stored_before_use(sandbox: XSandbox) -> None:
    secret = token_secret(sandbox, expired=True)
    old = TokenSet.from_json(secret)
    assert old is not None and old.refresh_token
    stored: list[str] = []
    log_when_saved: list[list[str]] = []

    def save(new_secret: str) -> None:
        stored.append(new_secret)
        log_when_saved.append(list(sandbox.auth_log))

    connector = make(sandbox, secret=secret, searches=[])
    connector.on_new_secret = save
    pages = await sync(connector, {})
    assert all(p.error is None for p in pages) and posts_of(pages)
    (saved,) = stored
    fresh = TokenSet.from_json(saved)
    assert fresh is not None and fresh.refresh_token not in (None, old.refresh_token)
    assert fresh.expires_at is not None and fresh.expires_at > time.time() + 3600
    new_print = sandbox.fingerprint(fresh.access_token)
    assert new_print not in log_when_saved[0], "the new access token was used before it was stored"
    assert new_print in sandbox.auth_log and sandbox.fingerprint(old.access_token) not in sandbox.auth_log
    assert old.refresh_token not in sandbox.refresh_tokens, "X rotates: the old refresh token is spent"
    form = sandbox.requests_to("/2/oauth2/token")[0].body.decode()
    assert "grant_type=refresh_token" in form and f"client_id={CLIENT_ID}" in form
    assert old.refresh_token not in repr(connector.tokens) and fresh.access_token not in repr(
        connector.tokens
    )
    await connector.aclose()


async def test_without_a_place_to_store_renewed_tokens_the_refresh_token_is_not_spent(
    sandbox: XSandbox,
) -> None:
    secret = token_secret(sandbox, expired=True)
    connector = make(sandbox, secret=secret, searches=[])
    with pytest.raises(AuthExpired) as caught:
        await sync(connector, {})
    assert "cannot store" in str(caught.value) and "cockpit accounts login acme-x" in str(caught.value)
    assert sandbox.requests_to("/2/oauth2/token") == []
    assert json.loads(secret)["refresh_token"] in sandbox.refresh_tokens
    await connector.aclose()


async def test_a_token_revoked_early_is_refreshed_once_and_the_request_repeated(sandbox: XSandbox) -> None:
    connector = make(sandbox, secret=token_secret(sandbox, expired=False), searches=[])
    stored: list[str] = []
    connector.on_new_secret = stored.append
    sandbox.expire_access_tokens()
    pages = await sync(connector, {})
    assert posts_of(pages) and len(stored) == 1
    await connector.aclose()


async def test_a_crash_between_receiving_and_storing_tokens_asks_for_a_new_login(sandbox: XSandbox) -> None:
    secret = token_secret(sandbox, expired=True)

    def crash(new_secret: str) -> None:
        raise OSError("keyring unavailable")  # stands for the process dying before the store finished

    connector = make(sandbox, secret=secret, searches=[])
    connector.on_new_secret = crash
    with pytest.raises(AuthExpired) as caught:
        await sync(connector, {})
    assert "cockpit accounts login acme-x" in str(caught.value)
    api_calls = [r for r in sandbox.requests if r.path.startswith("/2/") and r.path != "/2/oauth2/token"]
    assert api_calls == [], "no request may use tokens that were never stored"
    await connector.aclose()

    # The store still holds the old set; X has retired its refresh token, so the next start says: log in.
    restarted = make(sandbox, secret=secret, searches=[])
    restarted.on_new_secret = lambda new_secret: None
    with pytest.raises(AuthExpired) as again:
        await sync(restarted, {})
    assert "cockpit accounts login acme-x" in str(again.value)
    assert secret not in str(again.value)
    await restarted.aclose()


async def test_a_plain_token_is_never_refreshed_and_a_refusal_means_log_in(sandbox: XSandbox) -> None:
    connector = make(sandbox, secret="not-a-valid-token", searches=[])
    with pytest.raises(AuthExpired) as caught:
        await sync(connector, {})
    assert "cockpit accounts login acme-x" in str(caught.value) and "not-a-valid-token" not in str(
        caught.value
    )
    assert sandbox.requests_to("/2/oauth2/token") == []
    await connector.aclose()
    missing = make(sandbox, secret=None)
    with pytest.raises(AuthExpired):
        await sync(missing, {})
    await missing.aclose()


# -- writing --------------------------------------------------------------------------------------


async def test_reply_and_like(sandbox: XSandbox) -> None:
    connector = make(sandbox)
    root = next(t for t in sandbox.tweets.values() if t.text.startswith("@acmerelay any plans"))
    target = ReplyTarget(thread_key=str(root.conversation_id), ext_id=str(root.id))
    ref = await connector.reply(
        target, "@ahmedhsn not yet, but it's on the roadmap: docs.acme.dev/roadmap", key="k1"
    )
    created = sandbox.tweets[int(ref.ext_id)]
    assert created.reply_to == root.id and created.author_id == sandbox.me.id
    assert ref.url == f"https://x.com/acmerelay/status/{ref.ext_id}"
    body = sandbox.requests_to("/2/tweets", "POST")[0].json()
    assert body == {"text": created.text, "reply": {"in_reply_to_tweet_id": str(root.id)}}
    assert (
        connector.posting_budgets["user"].remaining == sandbox.daily_post_limit - 1
    )  # the seeded one is a day old

    await connector.like(str(root.id))
    await connector.like(str(root.id))
    assert (sandbox.me.id, root.id) in sandbox.likes and root.likes == 1
    assert sandbox.requests_to(f"/2/users/{sandbox.me.id}/likes", "POST")[0].json() == {
        "tweet_id": str(root.id)
    }
    await connector.aclose()


async def test_a_reply_dropped_after_sending_is_outcome_unknown_and_found_in_the_thread(
    sandbox: XSandbox,
) -> None:
    connector = make(sandbox)
    root = next(t for t in sandbox.tweets.values() if t.text.startswith("Writing up our migration"))
    target = ReplyTarget(thread_key=str(root.conversation_id), ext_id=str(root.id))
    text = "@zoeadler consumer-group rebalancing during the cutover, please!"
    sandbox.misbehave("drop", method="POST", path="/2/tweets")
    with pytest.raises(OutcomeUnknown):
        await connector.reply(target, text, key="k2")
    assert len(sandbox.requests_to("/2/tweets", "POST")) == 1, "never resent blindly"
    found = await connector.find_reply(target, text)
    assert found is not None and sandbox.tweets[int(found.ext_id)].text == text
    assert await connector.find_reply(target, "something we never sent") is None
    with pytest.raises(DuplicateContent) as caught:
        await connector.reply(target, text, key="k2")
    assert "change the text" in str(caught.value)
    await connector.aclose()


async def test_a_spent_daily_posting_budget_stops_replies_before_sending(sandbox: XSandbox) -> None:
    sandbox.daily_post_limit = 1
    connector = make(sandbox)
    root = next(t for t in sandbox.tweets.values() if t.text.startswith("@acmerelay any plans"))
    target = ReplyTarget(thread_key=str(root.id), ext_id=str(root.id))
    await connector.reply(target, "@ahmedhsn we'll share news soon", key="a")
    assert connector.posting_budgets["user"].remaining == 0
    with pytest.raises(RateLimited) as caught:
        await connector.reply(target, "@ahmedhsn and another thing", key="b")
    assert caught.value.until > datetime.now(UTC) + timedelta(hours=23)
    assert len(sandbox.requests_to("/2/tweets", "POST")) == 1
    await connector.aclose()


def test_options_are_checked_with_a_clear_message(sandbox: XSandbox) -> None:
    from connectors.errors import PermanentError

    with pytest.raises(PermanentError) as caught:
        make(sandbox, max_results=500)
    assert "max_results" in str(caught.value)


def test_the_secret_stays_out_of_reprs(sandbox: XSandbox) -> None:
    secret = token_secret(sandbox, expired=False)
    connector = make(sandbox, secret=secret)
    tokens = json.loads(secret)
    for text in (repr(connector), repr(connector.tokens), repr(connector.options)):
        assert tokens["access_token"] not in text and tokens["refresh_token"] not in text


async def test_a_429_for_the_daily_posting_limit_waits_for_the_daily_reset(sandbox: XSandbox) -> None:
    connector = make(sandbox)
    root = next(t for t in sandbox.tweets.values() if t.text.startswith("@acmerelay any plans"))
    tomorrow = int(time.time()) + 86_000
    sandbox.misbehave(
        "rate_limit",
        method="POST",
        path="/2/tweets",
        headers={"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": str(tomorrow)},
    )
    with pytest.raises(RateLimited) as caught:
        await connector.reply(
            ReplyTarget(thread_key=str(root.id), ext_id=str(root.id)), "@ahmedhsn hi", key="x"
        )
    assert int(caught.value.until.timestamp()) == tomorrow
    sandbox.misbehave(
        "rate_limit", method="POST", path="/2/users/", headers={"x-user-limit-24hour-remaining": "0"}
    )
    with pytest.raises(RateLimited) as plain:
        await connector.like(str(root.id))
    assert plain.value.until < datetime.now(UTC) + timedelta(minutes=2), "the 15-minute window's reset"
    await connector.aclose()


def test_the_sandbox_checks_page_parameters_like_x(sandbox: XSandbox) -> None:
    auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    mentions = f"{sandbox.url}/2/users/{sandbox.me.id}/mentions"
    wrong_token = httpx.get(mentions, params={"next_token": "abc"}, headers=auth)
    assert wrong_token.status_code == 400 and "next_token" in wrong_token.text
    too_many = httpx.get(mentions, params={"max_results": "101"}, headers=auth)
    assert too_many.status_code == 400
    search = f"{sandbox.url}/2/tweets/search/recent"
    assert (
        httpx.get(search, params={"query": "acme", "pagination_token": "x"}, headers=auth).status_code == 400
    )
    bare = httpx.get(mentions, params={"max_results": "5"}, headers=auth).json()
    assert set(bare) == {"data", "meta"} and set(bare["data"][0]) == {"id", "text", "edit_history_tweet_ids"}
    assert httpx.get(mentions, headers={"Authorization": "Bearer nope"}).status_code == 401
    answer = httpx.get(mentions, headers=auth)
    assert int(answer.headers["x-rate-limit-remaining"]) < int(answer.headers["x-rate-limit-limit"])
    made = sandbox.simulate_activity(20)
    assert len(made) == 20 and any(t.reply_to for t in made) and any("@acmerelay" not in t.text for t in made)
