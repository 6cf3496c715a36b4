"""Turn Discourse's `cooked` HTML into readable plain text.

Built on the blog connector's `html_to_text` (scripts go, links read "text (url)", code keeps its layout,
images become "[image: alt]", control characters are removed) with Discourse's own markup handled first:
quotes become "name wrote:" followed by "> " lines, oneboxes become one "title (url)" line, @mentions and
#hashtags stay plain words, emoji images become their `:code:`, and lightbox captions (file name, size) go.
"""

from __future__ import annotations

import html
import re

from connectors.feed.text import html_to_text

_PLACEHOLDER_OPEN, _PLACEHOLDER_CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile("\ue000(\\d{1,4})\ue001")
_ASIDE = re.compile(r"<(/?)aside\b((?:[^<>\"']|\"[^\"]{0,4000}\"|'[^']{0,4000}')*)>", re.IGNORECASE)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]{0,400})"|'([^']{0,400})')""", re.IGNORECASE)
_DATA_USERNAME = re.compile(r"""\bdata-username\s*=\s*(?:"([^"]{0,100})"|'([^']{0,100})')""", re.IGNORECASE)
_DATA_SRC = re.compile(r"""\bdata-onebox-src\s*=\s*(?:"([^"]{0,2000})"|'([^']{0,2000})')""", re.IGNORECASE)
_BLOCKQUOTE = re.compile(r"<blockquote\b[^<>]{0,2000}>(.*)</blockquote>", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"<h[1-4]\b[^<>]{0,2000}>(.{0,4000}?)</h[1-4]>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]{0,2000})"|'([^']{0,2000})')""", re.IGNORECASE)
_MENTION = re.compile(
    r"<a\b[^<>]{0,400}\bclass\s*=\s*[\"'][^\"'<>]{0,100}\b(?:mention|mention-group|hashtag(?:-cooked)?)\b"
    r"[^<>]{0,2000}>(.{0,400}?)</a>",
    re.IGNORECASE | re.DOTALL,
)
_EMOJI = re.compile(
    r"<img\b[^<>]{0,2000}\bclass\s*=\s*[\"'][^\"'<>]{0,100}\bemoji\b[^<>]{0,2000}>", re.IGNORECASE
)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]{0,200})"|'([^']{0,200})')""", re.IGNORECASE)
_LIGHTBOX_META = re.compile(
    r"<div\b[^<>]{0,200}\bclass\s*=\s*[\"']meta[\"'][^<>]{0,200}>.{0,2000}?</div>", re.IGNORECASE | re.DOTALL
)
_USERNAME_JUNK = re.compile(r"[^\w.-]")
_TAGS = re.compile(r"<[^<>]{0,4000}>")
MAX_QUOTE_DEPTH = 4


def _first(match: re.Match[str] | None) -> str:
    if match is None:
        return ""
    return html.unescape(next((g for g in match.groups() if g is not None), "")).strip()


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def _asides(markup: str) -> list[tuple[int, int, str]]:
    """The outermost `<aside>` elements: (start, end, opening tag attributes), in order."""
    found: list[tuple[int, int, str]] = []
    depth = 0
    start = 0
    attrs = ""
    for match in _ASIDE.finditer(markup):
        if not match.group(1):
            if depth == 0:
                start, attrs = match.start(), match.group(2)
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((start, match.end(), attrs))
    return found


def _quote_text(attrs: str, inner: str, base_url: str, depth: int) -> str:
    who = _USERNAME_JUNK.sub("", _first(_DATA_USERNAME.search(attrs)))[:60]
    body = _BLOCKQUOTE.search(inner)
    text = cooked_to_text(body.group(1) if body else inner, base_url=base_url, _depth=depth + 1)
    lines = [f"> {line}".rstrip() for line in text.splitlines()] or [">"]
    head = f"{who} wrote:" if who else "Quote:"
    return "\n".join([head, *lines])


def _onebox_text(attrs: str, inner: str, base_url: str) -> str:
    source = _first(_DATA_SRC.search(attrs))
    heading = _HEADING.search(inner)
    title = _plain(heading.group(1)) if heading else ""
    if not source:
        source = _first(_HREF.search(heading.group(1) if heading else inner))
    link = html_to_text(f'<a href="{html.escape(source)}">x</a>', base_url=base_url)
    url = link[3:-1] if link.startswith("x (") else ""
    if title and url:
        return f"{title} ({url})"
    return title or url or "[link preview]"


def cooked_to_text(cooked: str, *, base_url: str = "", _depth: int = 0) -> str:
    """Return readable plain text for a post's cooked HTML; relative links resolve against `base_url`."""
    if not cooked:
        return ""
    markup = cooked.replace(_PLACEHOLDER_OPEN, "").replace(_PLACEHOLDER_CLOSE, "")
    if "<" not in markup:
        return html_to_text(markup, base_url=base_url)
    markup = _MENTION.sub(lambda m: html.escape(_plain(m.group(1))), markup)
    markup = _EMOJI.sub(lambda m: html.escape(_first(_ALT.search(m.group(0)))), markup)
    markup = _LIGHTBOX_META.sub("", markup)
    blocks: list[str] = []
    pieces: list[str] = []
    position = 0
    for start, end, attrs in _asides(markup):
        classes = _first(_CLASS.search(attrs)).split()
        inner = markup[start:end]
        inner = inner[inner.find(">") + 1 : inner.rfind("<")]
        if "quote" in classes and _depth < MAX_QUOTE_DEPTH:
            block = _quote_text(attrs, inner, base_url, _depth)
        elif "onebox" in classes:
            block = _onebox_text(attrs, inner, base_url)
        else:
            continue
        pieces.append(markup[position:start])
        pieces.append(f"<p>{_PLACEHOLDER_OPEN}{len(blocks)}{_PLACEHOLDER_CLOSE}</p>")
        blocks.append(block)
        position = end
    pieces.append(markup[position:])
    text = html_to_text("".join(pieces), base_url=base_url)
    if blocks:
        text = _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], text)
    return text.replace(_PLACEHOLDER_OPEN, "").replace(_PLACEHOLDER_CLOSE, "")
