"""A small WordPress REST client: API discovery, paged comment lists, and posting a comment.

Reads are anonymous; a comment is posted with HTTP Basic auth and an application password. The API root is
found from the `Link: <...>; rel="https://api.w.org/"` header WordPress sends, or by asking `<site>/wp-json/`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    DuplicateContent,
    OutcomeUnknown,
    PermanentError,
    PermissionDenied,
    TransientError,
)
from connectors.feed.text import clean_inline, clean_url
from connectors.http import HttpClient, HttpResponse, safe_url

API_REL = "https://api.w.org/"
"""The link relation WordPress uses to advertise its REST API root."""

MAX_PAGES = 50
"""Never walk more pages than this in one go (100 comments each by default)."""

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_POST_ROUTE = re.compile(r"/wp/v2/posts/(\d{1,12})")

_AUTH_CODES = {"incorrect_password", "invalid_username", "invalid_email", "rest_not_logged_in"}
_AUTH_CODES |= {"rest_comment_login_required", "application_passwords_disabled"}
_CLOSED_CODES = {"rest_comment_closed", "rest_comment_draft_post", "rest_comment_invalid_post_id"}


def link_header(headers: httpx.Headers, rel: str, type_: str | None = None) -> str | None:
    """Return the first URL of a `Link` header with relation `rel` (and media type `type_`)."""
    for value in headers.get_list("link"):
        for match in _LINK.finditer(value):
            params = {}
            for param in match.group(2).split(";"):
                if "=" in param:
                    key, _, val = param.partition("=")
                    params[key.strip().lower()] = val.strip().strip('"')
            if params.get("rel") == rel and (type_ is None or params.get("type") == type_):
                return match.group(1).strip()
    return None


def post_id_from_headers(headers: httpx.Headers) -> int | None:
    """Read a WordPress post id from the `rel="alternate"` JSON link of a post page (WordPress 5.5+)."""
    alternate = link_header(headers, "alternate", "application/json") or ""
    match = _POST_ROUTE.search(alternate)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class WpComment:
    """A comment as the WordPress REST API returns it."""

    id: int
    post: int
    parent: int
    author_name: str
    author_url: str
    date: datetime
    content_html: str
    link: str


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _parse_comment(item: Any) -> WpComment | None:
    if not isinstance(item, Mapping) or not _int(item.get("id")):
        return None
    content = item.get("content")
    rendered = content.get("rendered") if isinstance(content, Mapping) else None
    raw_date = item.get("date_gmt") or item.get("date")
    try:
        date = datetime.fromisoformat(str(raw_date))
    except ValueError:
        date = datetime.now(UTC)
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)  # date_gmt carries no offset: it is UTC
    return WpComment(
        id=item["id"],
        post=_int(item.get("post")),
        parent=_int(item.get("parent")),
        author_name=clean_inline(str(item.get("author_name") or "")),
        author_url=clean_url(str(item.get("author_url") or "")),
        date=date,
        content_html=str(rendered or ""),
        link=clean_url(str(item.get("link") or "")),
    )


def _message(response: HttpResponse) -> tuple[str, str]:
    """The WordPress error code and a short, cleaned message from an error body."""
    try:
        body = response.json()
    except TransientError:
        return "", ""
    if not isinstance(body, Mapping):
        return "", ""
    code = str(body.get("code") or "")
    message = clean_inline(str(body.get("message") or ""))[:200]
    return code, message


def wordpress_error_hook(response: HttpResponse, method: str) -> ConnectorError | None:
    """Turn WordPress REST error codes into precise typed errors (used as the HTTP client's hook)."""
    if "wp-json" not in response.url and "rest_route" not in response.url:
        return None
    code, message = _message(response)
    account = response.account
    where = safe_url(response.url)
    said = f": {message}" if message else ""
    if method == "GET" and response.status in {401, 403}:
        return PermanentError(f"{account}: the WordPress API at {where} is not open to readers{said}")
    if code == "comment_duplicate":
        return DuplicateContent(f"{account}: WordPress says this comment is a duplicate{said}")
    if code in _AUTH_CODES or response.status == 401:
        return AuthExpired(
            f"{account}: WordPress at {where} refused the application password{said}",
            fix=f"create a new application password and run `cockpit accounts login {account}`",
        )
    if code in _CLOSED_CODES:
        return PermanentError(
            f"{account}: WordPress does not accept comments on this post{said}", fix="open it in the browser"
        )
    if response.status == 403:
        return PermissionDenied(
            f"{account}: WordPress refused the comment{said}",
            fix="check the WordPress user may comment (role and application password)",
        )
    return None


class WordPressClient:
    """Talks to one WordPress site's REST API through the connector's shared HTTP client."""

    def __init__(self, http: HttpClient, api_root: str) -> None:
        self.http = http
        self.api_root = api_root if api_root.endswith("/") or "rest_route=" in api_root else api_root + "/"

    def route(self, path: str) -> tuple[str, dict[str, Any]]:
        """Return the URL and base query for a route such as `wp/v2/comments`."""
        if "rest_route=" in self.api_root:
            return self.api_root.split("?", 1)[0], {"rest_route": "/" + path.lstrip("/")}
        return urljoin(self.api_root, path.lstrip("/")), {}

    @classmethod
    async def discover(cls, http: HttpClient, site_url: str) -> WordPressClient | None:
        """Find the REST API of the WordPress site at `site_url`; None when it has none (or hides it)."""
        candidate = urljoin(site_url if site_url.endswith("/") else site_url + "/", "wp-json/")
        try:
            response = await http.get(candidate)
            index = response.json()
        except ConnectorError:
            return None
        if not isinstance(index, Mapping):
            return None
        namespaces = index.get("namespaces")
        if not isinstance(namespaces, list) or "wp/v2" not in namespaces:
            return None
        root = link_header(response.headers, API_REL) or candidate
        return cls(http, root)

    async def comments(
        self, post_ids: list[int], *, after: datetime | None = None, per_page: int = 100
    ) -> AsyncIterator[list[WpComment]]:
        """Yield pages of approved comments on `post_ids`, oldest first, optionally only after a time."""
        url, params = self.route("wp/v2/comments")
        params |= {
            "post": ",".join(str(post_id) for post_id in post_ids),
            "per_page": max(1, min(per_page, 100)),
            "orderby": "date_gmt",
            "order": "asc",
        }
        if after is not None:
            params["after"] = after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        page = 1
        while page <= MAX_PAGES:
            response = await self.http.get(url, params={**params, "page": page})
            body = response.json()
            if not isinstance(body, list):
                raise TransientError(
                    f"{self.http.account}: {safe_url(url)} did not answer with a list of comments",
                    fix="sync again later",
                )
            yield [comment for item in body if (comment := _parse_comment(item)) is not None]
            total_pages = response.headers.get("x-wp-totalpages", "")
            if not total_pages.isdigit() or page >= int(total_pages) or not body:
                return
            page += 1

    async def create_comment(
        self, *, post_id: int, parent: int, content: str, auth: tuple[str, str]
    ) -> WpComment:
        """Post a comment as the application-password user; a lost answer raises `OutcomeUnknown`."""
        url, params = self.route("wp/v2/comments")
        if params:
            url = str(httpx.URL(url, params=params))
        response = await self.http.post(
            url, json={"post": post_id, "parent": parent, "content": content}, auth=auth
        )
        comment = _parse_comment(_safe_json(response))
        if comment is None:
            raise OutcomeUnknown(
                f"{self.http.account}: WordPress accepted the comment but its answer could not be read",
                fix="check the post in the browser before sending again",
            )
        return comment


def _safe_json(response: HttpResponse) -> Any:
    try:
        return response.json()
    except TransientError:
        return None
