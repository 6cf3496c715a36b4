"""Hostile bytes never crash the feed normaliser: it parses them or raises its one typed error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.feed.parse import FeedParseError, ParsedFeed, parse_feed
from connectors.feed.text import html_to_text
from tests.connectors.test_feed_parse import ATOM, WORDPRESS_RSS

SEEDS = [
    WORDPRESS_RSS.encode(),
    ATOM.encode(),
    WORDPRESS_RSS.encode("utf-16"),
    json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "x"}]}
    ).encode(),
]
JUNK = st.sampled_from(
    [b"<", b">", b"&", b"]]>", b"<![CDATA[", b"<item>", b"</item>", b"<entry", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
     b'encoding="utf-16"', b"&nbsp;", b"&#xD800;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"{", b"}", b'"', b"\xe2\x80"]
)  # fmt: skip
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes) -> None:
    try:
        result = parse_feed(data, url="https://fuzz.example/feed/")
    except FeedParseError as error:
        assert str(error)
        return
    assert isinstance(result, ParsedFeed)
    for entry in result.entries:
        assert entry.id
        html_to_text(entry.content, base_url=entry.link)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check(data)


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "truncate", "duplicate", "flip"]))
        if action == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(JUNK)
        elif action == "truncate":
            del data[at:]
        elif action == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 300))]
        elif at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


@FUZZ
@given(mangled())
def test_mangled_feeds(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(max_size=500))
def test_html_to_text_takes_any_text(markup: str) -> None:
    assert isinstance(html_to_text(markup, base_url="https://fuzz.example/"), str)
