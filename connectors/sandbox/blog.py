"""A loopback fake of several blogs: WordPress (RSS 2.0, comment feeds, REST API), Atom and JSON Feed.

Blogs live under path prefixes of one server: `<url>/tideline/` is a WordPress site with its REST API,
`<url>/commons-garden/` a WordPress site whose REST API is switched off (comment feeds only),
`<url>/ferrous/` an Atom blog with Atom comment feeds, `<url>/margins/` a JSON Feed blog without comments.
Feeds honour ETag / Last-Modified (304) the way WordPress does: a posts feed's validators change when posts
change, a comment feed's when its comments change. Comments can be posted through
`POST <site>/wp-json/wp/v2/comments` with HTTP Basic auth and an application password (`APP_PASSWORD`
for user `ana` on tideline). `add_post`, `add_comment` and `simulate_activity` change the blogs while the
server runs.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

from connectors.sandbox.blog_content import (
    NEW_POST_TITLES,
    SEED_BLOGS,
    VISITOR_COMMENTS,
    VISITORS,
    SeedBlog,
)
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer, etag_for

APP_USER = "ana"
"""The WordPress login that owns an application password on the tideline blog."""
APP_PASSWORD = "Tq7w 3kLm 9ZpX 2vNc 8RdY 4sJe"
"""A sandbox-only application password (WordPress shows them in groups of four)."""

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class BlogComment:
    """One approved comment."""

    id: int
    post_id: int
    author_name: str
    html: str
    date: datetime
    parent: int = 0
    author_url: str = ""
    user_id: int = 0


@dataclass
class BlogPost:
    """One published post."""

    id: int
    slug: str
    title: str
    html: str
    author: str
    date: datetime
    modified: datetime
    tags: tuple[str, ...] = ()
    comments_open: bool = True


@dataclass
class BlogUser:
    """A WordPress user with an application password."""

    id: int
    login: str
    display_name: str
    app_password: str


@dataclass
class Blog:
    """One blog and everything on it."""

    slug: str
    title: str
    tagline: str
    kind: str
    """"wordpress", "atom" or "jsonfeed"."""
    owner: str
    language: str
    rest_api: bool
    gmt_offset_hours: int
    posts: list[BlogPost] = field(default_factory=list)
    comments: list[BlogComment] = field(default_factory=list)
    users: dict[str, BlogUser] = field(default_factory=dict)
    posts_version: int = 0
    comment_versions: dict[int, int] = field(default_factory=dict)

    def post(self, post_id: int) -> BlogPost | None:
        """Return the post with this id."""
        return next((post for post in self.posts if post.id == post_id), None)

    def comments_on(self, post_id: int) -> list[BlogComment]:
        """Return a post's comments, oldest first."""
        return sorted((c for c in self.comments if c.post_id == post_id), key=lambda c: (c.date, c.id))


def _rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _excerpt(html: str, words: int = 40) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    parts = text.split()
    return " ".join(parts[:words]) + (" [&#8230;]" if len(parts) > words else "")


class BlogSandbox(SandboxServer):
    """Serves the seeded blogs over loopback HTTP and records what was posted."""

    name = "blog"

    def __init__(self, *, now: datetime | None = None, seed: int = 7, feed_size: int = 10) -> None:
        super().__init__()
        self.now = now or datetime.now(UTC)
        self.feed_size = feed_size
        self.random = random.Random(seed)
        self.blogs: dict[str, Blog] = {}
        self._next_id = 100
        self.static: dict[str, Reply] = {}
        for seed_blog in SEED_BLOGS:
            self._seed(seed_blog)

    # -- building content ---------------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _seed(self, seed: SeedBlog) -> None:
        blog = Blog(
            slug=seed.slug,
            title=seed.title,
            tagline=seed.tagline,
            kind=seed.kind,
            owner=seed.owner,
            language=seed.language,
            rest_api=seed.rest_api,
            gmt_offset_hours=seed.gmt_offset_hours,
        )
        self.blogs[seed.slug] = blog
        if seed.kind == "wordpress":
            user = BlogUser(id=1, login=APP_USER, display_name=seed.owner, app_password=APP_PASSWORD)
            blog.users[user.login] = user
        for seed_post in sorted(seed.posts, key=lambda p: -p.days_ago):
            date = self.now - timedelta(days=seed_post.days_ago)
            post = BlogPost(
                id=self._new_id(),
                slug=seed_post.slug,
                title=seed_post.title,
                html=seed_post.html,
                author=seed_post.author or seed.owner,
                date=date,
                modified=date,
                tags=seed_post.tags,
            )
            blog.posts.append(post)
            made: list[BlogComment] = []
            for seed_comment in seed_post.comments:
                when = min(date + timedelta(hours=seed_comment.hours_after), self.now - timedelta(minutes=5))
                comment = BlogComment(
                    id=self._new_id(),
                    post_id=post.id,
                    author_name=seed_comment.author,
                    author_url=seed_comment.author_url,
                    html=seed_comment.html,
                    date=when,
                    parent=made[seed_comment.parent].id if seed_comment.parent is not None else 0,
                )
                made.append(comment)
            blog.comments.extend(made)

    def blog(self, slug: str) -> Blog:
        """Return a blog by slug (tideline, commons-garden, ferrous, margins)."""
        try:
            return self.blogs[slug]
        except KeyError:
            raise KeyError(f"no blog {slug!r}; the sandbox has {', '.join(self.blogs)}") from None

    def site_url(self, slug: str) -> str:
        """The blog's home page URL (ends with a slash)."""
        return f"{self.url}/{slug}/"

    def feed_url(self, slug: str) -> str:
        """The blog's main feed URL."""
        kind = self.blog(slug).kind
        leaf = {"wordpress": "feed/", "atom": "atom.xml", "jsonfeed": "feed.json"}[kind]
        return self.site_url(slug) + leaf

    def feed_urls(self) -> list[str]:
        """Every blog's main feed URL."""
        return [self.feed_url(slug) for slug in self.blogs]

    def account_settings(self) -> dict[str, Any]:
        """What a feed account needs to follow every sandbox blog and reply on tideline (for the demo)."""
        return {
            "platform": "feed",
            "base_url": self.site_url("tideline"),
            "secret": APP_PASSWORD,
            "options": {"feeds": self.feed_urls(), "wordpress_user": APP_USER},
        }

    def post_url(self, slug: str, post: BlogPost) -> str:
        """A post's page URL."""
        return f"{self.site_url(slug)}{post.slug}/"

    def post_guid(self, slug: str, post: BlogPost) -> str:
        """The id a feed gives the post (WordPress: `<site>?p=ID`)."""
        blog = self.blog(slug)
        if blog.kind == "wordpress":
            return f"{self.site_url(slug)}?p={post.id}"
        if blog.kind == "atom":
            return f"tag:{slug}.example,2024:post-{post.slug}"
        return f"{slug}-{post.id}"

    def add_post(
        self, slug: str, *, title: str, html: str, author: str | None = None, date: datetime | None = None
    ) -> BlogPost:
        """Publish a new post now (or at `date`)."""
        with self.lock:
            blog = self.blog(slug)
            when = date or datetime.now(UTC)
            base = _SLUG.sub("-", title.lower()).strip("-")[:60] or "post"
            existing = {p.slug for p in blog.posts}
            slug_text, n = base, 2
            while slug_text in existing:
                slug_text, n = f"{base}-{n}", n + 1
            post = BlogPost(
                id=self._new_id(),
                slug=slug_text,
                title=title,
                html=html,
                author=author or blog.owner,
                date=when,
                modified=when,
            )
            blog.posts.append(post)
            blog.posts_version += 1
            return post

    def add_comment(
        self,
        slug: str,
        post_id: int,
        *,
        author: str,
        html: str,
        parent: int = 0,
        author_url: str = "",
        date: datetime | None = None,
        user_id: int = 0,
    ) -> BlogComment:
        """Add an approved comment to a post now (or at `date`)."""
        with self.lock:
            blog = self.blog(slug)
            if blog.post(post_id) is None:
                raise KeyError(f"blog {slug!r} has no post {post_id}")
            comment = BlogComment(
                id=self._new_id(),
                post_id=post_id,
                author_name=author,
                html=html,
                date=date or datetime.now(UTC),
                parent=parent,
                author_url=author_url,
                user_id=user_id,
            )
            blog.comments.append(comment)
            blog.comment_versions[post_id] = blog.comment_versions.get(post_id, 0) + 1
            return comment

    def simulate_activity(self, count: int = 1) -> list[BlogComment | BlogPost]:
        """Add `count` plausible events (mostly comments, now and then a post) to random blogs."""
        made: list[BlogComment | BlogPost] = []
        with self.lock:
            for _ in range(count):
                commentable = [b for b in self.blogs.values() if b.kind != "jsonfeed" and b.posts]
                blog = self.random.choice(commentable)
                if self.random.random() < 0.1:
                    title = self.random.choice(NEW_POST_TITLES)
                    made.append(
                        self.add_post(
                            blog.slug, title=title, html=f"<p>{escape(title)}: a few notes, more soon.</p>"
                        )
                    )
                    continue
                post = self.random.choice(blog.posts[-4:])
                earlier = blog.comments_on(post.id)
                parent = self.random.choice(earlier).id if earlier and self.random.random() < 0.3 else 0
                name, url = self.random.choice(VISITORS)
                made.append(
                    self.add_comment(
                        blog.slug,
                        post.id,
                        author=name,
                        author_url=url,
                        html=self.random.choice(VISITOR_COMMENTS),
                        parent=parent,
                    )
                )
        return made

    def put(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/xml",
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """Serve fixed bytes at `path` (odd feeds, error pages) until replaced; return the full URL."""
        with self.lock:
            self.static[path] = Reply(
                status=status, body=body, content_type=content_type, headers=dict(headers or {})
            )
        return self.url + path

    # -- routing --------------------------------------------------------------------------------

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Dispatch to a blog by the first path segment."""
        with self.lock:
            if request.path in self.static:
                fixed = self.static[request.path]
                return Reply(
                    status=fixed.status,
                    body=fixed.body,
                    content_type=fixed.content_type,
                    headers=fixed.headers,
                )
            slug, _, rest = request.path.lstrip("/").partition("/")
            blog = self.blogs.get(slug)
            if blog is None:
                return self._not_found()
            rest = "/" + rest
            if blog.kind == "wordpress":
                return self._wordpress(blog, rest, request, headers)
            if blog.kind == "atom":
                return self._atom(blog, rest)
            if rest == "/feed.json":
                return self._json_feed(blog)
            return self._page(blog, rest)

    @staticmethod
    def _not_found() -> Reply:
        return Reply(
            status=404, body=b"<html><body><h1>Not found</h1></body></html>", content_type="text/html"
        )

    def _api_links(self, blog: Blog, post: BlogPost | None = None) -> dict[str, str]:
        if not blog.rest_api:
            return {}
        site = self.site_url(blog.slug)
        links = [f'<{site}wp-json/>; rel="https://api.w.org/"']
        if post is not None:
            links.append(f'<{site}wp-json/wp/v2/posts/{post.id}>; rel="alternate"; type="application/json"')
            links.append(f"<{site}?p={post.id}>; rel=shortlink")
        return {"Link": ", ".join(links)}

    def _page(self, blog: Blog, rest: str) -> Reply:
        site = self.site_url(blog.slug)
        if rest == "/":
            items = "".join(
                f'<li><a href="{escape(self.post_url(blog.slug, p))}">{escape(p.title)}</a></li>'
                for p in blog.posts
            )
            body = (
                f"<!DOCTYPE html><html><head><title>{escape(blog.title)}</title>"
                f'<link rel="alternate" type="application/rss+xml" href="{escape(self.feed_url(blog.slug))}">'
                f"</head><body><h1>{escape(blog.title)}</h1><ul>{items}</ul></body></html>"
            )
            return Reply(
                body=body.encode(), content_type="text/html; charset=UTF-8", headers=self._api_links(blog)
            )
        post_slug = rest.strip("/")
        post = next((p for p in blog.posts if p.slug == post_slug), None)
        if post is None:
            return self._not_found()
        body = (
            f"<!DOCTYPE html><html><head><title>{escape(post.title)}</title></head><body><article>"
            f"<h1>{escape(post.title)}</h1>{post.html}</article>"
            f'<a href="{escape(site)}">{escape(blog.title)}</a></body></html>'
        )
        return Reply(
            body=body.encode(), content_type="text/html; charset=UTF-8", headers=self._api_links(blog, post)
        )

    # -- WordPress ------------------------------------------------------------------------------

    def _wordpress(
        self, blog: Blog, rest: str, request: RecordedRequest, headers: Mapping[str, str]
    ) -> Reply:
        if rest.startswith("/wp-json"):
            if not blog.rest_api:
                return Reply.json(
                    {"code": "rest_no_route", "message": "No route was found.", "data": {"status": 404}}, 404
                )
            return self._rest(blog, rest.removeprefix("/wp-json"), request, headers)
        if rest == "/feed/":
            return self._rss_posts(blog)
        if rest == "/comments/feed/":
            return self._rss_comments(blog, None)
        match = re.fullmatch(r"/([a-z0-9-]+)/feed/", rest)
        if match:
            post = next((p for p in blog.posts if p.slug == match.group(1)), None)
            return self._rss_comments(blog, post) if post is not None else self._not_found()
        return self._page(blog, rest)

    def _rss_posts(self, blog: Blog) -> Reply:
        site = self.site_url(blog.slug)
        posts = sorted(blog.posts, key=lambda p: p.date, reverse=True)[: self.feed_size]
        last_modified = max((p.modified for p in blog.posts), default=self.now)
        items = []
        for post in posts:
            url = self.post_url(blog.slug, post)
            count = len(blog.comments_on(post.id))
            categories = "".join(f"\n\t\t<category>{_cdata(tag)}</category>" for tag in post.tags)
            items.append(
                f"""
	<item>
		<title>{escape(post.title, quote=False)}</title>
		<link>{escape(url)}</link>
		<comments>{escape(url)}#comments</comments>
		<dc:creator>{_cdata(post.author)}</dc:creator>
		<pubDate>{_rfc822(post.date)}</pubDate>{categories}
		<guid isPermaLink="false">{escape(site)}?p={post.id}</guid>
		<description>{_cdata(_excerpt(post.html))}</description>
		<content:encoded>{_cdata(post.html)}</content:encoded>
		<wfw:commentRss>{escape(url)}feed/</wfw:commentRss>
		<slash:comments>{count}</slash:comments>
	</item>"""
            )
        body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>{escape(blog.title, quote=False)}</title>
	<atom:link href="{escape(self.feed_url(blog.slug))}" rel="self" type="application/rss+xml" />
	<link>{escape(site)}</link>
	<description>{escape(blog.tagline, quote=False)}</description>
	<lastBuildDate>{_rfc822(last_modified)}</lastBuildDate>
	<language>{blog.language}</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.5.3</generator>{"".join(items)}
</channel>
</rss>
"""
        return Reply(
            body=body.encode(),
            content_type="application/rss+xml; charset=UTF-8",
            etag=etag_for(blog.slug, "posts", _rfc822(last_modified), blog.posts_version),
            last_modified=_rfc822(last_modified),
            headers=self._api_links(blog),
        )

    def _rss_comments(self, blog: Blog, post: BlogPost | None) -> Reply:
        site = self.site_url(blog.slug)
        if post is not None:
            comments = blog.comments_on(post.id)
            title = f"Comments on: {post.title}"
            link = self.post_url(blog.slug, post)
            version = blog.comment_versions.get(post.id, 0)
        else:
            comments = sorted(blog.comments, key=lambda c: (c.date, c.id))
            title = f"Comments for {blog.title}"
            link = site
            version = sum(blog.comment_versions.values())
        newest_first = list(reversed(comments))[: self.feed_size]
        last_modified = max((c.date for c in comments), default=post.modified if post else self.now)
        by_id = {c.id: c for c in blog.comments}
        items = []
        for comment in newest_first:
            on = blog.post(comment.post_id)
            if on is None:
                continue
            post_link = self.post_url(blog.slug, on)
            item_title = (
                f"By: {comment.author_name}"
                if post is not None
                else (f"Comment on {on.title} by {comment.author_name}")
            )
            content = comment.html
            parent = by_id.get(comment.parent)
            if parent is not None:
                content = (
                    f'<p>In reply to <a href="{escape(post_link)}#comment-{parent.id}">'
                    f"{escape(parent.author_name)}</a>.</p>\n{content}"
                )
            items.append(
                f"""
	<item>
		<title>{escape(item_title, quote=False)}</title>
		<link>{escape(post_link)}#comment-{comment.id}</link>
		<dc:creator>{_cdata(comment.author_name)}</dc:creator>
		<pubDate>{_rfc822(comment.date)}</pubDate>
		<guid isPermaLink="false">{escape(site)}?p={on.id}#comment-{comment.id}</guid>
		<description>{_cdata(_excerpt(comment.html))}</description>
		<content:encoded>{_cdata(content)}</content:encoded>
	</item>"""
            )
        body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	>
<channel>
	<title>{escape(title, quote=False)}</title>
	<atom:link href="{escape(link)}feed/" rel="self" type="application/rss+xml" />
	<link>{escape(link)}</link>
	<description>{escape(blog.tagline, quote=False)}</description>
	<lastBuildDate>{_rfc822(last_modified)}</lastBuildDate>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<generator>https://wordpress.org/?v=6.5.3</generator>{"".join(items)}
</channel>
</rss>
"""
        return Reply(
            body=body.encode(),
            content_type="application/rss+xml; charset=UTF-8",
            etag=etag_for(blog.slug, "comments", post.id if post else 0, _rfc822(last_modified), version),
            last_modified=_rfc822(last_modified),
        )

    def _comment_json(self, blog: Blog, comment: BlogComment) -> dict[str, Any]:
        post = blog.post(comment.post_id)
        local = comment.date.astimezone(timezone(timedelta(hours=blog.gmt_offset_hours)))
        link = f"{self.post_url(blog.slug, post)}#comment-{comment.id}" if post else ""
        site = self.site_url(blog.slug)
        return {
            "id": comment.id,
            "post": comment.post_id,
            "parent": comment.parent,
            "author": comment.user_id,
            "author_name": comment.author_name,
            "author_url": comment.author_url,
            "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_gmt": comment.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "content": {"rendered": comment.html + "\n"},
            "link": link,
            "status": "approved",
            "type": "comment",
            "author_avatar_urls": {
                size: f"https://secure.gravatar.example/avatar/{comment.id:032x}?s={size}&d=mm&r=g"
                for size in ("24", "48", "96")
            },
            "meta": [],
            "_links": {
                "self": [{"href": f"{site}wp-json/wp/v2/comments/{comment.id}"}],
                "collection": [{"href": f"{site}wp-json/wp/v2/comments"}],
                "up": [
                    {
                        "embeddable": True,
                        "post_type": "post",
                        "href": f"{site}wp-json/wp/v2/posts/{comment.post_id}",
                    }
                ],
            },
        }

    def _rest(self, blog: Blog, route: str, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        site = self.site_url(blog.slug)
        links = self._api_links(blog)
        if route in {"", "/"}:
            index = {
                "name": blog.title,
                "description": blog.tagline,
                "url": site.rstrip("/"),
                "home": site.rstrip("/"),
                "gmt_offset": blog.gmt_offset_hours,
                "timezone_string": "",
                "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
                "authentication": {
                    "application-passwords": {
                        "endpoints": {"authorization": f"{site}wp-admin/authorize-application.php"}
                    }
                },
                "routes": {
                    "/wp/v2/comments": {"namespace": "wp/v2", "methods": ["GET", "POST"]},
                    "/wp/v2/posts": {"namespace": "wp/v2", "methods": ["GET"]},
                },
            }
            return Reply.json(index, headers=links)
        if route == "/wp/v2/comments" and request.method == "GET":
            return self._rest_list_comments(blog, request, links)
        if route == "/wp/v2/comments" and request.method == "POST":
            return self._rest_create_comment(blog, request, headers)
        match = re.fullmatch(r"/wp/v2/posts/(\d+)", route)
        if match and request.method == "GET":
            post = blog.post(int(match.group(1)))
            if post is None:
                return Reply.json(
                    {"code": "rest_post_invalid_id", "message": "Invalid post ID.", "data": {"status": 404}},
                    404,
                )
            return Reply.json(self._post_json(blog, post), headers=links)
        if route == "/wp/v2/posts" and request.method == "GET":
            posts = sorted(blog.posts, key=lambda p: p.date, reverse=True)
            return Reply.json([self._post_json(blog, p) for p in posts], headers=links)
        return Reply.json(
            {
                "code": "rest_no_route",
                "message": "No route was found matching the URL and request method.",
                "data": {"status": 404},
            },
            404,
        )

    def _post_json(self, blog: Blog, post: BlogPost) -> dict[str, Any]:
        return {
            "id": post.id,
            "date_gmt": post.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "guid": {"rendered": f"{self.site_url(blog.slug)}?p={post.id}"},
            "link": self.post_url(blog.slug, post),
            "slug": post.slug,
            "title": {"rendered": escape(post.title, quote=False)},
            "content": {"rendered": post.html, "protected": False},
            "comment_status": "open" if post.comments_open else "closed",
        }

    def _rest_list_comments(self, blog: Blog, request: RecordedRequest, links: dict[str, str]) -> Reply:
        def bad(param: str, message: str) -> Reply:
            return Reply.json(
                {
                    "code": "rest_invalid_param",
                    "message": f"Invalid parameter(s): {param}",
                    "data": {"status": 400, "params": {param: message}},
                },
                400,
            )

        ids: set[int] = set()
        for value in request.query.get("post", []) + request.query.get("post[]", []):
            for part in value.split(","):
                if part.strip():
                    if not part.strip().isdigit():
                        return bad("post", "post[0] is not of type integer.")
                    ids.add(int(part))
        per_page_text = request.param("per_page", "10") or "10"
        page_text = request.param("page", "1") or "1"
        if not per_page_text.isdigit() or not 1 <= int(per_page_text) <= 100:
            return bad("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)")
        if not page_text.isdigit() or int(page_text) < 1:
            return bad("page", "page must be greater than or equal to 1")
        per_page, page = int(per_page_text), int(page_text)
        comments = [c for c in blog.comments if not ids or c.post_id in ids]
        after = request.param("after")
        if after:
            try:
                moment = datetime.fromisoformat(after.replace("Z", "+00:00"))
            except ValueError:
                return bad("after", "Invalid date.")
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            comments = [c for c in comments if c.date > moment]
        descending = (request.param("order", "desc") or "desc").lower() != "asc"
        comments.sort(key=lambda c: (c.date, c.id), reverse=descending)
        total = len(comments)
        total_pages = max(1, -(-total // per_page)) if total else 0
        if total and page > total_pages:
            return Reply.json(
                {
                    "code": "rest_comment_invalid_page_number",
                    "message": "The page number requested is larger than the number of pages available.",
                    "data": {"status": 400},
                },
                400,
            )
        chunk = comments[(page - 1) * per_page : page * per_page]
        headers = {**links, "X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}
        return Reply.json([self._comment_json(blog, c) for c in chunk], headers=headers)

    def _authenticate(self, blog: Blog, headers: Mapping[str, str]) -> BlogUser | Reply:
        value = headers.get("authorization", "")
        if not value.lower().startswith("basic "):
            return Reply.json(
                {
                    "code": "rest_comment_login_required",
                    "message": "Sorry, you must be logged in to comment.",
                    "data": {"status": 401},
                },
                401,
            )
        try:
            login, _, password = base64.b64decode(value[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return Reply.json(
                {
                    "code": "rest_authentication_error",
                    "message": "Malformed credentials.",
                    "data": {"status": 401},
                },
                401,
            )
        user = blog.users.get(login)
        if user is None:
            return Reply.json(
                {
                    "code": "invalid_username",
                    "message": "<strong>Error:</strong> The username is not registered on this site.",
                    "data": {"status": 401},
                },
                401,
            )
        if password.replace(" ", "") != user.app_password.replace(" ", ""):
            return Reply.json(
                {
                    "code": "incorrect_password",
                    "message": "The provided password is an invalid application password.",
                    "data": {"status": 401},
                },
                401,
            )
        return user

    def _rest_create_comment(self, blog: Blog, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        user = self._authenticate(blog, headers)
        if isinstance(user, Reply):
            return user
        body: Any = request.json()
        if body is None:
            form = parse_qs(request.body.decode("utf-8", "replace"))
            body = {key: values[0] for key, values in form.items()}
        if not isinstance(body, dict):
            body = {}
        try:
            post_id = int(body.get("post") or 0)
            parent = int(body.get("parent") or 0)
        except (TypeError, ValueError):
            return Reply.json(
                {
                    "code": "rest_invalid_param",
                    "message": "Invalid parameter(s): post",
                    "data": {"status": 400},
                },
                400,
            )
        content = body.get("content")
        if isinstance(content, dict):
            content = content.get("raw")
        post = blog.post(post_id)
        if post is None:
            return Reply.json(
                {
                    "code": "rest_comment_invalid_post_id",
                    "message": "Sorry, you are not allowed to create this comment without a post.",
                    "data": {"status": 403},
                },
                403,
            )
        if not post.comments_open:
            return Reply.json(
                {
                    "code": "rest_comment_closed",
                    "message": "Sorry, comments are closed for this item.",
                    "data": {"status": 403},
                },
                403,
            )
        if not isinstance(content, str) or not content.strip():
            return Reply.json(
                {
                    "code": "rest_comment_content_invalid",
                    "message": "Invalid comment content.",
                    "data": {"status": 400},
                },
                400,
            )
        if parent and (blog_parent := next((c for c in blog.comments if c.id == parent), None)) is not None:
            if blog_parent.post_id != post_id:
                parent = -1
        elif parent:
            parent = -1
        if parent < 0:
            return Reply.json(
                {
                    "code": "rest_comment_invalid_parent",
                    "message": "Invalid parent comment.",
                    "data": {"status": 400},
                },
                400,
            )
        # WordPress reads comment content as HTML and wraps paragraphs (wpautop); clients escape plain text.
        html = "".join(f"<p>{p.strip()}</p>\n" for p in content.split("\n\n") if p.strip())
        duplicate = any(
            c.post_id == post_id and c.user_id == user.id and c.html == html for c in blog.comments
        )
        if duplicate:
            return Reply.json(
                {
                    "code": "comment_duplicate",
                    "message": "Duplicate comment detected; it looks as though you\u2019ve already said that!",
                    "data": {"status": 409},
                },
                409,
            )
        comment = self.add_comment(
            blog.slug,
            post_id,
            author=user.display_name,
            html=html,
            parent=parent,
            user_id=user.id,
            author_url=self.site_url(blog.slug),
        )
        self.posted.append(
            {
                "blog": blog.slug,
                "post": post_id,
                "parent": parent,
                "content": content,
                "user": user.login,
                "comment_id": comment.id,
            }
        )
        location = f"{self.site_url(blog.slug)}wp-json/wp/v2/comments/{comment.id}"
        return Reply.json(self._comment_json(blog, comment), status=201, headers={"Location": location})

    # -- Atom and JSON Feed ---------------------------------------------------------------------

    def _atom(self, blog: Blog, rest: str) -> Reply:
        if rest == "/atom.xml":
            return self._atom_posts(blog)
        match = re.fullmatch(r"/([a-z0-9-]+)/comments\.atom", rest)
        if match:
            post = next((p for p in blog.posts if p.slug == match.group(1)), None)
            return self._atom_comments(blog, post) if post is not None else self._not_found()
        return self._page(blog, rest)

    def _atom_posts(self, blog: Blog) -> Reply:
        site = self.site_url(blog.slug)
        posts = sorted(blog.posts, key=lambda p: p.date, reverse=True)[: self.feed_size]
        updated = max((p.modified for p in blog.posts), default=self.now)
        entries = []
        for post in posts:
            count = len(blog.comments_on(post.id))
            categories = "".join(f'<category term="{escape(tag)}"/>' for tag in post.tags)
            entries.append(
                f"""
  <entry>
    <title type="html">{escape(escape(post.title))}</title>
    <link rel="alternate" type="text/html" href="{post.slug}/"/>
    <link rel="replies" type="application/atom+xml" href="{post.slug}/comments.atom" thr:count="{count}"/>
    <id>{escape(self.post_guid(blog.slug, post))}</id>
    <published>{_iso(post.date)}</published>
    <updated>{_iso(post.modified)}</updated>
    <author><name>{escape(post.author)}</name><uri>{escape(site)}about/</uri></author>{categories}
    <summary type="html">{escape(_excerpt(post.html, 25))}</summary>
    <content type="html">{escape(post.html)}</content>
  </entry>"""
            )
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="{blog.language}" xml:base="{escape(site)}">
  <title>{escape(blog.title)}</title>
  <subtitle>{escape(blog.tagline)}</subtitle>
  <link rel="alternate" type="text/html" href="{escape(site)}"/>
  <link rel="self" type="application/atom+xml" href="atom.xml"/>
  <id>tag:{blog.slug}.example,2019:blog</id>
  <updated>{_iso(updated)}</updated>
  <generator uri="https://gohugo.io/" version="0.125.4">Hugo</generator>{"".join(entries)}
</feed>
"""
        return Reply(
            body=body.encode(),
            content_type="application/atom+xml; charset=utf-8",
            etag=etag_for(blog.slug, "atom", _iso(updated), blog.posts_version),
            last_modified=_rfc822(updated),
        )

    def _atom_comments(self, blog: Blog, post: BlogPost) -> Reply:
        comments = blog.comments_on(post.id)
        guid = self.post_guid(blog.slug, post)
        updated = max((c.date for c in comments), default=post.modified)
        entries = []
        for comment in reversed(comments):
            ref = f"{guid}/comment-{comment.parent}" if comment.parent else guid
            entries.append(
                f"""
  <entry>
    <title>Comment by {escape(comment.author_name)}</title>
    <link rel="alternate" type="text/html" href="{post.slug}/#comment-{comment.id}"/>
    <id>{escape(guid)}/comment-{comment.id}</id>
    <published>{_iso(comment.date)}</published>
    <updated>{_iso(comment.date)}</updated>
    <author><name>{escape(comment.author_name)}</name>{f"<uri>{escape(comment.author_url)}</uri>" if comment.author_url else ""}</author>
    <thr:in-reply-to ref="{escape(ref)}" type="text/html" href="{post.slug}/"/>
    <content type="html">{escape(comment.html)}</content>
  </entry>"""
            )
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:base="{escape(self.site_url(blog.slug))}">
  <title>Comments on {escape(post.title)}</title>
  <link rel="alternate" href="{post.slug}/"/>
  <id>{escape(guid)}/comments</id>
  <updated>{_iso(updated)}</updated>{"".join(entries)}
</feed>
"""
        return Reply(
            body=body.encode(),
            content_type="application/atom+xml; charset=utf-8",
            etag=etag_for(
                blog.slug, "atom-comments", post.id, _iso(updated), blog.comment_versions.get(post.id, 0)
            ),
            last_modified=_rfc822(updated),
        )

    def _json_feed(self, blog: Blog) -> Reply:
        site = self.site_url(blog.slug)
        posts = sorted(blog.posts, key=lambda p: p.date, reverse=True)[: self.feed_size]
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": blog.title,
            "home_page_url": site,
            "feed_url": self.feed_url(blog.slug),
            "description": blog.tagline,
            "language": blog.language,
            "authors": [{"name": blog.owner, "url": f"{site}about/"}],
            "items": [
                {
                    "id": self.post_guid(blog.slug, post),
                    "url": self.post_url(blog.slug, post),
                    "title": post.title,
                    "content_html": post.html,
                    "summary": _excerpt(post.html, 20),
                    "date_published": _iso(post.date),
                    "date_modified": _iso(post.modified),
                    "tags": list(post.tags),
                }
                for post in posts
            ],
        }
        updated = max((p.modified for p in blog.posts), default=self.now)
        return Reply(
            body=json.dumps(feed, ensure_ascii=False, indent=2).encode(),
            content_type="application/feed+json; charset=utf-8",
            etag=etag_for(blog.slug, "json", _iso(updated), blog.posts_version),
            last_modified=_rfc822(updated),
        )
