"""Replay of X API v2 answers in the shapes the documentation shows, served over loopback.

FIXTURES ARE HAND-WRITTEN FROM THE X API v2 DOCUMENTATION (the response examples of `GET /2/users/me`,
`GET /2/users/:id/mentions`, `GET /2/tweets/search/recent`, `POST /2/tweets`, the rate-limit and error pages),
not recorded from the live API: no public recordings exist that we may use. Ids, names and texts are invented.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from connectors.errors import DuplicateContent
from connectors.models import Page, ReplyTarget
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer
from connectors.x import XConnector

ME = {"data": {"id": "2244994945", "name": "Acme Relay", "username": "acmerelay"}}

MENTIONS_PAGE_1 = {
    "data": [
        {
            "author_id": "783214",
            "conversation_id": "1460323737035677698",
            "created_at": "2021-11-15T20:38:57.000Z",
            "edit_history_tweet_ids": ["1460323737035677699"],
            "id": "1460323737035677699",
            "in_reply_to_user_id": "2244994945",
            "public_metrics": {"retweet_count": 0, "reply_count": 1, "like_count": 4, "quote_count": 0},
            "referenced_tweets": [{"type": "replied_to", "id": "1460323737035677698"}],
            "text": "@acmerelay does the broker support TLS 1.3?",
        },
        {
            # A tweet with the default fields only: what X sends when a field was not granted.
            "edit_history_tweet_ids": ["1460300000000000000"],
            "id": "1460300000000000000",
            "text": "@acmerelay hello from a minimal tweet",
        },
    ],
    "includes": {
        "users": [
            {
                "description": "Platform engineer. Queues all day.",
                "id": "783214",
                "name": "Ada Example",
                "public_metrics": {
                    "followers_count": 1532,
                    "following_count": 310,
                    "tweet_count": 4200,
                    "listed_count": 12,
                },
                "username": "ada_example",
            }
        ]
    },
    "errors": [
        {
            "value": "1460323737035677698",
            "detail": "Could not find tweet with referenced_tweets.id: [1460323737035677698].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "referenced_tweets.id",
            "resource_id": "1460323737035677698",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
    ],
    "meta": {
        "result_count": 2,
        "newest_id": "1460323737035677699",
        "oldest_id": "1460300000000000000",
        "next_token": "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i",
    },
}

MENTIONS_PAGE_2 = {
    # No `includes`: the author expansion found nothing to add.
    "data": [
        {
            "author_id": "99",
            "conversation_id": "1460200000000000000",
            "created_at": "2021-11-15T10:00:00.000Z",
            "edit_history_tweet_ids": ["1460200000000000000"],
            "id": "1460200000000000000",
            "text": "Shout-out to @acmerelay for the quick fix",
        }
    ],
    "meta": {"result_count": 1, "newest_id": "1460200000000000000", "oldest_id": "1460200000000000000"},
}

SEARCH_EMPTY = {"meta": {"result_count": 0}}

RATE_LIMITED_PROBLEM = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}

CREATED = {
    "data": {
        "id": "1445880548472328192",
        "text": "@ada_example yes, TLS 1.3 is on by default",
        "edit_history_tweet_ids": ["1445880548472328192"],
    }
}

DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}

RATE_HEADERS = {
    "x-rate-limit-limit": "450",
    "x-rate-limit-remaining": "449",
    "x-rate-limit-reset": "1700000900",
}


class ReplayServer(SandboxServer):
    """Answers each (method, path) with the next of its scripted replies."""

    name = "x-replay"

    def __init__(self, script: Mapping[tuple[str, str], list[Reply]]) -> None:
        super().__init__()
        self.script = {key: list(replies) for key, replies in script.items()}

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Serve the next scripted reply."""
        replies = self.script.get((request.method, request.path))
        if not replies:
            return Reply.json({"title": "Not Found Error"}, status=404)
        return replies.pop(0)


def _json(body: Any, status: int = 200, **headers: str) -> Reply:
    return Reply.json(body, status=status, headers={**RATE_HEADERS, **headers})


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """The replay server with the documented answers of one sync, a 429, a reply and a duplicate."""
    mentions = "/2/users/2244994945/mentions"
    script = {
        ("GET", "/2/users/me"): [_json(ME)],
        ("GET", mentions): [_json(MENTIONS_PAGE_1), _json(MENTIONS_PAGE_2)],
        ("GET", "/2/tweets/search/recent"): [
            Reply.json(
                RATE_LIMITED_PROBLEM,
                status=429,
                headers={
                    "x-rate-limit-limit": "450",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": "4102444800",
                },
            )
        ],
        ("POST", "/2/tweets"): [
            _json(
                CREATED, 201, **{"x-user-limit-24hour-limit": "100", "x-user-limit-24hour-remaining": "99"}
            ),
            _json(DUPLICATE, 403),
        ],
    }
    with ReplayServer(script) as replay:
        yield replay


async def test_documented_answers_normalise(server: ReplayServer) -> None:
    connector = XConnector(
        account="acme-x", base_url=server.url, secret="plain-token", options={"searches": ["acme relay"]}
    )
    pages: list[Page] = [page async for page in connector.fetch({})]
    first, second, search = pages
    assert [p.ext_id for p in first.posts] == ["1460323737035677699", "1460300000000000000"]
    reply, minimal = first.posts
    assert reply.thread_key == "1460323737035677698" and reply.in_reply_to == "1460323737035677698"
    assert (
        reply.author.handle == "ada_example"
        and reply.author.reach == 1532
        and reply.author.name == "Ada Example"
    )
    assert reply.metrics == {"reposts": 0, "replies": 1, "likes": 4, "quotes": 0}
    assert reply.created_at.isoformat() == "2021-11-15T20:38:57+00:00"
    assert minimal.thread_key == minimal.ext_id and minimal.author.handle == "unknown"
    assert first.deleted_ext_ids == ["1460323737035677698"]
    assert (
        json.loads(first.cursor or "")["pending"]["token"] == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"
    )
    assert second.posts[0].author.ext_id == "99" and second.posts[0].author.handle == "99"
    assert json.loads(second.cursor or "") == {"v": 1, "since_id": "1460323737035677699", "pending": None}
    page_two = server.requests_to("/2/users/2244994945/mentions")[1]
    assert page_two.param("pagination_token") == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"
    assert search.error is not None and search.error.kind == "rate_limited"
    assert search.error.until is not None and search.error.until.year == 2100
    assert connector.budgets["GET /2/users/:id/mentions"].remaining == 449

    target = ReplyTarget(thread_key=reply.thread_key, ext_id=reply.ext_id)
    ref = await connector.reply(target, "@ada_example yes, TLS 1.3 is on by default", key="k")
    assert ref.ext_id == "1445880548472328192" and connector.posting_budgets["user"].remaining == 99
    with pytest.raises(DuplicateContent):
        await connector.reply(target, "@ada_example yes, TLS 1.3 is on by default", key="k")
    await connector.aclose()


async def test_the_other_429_body_shape(server: ReplayServer) -> None:
    server.script[("GET", "/2/users/me")] = [
        Reply.json(
            {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
            status=429,
            headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": "4102444800"},
        )
    ]
    connector = XConnector(account="acme-x", base_url=server.url, secret="plain-token", options={})
    pages = [page async for page in connector.fetch({})]
    assert pages[0].error is not None and pages[0].error.kind == "rate_limited"
    assert pages[0].error.until is not None and pages[0].error.until.year == 2100
    await connector.aclose()
