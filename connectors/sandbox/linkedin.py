"""A loopback fake of LinkedIn's versioned REST API (Community Management) and its OAuth 2.0 endpoints.

Built from the shapes LinkedIn documents: no recorded LinkedIn responses exist publicly, so every answer here is
hand-made after the documentation (the people and organisation lookups least certainly). It serves:

- `GET /rest/organizationalEntityNotifications?q=criteria&organizationalEntity=&actions=List(..)&timeRange=
  (start:..,end:..)` (page admins only, scope `rw_organization_admin`);
- `GET /rest/posts?q=author&author=` and `GET /rest/posts/{urn}` (scope `r_organization_social`);
- `GET /rest/socialActions/{urn}/comments` (comments on a post, replies to a comment), `GET .../comments/{id}`;
- `POST /rest/socialActions/{urn}/comments` (201, the new comment's URN in `x-restli-id`; 422 `DUPLICATE_POST`
  for the same text from the same actor under the same parent; scope `w_organization_social` as the page,
  `w_member_social` as the member the token belongs to);
- `GET /rest/people/(id:..)`, `GET /rest/organizations/{id}`;
- `GET /oauth/v2/authorization` (approves at once: a 302 to the redirect URI with `code` and `state`) and
  `POST /oauth/v2/accessToken` (`authorization_code`, `refresh_token`; the client id and secret in the form, as
  LinkedIn documents; a refresh keeps the refresh token, as LinkedIn's programmatic refresh tokens do, unless
  `rotate_refresh_tokens`: then a used one is refused with `invalid_grant`).

Every `/rest` request must carry `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0` (else 400)
and must percent-encode URNs in its path and query (else 400 `ILLEGAL_ARGUMENT`). A 429 (`misbehave
("rate_limit")`) carries no rate-limit headers, as LinkedIn's do not. `SANDBOX_TOKEN` never expires and has
every scope.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from connectors.linkedin.urn import comment_parts, encode, parse_restli
from connectors.models import Post
from connectors.sandbox.linkedin_content import (
    EXECUTIVE,
    MEMBERS,
    NEW_COMMENTS,
    ORG_ID,
    ORG_NAME,
    ORG_URN,
    ORG_VANITY,
    POSTS,
)
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer

SANDBOX_TOKEN = "li-sandbox-access-token-7c1e55d0"
"""A sandbox-only access token that never expires, with every scope, acting as the page admin member."""
CLIENT_ID = "cockpit-sandbox-linkedin-client"
CLIENT_SECRET = "cockpit-sandbox-linkedin-secret"
ALL_SCOPES = frozenset(
    {"r_organization_social", "w_organization_social", "w_member_social", "rw_organization_admin"}
)
_SEGMENT_OK = re.compile(r"^[A-Za-z0-9._~%-]*$")
_PEOPLE_KEY = re.compile(r"^\(id:([A-Za-z0-9_%-]+)\)$")


@dataclass
class Member:
    """One member."""

    id: str
    first: str
    last: str
    headline: str
    vanity: str

    @property
    def urn(self) -> str:
        """The member's person URN."""
        return f"urn:li:person:{self.id}"


@dataclass
class SharePost:
    """One post (`urn:li:share:N`, activity `urn:li:activity:N`)."""

    number: int
    author: str
    text: str
    created: int
    root_urn: str = ""
    """The URN the post is known by when not its share URN (a loaded post known by its activity URN)."""

    @property
    def urn(self) -> str:
        """The post's share URN (or the URN it was loaded under)."""
        return self.root_urn or f"urn:li:share:{self.number}"

    @property
    def activity(self) -> str:
        """The post's activity URN (what comment URNs embed)."""
        return f"urn:li:activity:{self.number}"


@dataclass
class Comment:
    """One comment or reply."""

    post: SharePost
    id: int
    actor: str
    text: str
    created: int
    parent: str | None = None

    @property
    def urn(self) -> str:
        """`urn:li:comment:(urn:li:activity:N,ID)`."""
        return f"urn:li:comment:({self.post.activity},{self.id})"


@dataclass
class Grant:
    """An access token's scopes, expiry and member."""

    scopes: frozenset[str]
    expires: float
    member: str
    refresh: str | None = field(default=None, repr=False)


def _error(status: int, code: str, message: str, service: int = 100) -> Reply:
    return Reply.json(
        {"status": status, "serviceErrorCode": service, "code": code, "message": message}, status=status
    )


def _post_number(urn: str) -> int | None:
    """N of `urn:li:share:N` or `urn:li:activity:N` (None for anything else)."""
    match = re.fullmatch(r"urn:li:(?:share|activity):([0-9]{1,25})", urn)
    return int(match.group(1)) if match else None


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class LinkedInSandbox(SandboxServer):
    """Serves the Acme Relay page's posts, comments and notifications over loopback HTTP; records comments."""

    name = "linkedin"

    def __init__(
        self,
        *,
        now: datetime | None = None,
        token_lifetime: float = 5_184_000.0,
        rotate_refresh_tokens: bool = False,
        admins: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.now = now or datetime.now(UTC)
        self.token_lifetime = token_lifetime
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.members = {m.id: Member(m.id, m.first, m.last, m.headline, m.vanity) for m in MEMBERS}
        self.admins: set[str] = set(admins) if admins is not None else {EXECUTIVE}
        """Member ids with the page's Administrator role."""
        self.grants: dict[str, Grant] = {
            SANDBOX_TOKEN: Grant(scopes=ALL_SCOPES, expires=float("inf"), member=EXECUTIVE)
        }
        self.refresh_tokens: dict[str, tuple[frozenset[str], str]] = {}
        """Unused refresh tokens -> (scopes, member)."""
        self.codes: dict[str, dict[str, str]] = {}
        self.auth_log: list[str] = []
        """A fingerprint (sha256 prefix) of the bearer token of each API request, in order."""
        self.posts: dict[str, SharePost] = {}
        self.comments: dict[str, Comment] = {}
        self.notifications: list[dict[str, Any]] = []
        self._numbers = itertools.count(7_300_000_000_000_000_000, 104_729)
        self._comment_ids = itertools.count(7_300_500_000_000_000_000, 7_919)
        self._activity_turn = 0
        self._seed()

    # -- content ----------------------------------------------------------------------------------

    def _actor(self, who: str) -> str:
        return ORG_URN if who == "page" else self.members[who].urn

    def _seed(self) -> None:
        for seed in POSTS:
            post = self.add_post(
                self._actor(seed.author), seed.text, when=self.now - timedelta(hours=seed.hours_ago)
            )
            made: list[Comment] = []
            for item in seed.comments:
                parent = made[item.reply_to].urn if item.reply_to is not None else None
                made.append(
                    self.add_comment(
                        post.urn,
                        self._actor(item.actor),
                        item.text,
                        parent=parent,
                        when=self.now - timedelta(hours=item.hours_ago),
                    )
                )

    def add_post(self, author: str, text: str, *, when: datetime | None = None) -> SharePost:
        """Publish a post; one by someone else that names the page counts as a mention (a notification)."""
        with self.lock:
            post = SharePost(next(self._numbers), author, text, _ms(when or datetime.now(UTC)))
            self.posts[post.urn] = post
            if author != ORG_URN:
                self._notify("SHARE_MENTION", post.urn, post.urn, post.created)
            return post

    def add_comment(
        self, post_urn: str, actor: str, text: str, *, parent: str | None = None, when: datetime | None = None
    ) -> Comment:
        """Comment on a post (or reply to the comment `parent`); others' comments on the page's posts notify."""
        with self.lock:
            post = self.posts[post_urn]
            comment = Comment(
                post, next(self._comment_ids), actor, text, _ms(when or datetime.now(UTC)), parent
            )
            self.comments[comment.urn] = comment
            if post.author == ORG_URN and actor != ORG_URN:
                self._notify("COMMENT", post.urn, comment.urn, comment.created)
            return comment

    def load_posts(self, posts: Iterable[Post]) -> int:
        """Hold already-known posts and comments (e.g. the demo's seeded ones) under their own URNs; return how many.

        A post's ext_id is its `urn:li:activity:N` (or share) URN and a comment's `urn:li:comment:(activity,ID)`;
        unknown person authors become members. Nothing is notified: these are history, not news.
        """
        loaded = 0
        with self.lock:
            ordered = sorted(posts, key=lambda p: p.created_at)
            for post in ordered:
                actor = post.author.ext_id
                if actor.startswith("urn:li:person:"):
                    self._ensure_member(actor.removeprefix("urn:li:person:"), post)
                created = _ms(post.created_at)
                number = _post_number(post.ext_id)
                if number is not None:
                    share = SharePost(number, actor, post.text, created, root_urn=post.ext_id)
                    self.posts[share.urn] = share
                    loaded += 1
                    continue
                parts = comment_parts(post.ext_id)
                owner = self.posts.get(post.thread_key)
                if parts is None or owner is None or not parts[1].isdigit():
                    continue
                parent = post.in_reply_to if post.in_reply_to and post.in_reply_to in self.comments else None
                comment = Comment(owner, int(parts[1]), actor, post.text, created, parent)
                self.comments[comment.urn] = comment
                loaded += 1
        return loaded

    def _ensure_member(self, member_id: str, post: Post) -> None:
        if member_id in self.members or not re.fullmatch(r"[A-Za-z0-9_-]+", member_id):
            return
        first, _, last = post.author.name.partition(" ")
        self.members[member_id] = Member(member_id, first, last, post.author.bio, post.author.handle)

    def delete_comment(self, urn: str) -> None:
        """Delete a comment (and its replies)."""
        with self.lock:
            gone = {urn} | {c.urn for c in self.comments.values() if c.parent == urn}
            for key in gone:
                self.comments.pop(key, None)

    def _notify(self, action: str, source: str, activity: str, when: int) -> None:
        self.notifications.append(
            {
                "action": action,
                "organizationalEntity": ORG_URN,
                "sourcePost": source,
                "generatedActivity": activity,
                "lastModifiedAt": when,
            }
        )

    def page_posts(self) -> list[SharePost]:
        """The page's own posts, newest first."""
        return sorted((p for p in self.posts.values() if p.author == ORG_URN), key=lambda p: -p.created)

    def simulate_activity(self, count: int = 1) -> list[Comment]:
        """Members comment on the page's newest posts (for the demo); return the new comments."""
        made = []
        people = [m for m in self.members.values() if m.id != EXECUTIVE]
        posts = self.page_posts()
        for _ in range(count):
            turn = self._activity_turn
            self._activity_turn += 1
            member = people[turn % len(people)]
            post = posts[turn % len(posts)]
            made.append(self.add_comment(post.urn, member.urn, NEW_COMMENTS[turn % len(NEW_COMMENTS)]))
        return made

    def account_settings(self) -> dict[str, Any]:
        """How to configure an account that syncs from this sandbox."""
        return {
            "platform": "linkedin",
            "base_url": self.url,
            "secret": SANDBOX_TOKEN,
            "options": {"organization": ORG_URN, "client_id": CLIENT_ID},
        }

    # -- tokens -----------------------------------------------------------------------------------

    def issue_tokens(self, scopes: frozenset[str] = ALL_SCOPES, member: str = EXECUTIVE) -> dict[str, Any]:
        """Grant a fresh access token and refresh token; the token endpoint's answer."""
        with self.lock:
            access = "lat-" + secrets.token_urlsafe(24)
            refresh = "lrt-" + secrets.token_urlsafe(24)
            self.grants[access] = Grant(scopes, time.time() + self.token_lifetime, member)
            self.refresh_tokens[refresh] = (scopes, member)
            return {
                "access_token": access,
                "expires_in": int(self.token_lifetime),
                "refresh_token": refresh,
                "refresh_token_expires_in": 31_536_000,
                "scope": ",".join(sorted(scopes)),
            }

    def expire_access_tokens(self) -> None:
        """Make every issued access token expire now (the scripts' token stays valid)."""
        with self.lock:
            for token, grant in self.grants.items():
                if token != SANDBOX_TOKEN:
                    grant.expires = 0.0

    def fingerprint(self, token: str) -> str:
        """The fingerprint `auth_log` records for a token."""
        return hashlib.sha256(token.encode()).hexdigest()[:12]

    def rate_limit_headers(self) -> dict[str, str]:
        """LinkedIn's 429s carry no rate-limit headers."""
        return {}

    # -- serving ----------------------------------------------------------------------------------

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Answer one request."""
        path, method = request.path.rstrip("/") or "/", request.method
        with self.lock:
            if path == "/oauth/v2/authorization" and method == "GET":
                return self._authorize(request)
            if path == "/oauth/v2/accessToken" and method == "POST":
                return self._token(request)
            if not path.startswith("/rest/"):
                return _error(404, "NOT_FOUND", f"no route for {method} {path}")
            auth = headers.get("authorization", "")
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
            if token:
                self.auth_log.append(self.fingerprint(token))
            grant = self.grants.get(token)
            if grant is None or grant.expires <= time.time():
                return _error(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601)
            if not re.fullmatch(r"20[0-9]{4}", headers.get("linkedin-version", "")):
                return _error(426, "VERSION_MISSING", "A version must be present. Please specify a version")
            if headers.get("x-restli-protocol-version") != "2.0.0":
                return _error(400, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required")
            problem = self._encoding_problem(request)
            if problem:
                return _error(400, "ILLEGAL_ARGUMENT", problem)
            return self._api(method, path, request, grant)

    @staticmethod
    def _encoding_problem(request: RecordedRequest) -> str:
        for segment in request.path.split("/"):
            if _PEOPLE_KEY.match(segment):
                continue
            if not _SEGMENT_OK.match(segment):
                return f"Syntax exception in path variables: {segment[:60]} is not URL-encoded"
        for pair in request.raw_query.split("&") if request.raw_query else []:
            _, _, value = pair.partition("=")
            if "urn:li:" in value:  # a URN with its colons unencoded
                return f"Syntax exception in query parameters: {value[:60]} is not URL-encoded"
        return ""

    def _query(self, request: RecordedRequest) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for pair in request.raw_query.split("&") if request.raw_query else []:
            key, _, value = pair.partition("=")
            found[unquote(key)] = parse_restli(value)
        return found

    def _api(self, method: str, path: str, request: RecordedRequest, grant: Grant) -> Reply:
        parts = [unquote(p) for p in path.split("/")[2:]]
        query = self._query(request)
        if method == "GET" and parts == ["organizationalEntityNotifications"]:
            return self._notifications(query, grant)
        if method == "GET" and parts == ["posts"]:
            return self._author_posts(query, grant)
        if method == "GET" and len(parts) == 2 and parts[0] == "posts":
            return self._post(parts[1], grant)
        if len(parts) >= 3 and parts[0] == "socialActions" and parts[2] == "comments":
            if method == "GET" and len(parts) == 3:
                return self._comments(parts[1], query, grant)
            if method == "GET" and len(parts) == 4:
                return self._comment(parts[1], parts[3], grant)
            if method == "POST" and len(parts) == 3:
                return self._create(parts[1], request, grant)
        if method == "GET" and len(parts) == 2 and parts[0] == "people":
            match = re.fullmatch(r"\(id:([A-Za-z0-9_-]+)\)", parts[1])
            member = self.members.get(match.group(1)) if match else None
            if member is None:
                return _error(404, "NOT_FOUND", "Member not found")
            return Reply.json(
                {
                    "id": member.id,
                    "localizedFirstName": member.first,
                    "localizedLastName": member.last,
                    "localizedHeadline": member.headline,
                    "vanityName": member.vanity,
                }
            )
        if method == "GET" and len(parts) == 2 and parts[0] == "organizations":
            if parts[1] != ORG_ID:
                return _error(404, "NOT_FOUND", "Organization not found")
            return Reply.json({"id": int(ORG_ID), "localizedName": ORG_NAME, "vanityName": ORG_VANITY})
        return _error(404, "NOT_FOUND", f"no route for {method} {path}")

    # -- reading ----------------------------------------------------------------------------------

    @staticmethod
    def _denied(resource: str) -> Reply:
        return _error(403, "ACCESS_DENIED", f"Not enough permissions to access: {resource}")

    @staticmethod
    def _page(items: list[dict[str, Any]], query: dict[str, Any]) -> Reply:
        try:
            start = max(0, int(str(query.get("start", 0))))
            count = max(1, min(100, int(str(query.get("count", 10)))))
        except ValueError:
            return _error(400, "ILLEGAL_ARGUMENT", "start and count must be integers")
        chosen = items[start : start + count]
        return Reply.json(
            {"paging": {"start": start, "count": count, "total": len(items), "links": []}, "elements": chosen}
        )

    def _notifications(self, query: dict[str, Any], grant: Grant) -> Reply:
        if "rw_organization_admin" not in grant.scopes:
            return self._denied("partnerApiOrganizationalEntityNotifications.GET.20251001")
        if grant.member not in self.admins:
            return _error(403, "ACCESS_DENIED", "Caller is not an ADMINISTRATOR of the organization")
        if query.get("q") != "criteria" or query.get("organizationalEntity") != ORG_URN:
            return _error(400, "ILLEGAL_ARGUMENT", "q=criteria and a known organizationalEntity are required")
        actions = query.get("actions")
        window = query.get("timeRange")
        if not isinstance(actions, list) or not isinstance(window, dict):
            return _error(
                400, "ILLEGAL_ARGUMENT", "actions must be a List(...) and timeRange a (start:..,end:..)"
            )
        try:
            start, end = int(str(window["start"])), int(str(window["end"]))
        except (KeyError, ValueError):
            return _error(400, "ILLEGAL_ARGUMENT", "timeRange needs integer start and end")
        items = [
            n
            for n in self.notifications
            if n["action"] in actions
            and start <= n["lastModifiedAt"] < end
            and self._exists(n["generatedActivity"])
        ]
        items.sort(key=lambda n: -n["lastModifiedAt"])
        return self._page(items, query)

    def _exists(self, urn: str) -> bool:
        return urn in self.comments or urn in self.posts

    def _post_json(self, post: SharePost) -> dict[str, Any]:
        return {
            "id": post.urn,
            "author": post.author,
            "commentary": post.text,
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": post.created,
            "publishedAt": post.created,
            "lastModifiedAt": post.created,
            "distribution": {"feedDistribution": "MAIN_FEED"},
        }

    def _author_posts(self, query: dict[str, Any], grant: Grant) -> Reply:
        if "r_organization_social" not in grant.scopes:
            return self._denied("partnerApiPostsExternal.FINDER-author.20251001")
        if query.get("q") != "author" or query.get("author") != ORG_URN:
            return _error(400, "ILLEGAL_ARGUMENT", "q=author and a known author are required")
        return self._page([self._post_json(p) for p in self.page_posts()], query)

    def _post(self, urn: str, grant: Grant) -> Reply:
        if "r_organization_social" not in grant.scopes:
            return self._denied("partnerApiPostsExternal.GET.20251001")
        post = self.posts.get(urn)
        if post is None:
            return _error(404, "NOT_FOUND", "Post not found")
        return Reply.json(self._post_json(post))

    def _comment_json(self, comment: Comment) -> dict[str, Any]:
        replies = sum(1 for c in self.comments.values() if c.parent == comment.urn)
        body: dict[str, Any] = {
            "actor": comment.actor,
            "commentUrn": comment.urn,
            "$URN": comment.urn,
            "id": str(comment.id),
            "object": comment.post.activity,
            "message": {"text": comment.text, "attributes": []},
            "created": {"actor": comment.actor, "time": comment.created},
            "lastModified": {"actor": comment.actor, "time": comment.created},
            "commentsSummary": {"totalFirstLevelComments": replies, "aggregatedTotalComments": replies},
            "likesSummary": {"totalLikes": 0, "likedByCurrentUser": False},
        }
        if comment.parent:
            body["parentComment"] = comment.parent
        return body

    def _comments(self, urn: str, query: dict[str, Any], grant: Grant) -> Reply:
        if "r_organization_social" not in grant.scopes:
            return self._denied("partnerApiSocialActions.GET.20251001")
        if urn in self.posts:
            items = [c for c in self.comments.values() if c.post.urn == urn and c.parent is None]
        elif urn in self.comments:
            items = [c for c in self.comments.values() if c.parent == urn]
        else:
            return _error(404, "NOT_FOUND", "Entity not found")
        items.sort(key=lambda c: c.created)
        return self._page([self._comment_json(c) for c in items], query)

    def _comment(self, urn: str, comment_id: str, grant: Grant) -> Reply:
        if "r_organization_social" not in grant.scopes:
            return self._denied("partnerApiSocialActions.GET.20251001")
        post = self.posts.get(urn)
        found = self.comments.get(f"urn:li:comment:({post.activity},{comment_id})") if post else None
        if found is None:
            return _error(404, "NOT_FOUND", "Comment not found")
        return Reply.json(self._comment_json(found))

    # -- writing ----------------------------------------------------------------------------------

    def _create(self, urn: str, request: RecordedRequest, grant: Grant) -> Reply:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
            return _error(400, "ILLEGAL_ARGUMENT", "actor, object and message are required")
        actor, text = str(body.get("actor") or ""), str(body["message"].get("text") or "")
        parent = body.get("parentComment")
        if urn in self.comments:
            post = self.comments[urn].post
            if parent != urn:
                return _error(400, "ILLEGAL_ARGUMENT", "parentComment must be the comment in the path")
        elif urn in self.posts:
            post = self.posts[urn]
            if parent is not None:
                return _error(400, "ILLEGAL_ARGUMENT", "parentComment is only for replies to a comment")
        else:
            return _error(404, "NOT_FOUND", "Entity not found")
        if body.get("object") not in (post.urn, post.activity):
            return _error(400, "ILLEGAL_ARGUMENT", "object must be the post the comment belongs to")
        if not text.strip():
            return _error(400, "ILLEGAL_ARGUMENT", "message.text must not be empty")
        if actor == ORG_URN:
            if "w_organization_social" not in grant.scopes:
                return self._denied("partnerApiSocialActions.CREATE.20251001")
            if grant.member not in self.admins:
                return _error(403, "ACCESS_DENIED", "Caller is not an ADMINISTRATOR of the organization")
        elif actor == f"urn:li:person:{grant.member}":
            if "w_member_social" not in grant.scopes:
                return self._denied("partnerApiSocialActions.CREATE.20251001")
        else:
            return _error(403, "ACCESS_DENIED", "Not enough permissions to act as this actor")
        for earlier in self.comments.values():
            if (
                earlier.post is post
                and earlier.actor == actor
                and earlier.parent == parent
                and earlier.text == text
            ):
                return _error(422, "DUPLICATE_POST", f"Content is a duplicate of {earlier.urn}")
        comment = self.add_comment(post.urn, actor, text, parent=parent if isinstance(parent, str) else None)
        self.posted.append(self._comment_json(comment))
        return Reply.json(
            self._comment_json(comment), status=201, headers={"x-restli-id": encode(comment.urn)}
        )

    # -- OAuth ------------------------------------------------------------------------------------

    def _authorize(self, request: RecordedRequest) -> Reply:
        redirect = request.param("redirect_uri") or ""
        state = request.param("state") or ""
        if request.param("client_id") != CLIENT_ID or not redirect.startswith("http"):
            return _error(400, "ILLEGAL_ARGUMENT", "unknown client or redirect URI")
        scopes = frozenset((request.param("scope") or "").split())
        if not scopes or not scopes <= ALL_SCOPES | {s + "_feed" for s in ALL_SCOPES}:
            query = urlencode({"error": "invalid_scope", "state": state})
            return Reply(status=302, headers={"Location": f"{redirect}?{query}"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect,
            "challenge": request.param("code_challenge") or "",
            "scope": " ".join(sorted(s.removesuffix("_feed") for s in scopes)),
        }
        return Reply(
            status=302, headers={"Location": f"{redirect}?{urlencode({'state': state, 'code': code})}"}
        )

    def _token(self, request: RecordedRequest) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return Reply.json(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, status=401
            )
        refused = Reply.json(
            {"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"},
            status=400,
        )
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            granted = self.codes.pop(form.get("code", ""), None)
            if granted is None or granted["redirect_uri"] != form.get("redirect_uri"):
                return refused
            if granted["challenge"]:
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != granted["challenge"]:
                    return refused
            return Reply.json(self.issue_tokens(frozenset(granted["scope"].split())))
        if grant_type == "refresh_token":
            token = form.get("refresh_token", "")
            known = self.refresh_tokens.get(token)
            if known is None:
                return refused
            answer = self.issue_tokens(*known)
            if self.rotate_refresh_tokens:
                del self.refresh_tokens[token]
            else:
                del self.refresh_tokens[answer["refresh_token"]]
                answer["refresh_token"] = token
            return Reply.json(answer)
        return Reply.json({"error": "unsupported_grant_type"}, status=400)


__all__ = ["CLIENT_ID", "CLIENT_SECRET", "SANDBOX_TOKEN", "LinkedInSandbox", "comment_parts"]
