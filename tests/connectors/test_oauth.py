"""The generic OAuth 2.0 helper against the X sandbox's authorize and token endpoints."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.errors import AuthExpired
from connectors.oauth import (
    OAuthClient,
    TokenSet,
    authorize_request,
    exchange_code,
    refresh_tokens,
    s256_challenge,
    token_http,
)
from connectors.sandbox.x import CLIENT_ID, XSandbox

REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """A running X sandbox (its OAuth endpoints)."""
    with XSandbox() as server:
        yield server


def client_for(sandbox: XSandbox) -> OAuthClient:
    """The sandbox's OAuth app."""
    return OAuthClient(
        authorize_url=f"{sandbox.url}/i/oauth2/authorize",
        token_url=f"{sandbox.url}/2/oauth2/token",
        client_id=CLIENT_ID,
        scopes=("tweet.read", "users.read", "offline.access"),
    )


def approve(url: str) -> dict[str, str]:
    """Visit the authorize URL like a browser whose user clicks "Authorize"; the redirect's query."""
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def test_s256_matches_the_rfc_7636_example() -> None:
    assert (
        s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_the_authorize_url_carries_pkce_state_and_scopes(sandbox: XSandbox) -> None:
    request = authorize_request(client_for(sandbox), REDIRECT)
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT and query["scope"] == "tweet.read users.read offline.access"
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == s256_challenge(request.code_verifier)
    assert query["state"] == request.state and len(request.state) >= 24
    assert request.code_verifier not in request.url and request.code_verifier not in repr(request)
    other = authorize_request(client_for(sandbox), REDIRECT)
    assert other.state != request.state and other.code_verifier != request.code_verifier


async def test_code_exchange_then_refresh_with_rotation(sandbox: XSandbox) -> None:
    client = client_for(sandbox)
    request = authorize_request(client, REDIRECT)
    answer = approve(request.url)
    assert answer["state"] == request.state
    http = token_http("acme-x")
    tokens = await exchange_code(http, client, request, answer["code"])
    assert tokens.refresh_token in sandbox.refresh_tokens
    assert tokens.expires_at is not None and abs(tokens.expires_at - time.time() - 7200) < 5
    assert not tokens.expired() and tokens.model_copy(update={"expires_at": time.time() + 30}).expired()
    assert TokenSet.from_json(tokens.to_json()) == tokens
    assert tokens.access_token not in repr(tokens) and str(tokens.refresh_token) not in repr(tokens)

    with pytest.raises(AuthExpired):  # a code works once
        await exchange_code(http, client, request, answer["code"])

    order: list[str] = []

    def save(new: TokenSet) -> None:
        order.append("saved")
        assert new.refresh_token != tokens.refresh_token

    fresh = await refresh_tokens(http, client, tokens, save)
    order.append("returned")
    assert order == ["saved", "returned"]
    assert (
        fresh.refresh_token in sandbox.refresh_tokens and tokens.refresh_token not in sandbox.refresh_tokens
    )
    with pytest.raises(AuthExpired) as caught:  # the rotated-out refresh token is spent
        await refresh_tokens(http, client, tokens, save)
    assert "log in again" in str(caught.value) and str(tokens.refresh_token) not in str(caught.value)
    await http.aclose()


async def test_a_wrong_verifier_or_a_failing_save_is_refused(sandbox: XSandbox) -> None:
    client = client_for(sandbox)
    request = authorize_request(client, REDIRECT)
    code = approve(request.url)["code"]
    forged = authorize_request(client, REDIRECT)  # another verifier
    http = token_http("acme-x")
    bad = type(request)(
        url=request.url, state=request.state, redirect_uri=REDIRECT, code_verifier=forged.code_verifier
    )
    with pytest.raises(AuthExpired):
        await exchange_code(http, client, bad, code)

    tokens = TokenSet.from_response(sandbox.issue_tokens())

    def broken(new: TokenSet) -> None:
        raise OSError("disk full")

    with pytest.raises(AuthExpired) as caught:
        await refresh_tokens(http, client, tokens, broken)
    assert "could not store" in str(caught.value)
    with pytest.raises(AuthExpired):
        await refresh_tokens(http, client, tokens.model_copy(update={"refresh_token": None}), broken)
    await http.aclose()


def test_token_sets_read_only_what_they_should() -> None:
    assert TokenSet.from_json("plain-access-token") is None
    assert TokenSet.from_json('{"refresh_token": "r"}') is None
    assert TokenSet.from_json("{not json") is None
    parsed = TokenSet.from_json('{"access_token": "a", "refresh_token": "r", "expires_at": 1}')
    assert parsed is not None and parsed.expired()
    kept = TokenSet.from_response({"access_token": "b", "expires_in": 60}, previous=parsed)
    assert kept.refresh_token == "r", "a refresh answer without a new refresh token keeps the old one"
