"""Read the bytes of any feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into a small normalised shape.

`parse_feed` first fixes the encoding (BOMs, UTF-16, a declared charset that lies), then parses with
fastfeedparser, falls back to feedparser only for what fastfeedparser cannot read, and reads JSON Feed by
hand. It adds what both leave out (comment feeds, comment counts, WordPress ids, absolute links). It never
raises anything but `FeedParseError`, whatever the bytes.
"""

from __future__ import annotations

import bisect
import calendar
import codecs
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.entities import name2codepoint
from typing import Any, Literal
from urllib.parse import urljoin

import fastfeedparser

from connectors.errors import PermanentError
from connectors.feed.text import clean_inline, clean_url

FeedKind = Literal["rss", "atom", "rdf", "json"]
ParserName = Literal["fastfeedparser", "feedparser", "jsonfeed"]


class FeedParseError(PermanentError):
    """The bytes of one feed could not be read as a feed; the other feeds of the account are unaffected."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: a blog post, or a comment when the feed is a comment feed."""

    id: str
    """The item's stable id: guid, Atom id or JSON Feed id; else its link; else a content hash."""
    link: str = ""
    title: str = ""
    author: str = ""
    author_url: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    content: str = ""
    """The richest body the item has (HTML unless `content_is_html` is false)."""
    content_is_html: bool = True
    comments_page: str = ""
    """The human-readable comments page (RSS `<comments>`)."""
    comments_feed: str = ""
    """A feed of this item's comments (`wfw:commentRss`, Atom `rel="replies"`)."""
    comment_count: int | None = None
    """How many comments the feed says the item has (`slash:comments`, `thr:count`)."""
    wp_post_id: int | None = None
    """The WordPress post id, when the guid or link gives it away (`?p=123`)."""
    wp_comment_id: int | None = None
    """The WordPress comment id of a comment item (`#comment-45`)."""
    in_reply_to: str = ""
    """For a comment: the link or id of the comment it answers (Atom `thr:in-reply-to`, "In reply to")."""


@dataclass(frozen=True)
class ParsedFeed:
    """What one feed document says: its title and link, and its entries in document order."""

    kind: FeedKind
    parser: ParserName
    title: str = ""
    link: str = ""
    generator: str = ""
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def is_wordpress(self) -> bool:
        """Whether the feed says WordPress generated it."""
        return "wordpress" in self.generator.lower()


# -- decoding ------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_XML_DECL = re.compile(r"^<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARED = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", re.IGNORECASE
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
# Single-byte charsets people declare when they mean Windows-1252, as browsers treat them.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "l1", "iso_8859-1"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_feed(data: bytes, content_type: str | None = None) -> str:
    """Decode feed bytes to text, trusting a BOM, then valid UTF-8, then the declared charset, then cp1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    head = data[:4]
    if head.startswith(b"\x00<\x00") or head.startswith(b"\x00\x00\x00<"):
        return data.decode("utf-32-be" if head.startswith(b"\x00\x00") else "utf-16-be", errors="replace")
    if head.startswith(b"<\x00\x00\x00"):
        return data.decode("utf-32-le", errors="replace")
    if head.startswith(b"<\x00"):
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.match(data)
    http_charset = _CHARSET.search(content_type or "")
    candidates = (
        declared.group(1).decode("ascii") if declared else None,
        http_charset.group(1) if http_charset else None,
    )
    for name in candidates:
        chosen = _codec(name)
        if chosen and not chosen.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
            try:
                return data.decode(chosen)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("cp1252", errors="replace")


_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_SUSPECT_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _repair_markup(text: str) -> str:
    """Escape bare ampersands and turn HTML named entities into numeric ones, outside CDATA only."""

    def entity(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        code = name2codepoint.get(name)
        return f"&#{code};" if code is not None else f"&amp;{name};"

    def fix(segment: str) -> str:
        return _SUSPECT_AMP.sub("&amp;", _ENTITY.sub(entity, segment))

    pieces = _CDATA_SPLIT.split(text)
    return "".join(piece if piece.startswith("<![CDATA[") else fix(piece) for piece in pieces)


_SUSPECT_AMP_BYTES = re.compile(_SUSPECT_AMP.pattern.encode())
_XML_DECL_BYTES = re.compile(rb"^\s*<\?xml[^>]{0,300}\?>")
_UTF8_DECL = b'<?xml version="1.0" encoding="utf-8"?>\n'


def _prepare_xml(data: bytes, text: str) -> bytes:
    """Return UTF-8 bytes with an honest XML declaration, ready for an XML parser.

    `data` is the original bytes when they were UTF-8 already (no copy needed), else empty.
    """
    if data:
        declared = _DECLARED.match(data)
        honest = declared is None or declared.group(1).lower() in {b"utf-8", b"utf8"}
        if honest and data[:1] == b"<" and not _SUSPECT_AMP_BYTES.search(data):
            return data  # the common case: hand the bytes over untouched
        body = data[m.end() :] if (m := _XML_DECL_BYTES.match(data)) else data.lstrip()
        if _SUSPECT_AMP_BYTES.search(body):
            body = _repair_markup(body.decode("utf-8")).encode("utf-8")
        return _UTF8_DECL + body.lstrip()
    text = _XML_DECL.sub("", text, count=1).lstrip()
    if _SUSPECT_AMP.search(text):
        text = _repair_markup(text)
    return _UTF8_DECL + text.encode("utf-8", errors="replace")


# -- small helpers -------------------------------------------------------------------------------

_WP_POST_ID = re.compile(r"[?&](?:p|page_id)=(\d{1,12})(?:[&#]|$)")
_WP_COMMENT_ID = re.compile(r"#comment-(\d{1,12})$")
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_XML_BASE = re.compile(r"xml:base\s*=\s*[\"']([^\"']{1,2000})[\"']")
_IN_REPLY_TO_TEXT = re.compile(
    r"^\s*(?:<p>\s*)?In reply to\s*<a\s[^>]*href=[\"']([^\"']+)[\"']", re.IGNORECASE
)


def _absolute(base: str, link: str | None) -> str:
    if not link:
        return ""
    link = clean_url(link)
    if link.startswith(("https://", "http://")) or not base:
        return link
    try:
        return urljoin(base, link) if base else link
    except ValueError:
        return link


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _author_name(value: Any) -> str:
    name = clean_inline(value if isinstance(value, str) else "")
    match = _EMAIL_NAME.match(name)
    return match.group(1).strip() if match else name


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _wp_ids(*candidates: str) -> tuple[int | None, int | None]:
    post_id = comment_id = None
    for candidate in candidates:
        if post_id is None and (match := _WP_POST_ID.search(candidate)):
            post_id = int(match.group(1))
        if comment_id is None and (match := _WP_COMMENT_ID.search(candidate)):
            comment_id = int(match.group(1))
    return post_id, comment_id


def _synthetic_id(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _finish(fields: dict[str, Any]) -> FeedEntry:
    """Build the entry, filling its id and WordPress ids from what it has."""
    ident = str(fields.get("id") or "").strip() or fields.get("link") or ""
    if not ident:
        ident = _synthetic_id(
            fields.get("title", ""), fields.get("content", "")[:500], str(fields.get("published"))
        )
    fields["id"] = ident
    link = fields.get("link", "")
    if "p=" in ident or "p=" in link or "#comment-" in ident or "#comment-" in link:
        fields["wp_post_id"], fields["wp_comment_id"] = _wp_ids(ident, link)
    content = fields.get("content", "")
    if (
        not fields.get("in_reply_to")
        and fields.get("content_is_html", True)
        and "In reply to" in content[:200]
        and (match := _IN_REPLY_TO_TEXT.match(content))
    ):
        fields["in_reply_to"] = html.unescape(match.group(1))
    return FeedEntry(**fields)


# -- extras both XML parsers leave out -------------------------------------------------------------

_COMMENT_RSS = re.compile(r"commentRss\s*>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.IGNORECASE)
_SLASH_COUNT = re.compile(r":comments\s*>\s*(\d{1,9})\s*<")
_ATTRS = re.compile(r"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_WFW = "wellformedweb.org/CommentAPI"
_SLASH = "purl.org/rss/1.0/modules/slash"
_THR = "purl.org/syndication/thread/1.0"


def _attrs(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
        for m in _ATTRS.finditer(raw)
    }


def _positions(text: str, needle: str) -> list[int]:
    found = []
    at = text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + len(needle))
    return found


def _item_starts(text: str, kind: FeedKind) -> list[int]:
    """Where each item (RSS, RDF) or entry (Atom) starts, found with one plain scan of the text."""
    needle = "<entry" if kind == "atom" else "<item"
    starts = []
    for at in _positions(text, needle):
        if text[at + len(needle) : at + len(needle) + 1] in {" ", ">", "/", "\t", "\n", "\r"}:
            starts.append(at)
    return starts


def _extras(text: str, starts: list[int], head: str) -> list[dict[str, Any]]:
    """Comment feed links, comment counts and reply links per item, in document order.

    Only the extensions whose namespace the document declares up front are looked for.
    """
    found: list[dict[str, Any]] = [{} for _ in starts]

    def owner(at: int) -> dict[str, Any] | None:
        index = bisect.bisect_right(starts, at) - 1
        return found[index] if index >= 0 else None

    for needle in ("commentRss", "commentRSS") if _WFW in head else ():
        for at in _positions(text, needle):
            extra = owner(at)
            if extra is not None and "comments_feed" not in extra and (m := _COMMENT_RSS.match(text, at)):
                extra["comments_feed"] = html.unescape(m.group(1))
    for at in _positions(text, ":comments") if _SLASH in head else ():
        extra = owner(at)
        if extra is not None and "comment_count" not in extra and (m := _SLASH_COUNT.match(text, at)):
            extra["comment_count"] = int(m.group(1))
    for needle in ('"replies"', "'replies'") if _THR in head else ():
        for at in _positions(text, needle):
            extra = owner(at)
            tag_start, tag_end = text.rfind("<", 0, at), text.find(">", at)
            if extra is None or tag_start < 0 or tag_end < 0:
                continue
            attrs = _attrs(text[tag_start:tag_end])
            if attrs.get("rel") == "replies" and attrs.get("href"):
                if "comments_feed" not in extra or "atom" in attrs.get("type", ""):
                    extra["comments_feed"] = attrs["href"]
                for key, value in attrs.items():
                    if key.endswith(":count") and value.strip().isdigit():
                        extra["comment_count"] = int(value.strip())
    for at in _positions(text, ":in-reply-to") if _THR in head else ():
        extra = owner(at)
        tag_end = text.find(">", at)
        if extra is not None and tag_end > 0 and "in_reply_to" not in extra:
            attrs = _attrs(text[at:tag_end])
            if attrs.get("href") or attrs.get("ref"):
                extra["in_reply_to"] = attrs.get("ref") or attrs.get("href", "")
    return found


# -- the parsers ---------------------------------------------------------------------------------


def _first_content(item: Mapping[str, Any], fallback_key: str) -> str:
    for part in item.get("content") or ():
        if isinstance(part, Mapping) and part.get("value"):
            return str(part["value"])
    return str(item.get(fallback_key) or "")


def _comments_fields(base: str, comments: Any) -> dict[str, Any]:
    """RSS `<comments>` is a page URL; some parsers put a `slash:comments` count there instead."""
    if not isinstance(comments, str) or not comments.strip():
        return {}
    if comments.strip().isdigit():
        return {"comment_count": int(comments.strip())}
    return {"comments_page": _absolute(base, comments)}


def _from_fastfeedparser(result: Mapping[str, Any], base: str) -> tuple[str, str, list[dict[str, Any]]]:
    feed = result.get("feed") or {}
    title = clean_inline(feed.get("title"))
    link = _absolute(base, feed.get("link") if isinstance(feed.get("link"), str) else "")
    entries: list[dict[str, Any]] = []
    for item in result.get("entries") or ():
        ident = item.get("id")
        fields: dict[str, Any] = {
            "id": _absolute(base, ident)
            if isinstance(ident, str) and ident.startswith("/")
            else str(ident or ""),
            "link": _absolute(base, item.get("link")),
            "title": clean_inline(item.get("title")),
            "author": _author_name(item.get("author")),
            "published": _parse_iso(item.get("published")),
            "updated": _parse_iso(item.get("updated")),
            "content": _first_content(item, "description"),
        }
        for extra_link in item.get("links") or ():
            if (
                isinstance(extra_link, Mapping)
                and extra_link.get("rel") == "replies"
                and extra_link.get("href")
            ):
                fields["comments_feed"] = _absolute(base, extra_link["href"])
        fields.update(_comments_fields(base, item.get("comments")))
        entries.append(fields)
    return title, link, entries


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _from_feedparser(result: Any, base: str) -> tuple[str, str, list[dict[str, Any]]]:
    feed = result.get("feed") or {}
    title = clean_inline(feed.get("title"))
    link = _absolute(base, feed.get("link"))
    entries: list[dict[str, Any]] = []
    for item in result.get("entries") or ():
        fields: dict[str, Any] = {
            "id": str(item.get("id") or ""),
            "link": _absolute(base, item.get("link")),
            "title": clean_inline(item.get("title")),
            "author": _author_name(item.get("author")),
            "published": _struct_time(item.get("published_parsed")),
            "updated": _struct_time(item.get("updated_parsed")) if "updated" in item else None,
            "content": _first_content(item, "summary"),
        }
        fields.update(_comments_fields(base, item.get("comments")))
        if item.get("wfw_commentrss"):
            fields["comments_feed"] = _absolute(base, str(item["wfw_commentrss"]))
        if (count := _int_or_none(item.get("slash_comments"))) is not None:
            fields["comment_count"] = count
        for extra_link in item.get("links") or ():
            if extra_link.get("rel") == "replies" and extra_link.get("href"):
                fields.setdefault("comments_feed", _absolute(base, str(extra_link["href"])))
        entries.append(fields)
    return title, link, entries


def _from_json_feed(text: str, base: str) -> ParsedFeed:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"the JSON Feed is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedParseError("the JSON document is not a JSON Feed (no `items` list)")
    home = _absolute(base, data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else "")
    feed_author = _json_author(data)
    entries: list[FeedEntry] = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        url = item.get("url") if isinstance(item.get("url"), str) else ""
        html_body = item.get("content_html")
        text_body = item.get("content_text")
        summary = item.get("summary")
        is_html = isinstance(html_body, str) and bool(html_body)
        body = html_body if is_html else text_body if isinstance(text_body, str) else summary
        name, author_url = _json_author(item) or feed_author or ("", "")
        ident = item.get("id")
        entries.append(
            _finish(
                {
                    "id": str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) else "",
                    "link": _absolute(base, url),
                    "title": clean_inline(item.get("title") if isinstance(item.get("title"), str) else ""),
                    "author": name,
                    "author_url": author_url,
                    "published": _parse_iso(item.get("date_published")),
                    "updated": _parse_iso(item.get("date_modified")),
                    "content": body if isinstance(body, str) else "",
                    "content_is_html": is_html,
                }
            )
        )
    title = clean_inline(data.get("title") if isinstance(data.get("title"), str) else "")
    return ParsedFeed(kind="json", parser="jsonfeed", title=title, link=home, entries=entries)


def _json_author(holder: Mapping[str, Any]) -> tuple[str, str] | None:
    authors = holder.get("authors")
    candidates: Sequence[Any] = authors if isinstance(authors, list) else [holder.get("author")]
    for author in candidates:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            url = author.get("url")
            return clean_inline(author["name"]), clean_url(url) if isinstance(url, str) else ""
    return None


_ROOT = re.compile(r"<(?:[\w.-]+:)?(rss|RDF|feed|channel)\b")


def _kind_of(text: str) -> FeedKind:
    match = _ROOT.search(text, 0, 5000)
    root = match.group(1) if match else "rss"
    return "rdf" if root == "RDF" else "atom" if root == "feed" else "rss"


_HEAD_CHARS = 4000
"""Namespaces are declared on the root element, which fits in this many characters."""
_GENERATOR = re.compile(r"<generator\b([^<>]{0,500})>\s*(?:<!\[CDATA\[)?([^<\]]*)", re.IGNORECASE)
_LOOKS_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*+<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)


def parse_feed(data: bytes, *, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse one feed document; raise `FeedParseError` (only) when nothing in it can be read as a feed."""
    try:
        return _parse(data, url, content_type)
    except FeedParseError:
        raise
    except Exception as exc:  # hostile bytes must never crash a sync: report them as this feed's error
        raise FeedParseError(f"the feed could not be read ({type(exc).__name__})") from None


def _parse(data: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if not data or data.isspace():
        raise FeedParseError("the feed is empty")
    try:
        text = data.decode("utf-8")
        utf8_bytes = data if not data.startswith(b"\xef\xbb\xbf") else b""
    except UnicodeDecodeError:
        text, utf8_bytes = decode_feed(data, content_type), b""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return _from_json_feed(stripped, url)
    if _LOOKS_HTML.match(stripped[:5000]):
        raise FeedParseError(
            "the address serves a web page, not a feed", fix="use the blog's RSS or Atom feed address"
        )
    if "<" not in stripped[:2000]:
        raise FeedParseError("the document is neither XML nor JSON")
    base = url
    if base_match := _XML_BASE.search(stripped[:4000]):
        base = _absolute(url, base_match.group(1))
    prepared = _prepare_xml(utf8_bytes, stripped)
    parser: ParserName = "fastfeedparser"
    try:
        result = fastfeedparser.parse(
            prepared, include_tags=False, include_media=False, include_enclosures=False
        )
        title, link, entries = _from_fastfeedparser(result, base)
    except Exception:  # fastfeedparser gave up: the slower, more forgiving parser gets a go
        result, title, link, entries = None, "", "", []
    kind = _kind_of(stripped)
    starts = _item_starts(stripped, kind)
    expected = len(starts)
    lossy = len(entries) < expected or any(not e["link"] and not e["id"] for e in entries)
    if result is None or lossy:
        # fastfeedparser could not read it, or lost items on the way: feedparser is slower but forgiving.
        try:
            fallback = _parse_with_feedparser(prepared, base)
        except FeedParseError:
            if result is None:
                raise
        else:
            if result is None or _completeness(fallback[2]) > _completeness(entries):
                parser = "feedparser"
                title, link, entries = fallback
    head = stripped[:_HEAD_CHARS]
    if _WFW in head or _SLASH in head or _THR in head:
        _merge_extras(entries, _extras(stripped, starts, head), base)
    generator = ""
    if gen := _GENERATOR.search(stripped[:20000]):
        attrs = _attrs(gen.group(1))
        generator = " ".join(part for part in (gen.group(2).strip(), attrs.get("uri", "")) if part)
    return ParsedFeed(
        kind=kind,
        parser=parser,
        title=title,
        link=link,
        generator=generator,
        entries=[_finish(entry) for entry in entries],
    )


def _completeness(entries: list[dict[str, Any]]) -> tuple[int, int]:
    """How much a parser got out of a document: entries, then entries with a link or id."""
    return len(entries), sum(1 for e in entries if e["link"] or e["id"])


def _parse_with_feedparser(prepared: bytes, base: str) -> tuple[str, str, list[dict[str, Any]]]:
    import feedparser  # slow to import and to run: only for what fastfeedparser cannot read

    try:
        result = feedparser.parse(prepared, response_headers={"content-location": base} if base else None)
    except Exception as exc:
        raise FeedParseError(f"the feed could not be read ({type(exc).__name__})") from None
    title, link, entries = _from_feedparser(result, base)
    if not entries and not title:
        reason = result.get("bozo_exception")
        detail = f": {type(reason).__name__}" if reason is not None else ""
        raise FeedParseError(f"the document is not a feed that can be read{detail}")
    return title, link, entries


def _merge_extras(entries: list[dict[str, Any]], extras: list[dict[str, Any]], base: str) -> None:
    """Add what the scan found to entries the parser did not fill (only when both saw the same items)."""
    if len(extras) != len(entries):
        return  # the scan and the parser disagree: better nothing than a wrong pairing
    for fields, extra in zip(entries, extras, strict=True):
        for key, value in extra.items():
            if fields.get(key) in (None, ""):
                fields[key] = _absolute(base, value) if isinstance(value, str) else value
