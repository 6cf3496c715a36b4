"""The LinkedIn connector (versioned REST, Community Management API): page notifications, comments, replies.

Options (the account's `options` mapping):

- `organization`: the page's URN (`urn:li:organization:N`); required to read.
- `actor`: who replies: "organization" (the page, default) or a person URN (`urn:li:person:...`) for a member
  speaking in person.
- `linkedin_version`: the `LinkedIn-Version` header, YYYYMM (default `DEFAULT_VERSION`).
- `client_id`, `client_secret_env`, `token_url`: the OAuth app, needed to refresh a token set.
- `recent_posts` (10), `page_size` (50), `max_pages` (10), `first_sync_days` (7), `overlap_seconds` (300),
  `timeout_seconds`, `retry_attempts`, `retry_wait_seconds`: tuning.
- `on_new_secret`: a callable storing a refreshed token set (JSON) before it is used.

Every request carries `Authorization: Bearer`, `LinkedIn-Version` and `X-Restli-Protocol-Version: 2.0.0`; URNs
are percent-encoded in paths and query values, lists and records use Rest.li 2.0 syntax (`List(..)`,
`(start:..,end:..)`), pages are read with `start`/`count`.

Streams: "notifications" (comments and mentions of the page, `organizationalEntityNotifications`, cursor
`{"v": 1, "since": <epoch ms>}`) and "comments" (the comments and replies on the page's recent posts, cursor
`{"v": 1, "posts": {postUrn: <newest comment epoch ms>}}`). A conversation is one post: `thread_key` is the
post's URN; a comment answers its `parentComment` or, at the top level, the post.

Rate limits are daily and reset at midnight UTC; a 429 carries no headers, so it means `RateLimited` until the
next midnight UTC. Response shapes follow LinkedIn's documentation; no recorded responses are public, so the
shapes of people and organisation lookups in particular are unverified.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from connectors.base import Connector
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    DuplicateContent,
    PermanentError,
    PermissionDenied,
    RateLimited,
)
from connectors.http import HttpClient, HttpResponse, RetryPolicy, safe_url
from connectors.linkedin.urn import (
    comment_parts,
    decode,
    encode,
    is_urn,
    query_string,
    restli_list,
    restli_record,
    urn_id,
    urn_type,
)
from connectors.models import Author, Capability, Page, Post, PostRef, ReplyTarget, Source, StreamError
from connectors.oauth import BearerAuth, OAuthClient

DEFAULT_VERSION = "202510"
"""The `LinkedIn-Version` sent when the account does not set one."""
RESTLI_VERSION = "2.0.0"
PUBLIC_BASE = "https://api.linkedin.com"
DEFAULT_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
CURSOR_VERSION = 1
NOTIFICATION_ACTIONS = ("COMMENT", "SHARE_MENTION", "ADMIN_COMMENT")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_VERSION = re.compile(r"^20[0-9]{2}(0[1-9]|1[0-2])$")

SCOPE_FOR = {
    "notifications": "rw_organization_admin",
    "read": "r_organization_social",
    "write_organization": "w_organization_social",
    "write_member": "w_member_social",
}
"""Which OAuth scope each kind of request needs (newer apps: the same names with `_feed`)."""


class LinkedInOptions(BaseModel):
    """The options a LinkedIn account accepts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    organization: str | None = None
    actor: str = "organization"
    linkedin_version: str = DEFAULT_VERSION
    client_id: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None
    public_url: str = "https://www.linkedin.com"
    recent_posts: int = Field(10, ge=1, le=100)
    page_size: int = Field(50, ge=1, le=100)
    max_pages: int = Field(10, ge=1, le=100)
    first_sync_days: int = Field(7, ge=1, le=60)
    overlap_seconds: int = Field(300, ge=0, le=86400)
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    retry_attempts: int = Field(3, ge=1, le=10)
    retry_wait_seconds: float = Field(0.5, ge=0, le=60)

    @field_validator("organization")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"urn:li:organization:[0-9]+", value):
            raise ValueError("write it like urn:li:organization:123")
        return value

    @field_validator("actor")
    @classmethod
    def _actor(cls, value: str) -> str:
        if value != "organization" and not re.fullmatch(r"urn:li:person:[0-9A-Za-z_-]{1,100}", value):
            raise ValueError('use "organization" or a person URN like urn:li:person:AbC123')
        return value

    @field_validator("linkedin_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError("write it as YYYYMM, like 202510")
        return value


class NotificationsCursor(BaseModel):
    """Where the notifications stream goes on: the start (epoch ms) of the next time range."""

    model_config = ConfigDict(extra="ignore")

    v: int = CURSOR_VERSION
    since: int | None = None


class CommentsCursor(BaseModel):
    """Per recent post, the creation time (epoch ms) of the newest comment stored."""

    model_config = ConfigDict(extra="ignore")

    v: int = CURSOR_VERSION
    posts: dict[str, int] = Field(default_factory=dict)


def _load(model: type[NotificationsCursor] | type[CommentsCursor], text: str | None) -> Any:
    if not text:
        return model()
    try:
        cursor = model.model_validate_json(text)
    except ValidationError:
        return model()
    return cursor if cursor.v == CURSOR_VERSION else model()


def _clean(text: str, limit: int = 300) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def _text(text: str, limit: int = 20_000) -> str:
    return _CONTROL.sub("", text).replace("\r\n", "\n").strip()[:limit]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ms(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _when(ms: int | None) -> datetime:
    if ms is None:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.now(UTC)


def next_midnight_utc(now: datetime | None = None) -> datetime:
    """The next midnight UTC, when LinkedIn's daily limits reset."""
    now = now or datetime.now(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def comment_urn(comment: Mapping[str, Any]) -> str | None:
    """The URN of a comment element (`$URN`, `commentUrn`, or built from `object` and `id`), None if unusable."""
    urn = str(comment.get("$URN") or comment.get("commentUrn") or "")
    if comment_parts(urn) is not None:
        return urn
    obj, ident = comment.get("object"), comment.get("id")
    if is_urn(obj) and isinstance(ident, str | int) and not isinstance(ident, bool):
        built = f"urn:li:comment:({obj},{ident})"
        if comment_parts(built) is not None:
            return built
    return None


def _created_ms(comment: Mapping[str, Any]) -> int:
    return _ms(_dict(comment.get("created")).get("time")) or 0


def _error_body(response: HttpResponse) -> dict[str, Any]:
    try:
        return _dict(json.loads(response.content))
    except (ValueError, UnicodeDecodeError):
        return {}


class LinkedInConnector(BearerAuth, Connector):
    """Reads one organisation page's notifications and post comments; replies as the page or a member."""

    token_name = "LinkedIn access token"

    platform = "linkedin"
    capabilities = frozenset({Capability.REPLY, Capability.THREAD})

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        options = dict(options)
        callback = options.pop("on_new_secret", None)
        super().__init__(account=account, base_url=base_url or PUBLIC_BASE, secret=secret, options=options)
        try:
            self.settings = LinkedInOptions.model_validate(options)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "options"
            raise PermanentError(
                f"{account}: linkedin option `{field}` is not valid: {first['msg']}",
                fix="edit the account in the config file",
            ) from None
        self.on_new_secret: Callable[[str], None] | None = callback if callable(callback) else None
        self.public_url = self.settings.public_url.rstrip("/")
        self._load_secret(secret)
        self._authors: dict[str, Author] = {}
        self.rate_limited_until: datetime | None = None
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
            headers={
                "Accept": "application/json",
                "LinkedIn-Version": self.settings.linkedin_version,
                "X-Restli-Protocol-Version": RESTLI_VERSION,
            },
            max_connections=4,
        )

    def __repr__(self) -> str:
        return f"LinkedInConnector(account={self.account!r})"

    @property
    def actor_urn(self) -> str | None:
        """The URN replies are posted as (the page's, or the configured member's)."""
        if self.settings.actor == "organization":
            return self.settings.organization
        return self.settings.actor

    def status_note(self) -> str:
        """Says until when LinkedIn's daily limit holds the account back, or ""."""
        until = self.rate_limited_until
        if until is not None and until > datetime.now(UTC):
            return f"LinkedIn daily limit reached; resumes {until:%Y-%m-%d %H:%M} UTC"
        return ""

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
        secret_env = self.settings.client_secret_env
        secret = os.environ.get(secret_env) if secret_env else None
        token_url = self.settings.token_url
        if not token_url:
            token_url = (
                DEFAULT_TOKEN_URL if self.base_url == PUBLIC_BASE else f"{self.base_url}/oauth/v2/accessToken"
            )
        return OAuthClient(
            authorize_url="",
            token_url=token_url,
            client_id=self.settings.client_id,
            client_secret=secret,
            client_auth="body",
        )

    # -- requests ---------------------------------------------------------------------------------

    def _scope_for(self, method: str, path: str) -> str:
        if "organizationalEntityNotifications" in path:
            return SCOPE_FOR["notifications"]
        if method != "GET":
            return SCOPE_FOR[
                "write_organization" if self.settings.actor == "organization" else "write_member"
            ]
        return SCOPE_FOR["read"]

    def _error_hook(self, response: HttpResponse, method: str) -> ConnectorError | None:
        """Turn LinkedIn's error answers (`{"status", "code", "serviceErrorCode", "message"}`) into precise errors."""
        path = httpx.URL(response.url).path
        where = f"{method} {safe_url(response.url)}"
        body = _error_body(response)
        message = _clean(str(body.get("message") or ""), 200)
        code = str(body.get("code") or "")
        status = response.status
        if status == 429:
            until = next_midnight_utc()
            self.rate_limited_until = until
            return RateLimited(
                f"{self.account}: LinkedIn's daily limit is reached ({where}); it resets at midnight UTC",
                until=until,
                fix="the cockpit will try again after midnight UTC",
            )
        if status == 401:
            return AuthExpired(
                f"{self.account}: LinkedIn refused the access token (HTTP 401)", fix=self._login_fix()
            )
        if status == 422 and (
            "DUPLICATE_POST" in code or "DUPLICATE_POST" in message or "duplicate" in message.lower()
        ):
            return DuplicateContent(
                f"{self.account}: LinkedIn refused the comment as a duplicate of an earlier one",
                fix="change the text before sending again",
            )
        if status == 403:
            lowered = message.lower()
            if "admin" in lowered or "role" in lowered or "not authorized" in lowered:
                org = self.settings.organization or "the page"
                page = urn_id(org) if self.settings.organization else ""
                where_admin = f" at {self.public_url}/company/{page}/admin/" if page else ""
                return PermissionDenied(
                    f"{self.account}: the signed-in member is not an admin of {org} (HTTP 403)",
                    fix=f"ask a super admin of the page to give this member the Administrator role{where_admin}",
                )
            scope = self._scope_for(method, path)
            detail = f": {message}" if message else ""
            return PermissionDenied(
                f"{self.account}: {where} is not allowed (HTTP 403){detail}",
                fix=(
                    f"the app needs the `{scope}` scope (or `{scope}_feed`): add the product that grants it to "
                    f"your LinkedIn app, then {self._login_fix()}"
                ),
            )
        if status in (400, 404, 409, 422):
            detail = f": {message}" if message else ""
            return PermanentError(f"{self.account}: {where} was refused (HTTP {status}){detail}")
        return None

    async def _send(
        self, method: str, path: str, *, params: Mapping[str, object] | None = None, body: Any = None
    ) -> HttpResponse:
        url = path + ("?" + query_string(params) if params else "")
        until = self.rate_limited_until
        if until is not None and until > datetime.now(UTC):
            raise RateLimited(
                f"{self.account}: LinkedIn's daily limit is reached; it resets at midnight UTC",
                until=until,
                fix="the cockpit will try again after midnight UTC",
            )
        refreshed = False
        while True:
            headers = {"Authorization": f"Bearer {await self.access_token()}"}
            try:
                if method == "GET":
                    return await self.http.get(url, headers=headers)
                return await self.http.write(method, url, json=body, headers=headers)
            except AuthExpired:
                if refreshed or self.tokens is None or not self.tokens.refresh_token:
                    raise
                refreshed = True
                async with self._refresh_lock:
                    await self.refresh()

    async def _get(self, path: str, params: Mapping[str, object] | None = None) -> dict[str, Any]:
        return _dict((await self._send("GET", path, params=params)).json())

    async def _elements(
        self, path: str, params: Mapping[str, object]
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Every element of a paged collection (`start`/`count`), up to `max_pages` pages."""
        count = self.settings.page_size
        start = 0
        for _ in range(self.settings.max_pages):
            data = await self._get(path, {**params, "start": start, "count": count})
            elements = [e for e in data.get("elements") or [] if isinstance(e, dict)]
            for element in elements:
                yield element
            total = _ms(_dict(data.get("paging")).get("total"))
            start += len(elements)
            if len(elements) < count or (total is not None and start >= total):
                return

    # -- identities -------------------------------------------------------------------------------

    async def author_for(self, urn: str) -> Author:
        """The `Author` of a person or organisation URN (looked up once; a refused lookup keeps just the URN)."""
        if urn in self._authors:
            return self._authors[urn]
        kind, ident = urn_type(urn), urn_id(urn)
        name = headline = vanity = ""
        url = ""
        try:
            if kind == "person":
                data = await self._get(f"/rest/people/(id:{encode(ident)})")
                first = _clean(str(data.get("localizedFirstName") or ""), 60)
                last = _clean(str(data.get("localizedLastName") or ""), 60)
                name = f"{first} {last}".strip()
                headline = _clean(str(data.get("localizedHeadline") or ""), 300)
                vanity = _clean(str(data.get("vanityName") or ""), 100)
                url = f"{self.public_url}/in/{vanity}" if vanity else ""
            elif kind == "organization":
                data = await self._get(f"/rest/organizations/{encode(ident)}")
                name = _clean(str(data.get("localizedName") or ""), 100)
                vanity = _clean(str(data.get("vanityName") or ""), 100)
                url = f"{self.public_url}/company/{vanity or ident}"
        except (PermanentError, PermissionDenied):
            pass  # members outside the page's network may not be visible: keep the URN
        author = Author(
            platform="linkedin",
            ext_id=urn,
            handle=vanity or ident or urn,
            name=name,
            bio=headline,
            url=url,
            extra={"kind": kind},
        )
        self._authors[urn] = author
        return author

    # -- reading ----------------------------------------------------------------------------------

    def streams(self) -> list[str]:
        """The stream names this account reads."""
        return ["notifications", "comments"]

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncGenerator[Page, None]:
        """Yield each stream's pages; a stream's failure becomes that stream's error page."""
        if not self.settings.organization:
            error = PermanentError(
                f"{self.account}: no organisation page is configured",
                fix='add organization = "urn:li:organization:N" to the account',
            )
            for stream in self.streams():
                yield Page(stream=stream, error=StreamError.from_exception(error))
            return
        for stream, reader in (("notifications", self._notifications), ("comments", self._comments)):
            try:
                async for page in reader(cursors.get(stream)):
                    yield page
            except AuthExpired:
                raise
            except ConnectorError as exc:
                yield Page(stream=stream, error=StreamError.from_exception(exc))

    async def _notifications(self, stored: str | None) -> AsyncGenerator[Page, None]:
        cursor: NotificationsCursor = _load(NotificationsCursor, stored)
        org = self.settings.organization
        assert org is not None
        end = int(time.time() * 1000)
        start = cursor.since if cursor.since is not None else end - self.settings.first_sync_days * 86_400_000
        params = {
            "q": "criteria",
            "organizationalEntity": org,
            "actions": restli_list(NOTIFICATION_ACTIONS),
            "timeRange": restli_record({"start": start, "end": end}),
        }
        posts: list[Post] = []
        async for item in self._elements("/rest/organizationalEntityNotifications", params):
            post = await self._post_for_notification(item)
            if post is not None:
                posts.append(post)
        cursor.since = max(start, end - self.settings.overlap_seconds * 1000)
        yield Page(stream="notifications", posts=posts, cursor=cursor.model_dump_json())

    async def _post_for_notification(self, item: Mapping[str, Any]) -> Post | None:
        action = str(item.get("action") or "")
        source_post = item.get("sourcePost")
        activity = item.get("generatedActivity")
        if action in ("COMMENT", "ADMIN_COMMENT") and is_urn(source_post) and is_urn(activity):
            parts = comment_parts(str(activity))
            if parts is None:
                return None
            try:
                data = await self._get(
                    f"/rest/socialActions/{encode(str(source_post))}/comments/{encode(parts[1])}"
                )
            except PermanentError:
                return None  # deleted since
            return await self.post_from_comment(data, str(source_post), "notification")
        if action == "SHARE_MENTION" and is_urn(activity or source_post):
            urn = str(activity if is_urn(activity) else source_post)
            try:
                data = await self._get(f"/rest/posts/{encode(urn)}")
            except PermanentError:
                return None
            return await self.post_from_share(data, "mention")
        return None

    async def _recent_posts(self) -> list[dict[str, Any]]:
        org = self.settings.organization
        assert org is not None
        data = await self._get(
            "/rest/posts",
            {"q": "author", "author": org, "count": self.settings.recent_posts, "sortBy": "LAST_MODIFIED"},
        )
        return [e for e in data.get("elements") or [] if isinstance(e, dict) and is_urn(e.get("id"))]

    async def _comments(self, stored: str | None) -> AsyncGenerator[Page, None]:
        cursor: CommentsCursor = _load(CommentsCursor, stored)
        recent = await self._recent_posts()
        kept: dict[str, int] = {}
        for share in recent:
            post_urn = str(share["id"])
            known = post_urn in cursor.posts
            newest = cursor.posts.get(post_urn, -1)
            found: list[Post] = [] if known else [await self.post_from_share(share, "own")]
            comments = await self.thread_comments(post_urn, since=newest)
            found += comments
            newest = max([newest, *(_ms(c.raw.get("created_ms")) or 0 for c in comments)])
            kept[post_urn] = newest
            cursor.posts = {**cursor.posts, post_urn: newest}
            yield Page(
                stream="comments",
                posts=found,
                cursor=CommentsCursor(posts=dict(cursor.posts)).model_dump_json(),
            )
        # forget posts that left the recent list so the cursor stays small
        final = CommentsCursor(posts=kept)
        yield Page(stream="comments", posts=[], cursor=final.model_dump_json())

    async def thread_comments(self, post_urn: str, *, since: int = -1) -> list[Post]:
        """The comments on a post and the replies to them (LinkedIn nests one level) created after `since` (ms).

        Older comments are not normalised (no identity lookups), but their replies are still read.
        """
        found: list[Post] = []
        async for element in self._elements(f"/rest/socialActions/{encode(post_urn)}/comments", {}):
            urn = comment_urn(element)
            if urn is None:
                continue
            if _created_ms(element) > since:
                comment = await self.post_from_comment(element, post_urn, "reply")
                if comment is not None:
                    found.append(comment)
            summary = _dict(element.get("commentsSummary"))
            replies = _ms(summary.get("aggregatedTotalComments")) or _ms(
                summary.get("totalFirstLevelComments")
            )
            if replies:
                async for reply in self._elements(f"/rest/socialActions/{encode(urn)}/comments", {}):
                    if _created_ms(reply) > since:
                        nested = await self.post_from_comment(reply, post_urn, "reply")
                        if nested is not None:
                            found.append(nested)
        return found

    async def post_from_share(self, share: Mapping[str, Any], source: Source) -> Post:
        """Normalise a post of `/rest/posts` (the root of its thread)."""
        urn = str(share.get("id") or "")
        author_urn = str(share.get("author") or "")
        author = (
            await self.author_for(author_urn)
            if is_urn(author_urn)
            else Author(platform="linkedin", ext_id="unknown", handle="unknown")
        )
        text = _text(str(share.get("commentary") or ""))
        url = f"{self.public_url}/feed/update/{urn}/"
        return Post(
            ext_id=urn,
            thread_key=urn,
            author=author,
            text=text,
            title=_clean(text, 80),
            created_at=_when(_ms(share.get("createdAt")) or _ms(share.get("publishedAt"))),
            url=url,
            direction="out" if author_urn in {self.actor_urn, self.settings.organization} else "in",
            source=source,
            thread_title=_clean(text, 80),
            thread_url=url,
        )

    async def post_from_comment(
        self, comment: Mapping[str, Any], post_urn: str, source: Source
    ) -> Post | None:
        """Normalise a comment of `/rest/socialActions/{urn}/comments` under its post (None when unusable)."""
        urn = comment_urn(comment)
        if urn is None:
            return None
        actor = str(comment.get("actor") or _dict(comment.get("created")).get("actor") or "")
        author = (
            await self.author_for(actor)
            if is_urn(actor)
            else Author(platform="linkedin", ext_id="unknown", handle="unknown")
        )
        created = _ms(_dict(comment.get("created")).get("time"))
        modified = _ms(_dict(comment.get("lastModified")).get("time"))
        parent = comment.get("parentComment")
        ours = bool(actor) and actor in {self.actor_urn, self.settings.organization}
        post_url = f"{self.public_url}/feed/update/{post_urn}/"
        return Post(
            ext_id=urn,
            thread_key=post_urn,
            author=author,
            text=_text(str(_dict(comment.get("message")).get("text") or "")),
            created_at=_when(created),
            edited_at=_when(modified) if modified and created and modified > created else None,
            url=f"{post_url}?commentUrn={encode(urn)}",
            in_reply_to=str(parent) if is_urn(parent) else post_urn,
            direction="out" if ours else "in",
            source=source,
            thread_url=post_url,
            raw={"created_ms": created, "object": str(comment.get("object") or "")},
        )

    async def fetch_thread(self, thread_key: str) -> list[Post]:
        """The post and all its comments and replies, oldest first."""
        if not is_urn(thread_key):
            raise PermanentError(f"{self.account}: {thread_key[:60]!r} is not a LinkedIn post URN")
        found: list[Post] = []
        try:
            found.append(
                await self.post_from_share(await self._get(f"/rest/posts/{encode(thread_key)}"), "own")
            )
        except PermanentError:
            pass  # the post is gone or not visible; its comments may still be
        found += await self.thread_comments(thread_key)
        return sorted(found, key=lambda p: p.created_at)

    # -- writing ----------------------------------------------------------------------------------

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Comment on the post, or reply to the comment, `target` names; as the page or the member configured."""
        actor = self.actor_urn
        if not actor:
            raise PermanentError(
                f"{self.account}: no organisation page is configured to reply as",
                fix="add organization (or a person URN as actor) to the account",
            )
        if not text.strip():
            raise PermanentError(f"{self.account}: the reply is empty", fix="write something first")
        post_urn = target.thread_key
        urn = target.ext_id or post_urn
        if not is_urn(post_urn) or not is_urn(urn):
            raise PermanentError(f"{self.account}: {urn[:60]!r} is not a LinkedIn URN")
        parts = comment_parts(urn)
        body: dict[str, Any] = {"actor": actor, "object": post_urn, "message": {"text": text}}
        if parts is not None:
            body["parentComment"] = urn
        response = await self._send("POST", f"/rest/socialActions/{encode(urn)}/comments", body=body)
        created = (response.headers.get("x-restli-id") or "").strip()
        created = decode(created)
        if not created:
            raise PermanentError(f"{self.account}: LinkedIn accepted the comment but sent no id back")
        if comment_parts(created) is None:
            activity = parts[0] if parts is not None else post_urn
            created = f"urn:li:comment:({activity},{created})"
        url = f"{self.public_url}/feed/update/{post_urn}/?commentUrn={encode(created)}"
        return PostRef(ext_id=created, url=url)

    async def find_reply(self, target: ReplyTarget, text: str) -> PostRef | None:
        """Look for our comment with this text under `target` (resolves an outcome unknown), or None."""
        wanted = " ".join(text.split())
        answered = target.ext_id or target.thread_key
        for post in await self.thread_comments(target.thread_key):
            if post.author.ext_id == self.actor_urn and post.in_reply_to == answered:
                if " ".join(post.text.split()) == wanted:
                    return PostRef(ext_id=post.ext_id, url=post.url)
        return None


__all__: Sequence[str] = (
    "DEFAULT_VERSION",
    "LinkedInConnector",
    "LinkedInOptions",
    "next_midnight_utc",
)
