"""The X connector (API v2): mentions and recent searches as conversations, whole threads, replies and likes.

Options (the account's `options` mapping):

- `searches`: recent-search queries to follow besides mentions.
- `client_id`, `client_secret_env`: the OAuth app, needed to refresh a token set (the client secret is read
  from the environment variable `client_secret_env` names, for confidential clients).
- `token_url`: where tokens are refreshed (default `<base_url>/2/oauth2/token`).
- `public_url`: where post links point (default https://x.com).
- `max_results` (100, 5..100), `max_pages_per_stream` (8: about 800 posts, all X offers on a first sync),
  `thread_pages` (5), `timeout_seconds` (20), `retry_attempts` (3), `retry_wait_seconds` (0.5): tuning.
- `on_new_secret`: a callable taking the new secret (a token set as JSON) after a refresh; it must store it.
  The attribute `connector.on_new_secret` may be set instead (the sync engine is to wire it to the
  credential store). Without it an expired token set is not renewed (that would spend the stored refresh
  token): `AuthExpired` asks for a new login.

The secret is either a plain access token (`COCKPIT_SECRET_<NAME>` for scripts: never refreshed) or a token
set `{"access_token", "refresh_token", "expires_at"}` as `cockpit accounts login` stores it.

Streams: "mentions" and "search:<query>". Each conversation is one thread (`thread_key` = `conversation_id`).
Cursors are JSON, version 1 (`XCursor`): `{"v": 1, "since_id": "<newest id stored>", "pending": null | {"newest":
"<id>", "token": "<page token>"}}`: while a multi-page read is under way the cursor keeps the old `since_id`
and where to go on, so an interrupted sync resumes without a gap and without reading a page twice.

Rate limits: every answer's `x-rate-limit-*` headers (and the 24-hour posting headers) update per-endpoint
budgets (`connector.budgets`); a request whose budget is spent raises `RateLimited` until the reset without
being sent, and a 429 (either body shape) raises `RateLimited` until `x-rate-limit-reset`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.base import Connector
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    DuplicateContent,
    PermanentError,
    PermissionDenied,
    RateLimited,
)
from connectors.http import HttpClient, HttpResponse, RetryPolicy, retry_after_until, safe_url
from connectors.models import Author, Capability, Page, Post, PostRef, ReplyTarget, Source, StreamError
from connectors.oauth import BearerAuth, OAuthClient
from connectors.x.text import clean_text

CURSOR_VERSION = 1
TWEET_FIELDS = "conversation_id,referenced_tweets,in_reply_to_user_id,created_at,author_id,public_metrics"
USER_FIELDS = "name,username,description,public_metrics"
_ID = re.compile(r"^[0-9]{1,25}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_POSTING_HEADERS = ("x-user-limit-24hour", "x-app-limit-24hour")


class XOptions(BaseModel):
    """The options an X account accepts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    searches: list[str] = Field(default_factory=list)
    client_id: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None
    public_url: str = "https://x.com"
    max_results: int = Field(100, ge=5, le=100)
    max_pages_per_stream: int = Field(8, ge=1, le=50)
    thread_pages: int = Field(5, ge=1, le=50)
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    retry_attempts: int = Field(3, ge=1, le=10)
    retry_wait_seconds: float = Field(0.5, ge=0, le=60)


class PendingRead(BaseModel):
    """A multi-page read under way: the newest id it started with and the next page's token."""

    newest: str
    token: str


class XCursor(BaseModel):
    """One stream's cursor: the newest tweet id stored and, mid-read, where to go on."""

    model_config = ConfigDict(extra="ignore")

    v: int = CURSOR_VERSION
    since_id: str | None = None
    pending: PendingRead | None = None

    @classmethod
    def load(cls, text: str | None) -> XCursor:
        """Read a stored cursor; anything unreadable (or of another version) gives a fresh one."""
        if not text:
            return cls()
        try:
            cursor = cls.model_validate_json(text)
        except ValidationError:
            return cls()
        if cursor.v != CURSOR_VERSION or (cursor.since_id is not None and not _ID.match(cursor.since_id)):
            return cls()
        return cursor

    def dump(self) -> str:
        """The cursor as compact JSON."""
        return self.model_dump_json()


@dataclass
class Budget:
    """What one endpoint's rate-limit headers last said."""

    limit: int | None = None
    remaining: int | None = None
    reset: datetime | None = None

    def exhausted(self, now: datetime) -> bool:
        """Whether no request may be sent before `reset`."""
        return (
            self.remaining is not None and self.remaining <= 0 and self.reset is not None and now < self.reset
        )


def _clean(text: str, limit: int = 300) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _epoch(value: str | None) -> datetime | None:
    if not value or not value.strip().isdigit():
        return None
    try:
        return datetime.fromtimestamp(int(value.strip()), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_time(value: Any) -> datetime | None:
    """Read an X timestamp like "2026-11-20T08:15:00.000Z"."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def endpoint_key(method: str, path: str) -> str:
    """The budget name of a request, with user and tweet ids replaced (`GET /2/users/:id/mentions`)."""
    parts = [
        ":id" if i > 1 and _ID.match(part) else part for i, part in enumerate(path.split("?")[0].split("/"))
    ]
    return f"{method.upper()} {'/'.join(parts)}"


def _error_details(body: Any) -> list[str]:
    """The human-readable parts of an X error body (either the `errors` list or a problem object)."""
    found: list[str] = []
    if isinstance(body, dict):
        for key in ("title", "detail", "message"):
            if isinstance(body.get(key), str):
                found.append(_clean(body[key]))
        for item in body.get("errors") or [] if isinstance(body.get("errors"), list) else []:
            if isinstance(item, dict):
                for key in ("message", "detail", "title"):
                    if isinstance(item.get(key), str):
                        found.append(_clean(item[key]))
    return found


class XConnector(BearerAuth, Connector):
    """Reads mentions and recent searches of one X account; replies and likes."""

    platform = "x"
    capabilities = frozenset({Capability.REPLY, Capability.LIKE, Capability.THREAD, Capability.SEARCH})

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        options = dict(options)
        callback = options.pop("on_new_secret", None)
        super().__init__(account=account, base_url=base_url, secret=secret, options=options)
        try:
            self.settings = XOptions.model_validate(options)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "options"
            raise PermanentError(
                f"{account}: x option `{field}` is not valid: {first['msg']}",
                fix="edit the account in the config file",
            ) from None
        self.on_new_secret: Callable[[str], None] | None = callback if callable(callback) else None
        self.public_url = self.settings.public_url.rstrip("/")
        self.budgets: dict[str, Budget] = {}
        """Per-endpoint rate-limit budgets, e.g. `budgets["GET /2/users/:id/mentions"].remaining`."""
        self.posting_budgets: dict[str, Budget] = {}
        """The 24-hour posting budgets (`user`, `app`) the last write's headers reported."""
        self.me: dict[str, str] | None = None
        self._load_secret(secret)
        self.http = HttpClient(
            account=account,
            base_url=self.base_url,
            timeout=httpx.Timeout(
                self.settings.timeout_seconds, connect=min(10.0, self.settings.timeout_seconds)
            ),
            retry=RetryPolicy(
                attempts=self.settings.retry_attempts,
                initial_wait=self.settings.retry_wait_seconds,
                max_wait=self.settings.retry_wait_seconds * 8,
            ),
            error_hook=self._error_hook,
            headers={"Accept": "application/json"},
            max_connections=4,
        )

    def __repr__(self) -> str:
        return f"XConnector(account={self.account!r})"

    def status_note(self) -> str:
        """The tightest request budget X reported, e.g. "X budget: mentions 3/180 until 09:15 UTC"."""
        now = datetime.now(UTC)
        known = [
            (name, budget)
            for name, budget in {
                **self.budgets,
                **{f"posts ({who})": b for who, b in self.posting_budgets.items()},
            }.items()
            if budget.remaining is not None and budget.limit
        ]
        if not known:
            return ""
        name, tightest = min(known, key=lambda item: (item[1].remaining or 0) / (item[1].limit or 1))
        label = name.rsplit("/", 1)[-1] if name.startswith(("GET", "POST")) else name
        until = f" until {tightest.reset:%H:%M} UTC" if tightest.reset and tightest.reset > now else ""
        return f"X budget: {label} {tightest.remaining}/{tightest.limit}{until}"

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    # -- auth -------------------------------------------------------------------------------------

    def oauth_client(self) -> OAuthClient:
        """The OAuth app this account refreshes its tokens with."""
        if not self.settings.client_id:
            raise AuthExpired(
                f"{self.account}: the access token expired and no `client_id` is configured to renew it",
                fix=f"add client_id to the account, then {self._login_fix()}",
            )
        secret = os.environ.get(self.settings.client_secret_env) if self.settings.client_secret_env else None
        return OAuthClient(
            authorize_url="",
            token_url=self.settings.token_url or f"{self.base_url}/2/oauth2/token",
            client_id=self.settings.client_id,
            client_secret=secret or None,
        )

    # -- requests ---------------------------------------------------------------------------------

    def _budget_for(self, key: str) -> Budget:
        return self.budgets.setdefault(key, Budget())

    def _note_headers(self, key: str, headers: httpx.Headers) -> None:
        budget = self._budget_for(key)
        limit = headers.get("x-rate-limit-limit", "").strip()
        remaining = headers.get("x-rate-limit-remaining", "").strip()
        if limit.isdigit():
            budget.limit = int(limit)
        if remaining.isdigit():
            budget.remaining = int(remaining)
        budget.reset = _epoch(headers.get("x-rate-limit-reset")) or budget.reset
        for prefix in _POSTING_HEADERS:
            left = headers.get(f"{prefix}-remaining", "").strip()
            if left.isdigit():
                who = prefix.split("-")[1]
                total = headers.get(f"{prefix}-limit", "").strip()
                self.posting_budgets[who] = Budget(
                    limit=int(total) if total.isdigit() else None,
                    remaining=int(left),
                    reset=_epoch(headers.get(f"{prefix}-reset")),
                )

    def _check_budget(self, key: str) -> None:
        now = datetime.now(UTC)
        budget = self.budgets.get(key)
        blocked = [budget] if budget is not None else []
        if key == "POST /2/tweets":
            blocked += list(self.posting_budgets.values())
        for item in blocked:
            if item.exhausted(now):
                assert item.reset is not None
                raise RateLimited(
                    f"{self.account}: the X budget for {key} is used up until {item.reset:%H:%M:%S} UTC",
                    until=item.reset,
                    fix="the cockpit will try again after that",
                )

    def _error_hook(self, response: HttpResponse, method: str) -> ConnectorError | None:
        """Turn X's error answers into precise errors (and note the rate-limit headers they carry)."""
        path = httpx.URL(response.url).path
        key = endpoint_key(method, path)
        self._note_headers(key, response.headers)
        where = f"{method} {safe_url(response.url)}"
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            body = None
        details = _error_details(body)
        status = response.status
        if status == 429:
            now = datetime.now(UTC)
            until = _epoch(response.headers.get("x-rate-limit-reset"))
            for prefix in _POSTING_HEADERS:
                if response.headers.get(f"{prefix}-remaining", "").strip() == "0":
                    daily = _epoch(response.headers.get(f"{prefix}-reset"))
                    if daily is not None and (until is None or daily > until):
                        until = daily
            if until is None or until <= now:
                until = retry_after_until(response.headers, now) or now + timedelta(seconds=60)
            self._budget_for(key).remaining = 0
            self._budget_for(key).reset = until
            return RateLimited(
                f"{self.account}: {where} is rate limited until {until:%H:%M:%S} UTC",
                until=until,
                fix="the cockpit will try again after that",
            )
        if status == 401:
            return AuthExpired(
                f"{self.account}: X refused the access token (HTTP 401)", fix=self._login_fix()
            )
        if status == 403 and any("duplicate" in d.lower() for d in details):
            return DuplicateContent(
                f"{self.account}: X refused the post as a duplicate of an earlier one",
                fix="change the text before sending again",
            )
        if status == 403:
            reason = f": {details[-1]}" if details else ""
            return PermissionDenied(
                f"{self.account}: {where} is not allowed (HTTP 403){reason}",
                fix="check the app's access level and the scopes granted at login",
            )
        if status in (400, 404, 409, 422) and details:
            return PermanentError(
                f"{self.account}: {where} was refused (HTTP {status}): {'; '.join(details[:3])}"
            )
        return None

    async def _request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> Any:
        key = endpoint_key(method, path)
        self._check_budget(key)
        refreshed = False
        while True:
            headers = {"Authorization": f"Bearer {await self.access_token()}"}
            try:
                if method == "GET":
                    response = await self.http.get(path, params=params, headers=headers)
                else:
                    response = await self.http.write(method, path, json=body, headers=headers)
            except AuthExpired:
                # A token revoked or expired early: renew once, when we can, and try again.
                if refreshed or self.tokens is None or not self.tokens.refresh_token:
                    raise
                refreshed = True
                async with self._refresh_lock:
                    await self.refresh()
                continue
            self._note_headers(key, response.headers)
            return response.json()

    async def my_user(self) -> dict[str, str]:
        """The account's own user (`id`, `username`, `name`), asked of `/2/users/me` once."""
        if self.me is None:
            data = await self._request("GET", "/2/users/me")
            user = data.get("data") if isinstance(data, dict) else None
            if not isinstance(user, dict) or not _ID.match(str(user.get("id", ""))):
                raise PermanentError(f"{self.account}: /2/users/me answered in an unknown shape")
            self.me = {
                "id": str(user["id"]),
                "username": str(user.get("username") or ""),
                "name": str(user.get("name") or ""),
            }
        return self.me

    # -- reading ----------------------------------------------------------------------------------

    def streams(self) -> list[str]:
        """The stream names this account reads, in order."""
        names = ["mentions"] + [f"search:{q.strip()}" for q in self.settings.searches if q.strip()]
        return list(dict.fromkeys(names))

    @staticmethod
    def _fields() -> dict[str, str]:
        return {"tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": USER_FIELDS}

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncGenerator[Page, None]:
        """Yield the pages of each stream, newest first; a stream's failure becomes that stream's error page."""
        try:
            me = await self.my_user()
        except AuthExpired:
            raise
        except ConnectorError as exc:
            for stream in self.streams():
                yield Page(stream=stream, error=StreamError.from_exception(exc))
            return
        for stream in self.streams():
            source: Source
            if stream == "mentions":
                path, token_name, source = f"/2/users/{me['id']}/mentions", "pagination_token", "mention"
                params = {**self._fields(), "max_results": self.settings.max_results}
            else:
                query = stream.removeprefix("search:")
                path, token_name, source = "/2/tweets/search/recent", "next_token", "search"
                params = {**self._fields(), "query": query, "max_results": max(10, self.settings.max_results)}
            async for page in self._read_stream(
                stream, path, params, token_name, source, cursors.get(stream)
            ):
                yield page

    async def _read_stream(
        self,
        stream: str,
        path: str,
        base_params: Mapping[str, Any],
        token_name: str,
        source: Source,
        stored: str | None,
    ) -> AsyncGenerator[Page, None]:
        cursor = XCursor.load(stored)
        for number in range(self.settings.max_pages_per_stream):
            params = dict(base_params)
            if cursor.since_id:
                params["since_id"] = cursor.since_id
            if cursor.pending is not None:
                params[token_name] = cursor.pending.token
            try:
                data = await self._request("GET", path, params=params)
            except PermanentError as exc:
                if cursor.pending is not None and not isinstance(exc, DuplicateContent):
                    # A page token X no longer accepts: start the read over from the stored since_id.
                    cursor.pending = None
                    continue
                yield Page(stream=stream, error=StreamError.from_exception(exc))
                return
            except ConnectorError as exc:
                yield Page(stream=stream, error=StreamError.from_exception(exc))
                return
            posts, deleted = self.posts_from_response(data, source)
            meta = _dict(_dict(data).get("meta"))
            newest = str(meta.get("newest_id") or "") or max((p.ext_id for p in posts), key=int, default="")
            next_token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            started = (
                cursor.pending.newest if cursor.pending is not None else (newest or cursor.since_id or "")
            )
            last_allowed = number == self.settings.max_pages_per_stream - 1
            if next_token and not (last_allowed and cursor.since_id is None):
                # More to read; a first sync that hit the page cap takes what it has and starts from there.
                cursor.pending = PendingRead(newest=started, token=next_token)
            else:
                cursor.pending = None
                if started and _ID.match(started):
                    if cursor.since_id is None or int(started) > int(cursor.since_id):
                        cursor.since_id = started
            yield Page(stream=stream, posts=posts, cursor=cursor.dump(), deleted_ext_ids=deleted)
            if cursor.pending is None:
                return

    def posts_from_response(self, data: Any, source: Source) -> tuple[list[Post], list[str]]:
        """Normalise a tweets answer (`data` a list or one object, optional `includes`, partial `errors`)."""
        if not isinstance(data, dict):
            return [], []
        raw = data.get("data")
        tweets = [raw] if isinstance(raw, dict) else [t for t in raw or [] if isinstance(t, dict)]
        includes = _dict(data.get("includes"))
        users = {
            str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict) and u.get("id")
        }
        posts = [
            self.post_from_json(t, users.get(str(t.get("author_id"))), source)
            for t in tweets
            if _ID.match(str(t.get("id", "")))
        ]
        deleted: list[str] = []
        for error in data.get("errors") or [] if isinstance(data.get("errors"), list) else []:
            if not isinstance(error, dict):
                continue
            resource = str(error.get("resource_id") or error.get("value") or "")
            kind = str(error.get("type") or error.get("title") or "")
            if error.get("resource_type") == "tweet" and "not-found" in kind.lower() and _ID.match(resource):
                deleted.append(resource)  # a deleted tweet; a protected one ("not-authorized") is skipped
        return posts, deleted

    def author_from_json(self, author_id: str, user: Mapping[str, Any] | None) -> Author:
        """The `Author` of a tweet from its expanded user (missing when not granted or suspended)."""
        user = user or {}
        handle = _clean(str(user.get("username") or ""), 50)
        metrics = _dict(user.get("public_metrics"))
        followers = _int(metrics.get("followers_count"))
        return Author(
            platform="x",
            ext_id=author_id or handle or "unknown",
            handle=handle or author_id or "unknown",
            name=_clean(str(user.get("name") or ""), 100),
            bio=_clean(str(user.get("description") or ""), 500),
            url=f"{self.public_url}/{handle}" if handle else "",
            reach=followers,
            extra={k: v for k, v in metrics.items() if isinstance(k, str) and _int(v) is not None},
        )

    def post_from_json(
        self, tweet: Mapping[str, Any], user: Mapping[str, Any] | None, source: Source
    ) -> Post:
        """Normalise one tweet; fields X did not send get safe defaults."""
        tweet_id = str(tweet["id"])
        author_id = str(tweet.get("author_id") or "")
        author = self.author_from_json(author_id, user)
        conversation = str(tweet.get("conversation_id") or "")
        conversation = conversation if _ID.match(conversation) else tweet_id
        in_reply_to = None
        for ref in tweet.get("referenced_tweets") or []:
            if (
                isinstance(ref, dict)
                and ref.get("type") == "replied_to"
                and _ID.match(str(ref.get("id", "")))
            ):
                in_reply_to = str(ref["id"])
        metrics_raw = _dict(tweet.get("public_metrics"))
        names = {
            "like_count": "likes",
            "reply_count": "replies",
            "retweet_count": "reposts",
            "quote_count": "quotes",
        }
        metrics = {
            names.get(k, k.removesuffix("_count")): v for k, v in metrics_raw.items() if _int(v) is not None
        }
        ours = self.me is not None and author_id == self.me["id"]
        handle = author.handle if (user or {}).get("username") else "i/web"
        return Post(
            ext_id=tweet_id,
            thread_key=conversation,
            author=author,
            text=clean_text(str(tweet.get("text") or "")),
            created_at=parse_time(tweet.get("created_at")) or datetime.now(UTC),
            url=f"{self.public_url}/{handle}/status/{tweet_id}",
            in_reply_to=in_reply_to,
            direction="out" if ours else "in",
            source=source,
            thread_url=f"{self.public_url}/i/web/status/{conversation}",
            metrics=metrics,
            raw={
                "conversation_id": conversation,
                "author_id": author_id,
                "in_reply_to_user_id": str(tweet.get("in_reply_to_user_id") or "") or None,
            },
        )

    async def fetch_thread(self, thread_key: str) -> list[Post]:
        """Return the posts of a conversation X still finds (recent search, 7 days), oldest first."""
        if not _ID.match(thread_key):
            raise PermanentError(f"{self.account}: {thread_key[:40]!r} is not an X conversation id")
        await self.my_user()
        found: dict[str, Post] = {}
        params: dict[str, Any] = {
            **self._fields(),
            "query": f"conversation_id:{thread_key}",
            "max_results": 100,
        }
        for _ in range(self.settings.thread_pages):
            data = await self._request("GET", "/2/tweets/search/recent", params=params)
            posts, _deleted = self.posts_from_response(data, "reply")
            found.update((p.ext_id, p) for p in posts)
            meta = _dict(_dict(data).get("meta"))
            if not isinstance(meta.get("next_token"), str):
                break
            params["next_token"] = meta["next_token"]
        if thread_key not in found:
            try:
                data = await self._request("GET", f"/2/tweets/{thread_key}", params=self._fields())
            except PermanentError:
                data = None  # deleted, protected or too old: the thread goes on without its first post
            posts, _deleted = self.posts_from_response(data, "mention")
            found.update((p.ext_id, p) for p in posts)
        return sorted(found.values(), key=lambda p: (p.created_at, int(p.ext_id)))

    # -- writing ----------------------------------------------------------------------------------

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Post `text` as a reply to the target tweet; sent once (X has no idempotency key, `key` is unused)."""
        tweet_id = target.ext_id or target.thread_key
        if not _ID.match(tweet_id):
            raise PermanentError(f"{self.account}: {tweet_id[:40]!r} is not a tweet id")
        if not text.strip():
            raise PermanentError(f"{self.account}: the reply is empty", fix="write something first")
        await self.my_user()  # our handle, for the link
        data = await self._request(
            "POST", "/2/tweets", body={"text": text, "reply": {"in_reply_to_tweet_id": tweet_id}}
        )
        created = data.get("data") if isinstance(data, dict) else None
        if not isinstance(created, dict) or not _ID.match(str(created.get("id", ""))):
            raise PermanentError(f"{self.account}: X accepted the reply but sent no tweet id back")
        handle = (self.me or {}).get("username") or "i/web"
        return PostRef(ext_id=str(created["id"]), url=f"{self.public_url}/{handle}/status/{created['id']}")

    async def find_reply(self, target: ReplyTarget, text: str) -> PostRef | None:
        """Look for our reply to `target` with this text in its conversation (resolves an outcome unknown)."""
        me = await self.my_user()
        wanted = " ".join(text.split())
        tweet_id = target.ext_id or target.thread_key
        for post in await self.fetch_thread(target.thread_key):
            if post.author.ext_id == me["id"] and post.in_reply_to == tweet_id:
                if " ".join(post.text.split()) == wanted:
                    return PostRef(ext_id=post.ext_id, url=post.url)
        return None

    async def like(self, ext_id: str) -> None:
        """Like one tweet (liking it twice is harmless on X)."""
        if not _ID.match(ext_id):
            raise PermanentError(f"{self.account}: {ext_id[:40]!r} is not a tweet id")
        me = await self.my_user()
        await self._request("POST", f"/2/users/{me['id']}/likes", body={"tweet_id": ext_id})


def budget_summary(budgets: Mapping[str, Budget], now: datetime | None = None) -> list[str]:
    """One line per known budget, e.g. "GET /2/users/:id/mentions: 177/180 until 09:15 UTC"."""
    now = now or datetime.now(UTC)
    lines = []
    for key, budget in sorted(budgets.items()):
        if budget.remaining is None:
            continue
        total = f"/{budget.limit}" if budget.limit is not None else ""
        until = f" until {budget.reset:%H:%M} UTC" if budget.reset and budget.reset > now else ""
        lines.append(f"{key}: {budget.remaining}{total}{until}")
    return lines


__all__: Sequence[str] = ("Budget", "XConnector", "XCursor", "XOptions", "budget_summary", "endpoint_key")
