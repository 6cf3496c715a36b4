"""A loopback fake of a Discourse forum: categories, topics, cooked posts, notifications, search, users.

It speaks the JSON shapes of the real API (`/notifications.json`, `/latest.json`, `/c/{slug}/{id}.json`,
`/t/{id}.json` with the first `POSTS_PER_PAGE` posts and the whole `stream`, `/t/{id}/posts.json?post_ids[]=`,
`/posts/by_number/{topic}/{n}.json`, `/posts/{id}.json`, `/search.json`, `/u/{username}.json`,
`/session/current.json`, `POST /posts.json`, `POST /post_actions.json`) and checks both kinds of key:
`ADMIN_KEY` with an `Api-Username`, or `USER_API_KEY` with `USER_API_CLIENT_ID` (acting as `maya_acme`).
Notifications for `maya_acme` are made as posts arrive (mentions, replies to her, quotes, private
messages, posts in topics she watches), plus likes and a type no client knows (800). `limit_next()` arms a
429 with the JSON body or the plain-text one of the IP limiter; `enforce_rate_limits` applies Discourse's
per-key budgets (60 a minute for admin keys, 20 for user keys) over `rate_window` seconds.
Listings come `topics_per_page` at a time with `more_topics_url`, notifications `notifications_per_page`
at a time with `load_more_notifications`. `edit_post` raises a post's `version` and `updated_at` (the
topic is not bumped, as on a real forum), `delete_post` takes a post out of its topic's stream as a staff
deletion does, `hide_post` sets `hidden` as flags do; `GET /user-api-key/new` approves at once.
"""

from __future__ import annotations

import base64
import json
import random
import re
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

from connectors.models import Post
from connectors.sandbox.discourse_content import (
    CATEGORIES,
    NEW_TOPIC_TITLES,
    OUR_USERNAME,
    REPLIES,
    TOPICS,
    USERS,
)
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer

ADMIN_KEY = "d1sc0urse-sandbox-admin-key-7f3a9c"
"""A sandbox-only admin (global) API key."""
USER_API_KEY = "d1sc0urse-sandbox-user-key-52be01"
"""A sandbox-only user API key, owned by `maya_acme`."""
USER_API_CLIENT_ID = "cockpit-sandbox-client"
"""The client id the user API key was issued to."""

POSTS_PER_PAGE = 20
"""Posts `/t/{id}.json` returns in full; the rest only as ids in `post_stream.stream`."""

MENTIONED, REPLIED, QUOTED, LIKED, PRIVATE_MESSAGE, POSTED, UNKNOWN_TYPE = 1, 2, 3, 5, 6, 9, 800

QUIET_TOPIC = "Show and tell: Relay on a Raspberry Pi cluster"
"""A topic maya_acme takes no part in: only a like and an unknown-type notification point at it."""

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class ForumUser:
    """A member."""

    id: int
    username: str
    name: str
    trust_level: int
    bio: str = ""
    admin: bool = False


@dataclass
class ForumPost:
    """One post."""

    id: int
    topic_id: int
    post_number: int
    username: str
    cooked: str
    created_at: datetime
    reply_to_post_number: int | None = None
    raw: str = ""
    version: int = 1
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    hidden: bool = False

    @property
    def visible(self) -> bool:
        """Whether members still see the post (staff-deleted posts leave the topic's stream)."""
        return self.deleted_at is None


@dataclass
class ForumTopic:
    """One topic (or private message)."""

    id: int
    title: str
    slug: str
    category_id: int | None
    created_at: datetime
    archetype: str = "regular"
    posts: list[ForumPost] = field(default_factory=list)

    @property
    def bumped_at(self) -> datetime:
        """When the last post was made."""
        return self.posts[-1].created_at if self.posts else self.created_at


@dataclass
class ForumNotification:
    """One notification of the API user."""

    id: int
    notification_type: int
    topic_id: int
    post_number: int
    created_at: datetime
    data: dict[str, Any]
    read: bool = False


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def slugify(title: str) -> str:
    """A topic slug like Discourse makes."""
    return _SLUG.sub("-", title.lower()).strip("-")[:60] or "topic"


class DiscourseSandbox(SandboxServer):
    """Serves the seeded Acme Relay forum over loopback HTTP and records what was posted and liked.

    `known_users` pins a username's id and display name (the demo uses it so forum people match the
    identities of its seeded data).
    """

    name = "discourse"

    def __init__(
        self,
        *,
        now: datetime | None = None,
        seed: int = 7,
        known_users: Mapping[str, tuple[int, str]] | None = None,
        notifications_per_page: int = 60,
    ) -> None:
        super().__init__()
        self.now = now or datetime.now(UTC)
        self.random = random.Random(seed)
        self.notifications_per_page = notifications_per_page
        self.topics_per_page = 30
        """Topics per listing page; more come by `more_topics_url` (`?page=N`)."""
        self.users: dict[str, ForumUser] = {}
        self.categories = {c.id: c for c in CATEGORIES}
        self.topics: dict[int, ForumTopic] = {}
        self.posts: dict[int, ForumPost] = {}
        self.notifications: list[ForumNotification] = []
        self.likes: set[tuple[str, int]] = set()
        self.user_keys: dict[str, tuple[str, str]] = {USER_API_KEY: (OUR_USERNAME, USER_API_CLIENT_ID)}
        """User API keys the forum has granted: key -> (username, client id)."""
        self.enforce_rate_limits = False
        self.rate_window = 60.0
        self.rate_limits = {"admin": 60, "user": 20}
        self._windows: dict[str, deque[float]] = {}
        self._armed_limits: list[tuple[Literal["json", "text"], int, bool]] = []
        self._next_post_id = 91_000
        self._next_topic_id = 8_100
        self._next_notification_id = 5_000
        pinned = dict(known_users or {})
        free = 300
        for seed_user in USERS:
            name = seed_user.name
            if seed_user.username in pinned:
                user_id, name = pinned[seed_user.username]
            elif seed_user.username == "system":
                user_id = -1
            else:
                free += 1
                user_id = free
            self.users[seed_user.username] = ForumUser(
                user_id, seed_user.username, name, seed_user.trust_level, seed_user.bio, seed_user.admin
            )
        self._seed()

    # -- content ----------------------------------------------------------------------------------

    def _seed(self) -> None:
        pending: list[tuple[datetime, ForumTopic, int]] = []
        for index, seed_topic in enumerate(TOPICS):
            created = self.now - timedelta(hours=seed_topic.posts[0].hours_ago)
            category = next((c.id for c in CATEGORIES if c.slug == seed_topic.category), None)
            topic = ForumTopic(
                id=0,
                title=seed_topic.title,
                slug=slugify(seed_topic.title),
                category_id=category,
                created_at=created,
                archetype=seed_topic.archetype,
            )
            for number, _post in enumerate(seed_topic.posts):
                pending.append((self.now - timedelta(hours=_post.hours_ago), topic, index * 1000 + number))
        order = sorted(pending, key=lambda item: (item[0], item[2]))
        for when, topic, key in order:
            seed_post = TOPICS[key // 1000].posts[key % 1000]
            if topic.id == 0:
                self._next_topic_id += 1
                topic.id = self._next_topic_id
                self.topics[topic.id] = topic
            self._add(topic, seed_post.author, seed_post.cooked, when, seed_post.reply_to)
        # Two notifications the connector must skip: a like and a type from a plugin it does not know.
        quiet = self.topic_by_title(QUIET_TOPIC)
        for kind in (LIKED, UNKNOWN_TYPE):
            self._notify(kind, quiet, quiet.posts[-1], "jonas", self.now - timedelta(hours=3))

    def user(self, username: str) -> ForumUser:
        """Return a member by username."""
        try:
            return self.users[username]
        except KeyError:
            raise KeyError(f"no forum user {username!r}") from None

    def topic_by_title(self, title: str) -> ForumTopic:
        """Return the topic with this title."""
        return next(t for t in self.topics.values() if t.title == title)

    @property
    def long_topic(self) -> ForumTopic:
        """The topic with more posts than one page holds."""
        return max(self.topics.values(), key=lambda t: len(t.posts))

    def _add(
        self,
        topic: ForumTopic,
        username: str,
        cooked: str,
        when: datetime,
        reply_to: int | None,
        raw: str = "",
    ) -> ForumPost:
        self.user(username)
        self._next_post_id += 1
        post = ForumPost(
            id=self._next_post_id,
            topic_id=topic.id,
            post_number=len(topic.posts) + 1,
            username=username,
            cooked=cooked,
            created_at=when,
            reply_to_post_number=reply_to,
            raw=raw,
        )
        topic.posts.append(post)
        self.posts[post.id] = post
        if username != OUR_USERNAME:
            kind = self._notification_kind(topic, post)
            if kind is not None:
                self._notify(kind, topic, post, username, when)
        return post

    def _notification_kind(self, topic: ForumTopic, post: ForumPost) -> int | None:
        if f'href="/u/{OUR_USERNAME}"' in post.cooked or f"@{OUR_USERNAME}" in post.raw:
            return MENTIONED
        if post.reply_to_post_number:
            parent = topic.posts[post.reply_to_post_number - 1]
            if parent.username == OUR_USERNAME:
                return REPLIED
        if f'data-username="{OUR_USERNAME}"' in post.cooked:
            return QUOTED
        if topic.archetype == "private_message":
            return PRIVATE_MESSAGE
        if any(p.username == OUR_USERNAME for p in topic.posts):
            return POSTED
        return None

    def _notify(self, kind: int, topic: ForumTopic, post: ForumPost, username: str, when: datetime) -> None:
        self._next_notification_id += 1
        self.notifications.append(
            ForumNotification(
                id=self._next_notification_id,
                notification_type=kind,
                topic_id=topic.id,
                post_number=post.post_number,
                created_at=when,
                data={
                    "topic_title": topic.title,
                    "original_post_id": post.id,
                    "original_post_type": 1,
                    "original_username": username,
                    "display_username": username,
                },
            )
        )

    def load_posts(self, posts: Iterable[Post]) -> int:
        """Hold already-known topics and posts (e.g. the demo's seeded ones) under their own ids; return how many.

        A post's thread_key is its topic id and its ext_id its post id; posts are numbered in time order within
        their topic, unknown authors become members, and nothing is notified (these are history, not news).
        """
        loaded = 0
        with self.lock:
            numbers: dict[int, int] = {}
            for post in sorted(posts, key=lambda p: p.created_at):
                if not (post.thread_key.isdigit() and post.ext_id.isdigit()):
                    continue
                topic_id, post_id = int(post.thread_key), int(post.ext_id)
                topic = self.topics.get(topic_id)
                if topic is None:
                    title = post.thread_title or post.title or f"Topic {topic_id}"
                    topic = ForumTopic(topic_id, title, slugify(title), CATEGORIES[0].id, post.created_at)
                    self.topics[topic_id] = topic
                username = post.author.handle
                if username not in self.users:
                    ident = (
                        int(post.author.ext_id) if post.author.ext_id.isdigit() else 20_000 + len(self.users)
                    )
                    self.users[username] = ForumUser(ident, username, post.author.name, 1, post.author.bio)
                parent = post.in_reply_to
                forum_post = ForumPost(
                    id=post_id,
                    topic_id=topic_id,
                    post_number=len(topic.posts) + 1,
                    username=username,
                    cooked="".join(
                        f"<p>{escape(part)}</p>" for part in post.text.split("\n\n") if part.strip()
                    ),
                    created_at=post.created_at,
                    reply_to_post_number=numbers.get(int(parent)) if parent and parent.isdigit() else None,
                    raw=post.text,
                )
                topic.posts.append(forum_post)
                self.posts[post_id] = forum_post
                numbers[post_id] = forum_post.post_number
                self._next_post_id = max(self._next_post_id, post_id)
                self._next_topic_id = max(self._next_topic_id, topic_id)
                loaded += 1
        return loaded

    def add_topic(self, title: str, category: str, username: str, cooked: str) -> ForumTopic:
        """Open a new topic now in a category (by slug)."""
        with self.lock:
            category_id = next(c.id for c in CATEGORIES if c.slug == category)
            self._next_topic_id += 1
            topic = ForumTopic(self._next_topic_id, title, slugify(title), category_id, datetime.now(UTC))
            self.topics[topic.id] = topic
            self._add(topic, username, cooked, topic.created_at, None)
            return topic

    def add_reply(self, topic_id: int, username: str, cooked: str, reply_to: int | None = None) -> ForumPost:
        """Post a reply now in a topic (answering post number `reply_to`, if given)."""
        with self.lock:
            return self._add(self.topics[topic_id], username, cooked, datetime.now(UTC), reply_to)

    def edit_post(self, post_id: int, cooked: str) -> ForumPost:
        """Edit a post now: new cooked HTML, a higher version, a new updated_at (the topic is not bumped)."""
        with self.lock:
            post = self.posts[post_id]
            post.cooked = cooked
            post.version += 1
            post.updated_at = datetime.now(UTC)
            return post

    def delete_post(self, post_id: int) -> None:
        """Delete a post as staff would: it leaves its topic's stream and answers 404 (numbers stay)."""
        with self.lock:
            post = self.posts[post_id]
            post.deleted_at = datetime.now(UTC)

    def hide_post(self, post_id: int) -> None:
        """Hide a post as flags do: it stays in the stream with `hidden` set."""
        with self.lock:
            self.posts[post_id].hidden = True

    def delete_topic(self, topic_id: int) -> None:
        """Delete a topic and its posts (its notifications stay, as on a real forum)."""
        with self.lock:
            topic = self.topics.pop(topic_id)
            for post in topic.posts:
                self.posts.pop(post.id, None)

    def simulate_activity(self, count: int = 1) -> list[ForumPost]:
        """Add `count` plausible posts: replies (some mentioning or answering maya_acme), now and then a topic."""
        made: list[ForumPost] = []
        with self.lock:
            people = [u for u in self.users if u not in (OUR_USERNAME, "system")]
            for _ in range(count):
                who = self.random.choice(people)
                if self.random.random() < 0.15:
                    title = self.random.choice(NEW_TOPIC_TITLES)
                    category = self.random.choice(["support", "feature-requests"])
                    topic = self.add_topic(
                        title, category, who, f"<p>{escape(title)} Any pointers welcome.</p>"
                    )
                    made.append(topic.posts[0])
                    continue
                topics = [t for t in self.topics.values() if t.archetype == "regular"]
                topic = self.random.choice(sorted(topics, key=lambda t: t.bumped_at)[-4:])
                cooked = self.random.choice(REPLIES)
                reply_to = None
                roll = self.random.random()
                if roll < 0.3:
                    cooked = (
                        f'<p><a class="mention" href="/u/{OUR_USERNAME}">@{OUR_USERNAME}</a> any idea?</p>'
                        + cooked
                    )
                elif roll < 0.6:
                    ours = [p for p in topic.posts if p.username == OUR_USERNAME]
                    if ours:
                        reply_to = ours[-1].post_number
                made.append(self.add_reply(topic.id, who, cooked, reply_to))
        return made

    def account_settings(self, *, auth: Literal["admin_key", "user_api_key"] = "admin_key") -> dict[str, Any]:
        """What a discourse account needs to read this forum (for the demo and the tests)."""
        options: dict[str, Any] = {"auth": auth, "categories": ["support", "feature-requests/7"]}
        if auth == "admin_key":
            options["api_username"] = OUR_USERNAME
            secret = ADMIN_KEY
        else:
            secret = json.dumps({"key": USER_API_KEY, "client_id": USER_API_CLIENT_ID})
        return {"platform": "discourse", "base_url": self.url, "secret": secret, "options": options}

    def limit_next(
        self,
        times: int = 1,
        *,
        body: Literal["json", "text"] = "json",
        wait_seconds: int = 30,
        retry_after: bool = True,
    ) -> None:
        """Answer the next `times` requests with a 429 carrying the JSON body or the IP limiter's text."""
        with self.lock:
            self._armed_limits.extend([(body, wait_seconds, retry_after)] * times)

    def reset_rate_limits(self) -> None:
        """Forget the requests counted against the per-key budgets (a fresh window starts)."""
        with self.lock:
            self._windows.clear()

    # -- serving ----------------------------------------------------------------------------------

    def rate_limit_headers(self) -> dict[str, str]:
        """Discourse sends Retry-After and its error code with a 429."""
        return {"Retry-After": "30", "Discourse-Rate-Limit-Error-Code": "admin_api_key_rate_limit"}

    @staticmethod
    def _errors(status: int, message: str, error_type: str, **extras: Any) -> Reply:
        body: dict[str, Any] = {"errors": [message], "error_type": error_type}
        if extras:
            body["extras"] = extras
        return Reply.json(body, status=status)

    def _rate_limited(
        self, body: Literal["json", "text"], wait: int, code: str, retry_after: bool = True
    ) -> Reply:
        headers = {"Retry-After": str(wait)} if retry_after else {}
        if body == "text":
            return Reply(
                status=429,
                body=f"Slow down, too many requests from this IP address. Please wait {wait} seconds.".encode(),
                content_type="text/plain; charset=utf-8",
                headers=headers,
            )
        reply = self._errors(
            429,
            f"You've performed this action too many times. Please wait {wait} seconds before trying again.",
            "rate_limit",
            wait_seconds=wait,
            time_left=f"{wait} seconds",
        )
        reply.headers = {**headers, "Discourse-Rate-Limit-Error-Code": code}
        return reply

    def _authenticate(self, headers: Mapping[str, str]) -> tuple[ForumUser, str] | Reply:
        invalid = self._errors(
            403,
            "You are not permitted to view the requested resource. The API username or key is invalid.",
            "invalid_access",
        )
        if "api-key" in headers:
            if headers["api-key"] != ADMIN_KEY or headers.get("api-username") not in self.users:
                return invalid
            return self.users[headers["api-username"]], "admin"
        if "user-api-key" in headers:
            granted = self.user_keys.get(headers["user-api-key"])
            if granted is None or headers.get("user-api-client-id", granted[1]) != granted[1]:
                return invalid
            return self.users[granted[0]], "user"
        return self._errors(403, "You are not permitted to view the requested resource.", "invalid_access")

    def _budget(self, kind: str) -> Reply | None:
        if not self.enforce_rate_limits:
            return None
        window = self._windows.setdefault(kind, deque())
        now = time.monotonic()
        while window and now - window[0] >= self.rate_window:
            window.popleft()
        if len(window) >= self.rate_limits[kind]:
            wait = max(1, int(window[0] + self.rate_window - now + 0.999))
            code = "admin_api_key_rate_limit" if kind == "admin" else "user_api_key_limiter_60_secs"
            return self._rate_limited("json", wait, code)
        window.append(now)
        return None

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Answer one API request."""
        with self.lock:
            if self._armed_limits:
                shape, wait, retry_after = self._armed_limits.pop(0)
                return self._rate_limited(shape, wait, "ip_10_secs_limit", retry_after)
            if request.method == "GET" and request.path == "/user-api-key/new":
                return self._grant_user_api_key(request)
            who = self._authenticate(headers)
            if isinstance(who, Reply):
                return who
            user, kind = who
            limited = self._budget(kind)
            if limited is not None:
                return limited
            path = request.path
            if request.method == "POST":
                form = self._body(request)
                if path == "/posts.json":
                    return self._create_post(user, form)
                if path == "/post_actions.json":
                    return self._like(user, form)
                return self._not_found()
            if request.method != "GET":
                return self._not_found()
            return self._read(path, request, user)

    def _read(self, path: str, request: RecordedRequest, user: ForumUser) -> Reply:
        if path == "/session/current.json":
            return Reply.json({"current_user": self._user_json(user)})
        if path == "/notifications.json":
            return self._notifications(request)
        if path == "/latest.json":
            return self._listing(None, request)
        if match := re.fullmatch(r"/c/([a-z0-9-]+)(?:/(\d+))?\.json", path):
            category = next((c for c in CATEGORIES if c.slug == match.group(1)), None)
            if category is None or (match.group(2) and int(match.group(2)) != category.id):
                return self._not_found()
            return self._listing(category.id, request)
        if match := re.fullmatch(r"/t/(?:[^/]+/)?(\d+)\.json", path):
            return self._topic(int(match.group(1)), user)
        if match := re.fullmatch(r"/t/(\d+)/posts\.json", path):
            return self._topic_posts(int(match.group(1)), request, user)
        if match := re.fullmatch(r"/posts/by_number/(\d+)/(\d+)\.json", path):
            topic = self.topics.get(int(match.group(1)))
            number = int(match.group(2))
            if (
                topic is None
                or not self._may_see(topic, user)
                or not 1 <= number <= len(topic.posts)
                or not topic.posts[number - 1].visible
            ):
                return self._not_found()
            return Reply.json(self._post_json(topic.posts[number - 1], user))
        if match := re.fullmatch(r"/posts/(\d+)\.json", path):
            post = self.posts.get(int(match.group(1)))
            if post is None or not post.visible or not self._may_see(self.topics[post.topic_id], user):
                return self._not_found()
            return Reply.json(self._post_json(post, user))
        if path == "/search.json":
            return self._search(request, user)
        if match := re.fullmatch(r"/u/([^/]+)\.json", path):
            found = self.users.get(match.group(1))
            return Reply.json({"user": self._user_json(found)}) if found else self._not_found()
        return self._not_found()

    @staticmethod
    def _not_found() -> Reply:
        return DiscourseSandbox._errors(404, "The requested URL or resource could not be found.", "not_found")

    @staticmethod
    def _body(request: RecordedRequest) -> dict[str, Any]:
        data = request.json()
        if isinstance(data, dict):
            return data
        form = parse_qs(request.body.decode("utf-8", "replace"))
        return {key: values[0] for key, values in form.items()}

    def _may_see(self, topic: ForumTopic, user: ForumUser) -> bool:
        if topic.archetype != "private_message":
            return True
        return (
            user.admin
            or any(p.username == user.username for p in topic.posts)
            or user.username == OUR_USERNAME
        )

    def _user_json(self, user: ForumUser) -> dict[str, Any]:
        post_count = sum(1 for p in self.posts.values() if p.username == user.username)
        return {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "avatar_template": f"/user_avatar/forum/{user.username}/{{size}}/1_2.png",
            "trust_level": user.trust_level,
            "admin": user.admin,
            "moderator": False,
            "post_count": post_count,
            "bio_excerpt": escape(user.bio),
        }

    def _post_json(self, post: ForumPost, viewer: ForumUser) -> dict[str, Any]:
        author = self.users[post.username]
        topic = self.topics[post.topic_id]
        likes = sum(1 for _, post_id in self.likes if post_id == post.id)
        replies = sum(1 for p in topic.posts if p.reply_to_post_number == post.post_number)
        return {
            "id": post.id,
            "name": author.name,
            "username": author.username,
            "avatar_template": f"/user_avatar/forum/{author.username}/{{size}}/1_2.png",
            "created_at": _iso(post.created_at),
            "cooked": post.cooked,
            "post_number": post.post_number,
            "post_type": 1,
            "updated_at": _iso(post.updated_at or post.created_at),
            "reply_count": replies,
            "reply_to_post_number": post.reply_to_post_number,
            "quote_count": post.cooked.count('class="quote'),
            "reads": 3 + post.post_number,
            "score": 1.0,
            "yours": author.username == viewer.username,
            "topic_id": topic.id,
            "topic_slug": topic.slug,
            "display_username": author.name,
            "version": post.version,
            "hidden": post.hidden,
            "cooked_hidden": post.hidden,
            "user_id": author.id,
            "trust_level": author.trust_level,
            "admin": author.admin,
            "moderator": False,
            "staff": author.admin,
            "deleted_at": None,
            "user_deleted": False,
            "actions_summary": [{"id": 2, "count": likes}] if likes else [],
        }

    def _topic_list_item(self, topic: ForumTopic) -> dict[str, Any]:
        return {
            "id": topic.id,
            "title": topic.title,
            "fancy_title": escape(topic.title),
            "slug": topic.slug,
            "posts_count": len(topic.posts),
            "reply_count": len(topic.posts) - 1,
            "highest_post_number": len(topic.posts),
            "created_at": _iso(topic.created_at),
            "last_posted_at": _iso(topic.bumped_at),
            "bumped_at": _iso(topic.bumped_at),
            "category_id": topic.category_id,
            "pinned_globally": False,
            "archetype": topic.archetype,
            "last_poster_username": topic.posts[-1].username,
        }

    def _listing(self, category_id: int | None, request: RecordedRequest) -> Reply:
        topics = [
            t
            for t in self.topics.values()
            if t.archetype == "regular" and (category_id is None or t.category_id == category_id)
        ]
        topics.sort(key=lambda t: t.bumped_at, reverse=True)
        page = int(request.param("page", "0") or 0)
        size = self.topics_per_page
        chunk = topics[page * size : (page + 1) * size]
        listing: dict[str, Any] = {
            "can_create_topic": True,
            "per_page": size,
            "topics": [self._topic_list_item(t) for t in chunk],
        }
        if len(topics) > (page + 1) * size:
            listing["more_topics_url"] = f"{request.path.removesuffix('.json')}?page={page + 1}"
        users = sorted({p.username for t in chunk for p in t.posts})
        return Reply.json({"users": [self._user_json(self.users[u]) for u in users], "topic_list": listing})

    def _topic(self, topic_id: int, viewer: ForumUser) -> Reply:
        topic = self.topics.get(topic_id)
        if topic is None or not self._may_see(topic, viewer):
            return self._not_found()
        counts: dict[str, int] = {}
        for post in topic.posts:
            counts[post.username] = counts.get(post.username, 0) + 1
        participants = [
            {**self._user_json(self.users[name]), "post_count": count} for name, count in counts.items()
        ]
        visible = [p for p in topic.posts if p.visible]
        return Reply.json(
            {
                "post_stream": {
                    "posts": [self._post_json(p, viewer) for p in visible[:POSTS_PER_PAGE]],
                    "stream": [p.id for p in visible],
                },
                "id": topic.id,
                "title": topic.title,
                "fancy_title": escape(topic.title),
                "slug": topic.slug,
                "posts_count": len(topic.posts),
                "highest_post_number": len(topic.posts),
                "created_at": _iso(topic.created_at),
                "last_posted_at": _iso(topic.bumped_at),
                "category_id": topic.category_id,
                "archetype": topic.archetype,
                "details": {"participants": participants},
            }
        )

    def _topic_posts(self, topic_id: int, request: RecordedRequest, viewer: ForumUser) -> Reply:
        topic = self.topics.get(topic_id)
        if topic is None or not self._may_see(topic, viewer):
            return self._not_found()
        wanted = set()
        for value in request.query.get("post_ids[]", []) + request.query.get("post_ids", []):
            if value.isdigit():
                wanted.add(int(value))
        posts = [self._post_json(p, viewer) for p in topic.posts if p.id in wanted and p.visible]
        return Reply.json({"post_stream": {"posts": posts}, "id": topic.id})

    def _notifications(self, request: RecordedRequest) -> Reply:
        offset = int(request.param("offset", "0") or 0)
        items = sorted(self.notifications, key=lambda n: n.id, reverse=True)
        size = self.notifications_per_page
        chunk = items[offset : offset + size]
        body: dict[str, Any] = {
            "notifications": [
                {
                    "id": n.id,
                    "user_id": self.users[OUR_USERNAME].id,
                    "notification_type": n.notification_type,
                    "read": n.read,
                    "high_priority": n.notification_type == PRIVATE_MESSAGE,
                    "created_at": _iso(n.created_at),
                    "post_number": n.post_number,
                    "topic_id": n.topic_id,
                    "slug": slugify(str(n.data.get("topic_title", ""))),
                    "fancy_title": escape(str(n.data.get("topic_title", ""))),
                    "data": n.data,
                }
                for n in chunk
            ],
            "total_rows_notifications": len(items),
            "seen_notification_id": items[0].id if items else 0,
        }
        if offset + size < len(items):
            body["load_more_notifications"] = f"/notifications?offset={offset + size}&username={OUR_USERNAME}"
        return Reply.json(body)

    def _search(self, request: RecordedRequest, viewer: ForumUser) -> Reply:
        query = (request.param("q", "") or "").replace("order:latest", "").strip().lower()
        if len(query) < 3:
            return self._errors(400, "Your search term is too short.", "invalid_parameters")
        hits = [
            p
            for p in self.posts.values()
            if p.visible
            and self._may_see(self.topics[p.topic_id], viewer)
            and (
                query in p.cooked.lower()
                or (p.post_number == 1 and query in self.topics[p.topic_id].title.lower())
            )
        ]
        hits.sort(key=lambda p: p.created_at, reverse=True)
        hits = hits[:50]
        topics = {p.topic_id: self.topics[p.topic_id] for p in hits}
        return Reply.json(
            {
                "posts": [
                    {
                        "id": p.id,
                        "username": p.username,
                        "name": self.users[p.username].name,
                        "created_at": _iso(p.created_at),
                        "blurb": re.sub(r"<[^>]+>", " ", p.cooked)[:200],
                        "post_number": p.post_number,
                        "topic_id": p.topic_id,
                    }
                    for p in hits
                ],
                "topics": [self._topic_list_item(t) for t in topics.values()],
                "users": [],
                "grouped_search_result": {"term": query, "post_ids": [p.id for p in hits]},
            }
        )

    def _create_post(self, user: ForumUser, body: Mapping[str, Any]) -> Reply:
        raw = str(body.get("raw") or "")
        try:
            topic_id = int(body.get("topic_id") or 0)
            reply_to = int(body["reply_to_post_number"]) if body.get("reply_to_post_number") else None
        except (TypeError, ValueError):
            return self._errors(
                422, "topic_id and reply_to_post_number must be numbers", "invalid_parameters"
            )
        topic = self.topics.get(topic_id)
        if topic is None or not self._may_see(topic, user):
            return self._not_found()
        if not raw.strip():
            return self._errors(422, "Body can't be blank", "invalid_parameters")
        if reply_to is not None and not 1 <= reply_to <= len(topic.posts):
            return self._errors(
                422, "reply_to_post_number does not exist in this topic", "invalid_parameters"
            )
        if any(p.username == user.username and p.raw == raw for p in topic.posts[-5:]):
            return self._errors(422, "Body is too similar to what you recently posted", "invalid_parameters")
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in raw.split("\n\n") if part.strip())
        post = self._add(topic, user.username, paragraphs, datetime.now(UTC), reply_to, raw=raw)
        self.posted.append(
            {"topic_id": topic.id, "raw": raw, "reply_to_post_number": reply_to, "id": post.id}
        )
        return Reply.json(self._post_json(post, user))

    def _like(self, user: ForumUser, body: Mapping[str, Any]) -> Reply:
        try:
            post_id = int(body.get("id") or 0)
            action = int(body.get("post_action_type_id") or 0)
        except (TypeError, ValueError):
            return self._errors(422, "id must be a number", "invalid_parameters")
        post = self.posts.get(post_id)
        if post is None:
            return self._not_found()
        if action != 2:
            return self._errors(
                422, "only likes (post_action_type_id 2) are supported here", "invalid_parameters"
            )
        if (user.username, post_id) in self.likes:
            return self._errors(403, "You have already performed this action.", "invalid_access")
        self.likes.add((user.username, post_id))
        if post.username == OUR_USERNAME and user.username != OUR_USERNAME:
            self._notify(LIKED, self.topics[post.topic_id], post, user.username, datetime.now(UTC))
        return Reply.json(self._post_json(post, user))

    def _grant_user_api_key(self, request: RecordedRequest) -> Reply:
        """Approve a user-API-key request as maya_acme at once (a real forum asks the signed-in user first)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        client_id, nonce = request.param("client_id") or "", request.param("nonce") or ""
        if not client_id or not nonce or not request.param("application_name"):
            return self._errors(
                400, "application_name, client_id and nonce are required", "invalid_parameters"
            )
        try:
            public_key = serialization.load_pem_public_key((request.param("public_key") or "").encode())
        except ValueError:
            return self._errors(400, "public_key is not a PEM public key", "invalid_parameters")
        if not isinstance(public_key, rsa.RSAPublicKey):
            return self._errors(400, "public_key must be an RSA key", "invalid_parameters")
        key = f"sandbox-user-key-{self.random.getrandbits(64):016x}"
        self.user_keys[key] = (OUR_USERNAME, client_id)
        message = json.dumps({"key": key, "nonce": nonce, "push": False, "api": 4}).encode()
        payload = base64.b64encode(public_key.encrypt(message, padding.PKCS1v15())).decode()
        redirect = request.param("auth_redirect")
        if redirect:
            return Reply(status=302, headers={"Location": f"{redirect}?{urlencode({'payload': payload})}"})
        page = f"<html><body><p>Copy this payload into the application:</p><pre>{payload}</pre></body></html>"
        return Reply(status=200, body=page.encode(), content_type="text/html; charset=utf-8")
