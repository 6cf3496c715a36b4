"""The shared HTTP layer against a real loopback sandbox, one misbehaviour at a time."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    RateLimited,
    TransientError,
)
from connectors.http import HttpClient, RetryPolicy, Validators, default_user_agent, retry_after_until
from connectors.sandbox.blog import APP_PASSWORD, APP_USER, BlogSandbox

INDEX = "/tideline/wp-json/"
COMMENTS = "/tideline/wp-json/wp/v2/comments"
SECRET = "s3cr3t-Token-9f8e7d"


def a_comment(sandbox: BlogSandbox, text: str = "A reply from the cockpit") -> dict[str, object]:
    post = sandbox.blog("tideline").posts[0]
    return {"post": post.id, "parent": 0, "content": text}


async def test_every_request_carries_the_user_agent_and_uses_the_base_url(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    response = await http.get(INDEX)
    assert response.status == 200
    assert response.json()["name"] == "Tideline"
    agent = blog_sandbox.requests[-1].headers["user-agent"]
    assert agent == default_user_agent()
    assert agent.startswith("cockpit/") and "(+https://" in agent


async def test_timeouts_are_explicit_for_every_phase() -> None:
    client = HttpClient(account="a", timeout=httpx.Timeout(1.0, connect=2.0, read=3.0, write=4.0, pool=5.0))
    timeout = client._client.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (2.0, 3.0, 4.0, 5.0)
    default = HttpClient(account="b")._client.timeout
    assert None not in (default.connect, default.read, default.write, default.pool)
    await client.aclose()


async def test_429_becomes_rate_limited_until_retry_after_and_is_not_retried(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("rate_limit", times=5, headers={"Retry-After": "120"})
    before = datetime.now(UTC)
    with pytest.raises(RateLimited) as caught:
        await http.get(INDEX)
    assert before + timedelta(seconds=119) <= caught.value.until <= datetime.now(UTC) + timedelta(seconds=121)
    assert "acme-blog" in str(caught.value)
    assert len(blog_sandbox.requests_to(INDEX)) == 1


async def test_a_platform_rate_limit_parser_reads_its_own_headers(blog_sandbox: BlogSandbox) -> None:
    reset = int((datetime.now(UTC) + timedelta(minutes=15)).timestamp())

    def x_style(headers: httpx.Headers, now: datetime) -> datetime | None:
        value = headers.get("x-rate-limit-reset")
        return datetime.fromtimestamp(int(value), tz=UTC) if value else None

    client = HttpClient(account="acme-x", base_url=blog_sandbox.url, rate_limit_parser=x_style)
    blog_sandbox.misbehave("rate_limit", headers={"x-rate-limit-reset": str(reset)})
    with pytest.raises(RateLimited) as caught:
        await client.get(INDEX)
    assert caught.value.until == datetime.fromtimestamp(reset, tz=UTC)
    await client.aclose()


def test_the_default_rate_limit_parser_understands_seconds_dates_and_epochs() -> None:
    now = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    assert retry_after_until(httpx.Headers({"Retry-After": "30"}), now) == now + timedelta(seconds=30)
    dated = httpx.Headers({"Retry-After": "Mon, 02 Jun 2025 12:05:00 GMT"})
    assert retry_after_until(dated, now) == datetime(2025, 6, 2, 12, 5, tzinfo=UTC)
    epoch = httpx.Headers({"X-RateLimit-Reset": str(int(now.timestamp()) + 60)})
    assert retry_after_until(epoch, now) == now + timedelta(seconds=60)
    iso = httpx.Headers({"X-RateLimit-Reset": "2025-06-02T13:00:00Z"})
    assert retry_after_until(iso, now) == datetime(2025, 6, 2, 13, 0, tzinfo=UTC)
    assert retry_after_until(httpx.Headers({"Retry-After": "soon"}), now) is None
    assert retry_after_until(httpx.Headers(), now) is None


async def test_a_5xx_on_get_is_retried_then_becomes_transient(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("server_error", times=10, status=502)
    with pytest.raises(TransientError) as caught:
        await http.get(INDEX)
    assert len(blog_sandbox.requests_to(INDEX)) == 3
    assert "HTTP 502" in str(caught.value) and "acme-blog" in str(caught.value)


async def test_a_get_that_fails_once_succeeds_on_the_retry(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("server_error", times=1)
    response = await http.get(INDEX)
    assert response.status == 200
    assert len(blog_sandbox.requests_to(INDEX)) == 2


async def test_a_5xx_on_post_is_never_retried(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    blog_sandbox.misbehave("server_error", times=10, method="POST")
    with pytest.raises(OutcomeUnknown):
        await http.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    assert len(blog_sandbox.requests_to(COMMENTS, "POST")) == 1


async def test_accept_then_drop_on_post_is_outcome_unknown_and_stored_once(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("drop", method="POST")
    with pytest.raises(OutcomeUnknown) as caught:
        await http.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    assert "may or may not" in str(caught.value)
    assert len(blog_sandbox.posted) == 1
    assert len(blog_sandbox.requests_to(COMMENTS, "POST")) == 1


async def test_a_dropped_get_is_transient_and_retried(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    blog_sandbox.misbehave("drop", times=10, method="GET")
    with pytest.raises(TransientError):
        await http.get(INDEX)
    assert len(blog_sandbox.requests_to(INDEX)) == 3


async def test_a_malformed_json_body_is_a_typed_error(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    blog_sandbox.misbehave("malformed")
    response = await http.get(INDEX)
    with pytest.raises(TransientError) as caught:
        response.json()
    assert "malformed JSON" in str(caught.value) and "acme-blog" in str(caught.value)


async def test_a_truncated_body_is_transient(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    blog_sandbox.misbehave("truncated", times=10)
    with pytest.raises(TransientError):
        await http.get(INDEX)
    assert len(blog_sandbox.requests_to(INDEX)) == 3


async def test_a_truncated_answer_to_a_post_is_outcome_unknown(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    blog_sandbox.misbehave("truncated", method="POST")
    with pytest.raises(OutcomeUnknown):
        await http.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    assert len(blog_sandbox.posted) == 1


async def test_a_slow_get_times_out_as_transient(blog_sandbox: BlogSandbox) -> None:
    client = HttpClient(
        account="acme-blog",
        base_url=blog_sandbox.url,
        timeout=httpx.Timeout(0.2),
        retry=RetryPolicy(attempts=2, initial_wait=0, max_wait=0),
    )
    blog_sandbox.misbehave("slow", times=2, delay=3)
    with pytest.raises(TransientError) as caught:
        await client.get(INDEX)
    assert "did not answer in time" in str(caught.value)
    assert len(blog_sandbox.requests_to(INDEX)) == 2
    await client.aclose()


async def test_a_slow_post_times_out_as_outcome_unknown(blog_sandbox: BlogSandbox) -> None:
    client = HttpClient(account="acme-blog", base_url=blog_sandbox.url, timeout=httpx.Timeout(0.2))
    blog_sandbox.misbehave("slow", method="POST", delay=3)
    with pytest.raises(OutcomeUnknown):
        await client.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    assert len(blog_sandbox.requests_to(COMMENTS, "POST")) == 1
    await client.aclose()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_connect_error_is_transient_even_for_a_post() -> None:
    client = HttpClient(
        account="acme-blog",
        base_url=f"http://127.0.0.1:{closed_port()}",
        retry=RetryPolicy(attempts=2, initial_wait=0, max_wait=0),
    )
    with pytest.raises(TransientError):
        await client.get("/feed/")
    with pytest.raises(TransientError):
        await client.post("/comments", json={"content": "never sent"})
    await client.aclose()


async def test_status_codes_map_to_typed_errors(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    cases: list[tuple[int, type[ConnectorError]]] = [
        (401, AuthExpired),
        (403, PermissionDenied),
        (404, PermanentError),
        (410, PermanentError),
    ]
    for status, expected in cases:
        blog_sandbox.put(f"/status/{status}", b"{}", "application/json", status=status)
        with pytest.raises(expected) as caught:
            await http.get(f"/status/{status}")
        assert type(caught.value) is expected
        assert len(blog_sandbox.requests_to(f"/status/{status}")) == 1, "4xx is never retried"
    blog_sandbox.put("/status/401", b"{}", "application/json", status=401)
    with pytest.raises(AuthExpired) as caught_auth:
        await http.get("/status/401")
    assert caught_auth.value.fix == "run `cockpit accounts login acme-blog`"


async def test_a_conditional_get_sends_validators_and_reports_not_modified(
    http: HttpClient, blog_sandbox: BlogSandbox
) -> None:
    first = await http.get("/tideline/feed/")
    assert first.status == 200 and not first.not_modified
    validators = first.validators
    assert validators.etag and validators.last_modified
    second = await http.get("/tideline/feed/", validators=validators)
    assert second.not_modified and second.content == b""
    assert second.validators == validators
    sent = blog_sandbox.requests[-1].headers
    assert sent["if-none-match"] == validators.etag
    assert sent["if-modified-since"] == validators.last_modified
    blog_sandbox.add_post("tideline", title="Something new", html="<p>new</p>")
    third = await http.get("/tideline/feed/", validators=validators)
    assert third.status == 200 and third.validators.etag != validators.etag


async def test_if_modified_since_alone_also_gives_304(http: HttpClient) -> None:
    first = await http.get("/tideline/feed/")
    second = await http.get(
        "/tideline/feed/", validators=Validators(last_modified=first.validators.last_modified)
    )
    assert second.not_modified
    assert second.validators.last_modified == first.validators.last_modified


async def test_secrets_never_reach_error_messages(blog_sandbox: BlogSandbox) -> None:
    client = HttpClient(
        account="acme-blog",
        base_url=blog_sandbox.url,
        headers={"Authorization": f"Bearer {SECRET}", "Api-Key": SECRET},
        retry=RetryPolicy(attempts=1),
        timeout=httpx.Timeout(0.2),
    )
    blog_sandbox.put("/private", b'{"error": "nope"}', "application/json", status=401)
    errors: list[ConnectorError] = []
    for kind in ("server_error", "rate_limit", "truncated", "drop", "slow"):
        blog_sandbox.misbehave(kind, delay=2)
        with pytest.raises(ConnectorError) as caught:
            response = await client.get(f"/tideline/wp-json/?access_token={SECRET}")
            response.json()
        errors.append(caught.value)
    with pytest.raises(ConnectorError) as caught:
        await client.get(f"/private?token={SECRET}")
    errors.append(caught.value)
    with pytest.raises(ConnectorError) as caught:
        await client.post(f"http://user:{SECRET}@127.0.0.1:{closed_port()}/x", json={"secret": SECRET})
    errors.append(caught.value)
    blog_sandbox.misbehave("drop", method="POST")
    with pytest.raises(ConnectorError) as caught:
        await client.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    errors.append(caught.value)
    assert len(errors) == 8
    for error in errors:
        for shown in (str(error), repr(error), error.fix, error.message):
            assert SECRET not in shown
            assert APP_PASSWORD not in shown
        assert "acme-blog" in str(error)
    assert SECRET not in repr(client)
    await client.aclose()


async def test_the_sandbox_log_redacts_credentials(http: HttpClient, blog_sandbox: BlogSandbox) -> None:
    await http.post(COMMENTS, json=a_comment(blog_sandbox), auth=(APP_USER, APP_PASSWORD))
    logged = blog_sandbox.requests_to(COMMENTS, "POST")[0].headers["authorization"]
    assert logged == "Basic <redacted>"


async def test_an_oversized_answer_is_refused(blog_sandbox: BlogSandbox) -> None:
    client = HttpClient(account="acme-blog", base_url=blog_sandbox.url, max_body_bytes=1000)
    with pytest.raises(PermanentError) as caught:
        await client.get("/tideline/feed/")
    assert "larger than" in str(caught.value)
    await client.aclose()


async def test_an_unusable_url_is_permanent(http: HttpClient) -> None:
    with pytest.raises(PermanentError):
        await http.get("gopher://example.invalid/feed")
