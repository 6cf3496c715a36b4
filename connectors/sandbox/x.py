"""A loopback fake of the X API v2: users, mentions, recent search, threads, posting, likes and OAuth 2.0.

It speaks the JSON shapes of the real API (`GET /2/users/me`, `GET /2/users/:id/mentions` paged with
`pagination_token`, `GET /2/tweets/search/recent` paged with `next_token`, `GET /2/tweets/:id`,
`POST /2/tweets`, `POST /2/users/:id/likes`), sends only the fields asked for (`tweet.fields`,
`expansions=author_id`, `user.fields`), leaves `data` and `includes` out when empty, adds partial `errors`
for replies to deleted tweets, hides protected accounts, and sends `x-rate-limit-*` headers (and the 24-hour
posting headers on `POST /2/tweets`). OAuth: `GET /i/oauth2/authorize` approves at once (a 302 to the
redirect URI with `code` and `state`), `POST /2/oauth2/token` exchanges codes (PKCE S256 checked) and
refreshes tokens with rotation (a used refresh token is revoked: `invalid_grant`). `SANDBOX_TOKEN` is a
non-expiring access token for scripts and the demo. `limit_next(shape)` arms a 429 with either body shape;
`enforce_rate_limits` applies the per-endpoint limits over `rate_window` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

from connectors.models import Post
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer
from connectors.sandbox.x_content import (
    NEW_MENTIONS,
    NEW_REPLIES,
    NEW_SEARCH_HITS,
    OUR_HANDLE,
    OUR_ID,
    THREADS,
    USERS,
)
from connectors.x.text import MAX_TWEET_LENGTH, x_length

SANDBOX_TOKEN = "x-sandbox-access-token-3f9b27c1"
"""A sandbox-only access token that never expires (acts as @acmerelay)."""
CLIENT_ID = "cockpit-sandbox-x-client"
"""The OAuth client id the sandbox knows."""
SCOPES = "tweet.read tweet.write users.read like.read like.write offline.access"

RateShape = Literal["errors", "problem"]
_ID = re.compile(r"^[0-9]{1,25}$")
_TERM = re.compile(r'"[^"]*"|\S+')
_FIRST_ID = 1_860_000_000_000_000_000


@dataclass
class XUser:
    """One user."""

    id: str
    handle: str
    name: str
    bio: str
    followers: int
    protected: bool = False


@dataclass
class Tweet:
    """One tweet."""

    id: int
    author_id: str
    text: str
    created_at: datetime
    conversation_id: int
    reply_to: int | None = None
    reply_to_user: str | None = None
    likes: int = 0
    deleted: bool = False


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _problem(status: int, title: str, detail: str, kind: str = "about:blank", **extra: Any) -> Reply:
    return Reply.json(
        {"title": title, "detail": detail, "type": kind, "status": status, **extra}, status=status
    )


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:12]


class XSandbox(SandboxServer):
    """Serves the seeded Acme Relay conversations on X over loopback HTTP; records tweets and likes.

    `known_users` pins a handle's user id and display name (the demo uses it so people match its seeded data).
    """

    name = "x"

    def __init__(
        self,
        *,
        now: datetime | None = None,
        seed: int = 7,
        known_users: Mapping[str, tuple[str, str]] | None = None,
        token_lifetime: float = 7200.0,
    ) -> None:
        super().__init__()
        self.now = now or datetime.now(UTC)
        self.random = random.Random(seed)
        self.token_lifetime = token_lifetime
        self.users: dict[str, XUser] = {}
        self.tweets: dict[int, Tweet] = {}
        self.likes: set[tuple[str, int]] = set()
        self.access_tokens: dict[str, float] = {SANDBOX_TOKEN: float("inf")}
        """Valid access tokens -> expiry (epoch seconds)."""
        self.refresh_tokens: set[str] = set()
        """Refresh tokens not yet used (each works once: rotation)."""
        self.codes: dict[str, dict[str, str]] = {}
        self.auth_log: list[str] = []
        """A fingerprint (sha256 prefix) of the bearer token of each API request, in order."""
        self.enforce_rate_limits = False
        self.rate_window = 900.0
        self.rate_limits: dict[str, int] = {
            "GET /2/users/me": 75,
            "GET /2/users/:id/mentions": 180,
            "GET /2/tweets/search/recent": 180,
            "GET /2/tweets/:id": 900,
            "POST /2/tweets": 100,
            "POST /2/users/:id/likes": 50,
        }
        self.daily_post_limit = 100
        self.refuse_duplicates = True
        """Refuse a tweet of ours whose text we already posted (403), as X does; off to count double posts."""
        self._windows: dict[str, tuple[float, int]] = {}
        self._armed: list[tuple[RateShape, str | None]] = []
        self._next_id = _FIRST_ID
        pinned = dict(known_users or {})
        for number, seed_user in enumerate(USERS):
            user_id, name = pinned.get(seed_user.handle, (str(2_000_000 + number * 7919), seed_user.name))
            if seed_user.handle == OUR_HANDLE:
                user_id = pinned.get(OUR_HANDLE, (OUR_ID, seed_user.name))[0]
            self.users[seed_user.handle] = XUser(
                user_id, seed_user.handle, name, seed_user.bio, seed_user.followers, seed_user.protected
            )
        self._seed()

    # -- content ----------------------------------------------------------------------------------

    @property
    def me(self) -> XUser:
        """The account the tokens act as (@acmerelay)."""
        return self.users[OUR_HANDLE]

    def _seed(self) -> None:
        pending = []
        for index, thread in enumerate(THREADS):
            for number, seed_tweet in enumerate(thread):
                pending.append((seed_tweet.hours_ago, index, number))
        made: dict[tuple[int, int], Tweet] = {}
        for hours_ago, index, number in sorted(pending, key=lambda item: (-item[0], item[1], item[2])):
            seed_tweet = THREADS[index][number]
            parent = made[(index, seed_tweet.reply_to)] if seed_tweet.reply_to is not None else None
            made[(index, number)] = self.add_tweet(
                seed_tweet.author,
                seed_tweet.text,
                reply_to=parent.id if parent else None,
                when=self.now - timedelta(hours=hours_ago),
            )

    def user_by_id(self, user_id: str) -> XUser | None:
        """Return a user by id."""
        return next((u for u in self.users.values() if u.id == user_id), None)

    def add_tweet(
        self, handle: str, text: str, *, reply_to: int | None = None, when: datetime | None = None
    ) -> Tweet:
        """Post a tweet as `handle` (answering tweet `reply_to`, if given); ids grow with time."""
        with self.lock:
            author = self.users[handle]
            self._next_id += self.random.randint(1_000, 90_000) * 4096
            parent = self.tweets.get(reply_to) if reply_to is not None else None
            tweet = Tweet(
                id=self._next_id,
                author_id=author.id,
                text=text,
                created_at=when or datetime.now(UTC),
                conversation_id=parent.conversation_id if parent else self._next_id,
                reply_to=parent.id if parent else None,
                reply_to_user=parent.author_id if parent else None,
            )
            self.tweets[tweet.id] = tweet
            return tweet

    def load_posts(self, posts: Iterable[Post]) -> int:
        """Hold already-known tweets (normalised posts, e.g. the demo's seeded ones) under their own ids; return how many.

        Their authors become users (by id) when unknown; later tweets still get higher ids than any loaded one.
        """
        loaded = 0
        with self.lock:
            by_id = {user.id: user for user in self.users.values()}
            for post in sorted(posts, key=lambda p: p.created_at):
                if not (_ID.match(post.ext_id) and _ID.match(post.thread_key)):
                    continue
                author = by_id.get(post.author.ext_id)
                if author is None:
                    key = post.author.handle if post.author.handle not in self.users else post.author.ext_id
                    author = XUser(
                        post.author.ext_id, post.author.handle, post.author.name, post.author.bio, 100
                    )
                    self.users[key] = author
                    by_id[author.id] = author
                parent_id = (
                    int(post.in_reply_to) if post.in_reply_to and _ID.match(post.in_reply_to) else None
                )
                parent = self.tweets.get(parent_id) if parent_id is not None else None
                tweet = Tweet(
                    id=int(post.ext_id),
                    author_id=author.id,
                    text=post.text,
                    created_at=post.created_at,
                    conversation_id=int(post.thread_key),
                    reply_to=parent_id,
                    reply_to_user=parent.author_id if parent else None,
                )
                self.tweets[tweet.id] = tweet
                self._next_id = max(self._next_id, tweet.id)
                loaded += 1
        return loaded

    def delete_tweet(self, tweet_id: int) -> None:
        """Delete a tweet: it disappears from every listing; replies to it report it as not found."""
        with self.lock:
            self.tweets[tweet_id].deleted = True

    def conversation(self, tweet: Tweet) -> list[Tweet]:
        """Every visible tweet of a tweet's conversation, oldest first."""
        return sorted(
            (
                t
                for t in self.tweets.values()
                if t.conversation_id == tweet.conversation_id and self._visible(t)
            ),
            key=lambda t: t.id,
        )

    def simulate_activity(self, count: int = 1) -> list[Tweet]:
        """Add `count` plausible tweets: new mentions, replies in recent conversations, search hits."""
        made: list[Tweet] = []
        with self.lock:
            people = [u.handle for u in self.users.values() if u.handle != OUR_HANDLE and not u.protected]
            for _ in range(count):
                who = self.random.choice(people)
                roll = self.random.random()
                if roll < 0.45:
                    made.append(self.add_tweet(who, self.random.choice(NEW_MENTIONS)))
                elif roll < 0.75:
                    roots = sorted(
                        (t for t in self.tweets.values() if t.reply_to is None and self._visible(t)),
                        key=lambda t: t.id,
                    )[-4:]
                    root = self.random.choice(roots)
                    target = self.conversation(root)[-1]
                    parent_handle = self._handle(target.author_id)
                    names = " ".join(dict.fromkeys(f"@{h}" for h in (parent_handle, OUR_HANDLE) if h != who))
                    made.append(
                        self.add_tweet(who, f"{names} {self.random.choice(NEW_REPLIES)}", reply_to=target.id)
                    )
                else:
                    made.append(self.add_tweet(who, self.random.choice(NEW_SEARCH_HITS)))
        return made

    def account_settings(self) -> dict[str, Any]:
        """How an account reaches this sandbox: platform, base_url, secret, options."""
        return {
            "platform": "x",
            "base_url": self.url,
            "secret": SANDBOX_TOKEN,
            "options": {"searches": ['"Acme Relay" -is:retweet', "#acmerelay"], "client_id": CLIENT_ID},
        }

    # -- tokens -----------------------------------------------------------------------------------

    def issue_tokens(self, scope: str = SCOPES) -> dict[str, Any]:
        """Grant a fresh access token (and a refresh token with offline.access); the token endpoint's answer."""
        with self.lock:
            access = "xat-" + secrets.token_urlsafe(24)
            self.access_tokens[access] = time.time() + self.token_lifetime
            answer: dict[str, Any] = {
                "token_type": "bearer",
                "expires_in": int(self.token_lifetime),
                "access_token": access,
                "scope": scope,
            }
            if "offline.access" in scope.split():
                refresh = "xrt-" + secrets.token_urlsafe(24)
                self.refresh_tokens.add(refresh)
                answer["refresh_token"] = refresh
            return answer

    def expire_access_tokens(self) -> None:
        """Make every issued access token expire now (the scripts' token stays valid)."""
        with self.lock:
            for token in self.access_tokens:
                if token != SANDBOX_TOKEN:
                    self.access_tokens[token] = 0.0

    def fingerprint(self, token: str) -> str:
        """The fingerprint `auth_log` records for a token."""
        return _fingerprint(token)

    # -- rate limits ------------------------------------------------------------------------------

    def limit_next(self, shape: RateShape = "errors", *, path: str | None = None) -> None:
        """Answer the next API request (optionally only under `path`) with a 429 of this body shape."""
        with self.lock:
            self._armed.append((shape, path))

    def rate_limit_headers(self) -> dict[str, str]:
        """X's 429 headers: the window is spent until a minute from now."""
        return {
            "x-rate-limit-limit": "180",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time()) + 60),
        }

    def _count(self, key: str) -> tuple[dict[str, str], bool]:
        """Count one request against its endpoint's window; the headers to send and whether it is over."""
        limit = self.rate_limits.get(key, 300)
        now = time.time()
        start, used = self._windows.get(key, (now, 0))
        if now - start >= self.rate_window:
            start, used = now, 0
        over = self.enforce_rate_limits and used >= limit
        if not over:
            used += 1
        self._windows[key] = (start, used)
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - used)),
            "x-rate-limit-reset": str(int(start + self.rate_window)),
        }
        return headers, over

    @staticmethod
    def _too_many(shape: RateShape, headers: Mapping[str, str]) -> Reply:
        if shape == "errors":
            body: dict[str, Any] = {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
        else:
            body = {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            }
        return Reply.json(body, status=429, headers=headers)

    # -- serving ----------------------------------------------------------------------------------

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Answer one request."""
        path, method = request.path.rstrip("/") or "/", request.method
        with self.lock:
            if path == "/i/oauth2/authorize" and method == "GET":
                return self._authorize(request)
            if path == "/2/oauth2/token" and method == "POST":
                return self._token(request)
            auth = headers.get("authorization", "")
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            if token:
                self.auth_log.append(_fingerprint(token))
            if token not in self.access_tokens or self.access_tokens[token] <= time.time():
                return _problem(401, "Unauthorized", "Unauthorized")
            key = (
                method
                + " "
                + "/".join(":id" if i > 1 and _ID.match(p) else p for i, p in enumerate(path.split("/")))
            )
            rate_headers, over = self._count(key)
            armed = next((a for a in self._armed if a[1] is None or path.startswith(a[1])), None)
            if armed is not None:
                self._armed.remove(armed)
                return self._too_many(armed[0], {**rate_headers, "x-rate-limit-remaining": "0"})
            if over:
                return self._too_many("errors", rate_headers)
            reply = self._api(method, path, request)
            reply.headers.update(rate_headers)
            return reply

    def _api(self, method: str, path: str, request: RecordedRequest) -> Reply:
        parts = path.split("/")
        if method == "GET" and path == "/2/users/me":
            return Reply.json({"data": self._user_json(self.me, {"username", "name"})})
        if method == "GET" and len(parts) == 5 and parts[2] == "users" and parts[4] == "mentions":
            return self._mentions(parts[3], request)
        if method == "GET" and path == "/2/tweets/search/recent":
            return self._search(request)
        if method == "GET" and len(parts) == 4 and parts[2] == "tweets" and _ID.match(parts[3]):
            return self._lookup(int(parts[3]), request)
        if method == "POST" and path == "/2/tweets":
            return self._create(request)
        if method == "POST" and len(parts) == 5 and parts[2] == "users" and parts[4] == "likes":
            return self._like(parts[3], request)
        return _problem(404, "Not Found Error", f"no route for {method} {path}")

    # -- OAuth ------------------------------------------------------------------------------------

    def _authorize(self, request: RecordedRequest) -> Reply:
        redirect = request.param("redirect_uri") or ""
        state = request.param("state") or ""
        if request.param("client_id") != CLIENT_ID or not redirect.startswith("http"):
            return _problem(400, "Invalid Request", "unknown client or redirect URI")
        if request.param("code_challenge_method") != "S256" or not request.param("code_challenge"):
            query = urlencode({"error": "invalid_request", "state": state})
            return Reply(status=302, headers={"Location": f"{redirect}?{query}"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect,
            "challenge": request.param("code_challenge") or "",
            "scope": request.param("scope") or "",
        }
        return Reply(
            status=302, headers={"Location": f"{redirect}?{urlencode({'state': state, 'code': code})}"}
        )

    def _token(self, request: RecordedRequest) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        refused = Reply.json(
            {"error": "invalid_grant", "error_description": "Value passed for the token was invalid."},
            status=400,
        )
        if form.get("client_id") != CLIENT_ID:
            return Reply.json(
                {"error": "invalid_client", "error_description": "Missing valid authorization header"},
                status=401,
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            granted = self.codes.pop(form.get("code", ""), None)
            if granted is None or granted["redirect_uri"] != form.get("redirect_uri"):
                return refused
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != granted["challenge"]:
                return refused
            return Reply.json(self.issue_tokens(granted["scope"] or SCOPES))
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            if token not in self.refresh_tokens:
                return refused
            self.refresh_tokens.discard(token)  # rotation: a refresh token works once
            return Reply.json(self.issue_tokens())
        return Reply.json({"error": "unsupported_grant_type"}, status=400)

    # -- reading ----------------------------------------------------------------------------------

    def _handle(self, user_id: str) -> str:
        user = self.user_by_id(user_id)
        return user.handle if user else ""

    def _visible(self, tweet: Tweet) -> bool:
        user = self.user_by_id(tweet.author_id)
        return not tweet.deleted and user is not None and not user.protected

    @staticmethod
    def _fields(request: RecordedRequest, name: str) -> set[str]:
        return {f for f in (request.param(name) or "").split(",") if f}

    def _user_json(self, user: XUser, fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.handle}
        if "description" in fields:
            out["description"] = user.bio
        if "public_metrics" in fields:
            out["public_metrics"] = {
                "followers_count": user.followers,
                "following_count": 200,
                "tweet_count": 1500,
                "listed_count": 12,
            }
        if "protected" in fields:
            out["protected"] = user.protected
        return out

    def _tweet_json(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(tweet.id),
            "text": tweet.text,
            "edit_history_tweet_ids": [str(tweet.id)],
        }
        if "author_id" in fields:
            out["author_id"] = tweet.author_id
        if "conversation_id" in fields:
            out["conversation_id"] = str(tweet.conversation_id)
        if "created_at" in fields:
            out["created_at"] = _iso(tweet.created_at)
        if "in_reply_to_user_id" in fields and tweet.reply_to_user:
            out["in_reply_to_user_id"] = tweet.reply_to_user
        if "referenced_tweets" in fields and tweet.reply_to is not None:
            out["referenced_tweets"] = [{"type": "replied_to", "id": str(tweet.reply_to)}]
        if "public_metrics" in fields:
            replies = sum(1 for t in self.tweets.values() if t.reply_to == tweet.id and self._visible(t))
            out["public_metrics"] = {
                "retweet_count": 0,
                "reply_count": replies,
                "like_count": tweet.likes,
                "quote_count": 0,
                "impression_count": 40 + 17 * tweet.likes,
            }
        return out

    def _answer(
        self, tweets: list[Tweet], request: RecordedRequest, meta: dict[str, Any] | None = None
    ) -> Reply:
        tweet_fields = self._fields(request, "tweet.fields")
        body: dict[str, Any] = {}
        if tweets:
            body["data"] = [self._tweet_json(t, tweet_fields) for t in tweets]
            if "author_id" in self._fields(request, "expansions"):
                users = [self.user_by_id(t.author_id) for t in tweets]
                unique = {u.id: u for u in users if u is not None}
                body["includes"] = {
                    "users": [
                        self._user_json(u, self._fields(request, "user.fields")) for u in unique.values()
                    ]
                }
        errors = []
        for tweet in tweets:
            parent = self.tweets.get(tweet.reply_to) if tweet.reply_to is not None else None
            if parent is not None and parent.deleted and "referenced_tweets" in tweet_fields:
                errors.append(
                    {
                        "value": str(parent.id),
                        "detail": f"Could not find tweet with referenced_tweets.id: [{parent.id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "referenced_tweets.id",
                        "resource_id": str(parent.id),
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                )
        if errors:
            body["errors"] = errors
        if meta is not None:
            body["meta"] = meta
        return Reply.json(body)

    def _page(
        self, candidates: list[Tweet], request: RecordedRequest, token_param: str, low: int, high: int
    ) -> Reply:
        wrong = "next_token" if token_param == "pagination_token" else "pagination_token"
        if request.param(wrong) is not None:
            return _problem(
                400,
                "Invalid Request",
                "One or more parameters to your request was invalid.",
                "https://api.twitter.com/2/problems/invalid-request",
                errors=[
                    {
                        "parameters": {wrong: [request.param(wrong)]},
                        "message": f"The query parameter [{wrong}] is not one of the allowed parameters",
                    }
                ],
            )
        raw_max = request.param("max_results") or str(min(high, 10))
        if not raw_max.isdigit() or not low <= int(raw_max) <= high:
            return _problem(
                400,
                "Invalid Request",
                f"The `max_results` query parameter value [{raw_max[:10]}] is not between {low} and {high}",
                "https://api.twitter.com/2/problems/invalid-request",
            )
        since = request.param("since_id") or ""
        until = request.param("until_id") or ""
        ordered = sorted(candidates, key=lambda t: -t.id)
        if since.isdigit():
            ordered = [t for t in ordered if t.id > int(since)]
        if until.isdigit():
            ordered = [t for t in ordered if t.id < int(until)]
        token = request.param(token_param)
        if token is not None:
            try:
                below = int(base64.urlsafe_b64decode(token.encode() + b"==").decode().removeprefix("p:"))
            except (ValueError, UnicodeDecodeError):
                return _problem(400, "Invalid Request", f"The `{token_param}` is not valid")
            ordered = [t for t in ordered if t.id < below]
        chunk = ordered[: int(raw_max)]
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if chunk:
            meta["newest_id"], meta["oldest_id"] = str(chunk[0].id), str(chunk[-1].id)
            if len(ordered) > len(chunk):
                meta["next_token"] = (
                    base64.urlsafe_b64encode(f"p:{chunk[-1].id}".encode()).decode().rstrip("=")
                )
        return self._answer(chunk, request, meta)

    def _mentions(self, user_id: str, request: RecordedRequest) -> Reply:
        user = self.user_by_id(user_id)
        if user is None:
            return _problem(404, "Not Found Error", f"Could not find user with id: [{user_id}].")
        needle = f"@{user.handle.lower()}"
        found = [
            t
            for t in self.tweets.values()
            if self._visible(t) and t.author_id != user.id and needle in t.text.lower()
        ]
        return self._page(found, request, "pagination_token", 5, 100)

    def _matches(self, tweet: Tweet, query: str) -> bool:
        text = tweet.text.lower()
        for term in _TERM.findall(query):
            lowered = term.lower()
            if lowered.startswith("-") or lowered.startswith("lang:") or lowered.startswith("is:"):
                continue
            if lowered.startswith("conversation_id:"):
                if str(tweet.conversation_id) != lowered.partition(":")[2]:
                    return False
            elif lowered.startswith("from:"):
                if self._handle(tweet.author_id).lower() != lowered.partition(":")[2]:
                    return False
            elif lowered.strip('"') not in text:
                return False
        return True

    def _search(self, request: RecordedRequest) -> Reply:
        query = request.param("query") or ""
        if not query.strip() or len(query) > 512:
            return _problem(400, "Invalid Request", "The `query` parameter is missing or too long")
        horizon = min(self.now, datetime.now(UTC)) - timedelta(days=7)  # recent search: seven days
        found = [
            t
            for t in self.tweets.values()
            if self._visible(t) and self._matches(t, query) and t.created_at >= horizon
        ]
        return self._page(found, request, "next_token", 10, 100)

    def _lookup(self, tweet_id: int, request: RecordedRequest) -> Reply:
        tweet = self.tweets.get(tweet_id)
        if tweet is None or tweet.deleted:
            return Reply.json(
                {
                    "errors": [
                        {
                            "value": str(tweet_id),
                            "detail": f"Could not find tweet with id: [{tweet_id}].",
                            "title": "Not Found Error",
                            "resource_type": "tweet",
                            "parameter": "id",
                            "resource_id": str(tweet_id),
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                }
            )
        if not self._visible(tweet):
            return Reply.json(
                {
                    "errors": [
                        {
                            "detail": f"Sorry, you are not authorized to see the Tweet with id: [{tweet_id}].",
                            "title": "Authorization Error",
                            "resource_type": "tweet",
                            "parameter": "id",
                            "resource_id": str(tweet_id),
                            "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                        }
                    ]
                }
            )
        reply = self._answer([tweet], request)
        return reply

    # -- writing ----------------------------------------------------------------------------------

    def _posting_headers(self) -> dict[str, str]:
        day_ago = datetime.now(UTC) - timedelta(days=1)
        ours = sum(1 for t in self.tweets.values() if t.author_id == self.me.id and t.created_at >= day_ago)
        reset = str(int(time.time()) + 86_400)
        left = str(max(0, self.daily_post_limit - ours))
        return {
            "x-user-limit-24hour-limit": str(self.daily_post_limit),
            "x-user-limit-24hour-remaining": left,
            "x-user-limit-24hour-reset": reset,
            "x-app-limit-24hour-limit": "10000",
            "x-app-limit-24hour-remaining": str(10_000 - ours),
            "x-app-limit-24hour-reset": reset,
        }

    def _create(self, request: RecordedRequest) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
            return _problem(400, "Invalid Request", "One or more parameters to your request was invalid.")
        text = body["text"]
        if x_length(text) > MAX_TWEET_LENGTH:
            return _problem(400, "Invalid Request", "Your Tweet text is too long.")
        reply = body.get("reply") if isinstance(body.get("reply"), dict) else None
        target = None
        if reply is not None:
            target_id = str(reply.get("in_reply_to_tweet_id") or "")
            target = self.tweets.get(int(target_id)) if _ID.match(target_id) else None
            if target is None or not self._visible(target):
                return _problem(
                    400, "Invalid Request", "Reply to a Tweet that is deleted or not visible to you."
                )
        if self.refuse_duplicates and any(
            t.author_id == self.me.id and t.text == text and not t.deleted for t in self.tweets.values()
        ):
            return _problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        tweet = self.add_tweet(OUR_HANDLE, text, reply_to=target.id if target else None)
        self.posted.append(
            {"kind": "tweet", "id": str(tweet.id), "text": text, "in_reply_to": target.id if target else None}
        )
        answer = {"data": {"id": str(tweet.id), "text": text, "edit_history_tweet_ids": [str(tweet.id)]}}
        return Reply.json(answer, status=201, headers=self._posting_headers())

    def _like(self, user_id: str, request: RecordedRequest) -> Reply:
        if user_id != self.me.id:
            return _problem(403, "Forbidden", "You are not permitted to perform this action.")
        body = request.json()
        tweet_id = str(body.get("tweet_id") or "") if isinstance(body, dict) else ""
        tweet = self.tweets.get(int(tweet_id)) if _ID.match(tweet_id) else None
        if tweet is None or not self._visible(tweet):
            return _problem(400, "Invalid Request", "The tweet to like does not exist or is not visible.")
        if (user_id, tweet.id) not in self.likes:
            self.likes.add((user_id, tweet.id))
            tweet.likes += 1
            self.posted.append({"kind": "like", "tweet_id": tweet_id})
        return Reply.json({"data": {"liked": True}})
