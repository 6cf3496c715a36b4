"""The blog-feed connector: other people's blogs (and your own), their posts as context, comments as threads.

Options (the account's `options` mapping):

- `feeds`: list of feed URLs (RSS, Atom, RDF or JSON Feed); relative URLs resolve against `base_url`.
- `wordpress_user`: the WordPress user of an application password (the password is the account's
  secret). Replies then go through WordPress REST, and only to the site at `base_url`: the password is
  never sent anywhere else.
- `track_posts` (10): how many recent posts per feed are watched for new comments.
- `comments_per_page` (100), `max_concurrency` (8), `timeout_seconds` (20), `retry_attempts` (3),
  `retry_wait_seconds` (0.5), `comment_overlap_seconds` (3600): tuning.

Streams and cursors: each feed is one stream, `Page.stream` = the feed URL as configured. Its cursor is a
JSON object, version 1 (see `FeedCursor`): `{"v": 1, "etag", "last_modified", "newest", "wp_api",
"wp_after", "wp_recent", "posts": [{"key", "title", "url", "comments_feed", "wp_id", "count", "seen",
"etag", "last_modified", "newest"}]}` - the feed's conditional-GET validators, the newest post time
yielded, the WordPress API root once found ("" for none), the newest WordPress comment time seen and the
comment ids already yielded in the overlap window, and the recent posts watched for comments (each with
its comment feed's validators). A stream yields a page of new posts, then pages of new comments, and its
last page carries the cursor (and `etag`/`last_modified`). Pass stored cursors back in `fetch(cursors)`;
an unreadable cursor starts the stream afresh. Posts are identified by `ext_id`: an edited post, or a
comment met again after a lost cursor, comes back with the same `ext_id`, so store pages idempotently.

Threads: a blog post is `source="feed"` with `thread_key` = its guid (or URL) and is the thread's root;
its comments are `source="reply"` in the same thread, `in_reply_to` = the parent comment's `ext_id`
(WordPress parent ids, Atom `thr:in-reply-to`, "In reply to" links) or the post's. WordPress comment ids
read `<post guid>#comment-<id>` whether they came from the REST API or a comment feed.

Errors: a feed that cannot be fetched or read yields one `Page` with `error` set and no cursor, and the
other feeds go on. A feed that was read but whose comments failed in part yields its posts and cursor with
`error` set on the last page. `fetch` itself raises nothing for a single feed's trouble.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.base import Connector
from connectors.errors import ConnectorError, PermanentError
from connectors.feed.parse import FeedEntry, FeedParseError, ParsedFeed, parse_feed
from connectors.feed.text import html_to_text
from connectors.feed.wordpress import (
    API_REL,
    WordPressClient,
    WpComment,
    link_header,
    post_id_from_headers,
    wordpress_error_hook,
)
from connectors.http import HttpClient, HttpResponse, RetryPolicy, Validators, safe_url
from connectors.models import Author, Capability, Page, Post, PostRef, ReplyTarget, StreamError

CURSOR_VERSION = 1

_BY_NAME = re.compile(r"^\s*(?:By|Par|Von|Por|Door|Da)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_COMMENT_ON_BY = re.compile(r"^\s*Comment on .+ by (.+?)\s*$", re.IGNORECASE)
_COMMENT_NUMBER = re.compile(r"#comment-(\d{1,12})$")


class FeedOptions(BaseModel):
    """The options a feed account accepts."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    feeds: list[str] = Field(default_factory=list)
    wordpress_user: str | None = None
    track_posts: int = Field(10, ge=0, le=100)
    comments_per_page: int = Field(100, ge=1, le=100)
    max_concurrency: int = Field(8, ge=1, le=64)
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    retry_attempts: int = Field(3, ge=1, le=10)
    retry_wait_seconds: float = Field(0.5, ge=0, le=60)
    comment_overlap_seconds: int = Field(3600, ge=0, le=7 * 86400)


class TrackedPost(BaseModel):
    """A recent post whose comments are watched."""

    model_config = ConfigDict(extra="ignore")

    key: str
    title: str = ""
    url: str = ""
    comments_feed: str = ""
    wp_id: int | None = None
    count: int | None = None
    """The comment count the feed showed when the comments were last read successfully."""
    seen: bool = False
    """Whether the comments were read at least once."""
    etag: str | None = None
    last_modified: str | None = None
    newest: datetime | None = None
    """The newest comment time yielded from the comment feed."""


MAX_RECENT_IDS = 500


def _entry_time(entry: FeedEntry, now: datetime) -> datetime | None:
    """When an entry last changed (never later than now, so a feed dated in the future cannot stall it)."""
    times = [t for t in (entry.published, entry.updated) if t is not None]
    return min(max(times), now) if times else None


def _newer(
    entries: list[FeedEntry], since: datetime | None, now: datetime
) -> tuple[list[FeedEntry], datetime | None]:
    """The entries that changed after `since` (undated ones always count), and the newest time among all."""
    fresh = []
    newest = since
    for entry in entries:
        when = _entry_time(entry, now)
        if when is None or since is None or when > since:
            fresh.append(entry)
        if when is not None and (newest is None or when > newest):
            newest = when
    return fresh, newest


class FeedCursor(BaseModel):
    """The cursor of one feed stream, stored as a JSON string: `{"v": 1, "etag": ..., "posts": [...]}`."""

    model_config = ConfigDict(extra="ignore")

    v: int = CURSOR_VERSION
    etag: str | None = None
    last_modified: str | None = None
    wp_api: str | None = None
    """The WordPress REST root; "" when the site has none; absent when not looked for yet."""
    wp_after: datetime | None = None
    """The newest WordPress comment time seen on this site."""
    wp_recent: list[int] = Field(default_factory=list)
    """Ids of WordPress comments already yielded within the overlap window (not yielded again)."""
    newest: datetime | None = None
    """The newest post time (published or updated) yielded; older entries are not yielded again."""
    posts: list[TrackedPost] = Field(default_factory=list)

    @classmethod
    def load(cls, text: str | None) -> FeedCursor:
        """Read a stored cursor; anything unreadable (or from another version) gives a fresh one."""
        if not text:
            return cls()
        try:
            cursor = cls.model_validate_json(text)
        except ValidationError:
            return cls()
        return cursor if cursor.v == CURSOR_VERSION else cls()

    def dump(self) -> str:
        """The cursor as a compact JSON string."""
        return self.model_dump_json(exclude_none=True, exclude_defaults=False)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _is_absolute_id(value: str) -> bool:
    scheme = value.split(":", 1)[0]
    return ":" in value and scheme.isalpha() and " " not in value


class FeedConnector(Connector):
    """Reads blog feeds and their comments; replies through WordPress REST when configured."""

    platform = "feed"
    capabilities = frozenset({Capability.REPLY})
    """REPLY needs `wordpress_user`, a secret and a `base_url`; `can()` tells for a given account."""

    def __init__(
        self,
        *,
        account: str,
        base_url: str = "",
        secret: str | None = None,
        options: Mapping[str, Any],
    ) -> None:
        super().__init__(account=account, base_url=base_url, secret=secret, options=options)
        try:
            self.settings = FeedOptions.model_validate(dict(options))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "options"
            raise PermanentError(
                f"{account}: feed option `{field}` is not valid: {first['msg']}",
                fix="edit the account in the config file",
            ) from None
        self.http = HttpClient(
            account=account,
            timeout=httpx.Timeout(
                self.settings.timeout_seconds, connect=min(10.0, self.settings.timeout_seconds)
            ),
            retry=RetryPolicy(
                attempts=self.settings.retry_attempts,
                initial_wait=self.settings.retry_wait_seconds,
                max_wait=max(self.settings.retry_wait_seconds * 8, 0.0),
            ),
            error_hook=wordpress_error_hook,
            max_connections=self.settings.max_concurrency * 2,
        )
        self._requests = asyncio.Semaphore(self.settings.max_concurrency)
        self._reply_site: WordPressClient | None = None

    def __repr__(self) -> str:
        return f"FeedConnector(account={self.account!r}, feeds={len(self.settings.feeds)})"

    def can(self, capability: Capability) -> bool:
        """Whether this account can do `capability` (REPLY only with WordPress credentials and a site)."""
        if capability is Capability.REPLY:
            return bool(self.settings.wordpress_user and self.secret and self.base_url)
        return super().can(capability)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    # -- fetching ---------------------------------------------------------------------------------

    def feed_urls(self) -> list[str]:
        """The configured feeds, without duplicates, in order."""
        return list(dict.fromkeys(url.strip() for url in self.settings.feeds if url.strip()))

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncGenerator[Page, None]:
        """Yield each feed's pages as soon as that feed is done; one feed's failure never stops the others."""
        feeds = self.feed_urls()
        if not feeds:
            return
        limit = asyncio.Semaphore(self.settings.max_concurrency)

        async def one(stream: str) -> list[Page]:
            async with limit:
                try:
                    return await self._fetch_stream(stream, cursors.get(stream))
                except ConnectorError as exc:
                    return [Page(stream=stream, error=StreamError.from_exception(exc))]

        tasks = [asyncio.ensure_future(one(stream)) for stream in feeds]
        try:
            for finished in asyncio.as_completed(tasks):
                for page in await finished:
                    yield page
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _get(self, url: str, validators: Validators | None = None) -> HttpResponse:
        async with self._requests:
            return await self.http.get(url, validators=validators)

    def _resolve(self, stream: str) -> str:
        url = urljoin(self.base_url + "/", stream) if self.base_url else stream
        if urlsplit(url).scheme not in {"http", "https"}:
            raise PermanentError(
                f"{self.account}: {stream!r} is not a feed address (http or https)",
                fix="edit the account's feeds in the config file",
            )
        return url

    async def _fetch_stream(self, stream: str, stored: str | None) -> list[Page]:
        url = self._resolve(stream)
        cursor = FeedCursor.load(stored)
        response = await self._get(url, Validators(cursor.etag, cursor.last_modified))
        cursor.etag, cursor.last_modified = response.validators.etag, response.validators.last_modified
        pages: list[Page] = []
        fresh_counts: dict[str, int | None] = {}
        if not response.not_modified:
            parsed, posts, cursor.newest = await asyncio.to_thread(
                self._read_posts, response, url, cursor.newest
            )
            pages.append(Page(stream=stream, posts=posts))
            fresh_counts = self._track(cursor, parsed, url)
            if cursor.wp_api is None:
                cursor.wp_api = await self._discover_wordpress(response.headers, parsed)
        comment_pages, problems = await self._fetch_comments(stream, cursor, fresh_counts)
        pages.extend(comment_pages)
        error = None
        if problems:
            error = StreamError.from_exception(problems[0])
            if len(problems) > 1:
                error = error.model_copy(
                    update={"message": f"{error.message} (and {len(problems) - 1} more)"}
                )
        last = Page(
            stream=stream,
            cursor=cursor.dump(),
            etag=cursor.etag,
            last_modified=cursor.last_modified,
            error=error,
        )
        pages = [page for page in pages if page.posts]
        if pages:
            last = last.model_copy(update={"posts": pages.pop().posts})
        return [*pages, last]

    # Parsing and HTML-to-text run in a worker thread: a large feed must not stall the event loop.

    def _read_posts(
        self, response: HttpResponse, url: str, since: datetime | None
    ) -> tuple[ParsedFeed, list[Post], datetime | None]:
        try:
            parsed = parse_feed(
                response.content, url=response.url, content_type=response.headers.get("content-type")
            )
        except FeedParseError as exc:
            raise FeedParseError(
                f"{self.account}: feed {safe_url(url)}: {exc.message}", fix=exc.fix
            ) from None
        fresh, newest = _newer(parsed.entries, since, datetime.now(UTC))
        return parsed, [self._post_from_entry(entry, parsed, url) for entry in fresh], newest

    def _read_comments(self, response: HttpResponse, post: TrackedPost) -> tuple[list[Post], datetime | None]:
        try:
            parsed = parse_feed(
                response.content, url=response.url, content_type=response.headers.get("content-type")
            )
        except FeedParseError as exc:
            raise FeedParseError(
                f"{self.account}: comments of “{post.title or post.url}”: {exc.message}", fix=exc.fix
            ) from None
        fresh, newest = _newer(parsed.entries, post.newest, datetime.now(UTC))
        return self._comments_from_feed(parsed, fresh, post), newest

    def _track(self, cursor: FeedCursor, parsed: ParsedFeed, feed_url: str) -> dict[str, int | None]:
        """Update the watched posts from a fresh feed; return the comment counts the feed shows now."""
        known = {post.key: post for post in cursor.posts}
        tracked: list[TrackedPost] = []
        counts: dict[str, int | None] = {}
        for entry in parsed.entries:
            key = self._post_key(entry, feed_url)
            counts[key] = entry.comment_count
            comments_feed = entry.comments_feed
            if not comments_feed and parsed.is_wordpress and entry.link:
                comments_feed = entry.link.rstrip("/") + "/feed/"
            previous = known.get(key)
            if previous is not None:
                previous.title, previous.url = entry.title, entry.link
                previous.comments_feed = comments_feed or previous.comments_feed
                previous.wp_id = entry.wp_post_id or previous.wp_id
                tracked.append(previous)
            else:
                tracked.append(
                    TrackedPost(
                        key=key,
                        title=entry.title,
                        url=entry.link,
                        comments_feed=comments_feed,
                        wp_id=entry.wp_post_id,
                    )
                )
        newest_first = sorted(
            zip(tracked, parsed.entries, strict=True),
            key=lambda pair: pair[1].published or pair[1].updated or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )
        cursor.posts = [post for post, _ in newest_first[: self.settings.track_posts]]
        return counts

    async def _discover_wordpress(self, headers: httpx.Headers, parsed: ParsedFeed) -> str:
        """Find the WordPress REST root from the feed's Link header or its site; "" when there is none."""
        advertised = link_header(headers, API_REL)
        if advertised:
            return advertised
        if not parsed.is_wordpress or not parsed.link:
            return ""
        async with self._requests:
            client = await WordPressClient.discover(self.http, parsed.link)
        return client.api_root if client is not None else ""

    async def _fetch_comments(
        self, stream: str, cursor: FeedCursor, fresh_counts: Mapping[str, int | None]
    ) -> tuple[list[Page], list[ConnectorError]]:
        def wanted(post: TrackedPost) -> bool:
            if post.key in fresh_counts:
                fresh = fresh_counts[post.key]
                if fresh == 0:
                    post.seen, post.count = True, 0  # nothing to read: later comments are all new
                    return False
                if post.seen and fresh is not None and fresh == post.count:
                    return False
            return True

        polled = [post for post in cursor.posts if wanted(post)]
        pages: list[Page] = []
        problems: list[ConnectorError] = []
        by_wp_id = {post.wp_id: post for post in polled if post.wp_id}
        use_rest = bool(cursor.wp_api and by_wp_id)
        if use_rest:
            try:
                pages.extend(await self._wordpress_comments(stream, cursor, by_wp_id, fresh_counts))
            except ConnectorError as exc:
                problems.append(exc)
                if isinstance(exc, PermanentError):
                    cursor.wp_api = ""  # the API is gone or closed: fall back to comment feeds
                    use_rest = False
        feed_polls = [post for post in polled if post.comments_feed and not (use_rest and post.wp_id)]
        results = await asyncio.gather(
            *(self._comment_feed(stream, post, fresh_counts.get(post.key)) for post in feed_polls),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, ConnectorError):
                problems.append(result)
            elif isinstance(result, BaseException):
                raise result
            elif result is not None:
                pages.append(result)
        return pages, problems

    async def _comment_feed(self, stream: str, post: TrackedPost, fresh_count: int | None) -> Page | None:
        response = await self._get(post.comments_feed, Validators(post.etag, post.last_modified))
        comments: list[Post] = []
        if not response.not_modified:
            comments, post.newest = await asyncio.to_thread(self._read_comments, response, post)
        post.etag, post.last_modified = response.validators.etag, response.validators.last_modified
        post.seen = True
        if fresh_count is not None:
            post.count = fresh_count
        return Page(stream=stream, posts=comments) if comments else None

    async def _wordpress_comments(
        self,
        stream: str,
        cursor: FeedCursor,
        posts: Mapping[int, TrackedPost],
        fresh_counts: Mapping[str, int | None],
    ) -> list[Page]:
        client = WordPressClient(self.http, cursor.wp_api or "")
        overlap = timedelta(seconds=self.settings.comment_overlap_seconds)
        newest = cursor.wp_after
        pages: list[Page] = []
        groups = [
            ([wp_id for wp_id, post in posts.items() if not post.seen], None),
            (
                [wp_id for wp_id, post in posts.items() if post.seen],
                cursor.wp_after - overlap if cursor.wp_after else None,
            ),
        ]
        already = set(cursor.wp_recent)
        fetched: list[WpComment] = []
        for ids, after in groups:
            if not ids:
                continue
            async for batch in client.comments(
                sorted(ids), after=after, per_page=self.settings.comments_per_page
            ):
                fetched.extend(batch)
                converted = [
                    self._post_from_wp_comment(comment, posts[comment.post])
                    for comment in batch
                    if comment.post in posts and comment.id not in already
                ]
                if converted:
                    pages.append(Page(stream=stream, posts=converted))
                for comment in batch:
                    if newest is None or comment.date > newest:
                        newest = comment.date
        for post in posts.values():
            post.seen = True
            if fresh_counts.get(post.key) is not None:
                post.count = fresh_counts[post.key]
        if newest is not None:
            window = newest - overlap
            recent = [c.id for c in fetched if c.date >= window and c.id not in already]
            cursor.wp_recent = (cursor.wp_recent + recent)[-MAX_RECENT_IDS:]
        cursor.wp_after = newest
        return pages

    # -- building posts -------------------------------------------------------------------------

    @staticmethod
    def _post_key(entry: FeedEntry, feed_url: str) -> str:
        if _is_absolute_id(entry.id):
            return entry.id
        if entry.link:
            return entry.link
        return f"{feed_url}#{entry.id}"

    def _author(self, name: str, url: str, site: str) -> Author:
        host = _host(site)
        handle = name or host or "unknown"
        return Author(platform="feed", host=host, ext_id=handle, handle=handle, name=name, url=url)

    def _post_from_entry(self, entry: FeedEntry, parsed: ParsedFeed, feed_url: str) -> Post:
        key = self._post_key(entry, feed_url)
        site = entry.link or parsed.link or feed_url
        text = (
            html_to_text(entry.content, base_url=entry.link or feed_url)
            if entry.content_is_html
            else entry.content
        )
        raw: dict[str, Any] = {"kind": "post", "feed": feed_url}
        if entry.wp_post_id:
            raw["wp_post_id"] = entry.wp_post_id
        if entry.comments_feed:
            raw["comments_feed"] = entry.comments_feed
        return Post(
            ext_id=key,
            thread_key=key,
            author=self._author(entry.author or parsed.title, entry.author_url, site),
            text=text,
            created_at=entry.published or entry.updated or datetime.now(UTC),
            edited_at=entry.updated if entry.updated and entry.updated != entry.published else None,
            url=entry.link,
            title=entry.title,
            source="feed",
            thread_title=entry.title,
            thread_url=entry.link,
            metrics={"comments": entry.comment_count} if entry.comment_count is not None else {},
            raw=raw,
        )

    def _comments_from_feed(
        self, parsed: ParsedFeed, entries: list[FeedEntry], post: TrackedPost
    ) -> list[Post]:
        by_number = {entry.wp_comment_id: entry for entry in parsed.entries if entry.wp_comment_id}
        comments = []
        for entry in entries:
            ext_id = entry.id if _is_absolute_id(entry.id) else f"{post.key}#{entry.id}"
            parent = self._parent_of(entry, post, by_number)
            name = entry.author
            if match := _BY_NAME.match(entry.title) or _COMMENT_ON_BY.match(entry.title):
                name = name or match.group(1)
            text = (
                html_to_text(entry.content, base_url=entry.link or post.url)
                if entry.content_is_html
                else entry.content
            )
            if text.startswith("In reply to ") and parent != post.key:
                text = text.split("\n\n", 1)[1] if "\n\n" in text else text
            raw: dict[str, Any] = {"kind": "comment", "comments_feed": post.comments_feed}
            if entry.wp_comment_id:
                raw["wp_comment_id"] = entry.wp_comment_id
            if post.wp_id:
                raw["wp_post_id"] = post.wp_id
            comments.append(
                Post(
                    ext_id=ext_id,
                    thread_key=post.key,
                    author=self._author(name, entry.author_url, post.url or entry.link),
                    text=text,
                    created_at=entry.published or entry.updated or datetime.now(UTC),
                    url=entry.link,
                    in_reply_to=parent,
                    source="reply",
                    thread_title=post.title,
                    thread_url=post.url,
                    raw=raw,
                )
            )
        return comments

    @staticmethod
    def _parent_of(entry: FeedEntry, post: TrackedPost, by_number: Mapping[int, FeedEntry]) -> str:
        """The ext_id a comment answers: its parent comment when the feed says, else the post."""
        if not entry.in_reply_to or entry.in_reply_to in {post.key, post.url}:
            return post.key
        match = _COMMENT_NUMBER.search(entry.in_reply_to)
        if match:
            number = int(match.group(1))
            if number in by_number:
                parent = by_number[number]
                return parent.id if _is_absolute_id(parent.id) else f"{post.key}#{parent.id}"
            if "?p=" in post.key:
                return f"{post.key}#comment-{number}"
        return entry.in_reply_to

    def _post_from_wp_comment(self, comment: WpComment, post: TrackedPost) -> Post:
        parent = f"{post.key}#comment-{comment.parent}" if comment.parent else post.key
        return Post(
            ext_id=f"{post.key}#comment-{comment.id}",
            thread_key=post.key,
            author=self._author(comment.author_name, comment.author_url, post.url or comment.link),
            text=html_to_text(comment.content_html, base_url=comment.link or post.url),
            created_at=comment.date,
            url=comment.link,
            in_reply_to=parent,
            source="reply",
            thread_title=post.title,
            thread_url=post.url,
            raw={"kind": "comment", "wp_post_id": comment.post, "wp_comment_id": comment.id},
        )

    # -- replying -------------------------------------------------------------------------------

    def _no_reply(self, target: ReplyTarget) -> PermanentError:
        where = target.url or target.thread_key
        return PermanentError(
            f"{self.account}: this blog offers no way to reply from the cockpit",
            fix=f"open {where} in the browser and comment there",
        )

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Post `text` as a WordPress comment on the target's post (answering the target comment, if any)."""
        if not self.can(Capability.REPLY) or not self.settings.wordpress_user or not self.secret:
            raise self._no_reply(target)
        site_host = _host(self.base_url)
        target_url = target.url or target.thread_key
        if _host(target.thread_key) != site_host and _host(target_url) != site_host:
            raise self._no_reply(target)  # the application password is only ever sent to our own site
        site = await self._reply_client()
        if site is None:
            raise PermanentError(
                f"{self.account}: {safe_url(self.base_url)} has no WordPress REST API to reply through",
                fix=f"open {target_url} in the browser and comment there",
            )
        post_id = await self._target_post_id(target)
        parent = self._target_parent(target)
        comment = await site.create_comment(
            post_id=post_id,
            parent=parent,
            content=html.escape(text, quote=False),  # plain text in, shown as typed (WordPress reads HTML)
            auth=(self.settings.wordpress_user, self.secret),
        )
        return PostRef(ext_id=f"{target.thread_key}#comment-{comment.id}", url=comment.link)

    async def _reply_client(self) -> WordPressClient | None:
        if self._reply_site is None:
            self._reply_site = await WordPressClient.discover(self.http, self.base_url)
        return self._reply_site

    async def _target_post_id(self, target: ReplyTarget) -> int:
        for value in (target.extra.get("wp_post_id"),):
            if isinstance(value, int) and value > 0:
                return value
        for candidate in (target.thread_key, target.ext_id or "", target.url):
            if match := re.search(r"[?&]p=(\d{1,12})", candidate):
                return int(match.group(1))
        page = target.url or target.thread_key
        if _host(page) == _host(self.base_url):
            with contextlib.suppress(ConnectorError):
                response = await self.http.get(page.split("#", 1)[0])
                if (post_id := post_id_from_headers(response.headers)) is not None:
                    return post_id
        raise PermanentError(
            f"{self.account}: could not tell which WordPress post {page} is",
            fix="open it in the browser and comment there",
        )

    @staticmethod
    def _target_parent(target: ReplyTarget) -> int:
        value = target.extra.get("wp_comment_id")
        if isinstance(value, int) and value > 0:
            return value
        if target.ext_id and target.ext_id != target.thread_key:
            if match := _COMMENT_NUMBER.search(target.ext_id):
                return int(match.group(1))
        return 0
