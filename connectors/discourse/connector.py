"""The Discourse connector: notifications, watched categories and searches as conversations; replies and likes.

Options (the account's `options` mapping):

- `auth`: "admin_key" (the secret is an admin/global API key, sent as `Api-Key` with `Api-Username`) or
  "user_api_key" (the secret is a user API key, sent as `User-Api-Key` with `User-Api-Client-Id`; the
  secret may also be the JSON `{"key": "...", "client_id": "..."}`, which then supplies the client id).
- `api_username`: the user an admin key acts as; with a user key, learned from `/session/current.json`
  when not given. Posts by this user are `direction="out"`.
- `user_api_client_id`: the client id of a user API key (unless the secret's JSON carries it).
- `categories`: category slugs to watch, as `"slug"` or `"slug/id"`; `watch_latest`: also watch `/latest.json`.
- `searches`: forum searches to follow (newest first).
- `public_url`: the forum's public address when the API is reached through another (a proxy, the demo's
  sandbox); post links and `Author.host` use it.
- `requests_per_minute` (50 with an admin key, 18 with a user key; Discourse allows 60 and 20),
  `pacing_window_seconds` (60), `max_pacing_wait_seconds` (10): request pacing; a wait longer than the
  maximum raises `RateLimited` instead of sleeping.
- `recheck_topics` (3 with an admin key, 1 with a user key): topics already read that each stream re-reads
  per fetch, least recently checked first, to find edited posts (yielded again with their new text and
  `edited_at`) and deleted or hidden ones (`Page.deleted_ext_ids`).
- `max_notification_pages` (5): notification pages read per fetch, on the first sync too (later ones stop
  at notifications handled before); `max_listing_pages` (3): listing pages followed by `more_topics_url`
  (later syncs stop at the first page holding a topic read before).
- `max_topics_per_stream` (15), `max_posts_per_topic` (200), `profile_lookups` (author profiles read per
  fetch for post counts: 20, or 5 with a user key), `timeout_seconds` (20),
  `retry_attempts` (3), `retry_wait_seconds` (0.5): tuning.

Streams: "notifications" (mentioned, replied, quoted, private message and watched-topic posts; other
notification types are skipped), "category:<slug>" per watched category, "latest" and "search:<query>".
Each topic is one conversation, `thread_key` = the topic id; a post's `ext_id` is its post id and
`in_reply_to` the post id its `reply_to_post_number` names (the topic's first post otherwise).

Cursors are JSON, version 1 (see `DiscourseCursor`): `{"v": 1, "last_id": <newest notification id>,
"topics": {"<topic id>": [<highest post id yielded>, <highest post number seen>]}}`. A topic met again
yields only posts newer than those yielded before; the topic map keeps the `MAX_TRACKED_TOPICS` most
recently changed topics. `"checks": {"<topic id>": {"<post id>": <version>}}` keeps the versions of the
newest `MAX_CHECKED_POSTS` posts yielded of the `MAX_CHECKED_TOPICS` most recently read topics: whenever a
topic is read (because it changed, or as a re-check) they are compared with the forum's, so an edit (a
higher `version`) yields the post again and a post gone from `post_stream.stream`, deleted or hidden (or
its whole topic gone) is reported in `deleted_ext_ids`. A stream that fails yields a `Page` with `error` set (and whatever was read up to
the failure, with a cursor that does not skip what failed); the other streams go on.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import AsyncGenerator, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.base import Connector
from connectors.discourse.text import cooked_to_text
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    DuplicateContent,
    PermanentError,
    PermissionDenied,
    RateLimited,
)
from connectors.feed.text import clean_inline
from connectors.http import HttpClient, HttpResponse, RetryPolicy, retry_after_until, safe_url
from connectors.models import Author, Capability, Page, Post, PostRef, ReplyTarget, Source, StreamError

CURSOR_VERSION = 1
MAX_TRACKED_TOPICS = 500
POSTS_PER_REQUEST = 20
MAX_NOTIFICATION_PAGES = 5
MAX_REPLY_LOOKUPS = 10
MAX_CHECKED_TOPICS = 40
MAX_CHECKED_POSTS = 60

NOTIFICATION_SOURCES: dict[int, Source] = {
    1: "mention",  # mentioned
    2: "reply",  # replied
    3: "mention",  # quoted
    6: "notification",  # private_message
    9: "notification",  # posted (in a watched topic)
}
"""The notification types that become conversations, and the source their post gets."""

_WAIT_SECONDS = re.compile(r"wait\s+(\d{1,6})\s+seconds?", re.IGNORECASE)
_GONE = re.compile(r"\(HTTP (?:404|410)\)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class DiscourseOptions(BaseModel):
    """The options a Discourse account accepts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    auth: Literal["admin_key", "user_api_key"] = "admin_key"
    api_username: str | None = None
    user_api_client_id: str | None = None
    categories: list[str] = Field(default_factory=list)
    watch_latest: bool = False
    searches: list[str] = Field(default_factory=list)
    public_url: str | None = None
    requests_per_minute: int | None = Field(None, ge=1, le=10_000)
    pacing_window_seconds: float = Field(60.0, gt=0, le=3600)
    max_pacing_wait_seconds: float = Field(10.0, ge=0, le=600)
    max_topics_per_stream: int = Field(15, ge=1, le=200)
    max_posts_per_topic: int = Field(200, ge=POSTS_PER_REQUEST, le=5000)
    recheck_topics: int | None = Field(None, ge=0, le=50)
    max_notification_pages: int = Field(MAX_NOTIFICATION_PAGES, ge=1, le=50)
    max_listing_pages: int = Field(3, ge=1, le=20)
    profile_lookups: int | None = Field(None, ge=0, le=500)
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    retry_attempts: int = Field(3, ge=1, le=10)
    retry_wait_seconds: float = Field(0.5, ge=0, le=60)


class DiscourseCursor(BaseModel):
    """One stream's cursor: the newest notification id handled and, per topic, what was yielded."""

    model_config = ConfigDict(extra="ignore")

    v: int = CURSOR_VERSION
    last_id: int = 0
    topics: dict[str, tuple[int, int]] = Field(default_factory=dict)
    """Topic id -> (highest post id yielded, highest post number seen), most recently changed last."""
    checks: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Topic id -> {post id: version} of the posts yielded, to find edits and deletions; least recently
    checked first."""

    @classmethod
    def load(cls, text: str | None) -> DiscourseCursor:
        """Read a stored cursor; anything unreadable (or of another version) gives a fresh one."""
        if not text:
            return cls()
        try:
            cursor = cls.model_validate_json(text)
        except ValidationError:
            return cls()
        return cursor if cursor.v == CURSOR_VERSION else cls()

    def dump(self) -> str:
        """The cursor as compact JSON, keeping only the most recently changed topics."""
        if len(self.topics) > MAX_TRACKED_TOPICS:
            self.topics = dict(list(self.topics.items())[-MAX_TRACKED_TOPICS:])
        if len(self.checks) > MAX_CHECKED_TOPICS:
            self.checks = dict(list(self.checks.items())[-MAX_CHECKED_TOPICS:])
        return self.model_dump_json()

    def seen(self, topic_id: int) -> tuple[int, int] | None:
        """What was yielded of a topic, if anything."""
        return self.topics.get(str(topic_id))

    def mark(self, topic_id: int, max_post_id: int, highest_number: int) -> None:
        """Record a topic as read up to these marks (moving it to the most recent end)."""
        old = self.topics.pop(str(topic_id), (0, 0))
        self.topics[str(topic_id)] = (max(old[0], max_post_id), max(old[1], highest_number))

    def checked(self, topic_id: int, versions: Mapping[str, int]) -> None:
        """Record the versions of a topic's posts just compared (moving it to the most recently checked end)."""
        self.checks.pop(str(topic_id), None)
        if versions:
            newest = sorted(versions, key=int)[-MAX_CHECKED_POSTS:]
            self.checks[str(topic_id)] = {post_id: versions[post_id] for post_id in newest}


def _clean(text: str, limit: int = 300) -> str:
    """Server-sent text made fit for an error message: one line, no control characters, bounded."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def _error_messages(response: HttpResponse) -> list[str]:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [_clean(str(e)) for e in errors if isinstance(e, str | int)] if isinstance(errors, list) else []


def rate_limit_until(response: HttpResponse, now: datetime) -> datetime | None:
    """When a Discourse 429 says to come back: `Retry-After`, the JSON `extras.wait_seconds`, or "wait N seconds"."""
    until = retry_after_until(response.headers, now)
    if until is not None:
        return until
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        extras = body.get("extras")
        wait = extras.get("wait_seconds") if isinstance(extras, dict) else None
        if isinstance(wait, int | float) and not isinstance(wait, bool) and 0 <= wait < 86400:
            return now + timedelta(seconds=float(wait))
    match = _WAIT_SECONDS.search(response.text[:2000])
    if match:
        return now + timedelta(seconds=int(match.group(1)))
    return None


def discourse_error_hook(response: HttpResponse, method: str) -> ConnectorError | None:
    """Turn Discourse's error answers into precise errors (bad key, rate limit, duplicate post, refusal)."""
    account, status = response.account, response.status
    where = f"{method} {safe_url(response.url)}"
    if status == 429:
        now = datetime.now(UTC)
        until = rate_limit_until(response, now) or now + timedelta(seconds=60)
        return RateLimited(
            f"{account}: {where} is rate limited until {until:%H:%M:%S} UTC",
            until=until,
            fix="the cockpit will try again after that",
        )
    messages = _error_messages(response)
    error_type = ""
    try:
        body = json.loads(response.content)
        error_type = str(body.get("error_type", "")) if isinstance(body, dict) else ""
    except (ValueError, UnicodeDecodeError):
        pass
    if status in (401, 403) and (
        status == 401 or (error_type == "invalid_access" and "key" in " ".join(messages))
    ):
        return AuthExpired(
            f"{account}: the forum refused the API key (HTTP {status})",
            fix=f"run `cockpit accounts login {account}` with a valid key",
        )
    if status == 403 and any("already" in m.lower() for m in messages):
        return PermanentError(f"{account}: {where}: you already performed this action")
    if status == 422 and any("too similar" in m.lower() for m in messages):
        return DuplicateContent(
            f"{account}: the forum refused the post as too similar to a recent one",
            fix="change the text before sending again",
        )
    if status in (400, 404, 409, 410, 422) and messages:
        return PermanentError(f"{account}: {where} was refused (HTTP {status}): {'; '.join(messages)}")
    return None


def parse_time(value: Any) -> datetime | None:
    """Read a Discourse timestamp like "2025-06-01T10:00:00.000Z"."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Pacer:
    """Keeps requests under `limit` per `window` seconds; a longer wait than `max_wait` raises instead."""

    def __init__(self, account: str, limit: int, window: float, max_wait: float) -> None:
        self.account, self.limit, self.window, self.max_wait = account, limit, window, max_wait
        self.sent: deque[float] = deque()
        self.blocked_until: datetime | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for a free slot (or raise `RateLimited` when the platform or the budget says so)."""
        async with self._lock:
            if self.blocked_until is not None and datetime.now(UTC) < self.blocked_until:
                raise RateLimited(
                    f"{self.account}: the forum is rate limited until {self.blocked_until:%H:%M:%S} UTC",
                    until=self.blocked_until,
                    fix="the cockpit will try again after that",
                )
            now = time.monotonic()
            while self.sent and now - self.sent[0] >= self.window:
                self.sent.popleft()
            if len(self.sent) >= self.limit:
                wait = self.sent[0] + self.window - now
                if wait > self.max_wait:
                    until = datetime.now(UTC) + timedelta(seconds=wait)
                    raise RateLimited(
                        f"{self.account}: the request budget ({self.limit} per {self.window:g} s) is used up",
                        until=until,
                        fix="the cockpit will try again after that",
                    )
                await asyncio.sleep(wait)
                self.sent.popleft()
            self.sent.append(time.monotonic())


class DiscourseConnector(Connector):
    """Reads a Discourse forum's notifications, watched categories and searches; replies and likes."""

    platform = "discourse"
    capabilities = frozenset({Capability.REPLY, Capability.LIKE, Capability.THREAD, Capability.SEARCH})

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        super().__init__(account=account, base_url=base_url, secret=secret, options=options)
        try:
            self.settings = DiscourseOptions.model_validate(dict(options))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "options"
            raise PermanentError(
                f"{account}: discourse option `{field}` is not valid: {first['msg']}",
                fix="edit the account in the config file",
            ) from None
        if urlsplit(self.base_url).scheme not in ("http", "https"):
            raise PermanentError(
                f"{account}: the forum address {safe_url(self.base_url)!r} is not an http(s) URL",
                fix="set base_url to the forum, e.g. https://forum.example.com",
            )
        self.public_url = (self.settings.public_url or self.base_url).rstrip("/")
        self.host = (urlsplit(self.public_url).hostname or "").lower()
        self.username = self.settings.api_username
        user_key = self.settings.auth == "user_api_key"
        limit = self.settings.requests_per_minute or (18 if user_key else 50)
        self._pacer = _Pacer(
            account, limit, self.settings.pacing_window_seconds, self.settings.max_pacing_wait_seconds
        )
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
            error_hook=discourse_error_hook,
            headers={"Accept": "application/json"},
            max_connections=4,
        )
        self._profiles: dict[str, dict[str, Any]] = {}
        self._skipped: list[ConnectorError] = []
        self._deleted: list[str] = []
        self._visited: set[int] = set()
        self._profile_budget = self._profile_limit()

    def _profile_limit(self) -> int:
        if self.settings.profile_lookups is not None:
            return self.settings.profile_lookups
        return 5 if self.settings.auth == "user_api_key" else 20

    def __repr__(self) -> str:
        return f"DiscourseConnector(account={self.account!r}, host={self.host!r})"

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    # -- requests ---------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """The headers that authenticate a request with the account's key (raises `AuthExpired` without one)."""
        secret = (self.secret or "").strip()
        if not secret:
            raise AuthExpired(
                f"{self.account}: no API key is stored for this forum",
                fix=f"run `cockpit accounts login {self.account}`",
            )
        if self.settings.auth == "admin_key":
            if not self.settings.api_username:
                raise PermanentError(
                    f"{self.account}: an admin API key needs `api_username`",
                    fix="add api_username to the account in the config file",
                )
            return {"Api-Key": secret, "Api-Username": self.settings.api_username}
        key, client_id = secret, self.settings.user_api_client_id
        if secret.startswith("{"):
            try:
                data = json.loads(secret)
            except ValueError:
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("key"), str):
                raise AuthExpired(
                    f"{self.account}: the stored user API key is not readable",
                    fix=f'run `cockpit accounts login {self.account}` with the key or {{"key": ..., "client_id": ...}}',
                )
            key = data["key"]
            client_id = data.get("client_id") if isinstance(data.get("client_id"), str) else client_id
        headers = {"User-Api-Key": key}
        if client_id:
            headers["User-Api-Client-Id"] = client_id
        return headers

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        headers = self.auth_headers()
        await self._pacer.acquire()
        try:
            response = await self.http.get(path, params=params, headers=headers)
        except RateLimited as exc:
            self._pacer.blocked_until = exc.until
            raise
        return response.json()

    async def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        headers = self.auth_headers()
        await self._pacer.acquire()
        try:
            response = await self.http.post(path, json=dict(body), headers=headers)
        except RateLimited as exc:
            self._pacer.blocked_until = exc.until
            raise
        return response.json()

    async def our_username(self) -> str | None:
        """The user the key acts as (`api_username`, else asked of `/session/current.json` once)."""
        if self.username is None and self.settings.auth == "user_api_key":
            data = await self._get("/session/current.json")
            user = data.get("current_user") if isinstance(data, dict) else None
            if isinstance(user, dict) and isinstance(user.get("username"), str):
                self.username = user["username"]
        return self.username

    # -- reading ----------------------------------------------------------------------------------

    def streams(self) -> list[str]:
        """The stream names this account reads, in order."""
        names = ["notifications"]
        names += [f"category:{slug.strip().strip('/')}" for slug in self.settings.categories if slug.strip()]
        if self.settings.watch_latest:
            names.append("latest")
        names += [f"search:{query.strip()}" for query in self.settings.searches if query.strip()]
        return list(dict.fromkeys(names))

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncGenerator[Page, None]:
        """Yield one page per stream; a stream's failure becomes that stream's error page."""
        self.auth_headers()  # no key: fail the whole account with a clear message
        self._profile_budget = self._profile_limit()
        try:
            await self.our_username()
        except ConnectorError as exc:
            for stream in self.streams():
                yield Page(stream=stream, error=StreamError.from_exception(exc))
            return
        for stream in self.streams():
            cursor = DiscourseCursor.load(cursors.get(stream))
            posts: list[Post] = []
            self._skipped, self._deleted, self._visited = [], [], set()
            try:
                if stream == "notifications":
                    await self._read_notifications(cursor, posts)
                elif stream.startswith("category:") or stream == "latest":
                    await self._read_listing(stream, cursor, posts)
                else:
                    await self._read_search(stream.removeprefix("search:"), cursor, posts)
                await self._recheck(stream, cursor, posts)
            except ConnectorError as exc:
                yield Page(
                    stream=stream,
                    posts=posts,
                    cursor=cursor.dump() if posts or self._deleted else None,
                    deleted_ext_ids=list(dict.fromkeys(self._deleted)),
                    error=StreamError.from_exception(exc),
                )
                continue
            error = None
            if self._skipped:
                error = StreamError.from_exception(self._skipped[0])
                if len(self._skipped) > 1:
                    error = error.model_copy(
                        update={"message": f"{error.message} (and {len(self._skipped) - 1} more topics)"}
                    )
            yield Page(
                stream=stream,
                posts=posts,
                cursor=cursor.dump(),
                deleted_ext_ids=list(dict.fromkeys(self._deleted)),
                error=error,
            )

    async def _recheck(self, stream: str, cursor: DiscourseCursor, out: list[Post]) -> None:
        """Re-read the `recheck_topics` least recently checked topics not read this round, for edits and deletions."""
        source: Source = (
            "notification"
            if stream == "notifications"
            else "search"
            if stream.startswith("search:")
            else "watch"
        )
        due = [int(key) for key in cursor.checks if key.isdigit() and int(key) not in self._visited]
        limit = self.settings.recheck_topics
        if limit is None:
            limit = 1 if self.settings.auth == "user_api_key" else 3
        for topic_id in due[:limit]:
            out.extend(await self._topic_posts(topic_id, cursor, source, {}, recheck=True))

    async def _read_notifications(self, cursor: DiscourseCursor, out: list[Post]) -> None:
        found: dict[int, dict[str, Any]] = {}
        offset = 0
        for _ in range(self.settings.max_notification_pages):
            data = await self._get("/notifications.json", {"offset": offset} if offset else None)
            items = data.get("notifications") if isinstance(data, dict) else None
            if not isinstance(items, list) or not items:
                break
            older = False
            for item in items:
                nid = _int(item.get("id")) if isinstance(item, dict) else None
                if nid is None:
                    continue
                if nid <= cursor.last_id:
                    older = True
                    continue
                found[nid] = item
            offset += len(items)
            if older or not data.get("load_more_notifications"):
                break
        sources: dict[int, dict[int | None, Source]] = {}  # topic -> post number -> source
        for item in found.values():
            source = NOTIFICATION_SOURCES.get(_int(item.get("notification_type")) or 0)
            topic_id = _int(item.get("topic_id"))
            if source is not None and topic_id is not None:
                sources.setdefault(topic_id, {})[_int(item.get("post_number"))] = source
        fetched: set[int] = set()
        for nid in sorted(found):
            topic_id = _int(found[nid].get("topic_id"))
            if topic_id in sources and topic_id not in fetched:
                fetched.add(topic_id)
                out.extend(await self._topic_posts(topic_id, cursor, "notification", sources[topic_id]))
            cursor.last_id = nid

    async def _read_listing(self, stream: str, cursor: DiscourseCursor, out: list[Post]) -> None:
        if stream == "latest":
            path = "/latest.json"
        else:
            slug = stream.removeprefix("category:")
            path = "/c/" + "/".join(quote(part, safe="") for part in slug.split("/")) + ".json"
        first_time = not cursor.topics
        changed: list[tuple[int, int]] = []
        params: dict[str, str] | None = None
        for _ in range(self.settings.max_listing_pages):
            data = await self._get(path, params)
            listing = data.get("topic_list") if isinstance(data, dict) else None
            topics = listing.get("topics") if isinstance(listing, dict) else None
            caught_up = False
            for topic in topics if isinstance(topics, list) else []:
                topic_id = _int(topic.get("id")) if isinstance(topic, dict) else None
                highest = _int(topic.get("highest_post_number")) or 0 if isinstance(topic, dict) else 0
                if topic_id is None or topic.get("pinned_globally"):
                    continue
                seen = cursor.seen(topic_id)
                if seen is None or highest > seen[1]:
                    if (topic_id, highest) not in changed:
                        changed.append((topic_id, highest))
                elif not topic.get("pinned"):
                    caught_up = True  # the listing is newest first (pinned topics aside): the rest was read
            following = _next_listing_page(
                listing.get("more_topics_url") if isinstance(listing, dict) else None
            )
            if caught_up or following is None:
                break
            path, params = following
        for index, (topic_id, highest) in enumerate(changed):
            if index >= self.settings.max_topics_per_stream:
                if first_time:
                    cursor.mark(topic_id, 0, highest)  # left unread until it changes
                continue
            out.extend(await self._topic_posts(topic_id, cursor, "watch", {}))

    async def _read_search(self, query: str, cursor: DiscourseCursor, out: list[Post]) -> None:
        q = query if "order:" in query else f"{query} order:latest"
        data = await self._get("/search.json", {"q": q})
        hits = data.get("posts") if isinstance(data, dict) else None
        newest: dict[int, int] = {}
        for hit in hits if isinstance(hits, list) else []:
            topic_id = _int(hit.get("topic_id")) if isinstance(hit, dict) else None
            post_id = _int(hit.get("id")) if isinstance(hit, dict) else None
            if topic_id is None or post_id is None:
                continue
            seen = cursor.seen(topic_id)
            if seen is None or post_id > seen[0]:
                newest[topic_id] = max(newest.get(topic_id, 0), post_id)
        for topic_id in list(newest)[: self.settings.max_topics_per_stream]:
            out.extend(await self._topic_posts(topic_id, cursor, "search", {}))

    async def _topic(
        self, topic_id: int, after_post_id: int | None, also: Collection[int] = (), *, newer: bool = True
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A topic and its posts newer than `after_post_id` (all, up to the cap, when None), and those in `also`."""
        data = await self._get(f"/t/{topic_id}.json")
        if not isinstance(data, dict):
            raise PermanentError(f"{self.account}: topic {topic_id} came back in an unknown shape")
        stream_data: dict[str, Any] = data["post_stream"] if isinstance(data.get("post_stream"), dict) else {}
        loaded = [p for p in stream_data.get("posts") or [] if isinstance(p, dict) and _int(p.get("id"))]
        ids = [i for i in stream_data.get("stream") or [] if _int(i) is not None]
        have = {p["id"] for p in loaded}
        floor = after_post_id or 0
        wanted = [i for i in ids if i > floor and i not in have] if newer else []
        cap = self.settings.max_posts_per_topic
        if len(have) + len(wanted) > cap:
            wanted = wanted[-max(0, cap - len(have)) :] if cap > len(have) else []
        recheck = set(also) - have - set(wanted)
        wanted = [i for i in ids if i in recheck] + wanted
        for start in range(0, len(wanted), POSTS_PER_REQUEST):
            chunk = wanted[start : start + POSTS_PER_REQUEST]
            more = await self._get(f"/t/{topic_id}/posts.json", {"post_ids[]": chunk})
            more_stream = more.get("post_stream") if isinstance(more, dict) else None
            posts = more_stream.get("posts") if isinstance(more_stream, dict) else None
            loaded += [p for p in posts or [] if isinstance(p, dict) and _int(p.get("id"))]
        loaded.sort(key=lambda p: (_int(p.get("post_number")) or 0, p["id"]))
        return data, loaded

    async def _topic_posts(
        self,
        topic_id: int,
        cursor: DiscourseCursor,
        source: Source,
        sources: Mapping[int | None, Source],
        *,
        recheck: bool = False,
    ) -> list[Post]:
        """The posts of a topic newer than those yielded, and those edited since (only the edited ones on a re-check)."""
        seen = cursor.seen(topic_id)
        after = seen[0] if seen and seen[0] else None
        tracked = cursor.checks.get(str(topic_id), {})
        self._visited.add(topic_id)
        try:
            topic, raw_posts = await self._topic(
                topic_id, after, [int(i) for i in tracked if i.isdigit()], newer=not recheck
            )
        except (PermanentError, PermissionDenied) as exc:
            if tracked and (isinstance(exc, PermissionDenied) or _GONE.search(exc.message)):
                self._deleted.extend(tracked)  # the topic was deleted or made private: so were its posts
            else:
                # An unreadable topic must not hold the stream back forever: note it and go on.
                self._skipped.append(exc)
            cursor.checks.pop(str(topic_id), None)
            cursor.mark(topic_id, after or 0, seen[1] if seen else 0)
            return []
        if recheck:
            # New posts are left to the stream that finds them: only edits and deletions count here.
            known = [p for p in raw_posts if int(p["id"]) <= (after or 0) or str(p["id"]) in tracked]
            edited = self._compare(topic_id, topic, known, tracked, after or 0, cursor)
            newest = max([after or 0] + [int(p["id"]) for p in raw_posts])
            return await self._normalise(topic, raw_posts, source, sources, newest, edited)
        edited = self._compare(topic_id, topic, raw_posts, tracked, after or 0, cursor)
        posts = await self._normalise(topic, raw_posts, source, sources, after or 0, edited)
        highest = max(
            [_int(topic.get("highest_post_number")) or 0]
            + [_int(p.get("post_number")) or 0 for p in raw_posts]
        )
        cursor.mark(topic_id, max([after or 0] + [p["id"] for p in raw_posts]), highest)
        return posts

    def _compare(
        self,
        topic_id: int,
        topic: Mapping[str, Any],
        raw_posts: Sequence[Mapping[str, Any]],
        tracked: Mapping[str, int],
        after: int,
        cursor: DiscourseCursor,
    ) -> set[int]:
        """Note deleted and hidden posts of a topic; return the ids of yielded posts edited since."""
        stream_data = topic.get("post_stream")
        stream = stream_data.get("stream") if isinstance(stream_data, dict) else None
        in_stream = {str(i) for i in stream or [] if _int(i) is not None}
        versions = {key: version for key, version in tracked.items() if key in in_stream}
        self._deleted.extend(key for key in tracked if key not in in_stream)
        edited: set[int] = set()
        for raw in raw_posts:
            post_id, key = int(raw["id"]), str(raw["id"])
            if raw.get("deleted_at") or raw.get("user_deleted") or raw.get("hidden"):
                if key in tracked:  # reported once: it leaves the checked versions now
                    self._deleted.append(key)
                versions.pop(key, None)
                continue
            version = _int(raw.get("version")) or 1
            if post_id <= after and key in tracked and version > tracked[key]:
                edited.add(post_id)
            versions[key] = version
        cursor.checked(topic_id, versions)
        return edited

    async def _normalise(
        self,
        topic: Mapping[str, Any],
        raw_posts: Sequence[Mapping[str, Any]],
        source: Source,
        sources: Mapping[int | None, Source],
        after: int,
        edited: Collection[int] = (),
    ) -> list[Post]:
        topic_id = _int(topic.get("id")) or 0
        by_number = {_int(p.get("post_number")): int(p["id"]) for p in raw_posts}
        first_id = by_number.get(1)
        lookups = 0
        result: list[Post] = []
        for raw in raw_posts:
            if int(raw["id"]) <= after and int(raw["id"]) not in edited:
                continue
            target = _int(raw.get("reply_to_post_number"))
            if target is not None and target not in by_number and lookups < MAX_REPLY_LOOKUPS:
                lookups += 1
                try:
                    found = await self._get(f"/posts/by_number/{topic_id}/{target}.json")
                    if isinstance(found, dict) and _int(found.get("id")):
                        by_number[target] = int(found["id"])
                except PermanentError:
                    pass  # deleted or hidden: the reply joins the topic without a parent
            if first_id is None and 1 not in by_number and lookups < MAX_REPLY_LOOKUPS:
                lookups += 1
                try:
                    found = await self._get(f"/posts/by_number/{topic_id}/1.json")
                    if isinstance(found, dict) and _int(found.get("id")):
                        first_id = by_number[1] = int(found["id"])
                except PermanentError:
                    first_id = 0
            author = await self._author(raw)
            post = self.post_from_json(raw, topic, author=author, by_number=by_number)
            number = _int(raw.get("post_number"))
            post_source: Source = sources.get(number, source)
            result.append(post.model_copy(update={"source": post_source}))
        return result

    async def _author(self, raw: Mapping[str, Any]) -> Author:
        username = str(raw.get("username") or "")
        if username and username not in self._profiles and self._profile_budget > 0:
            self._profile_budget -= 1
            try:
                data = await self._get(f"/u/{quote(username, safe='')}.json")
                user = data.get("user") if isinstance(data, dict) else None
                self._profiles[username] = user if isinstance(user, dict) else {}
            except (AuthExpired, RateLimited):
                raise
            except ConnectorError:
                self._profiles[username] = {}  # the profile only adds the post count: go on without it
        return self.author_from_json(raw, self._profiles.get(username, {}))

    def author_from_json(self, raw: Mapping[str, Any], profile: Mapping[str, Any] | None = None) -> Author:
        """The `Author` of a post (the profile, when read, adds the post count and bio)."""
        profile = profile or {}
        username = clean_inline(str(raw.get("username") or "")) or "unknown"
        user_id = _int(raw.get("user_id"))
        extra: dict[str, Any] = {"username": username}
        trust = _int(raw.get("trust_level"))
        if trust is None:
            trust = _int(profile.get("trust_level"))
        if trust is not None:
            extra["trust_level"] = trust
        post_count = _int(profile.get("post_count"))
        if post_count is not None:
            extra["post_count"] = post_count
        for flag in ("admin", "moderator", "staff"):
            if raw.get(flag) is True:
                extra[flag] = True
        return Author(
            platform="discourse",
            host=self.host,
            ext_id=str(user_id) if user_id is not None else username,
            handle=username,
            name=clean_inline(str(raw.get("name") or profile.get("name") or "")),
            bio=clean_inline(str(profile.get("bio_excerpt") or ""))[:500],
            url=f"{self.public_url}/u/{quote(username, safe='')}",
            extra=extra,
        )

    def post_from_json(
        self,
        raw: Mapping[str, Any],
        topic: Mapping[str, Any],
        *,
        author: Author | None = None,
        by_number: Mapping[int | None, int] | None = None,
    ) -> Post:
        """Normalise one post of a topic (`by_number` maps post numbers to ids, for `in_reply_to`)."""
        by_number = by_number or {}
        topic_id = _int(topic.get("id")) or _int(raw.get("topic_id")) or 0
        slug = str(topic.get("slug") or raw.get("topic_slug") or "topic")
        slug = quote(slug, safe="-_")
        number = _int(raw.get("post_number")) or 0
        title = clean_inline(str(topic.get("title") or ""))
        thread_url = f"{self.public_url}/t/{slug}/{topic_id}"
        target = _int(raw.get("reply_to_post_number"))
        in_reply_to = None
        if number > 1:
            parent = by_number.get(target) if target is not None else by_number.get(1)
            in_reply_to = str(parent) if parent else None
        created = parse_time(raw.get("created_at")) or datetime.now(UTC)
        version = _int(raw.get("version")) or 1
        updated = parse_time(raw.get("updated_at"))
        username = str(raw.get("username") or "")
        ours = bool(self.username) and username.lower() == (self.username or "").lower()
        metrics = {
            key: value
            for key, value in (
                ("likes", _like_count(raw)),
                ("replies", _int(raw.get("reply_count"))),
                ("reads", _int(raw.get("reads"))),
            )
            if value is not None
        }
        return Post(
            ext_id=str(raw["id"]),
            thread_key=str(topic_id),
            author=author or self.author_from_json(raw),
            text=cooked_to_text(str(raw.get("cooked") or ""), base_url=self.public_url + "/"),
            created_at=created,
            url=f"{thread_url}/{number}" if number else thread_url,
            title=title if number == 1 else "",
            in_reply_to=in_reply_to,
            direction="out" if ours else "in",
            thread_title=title,
            thread_url=thread_url,
            edited_at=updated if version > 1 and updated else None,
            deleted=bool(raw.get("deleted_at") or raw.get("user_deleted")),
            metrics=metrics,
            raw={
                "topic_id": topic_id,
                "post_number": number,
                "reply_to_post_number": target,
                "archetype": str(topic.get("archetype") or "regular"),
            },
        )

    async def fetch_thread(self, thread_key: str) -> list[Post]:
        """Return every post of a topic (up to `max_posts_per_topic`), oldest first."""
        if not thread_key.isdigit():
            raise PermanentError(f"{self.account}: {thread_key[:40]!r} is not a Discourse topic id")
        await self.our_username()
        topic, raw_posts = await self._topic(int(thread_key), None)
        return await self._normalise(topic, raw_posts, "notification", {}, 0)

    # -- writing ----------------------------------------------------------------------------------

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Post `text` (Markdown) in the target's topic, answering the target post; never retried."""
        if not target.thread_key.isdigit():
            raise PermanentError(f"{self.account}: {target.thread_key[:40]!r} is not a Discourse topic id")
        if not text.strip():
            raise PermanentError(f"{self.account}: the reply is empty", fix="write something first")
        body: dict[str, Any] = {"topic_id": int(target.thread_key), "raw": text}
        number = _int(target.extra.get("post_number"))
        if number is None and target.ext_id and target.ext_id.isdigit():
            found = await self._get(f"/posts/{int(target.ext_id)}.json")
            number = _int(found.get("post_number")) if isinstance(found, dict) else None
        if number is not None and number > 1:
            body["reply_to_post_number"] = number
        created = await self._post("/posts.json", body)
        if not isinstance(created, dict) or _int(created.get("id")) is None:
            raise PermanentError(f"{self.account}: the forum accepted the reply but sent no post id back")
        slug = quote(str(created.get("topic_slug") or "topic"), safe="-_")
        url = f"{self.public_url}/t/{slug}/{target.thread_key}/{_int(created.get('post_number')) or ''}"
        return PostRef(ext_id=str(created["id"]), url=url.rstrip("/"))

    async def like(self, ext_id: str) -> None:
        """Like one post (a post already liked counts as done)."""
        if not ext_id.isdigit():
            raise PermanentError(f"{self.account}: {ext_id[:40]!r} is not a Discourse post id")
        try:
            await self._post("/post_actions.json", {"id": int(ext_id), "post_action_type_id": 2})
        except PermanentError as exc:
            if "already" not in exc.message.lower():
                raise


def _next_listing_page(more: Any) -> tuple[str, dict[str, str]] | None:
    """The path and query of a listing's `more_topics_url` (on the same forum only), as a JSON request."""
    if not isinstance(more, str) or not more.startswith("/") or more.startswith("//"):
        return None
    parts = urlsplit(more)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = parts.path if parts.path.endswith(".json") else parts.path.rstrip("/") + ".json"
    return path, {key: values[-1] for key, values in parse_qs(parts.query).items()}


def _like_count(raw: Mapping[str, Any]) -> int | None:
    count = _int(raw.get("like_count"))
    if count is not None:
        return count
    for action in raw.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == 2:
            return _int(action.get("count"))
    return None
