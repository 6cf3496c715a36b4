"""Read and write OPML, the format feed readers use to move lists of feeds around."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

MAX_OPML_BYTES = 10 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _plain(value: str) -> str:
    """OPML titles are plain text: collapse whitespace and drop control characters."""
    return " ".join(_CONTROL.sub(" ", value).split())


class OpmlError(ValueError):
    """An OPML file that cannot be read; the message says what is wrong and where."""


@dataclass(frozen=True)
class OpmlFeed:
    """One feed listed in an OPML file."""

    url: str
    title: str = ""
    site_url: str = ""
    category: str = ""
    """The titles of the enclosing outlines, joined with " / " (folders in most readers)."""


def _attribute(element: ET.Element, name: str) -> str:
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def read_opml(source: str | bytes | Path) -> list[OpmlFeed]:
    """Return the feeds of an OPML document (a path, or its bytes or text), in order, without duplicates."""
    where = str(source) if isinstance(source, Path) else "the OPML document"
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_OPML_BYTES:
                raise OpmlError(f"{source} is too large to be an OPML file")
            data: str | bytes = source.read_bytes()
        except OSError as exc:
            raise OpmlError(f"cannot read {source}: {exc.strerror or type(exc).__name__}") from None
    else:
        data = source
    if "<!ENTITY" in (data if isinstance(data, str) else data.decode("latin-1")):
        raise OpmlError(f"{where} declares XML entities, which OPML never needs; refusing to read it")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise OpmlError(f"{where} is not valid XML (line {line}, column {column})") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"{where} is not OPML (its root element is <{root.tag}>)")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError(f"{where} has no <body>")
    feeds: dict[str, OpmlFeed] = {}

    def walk(element: ET.Element, path: tuple[str, ...]) -> None:
        for outline in element:
            if outline.tag.lower() != "outline":
                continue
            title = _plain(_attribute(outline, "title") or _attribute(outline, "text"))
            url = _attribute(outline, "xmlUrl")
            if url and url.startswith(("http://", "https://")) and url not in feeds:
                feeds[url] = OpmlFeed(
                    url=url, title=title, site_url=_attribute(outline, "htmlUrl"), category=" / ".join(path)
                )
            walk(outline, (*path, title) if not url and title else path)

    walk(body, ())
    return list(feeds.values())


def write_opml(feeds: Iterable[OpmlFeed], *, title: str = "Feeds from the cockpit") -> str:
    """Return an OPML 2.0 document listing `feeds`, grouped into outlines by category."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            parent = folders.get(feed.category) or ET.SubElement(
                body, "outline", text=feed.category, title=feed.category
            )
            folders[feed.category] = parent
        attributes = {
            "type": "rss",
            "text": feed.title or feed.url,
            "title": feed.title or feed.url,
            "xmlUrl": feed.url,
        }
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
