"""Blog feeds: RSS, Atom and JSON Feed posts as context, their comments as conversations."""

from __future__ import annotations

from connectors.feed.connector import FeedConnector, FeedCursor, FeedOptions
from connectors.feed.opml import OpmlError, OpmlFeed, read_opml, write_opml
from connectors.feed.parse import FeedEntry, FeedParseError, ParsedFeed, parse_feed
from connectors.feed.text import html_to_text

__all__ = [
    "FeedConnector",
    "FeedCursor",
    "FeedEntry",
    "FeedOptions",
    "FeedParseError",
    "OpmlError",
    "OpmlFeed",
    "ParsedFeed",
    "html_to_text",
    "parse_feed",
    "read_opml",
    "write_opml",
]
