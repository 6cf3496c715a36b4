"""The HTTP layer every connector shares: one client per connector, timeouts, GET retries, typed errors.

Reads (`get`) are retried with exponential backoff on `TransientError` only; writes (`post`, `write`) are
never retried. A write that fails after its request may have reached the server raises `OutcomeUnknown`.
Error messages name the account and the URL without its query string; they never carry headers, so a
token or password sent with a request cannot leak into a message.
"""

from __future__ import annotations

import email.utils
import functools
import json
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    RateLimited,
    RequestNotSent,
    TransientError,
)

PROJECT_URL = "https://github.com/cockpit-community/cockpit"
"""Where the User-Agent points server operators (no cockpit import: connectors stay independent)."""

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=30.0)
"""Explicit per-phase timeouts in seconds; a connector can pass its own."""

MAX_BODY_BYTES = 20 * 1024 * 1024
"""A response larger than this is refused: text from the internet is hostile."""

DEFAULT_RATE_LIMIT_WAIT = timedelta(seconds=60)
"""How long to back off after a 429 that says nothing about when to come back."""

RateLimitParser = Callable[[httpx.Headers, datetime], datetime | None]
"""Turns a 429's headers (and the current time) into the moment requests are welcome again."""

ErrorHook = Callable[["HttpResponse", str], ConnectorError | None]
"""A platform's chance to turn an error response (and the method) into a more precise error."""


def _version() -> str:
    try:
        return metadata.version("cockpit")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def default_user_agent(version: str | None = None) -> str:
    """Return the User-Agent every request carries, e.g. `cockpit/0.1.0 (+https://...)`."""
    return f"cockpit/{version or _version()} (+{PROJECT_URL})"


def safe_url(url: str | httpx.URL) -> str:
    """Return `url` without user info, query or fragment, fit for an error message or a log line."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def retry_after_until(headers: httpx.Headers, now: datetime) -> datetime | None:
    """Read `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (epoch seconds or ISO 8601)."""
    retry_after = headers.get("retry-after", "").strip()
    if retry_after:
        if retry_after.isdigit():
            return now + timedelta(seconds=int(retry_after))
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset:
        try:
            return datetime.fromtimestamp(float(reset), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How GETs are retried: `attempts` in all, waiting `initial_wait` doubling up to `max_wait` seconds."""

    attempts: int = 3
    initial_wait: float = 0.5
    max_wait: float = 8.0


@dataclass(frozen=True)
class Validators:
    """Conditional-GET validators of one resource, as the server last sent them."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class HttpResponse:
    """A fully read response; `not_modified` is true for a 304 answer to a conditional GET."""

    account: str
    method: str
    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def not_modified(self) -> bool:
        """Whether the server answered 304: nothing changed since the validators we sent."""
        return self.status == 304

    @property
    def validators(self) -> Validators:
        """The ETag and Last-Modified the server sent with this response."""
        return Validators(
            etag=self.headers.get("etag") or None, last_modified=self.headers.get("last-modified") or None
        )

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 when none), replacing undecodable bytes."""
        charset = httpx.Response(200, headers=self.headers).charset_encoding or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Return the decoded JSON body; a malformed body raises `TransientError`."""
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TransientError(
                f"{self.account}: {safe_url(self.url)} sent a malformed JSON body ({type(exc).__name__})",
                fix="this is usually temporary; sync again later",
            ) from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: building one costs 30-100 ms of CPU on the event loop."""
    return httpx.create_ssl_context()


def _describe(exc: BaseException) -> str:
    """Name an httpx exception for a message without its text (which can carry the URL's query)."""
    names: dict[type[BaseException], str] = {
        httpx.ConnectTimeout: "connecting timed out",
        httpx.ReadTimeout: "the server did not answer in time",
        httpx.WriteTimeout: "sending the request timed out",
        httpx.PoolTimeout: "no free connection in time",
        httpx.ConnectError: "could not connect",
        httpx.RemoteProtocolError: "the server closed the connection mid-answer",
        httpx.ReadError: "the connection broke while reading the answer",
        httpx.WriteError: "the connection broke while sending the request",
    }
    return names.get(type(exc), type(exc).__name__)


class HttpClient:
    """One account's HTTP session: a single `httpx.AsyncClient`, timeouts, User-Agent, retries, typed errors."""

    def __init__(
        self,
        *,
        account: str,
        base_url: str = "",
        user_agent: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_limit_parser: RateLimitParser = retry_after_until,
        error_hook: ErrorHook | None = None,
        headers: Mapping[str, str] | None = None,
        max_connections: int = 10,
        max_body_bytes: int = MAX_BODY_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.account = account
        self.retry = retry or RetryPolicy()
        self.rate_limit_parser = rate_limit_parser
        self.error_hook = error_hook
        self.max_body_bytes = max_body_bytes
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            headers={"User-Agent": user_agent or default_user_agent(), **dict(headers or {})},
            follow_redirects=True,
            max_redirects=5,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            verify=_tls_context(),
        )

    def __repr__(self) -> str:
        return f"HttpClient(account={self.account!r})"

    @property
    def closed(self) -> bool:
        """Whether `aclose` has been called."""
        return self._client.is_closed

    async def aclose(self) -> None:
        """Close the underlying connection pool."""
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        validators: Validators | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
    ) -> HttpResponse:
        """GET `url` with retries on transient failures; a 304 comes back as `not_modified`."""
        sent = dict(headers or {})
        if validators is not None:
            if validators.etag:
                sent["If-None-Match"] = validators.etag
            if validators.last_modified:
                sent["If-Modified-Since"] = validators.last_modified
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.retry.attempts)),
            wait=wait_exponential(multiplier=self.retry.initial_wait, max=self.retry.max_wait),
            retry=retry_if_exception_type(TransientError),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                response = await self._send("GET", url, params=params, headers=sent, auth=auth)
        if response.status == 304 and validators is not None:
            fresh = response.validators
            merged = httpx.Headers(response.headers)
            if not fresh.etag and validators.etag:
                merged["etag"] = validators.etag
            if not fresh.last_modified and validators.last_modified:
                merged["last-modified"] = validators.last_modified
            response = HttpResponse(
                account=response.account,
                method=response.method,
                url=response.url,
                status=304,
                headers=merged,
                content=b"",
            )
        return response

    async def post(
        self,
        url: str,
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
    ) -> HttpResponse:
        """POST once, never retried; a failure after sending raises `OutcomeUnknown`."""
        return await self.write("POST", url, json=json, data=data, headers=headers, auth=auth)

    async def write(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
    ) -> HttpResponse:
        """Send one non-idempotent request (POST, PUT, PATCH, DELETE) exactly once."""
        return await self._send(method.upper(), url, json=json, data=data, headers=headers, auth=auth)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
    ) -> HttpResponse:
        is_read = method in {"GET", "HEAD"}
        try:
            request = self._client.build_request(
                method, url, params=params, json=json, data=data, headers=headers
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError):
            raise PermanentError(
                f"{self.account}: {safe_url(url)} is not a usable URL",
                fix="check the account's URL settings",
            ) from None
        where = f"{method} {safe_url(request.url)}"
        try:
            response = await self._client.send(
                request, auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT, stream=True
            )
            try:
                body = await self._read_body(response, where)
            finally:
                await response.aclose()
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the server yet: safe to retry later, even for a write.
            raise RequestNotSent(
                f"{self.account}: {where}: {_describe(exc)}", fix="sync again later"
            ) from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            if is_read:
                raise TransientError(
                    f"{self.account}: {where}: {_describe(exc)}", fix="sync again later"
                ) from None
            raise OutcomeUnknown(
                f"{self.account}: {where}: {_describe(exc)} after the request was sent; "
                "it may or may not have been published",
                fix="check on the platform before sending again",
            ) from None
        except httpx.TooManyRedirects:
            raise PermanentError(
                f"{self.account}: {where}: too many redirects", fix="check the URL"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise PermanentError(f"{self.account}: {where}: not a usable URL", fix="check the URL") from None
        except (httpx.DecodingError, httpx.ProtocolError, httpx.ProxyError) as exc:
            if is_read:
                raise TransientError(
                    f"{self.account}: {where}: {_describe(exc)}", fix="sync again later"
                ) from None
            raise OutcomeUnknown(
                f"{self.account}: {where}: {_describe(exc)} after the request was sent",
                fix="check on the platform before sending again",
            ) from None
        result = HttpResponse(
            account=self.account,
            method=method,
            url=str(response.url),
            status=response.status_code,
            headers=response.headers,
            content=body,
        )
        if result.status >= 400:
            raise self._error_for(result, where)
        return result

    async def _read_body(self, response: httpx.Response, where: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise PermanentError(
                f"{self.account}: {where}: the answer is larger than {self.max_body_bytes} bytes",
                fix="check the URL points at a feed or an API",
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PermanentError(
                    f"{self.account}: {where}: the answer is larger than {self.max_body_bytes} bytes",
                    fix="check the URL points at a feed or an API",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _error_for(self, response: HttpResponse, where: str) -> ConnectorError:
        """Map an error status to the typed error the sync engine and outbox understand."""
        if self.error_hook is not None:
            specific = self.error_hook(response, response.method)
            if specific is not None:
                return specific
        status = response.status
        is_read = response.method in {"GET", "HEAD"}
        if status == 401:
            return AuthExpired(
                f"{self.account}: {where} refused the credentials (HTTP 401)",
                fix=f"run `cockpit accounts login {self.account}`",
            )
        if status == 403:
            return PermissionDenied(
                f"{self.account}: {where} is not allowed for this account (HTTP 403)",
                fix="check the account's role or scopes on the platform",
            )
        if status == 429:
            now = datetime.now(UTC)
            until = self.rate_limit_parser(response.headers, now) or now + DEFAULT_RATE_LIMIT_WAIT
            return RateLimited(
                f"{self.account}: {where} is rate limited until {until:%H:%M:%S} UTC",
                until=until,
                fix="the cockpit will try again after that",
            )
        if status >= 500:
            if is_read:
                return TransientError(
                    f"{self.account}: {where} failed on the server (HTTP {status})", fix="sync again later"
                )
            return OutcomeUnknown(
                f"{self.account}: {where} failed on the server (HTTP {status}) after receiving the request; "
                "it may or may not have been published",
                fix="check on the platform before sending again",
            )
        return PermanentError(f"{self.account}: {where} was refused (HTTP {status})")
