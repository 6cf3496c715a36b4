"""Turn the HTML of blog posts and comments into readable plain text.

Paragraphs and headings become blank-line separated blocks, list items start with "- ", links read as
"text (url)" with relative URLs made absolute, inline code is kept in backticks and `<pre>` blocks keep
their layout. Scripts, styles and every tag go; entities are decoded; control characters (ANSI escapes
and the like) are removed, since text from the internet is hostile.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<!\[CDATA\[(?P<cdata>.*?)(?:\]\]>|\Z)"
    # A tag never runs past the next unquoted "<" and quoted values are bounded, so hostile input with
    # thousands of unclosed tags stays linear instead of rescanning to the end from every "<".
    r"|<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9:-]{0,40})"
    r"(?P<attrs>(?:[^<>\"']++|\"[^\"]{0,4000}\"|'[^']{0,4000}')*+)>"
    r"|<[!?][^<>]{0,4000}>",
    re.DOTALL,
)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_SKIP = frozenset({"script", "style", "head", "template", "noscript", "iframe", "svg", "object", "title"})
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "figure", "figcaption",
        "hr", "form", "fieldset", "details", "summary", "address",
    }
)  # fmt: skip
_LINE = frozenset({"li", "tr", "dt", "dd", "caption"})
_SKIP_ACTION, _PRE, _BR, _BLOCK_ACTION, _LINE_ACTION, _CELL, _CODE, _IMG, _LINK = range(9)
_ACTIONS: dict[str, int] = {
    **dict.fromkeys(_SKIP, _SKIP_ACTION),
    **dict.fromkeys(_BLOCK, _BLOCK_ACTION),
    **dict.fromkeys(_LINE, _LINE_ACTION),
    "pre": _PRE, "br": _BR, "td": _CELL, "th": _CELL, "code": _CODE, "img": _IMG, "a": _LINK,
}  # fmt: skip


def _attr(attrs: str, name: str) -> str | None:
    for match in _ATTR.finditer(attrs):
        if match.group(1).lower() == name:
            value = match.group(2) if match.group(2) is not None else match.group(3)
            if value is None:
                value = match.group(4)
            return html.unescape(value).strip()
    return None


def _link_target(href: str | None, base_url: str) -> str | None:
    if not href or href.startswith("#"):
        return None
    try:
        absolute = (
            urljoin(base_url, href) if base_url and not href.startswith(("https://", "http://")) else href
        )
    except ValueError:
        return None
    scheme = absolute.split(":", 1)[0].lower()
    if scheme not in {"http", "https", "mailto", "ftp"}:
        return None  # javascript:, data: and friends are not worth showing
    return _CONTROL.sub("", absolute.replace("\n", "").replace("\r", ""))


class _Builder:
    """Collects inline text, line breaks and preformatted blocks, then joins them."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bool]] = []  # (text, is preformatted); breaks are "\n" runs
        self.inline: list[str] = []
        self.pending_break = 0  # newlines owed before the next text

    def text(self, value: str) -> None:
        """Add inline text (whitespace is collapsed later)."""
        if not value or (self.pending_break and value.isspace()):
            return
        if self.pending_break:
            self.parts.append(("\n" * self.pending_break, False))
            self.pending_break = 0
        self.inline.append(value)

    def brk(self, newlines: int) -> None:
        """End the current line or paragraph (`newlines` 1 or 2)."""
        self._flush_inline()
        if self.parts:
            self.pending_break = max(self.pending_break, newlines)

    def raw(self, value: str) -> None:
        """Append preformatted text as its own block, keeping its whitespace."""
        value = value.strip("\n").rstrip()
        if not value.strip():
            return
        self.brk(2)
        if self.pending_break:
            self.parts.append(("\n" * self.pending_break, False))
            self.pending_break = 0
        self.parts.append((value, True))
        self.brk(2)

    def _flush_inline(self) -> None:
        if not self.inline:
            return
        line = "".join(self.inline)
        if "  " in line or not line.isprintable():
            line = _SPACE.sub(" ", line)
        line = line.strip(" ")
        self.inline = []
        if line:
            self.parts.append((line, False))

    def label_since(self, parts_at: int, inline_at: int) -> str:
        """The text written since a mark (used for a link's label)."""
        if len(self.parts) == parts_at:
            return "".join(self.inline[inline_at:])
        return "".join(text for text, _ in self.parts[parts_at:]) + "".join(self.inline)

    def result(self) -> str:
        """The text so far."""
        self._flush_inline()
        return "".join(text for text, _ in self.parts)


def html_to_text(markup: str, *, base_url: str = "") -> str:
    """Return readable plain text for an HTML fragment; relative links resolve against `base_url`."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return _CONTROL.sub("", _SPACE.sub(" ", markup)).strip()
    out = _Builder()
    skip_depth = 0
    skip_tag = ""
    pre_depth = 0
    pre_buffer: list[str] = []
    code_depth = 0
    links: list[tuple[str | None, int, int]] = []  # (href, parts length, inline length) at <a>
    position = 0
    for match in _TOKEN.finditer(markup):
        start = match.start()
        if start > position and not skip_depth:
            chunk = markup[position:start]
            if "&" in chunk:
                chunk = html.unescape(chunk)
            if pre_depth:
                pre_buffer.append(chunk)
            else:
                out.text(chunk)
        position = match.end()
        cdata, close, tag, attrs = match.group("cdata", "close", "tag", "attrs")
        if cdata is not None:
            if not skip_depth:
                (pre_buffer.append(cdata) if pre_depth else out.text(cdata))
            continue
        if tag is None:
            continue
        tag = tag.lower()
        action = _ACTIONS.get(tag)
        if action is None and not skip_depth:
            continue  # inline formatting (em, strong, span...) adds nothing to plain text
        closing = bool(close)
        if skip_depth:
            if tag == skip_tag:
                skip_depth += -1 if closing else 1
            continue
        if action == _SKIP_ACTION:
            if not closing and not attrs.rstrip().endswith("/"):
                skip_depth, skip_tag = 1, tag
            continue
        if action == _PRE:
            if closing and pre_depth:
                pre_depth -= 1
                if not pre_depth:
                    out.raw("".join(pre_buffer))
                    pre_buffer = []
            elif not closing:
                pre_depth += 1
            continue
        if pre_depth:
            if action == _BR:
                pre_buffer.append("\n")
            continue
        if action == _BR:
            out.brk(1)
        elif action == _BLOCK_ACTION:
            out.brk(2)
            if tag == "hr" and not closing:
                out.text("---")
                out.brk(2)
        elif action == _LINE_ACTION:
            out.brk(1)
            if tag == "li" and not closing:
                out.text("- ")
        elif action == _CELL:
            if not closing:
                out.text(" ")
        elif action == _CODE:
            if closing and code_depth:
                code_depth -= 1
                out.text("`")
            elif not closing:
                code_depth += 1
                out.text("`")
        elif action == _IMG:
            alt = None if closing else _attr(attrs, "alt")
            if alt:
                out.text(f"[image: {alt}]")
        elif action == _LINK:
            if not closing:
                links.append((_link_target(_attr(attrs, "href"), base_url), len(out.parts), len(out.inline)))
            elif links:
                href, parts_at, inline_at = links.pop()
                if href:
                    label = _SPACE.sub(" ", out.label_since(parts_at, inline_at)).strip()
                    bare = href.removeprefix("mailto:")
                    if not label:
                        out.text(href)
                    elif bare not in label and label.rstrip("/") not in {href.rstrip("/"), bare}:
                        out.text(f" ({href})")
    if position < len(markup) and not skip_depth:
        tail = html.unescape(markup[position:])
        if pre_depth:
            pre_buffer.append(tail)
        else:
            out.text(tail)
    if pre_buffer:
        out.raw("".join(pre_buffer))
    return _CONTROL.sub("", out.result())


def clean_inline(value: str | None) -> str:
    """Return a one-line plain-text version of a title or name that may hold HTML or entities."""
    if not value:
        return ""
    if value.isprintable() and "  " not in value and "<" not in value and "&" not in value:
        return value.strip()  # the common case: nothing to clean
    if "<" in value:
        value = html_to_text(value)
    elif "&" in value:
        value = html.unescape(value)
    return _CONTROL.sub("", _SPACE.sub(" ", value)).strip()


def clean_url(value: str | None) -> str:
    """Return a URL without surrounding whitespace or control characters (which no URL needs)."""
    if not value:
        return ""
    value = value.strip()
    return value if value.isprintable() else _CONTROL.sub("", value).replace("\n", "").replace("\t", "")
