"""Feed parsing: every format, the encodings feeds get wrong, odd dates, relative links, broken input."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from connectors.feed.parse import FeedParseError, decode_feed, parse_feed

WORDPRESS_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Tideline</title>
  <link>https://tideline.example/</link>
  <generator>https://wordpress.org/?v=6.5.3</generator>
  <item>
    <title>Caches &amp; the lies they tell</title>
    <link>/the-cache-that-lied/</link>
    <comments>https://tideline.example/the-cache-that-lied/#comments</comments>
    <dc:creator><![CDATA[Zoë Achterberg]]></dc:creator>
    <pubDate>Mon, 02 Jun 2025 10:00:00 +0000</pubDate>
    <guid isPermaLink="false">https://tideline.example/?p=42</guid>
    <description><![CDATA[Short excerpt [&#8230;]]]></description>
    <content:encoded><![CDATA[<p>Full <a href="/docs/">text</a>.</p>]]></content:encoded>
    <wfw:commentRss>https://tideline.example/the-cache-that-lied/feed/</wfw:commentRss>
    <slash:comments>3</slash:comments>
  </item>
  <item>
    <title>No comments yet</title>
    <link>https://tideline.example/quiet/</link>
    <guid isPermaLink="false">https://tideline.example/?p=43</guid>
    <pubDate>Tue, 03 Jun 2025 08:30:00 +0200</pubDate>
    <wfw:commentRss>https://tideline.example/quiet/feed/</wfw:commentRss>
    <slash:comments>0</slash:comments>
  </item>
</channel>
</rss>
"""

RSS_091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old School</title><link>http://old.example/</link>
<description>Since 1999</description><language>en-us</language>
<item><title>Still here</title><link>http://old.example/still-here</link>
<description>We never migrated.</description></item></channel></rss>"""

RSS_10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://planet.example/"><title>Planet Tooling</title>
    <link>https://planet.example/</link><description>aggregated</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://planet.example/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://planet.example/a"><title>Aggregated post</title>
    <link>https://planet.example/a</link><dc:date>2025-05-30T09:15:00+02:00</dc:date>
    <dc:creator>Björn Lindqvist</dc:creator><description>Hello from &lt;b&gt;RDF&lt;/b&gt;</description>
  </item>
</rdf:RDF>""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"
  xml:base="https://ferrous.example/blog/">
  <title>Ferrous Notes</title>
  <link rel="alternate" href="https://ferrous.example/blog/"/>
  <id>tag:ferrous.example,2019:blog</id>
  <updated>2025-06-01T10:00:00Z</updated>
  <entry>
    <title type="html">Release notes &amp;lt;people&amp;gt; read</title>
    <link rel="alternate" href="posts/release-notes/"/>
    <link rel="replies" type="application/atom+xml" href="posts/release-notes/comments.atom" thr:count="2"/>
    <id>tag:ferrous.example,2024:post-release-notes</id>
    <published>2025-05-20T07:00:00+02:00</published>
    <updated>2025-05-21T07:00:00+02:00</updated>
    <author><name>Søren Kjær</name><uri>https://ferrous.example/</uri></author>
    <content type="html">&lt;p&gt;Start with &lt;strong&gt;what changes for me&lt;/strong&gt;.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_wordpress_rss_gives_posts_with_comment_feeds_counts_and_ids() -> None:
    feed = parse_feed(WORDPRESS_RSS.encode(), url="https://tideline.example/feed/")
    assert (feed.kind, feed.parser, feed.title, feed.is_wordpress) == (
        "rss",
        "fastfeedparser",
        "Tideline",
        True,
    )
    first, second = feed.entries
    assert first.id == "https://tideline.example/?p=42"
    assert first.wp_post_id == 42
    assert first.title == "Caches & the lies they tell"
    assert first.link == "https://tideline.example/the-cache-that-lied/"
    assert first.author == "Zoë Achterberg"
    assert first.published == datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    assert first.comments_feed == "https://tideline.example/the-cache-that-lied/feed/"
    assert first.comments_page == "https://tideline.example/the-cache-that-lied/#comments"
    assert first.comment_count == 3
    assert "<a href" in first.content, "the full content, not the excerpt"
    assert second.comment_count == 0
    assert second.published == datetime(2025, 6, 3, 6, 30, tzinfo=UTC)


def test_rss_091_with_a_doctype() -> None:
    feed = parse_feed(RSS_091, url="http://old.example/rss.xml")
    assert feed.title == "Old School"
    assert [(e.title, e.link, e.id) for e in feed.entries] == [
        ("Still here", "http://old.example/still-here", "http://old.example/still-here")
    ]


def test_rss_10_rdf() -> None:
    feed = parse_feed(RSS_10, url="https://planet.example/index.rdf")
    assert feed.kind == "rdf"
    (entry,) = feed.entries
    assert entry.id == "https://planet.example/a"
    assert entry.author == "Björn Lindqvist"
    assert entry.published == datetime(2025, 5, 30, 7, 15, tzinfo=UTC)


def test_atom_with_xml_base_relative_links_and_replies() -> None:
    feed = parse_feed(ATOM.encode(), url="https://ferrous.example/blog/atom.xml")
    assert feed.kind == "atom"
    (entry,) = feed.entries
    assert entry.title == "Release notes <people> read"
    assert entry.link == "https://ferrous.example/blog/posts/release-notes/"
    assert entry.comments_feed == "https://ferrous.example/blog/posts/release-notes/comments.atom"
    assert entry.comment_count == 2
    assert entry.author == "Søren Kjær"
    assert entry.published == datetime(2025, 5, 20, 5, 0, tzinfo=UTC)
    assert entry.updated == datetime(2025, 5, 21, 5, 0, tzinfo=UTC)


def test_json_feed_11_and_10() -> None:
    v11 = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Notes in the Margins",
        "home_page_url": "https://margins.example/",
        "authors": [{"name": "Małgorzata Wiśniewska"}],
        "items": [
            {
                "id": "m-1",
                "url": "/docs-are-a-conversation/",
                "title": "Docs are a conversation",
                "content_html": "<p>Every page answers a question.</p>",
                "date_published": "2025-05-01T10:00:00+02:00",
            },
            {"id": 2, "content_text": "A note without a title or a URL.", "date_published": "not a date"},
            "junk",
        ],
    }
    feed = parse_feed(json.dumps(v11).encode(), url="https://margins.example/feed.json")
    assert (feed.kind, feed.parser, feed.title) == ("json", "jsonfeed", "Notes in the Margins")
    first, second = feed.entries
    assert first.link == "https://margins.example/docs-are-a-conversation/"
    assert first.author == "Małgorzata Wiśniewska"
    assert first.published == datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    assert second.id == "2" and not second.content_is_html and second.published is None
    v10 = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old JSON",
        "author": {"name": "Tomás Ortega", "url": "https://tomas.example/"},
        "items": [{"id": "x", "url": "https://tomas.example/x", "summary": "Just a summary"}],
    }
    (entry,) = parse_feed(json.dumps(v10).encode()).entries
    assert (entry.author, entry.author_url) == ("Tomás Ortega", "https://tomas.example/")


SMALL = """<?xml version="1.0" encoding="{declared}"?>
<rss version="2.0"><channel><title>Café Ünïcode</title><link>https://cafe.example/</link>
<item><title>Zoë’s naïve résumé</title><link>https://cafe.example/1</link></item></channel></rss>
"""


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8 with a BOM", b"\xef\xbb\xbf" + SMALL.format(declared="utf-8").encode()),
        ("utf-16 with a BOM", SMALL.format(declared="utf-16").encode("utf-16")),
        ("utf-16-be without a BOM", SMALL.format(declared="UTF-16").encode("utf-16-be")),
        ("utf-16-le without a BOM", SMALL.format(declared="UTF-16").encode("utf-16-le")),
        ("declared latin-1, really utf-8", SMALL.format(declared="ISO-8859-1").encode()),
        ("declared utf-8, really windows-1252", SMALL.format(declared="utf-8").encode("cp1252")),
        (
            "declared windows-1252, really windows-1252",
            SMALL.format(declared="windows-1252").encode("cp1252"),
        ),
        ("leading blank lines", b"\n\n  " + SMALL.format(declared="utf-8").encode()),
    ],
)
def test_encodings_that_feeds_get_wrong(label: str, data: bytes) -> None:
    feed = parse_feed(data, url="https://cafe.example/feed")
    assert feed.title == "Café Ünïcode", label
    assert [e.title for e in feed.entries] == ["Zoë’s naïve résumé"], label


def test_the_http_charset_is_used_when_the_document_says_nothing() -> None:
    data = '<rss version="2.0"><channel><title>Ελληνικά</title><item><title>Καλημέρα</title>'
    data += "<link>https://gr.example/1</link></item></channel></rss>"
    encoded = data.encode("iso-8859-7")
    assert decode_feed(encoded, "application/rss+xml; charset=ISO-8859-7") == data
    feed = parse_feed(encoded, url="https://gr.example/feed", content_type="text/xml; charset=iso-8859-7")
    assert [e.title for e in feed.entries] == ["Καλημέρα"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Mon, 02 Jun 2025 10:00:00 +0000", datetime(2025, 6, 2, 10, 0, tzinfo=UTC)),
        ("Mon, 2 Jun 2025 10:00:00 GMT", datetime(2025, 6, 2, 10, 0, tzinfo=UTC)),
        ("Mon, 02 Jun 25 10:00:00 EST", datetime(2025, 6, 2, 15, 0, tzinfo=UTC)),
        ("2025-06-02T10:00:00.123+02:00", datetime(2025, 6, 2, 8, 0, 0, 123000, tzinfo=UTC)),
        ("2025-06-02 10:00", datetime(2025, 6, 2, 10, 0, tzinfo=UTC)),
        ("02 Jun 2025", datetime(2025, 6, 2, 0, 0, tzinfo=UTC)),
        ("Sun, 31 Feb 2025 99:00:00 +0000", None),
        ("garbage", None),
    ],
)
def test_odd_dates(written: str, expected: datetime | None) -> None:
    data = (
        "<rss version='2.0'><channel><title>d</title><item><title>t</title><link>https://d.example/1</link>"
    )
    data += f"<pubDate>{written}</pubDate></item></channel></rss>"
    (entry,) = parse_feed(data.encode(), url="https://d.example/feed").entries
    assert entry.published == expected


def test_relative_links_resolve_against_the_feed_address() -> None:
    data = b"""<rss version="2.0"><channel><title>r</title><link>/</link>
    <item><title>a</title><link>posts/a.html</link><guid>posts/a.html</guid></item>
    <item><title>b</title><link>/b/</link><comments>/b/#comments</comments></item></channel></rss>"""
    feed = parse_feed(data, url="https://rel.example/blog/feed.xml")
    assert feed.link == "https://rel.example/"
    assert [e.link for e in feed.entries] == [
        "https://rel.example/blog/posts/a.html",
        "https://rel.example/b/",
    ]
    assert feed.entries[1].comments_page == "https://rel.example/b/#comments"


def test_bare_ampersands_and_html_entities_in_xml_are_repaired() -> None:
    data = b"""<rss version="2.0"><channel><title>Q&A with &nbsp;friends</title>
    <item><title>Tools & tricks &eacute;t&eacute; &copy; 2025</title><link>https://q.example/1?a=1&b=2</link></item>
    <item><title>Second</title><link>https://q.example/2</link></item></channel></rss>"""
    feed = parse_feed(data, url="https://q.example/feed")
    assert feed.title == "Q&A with friends"
    assert [e.title for e in feed.entries] == ["Tools & tricks été © 2025", "Second"]
    assert feed.entries[0].link == "https://q.example/1?a=1&b=2"


def test_what_fastfeedparser_cannot_read_falls_back_to_feedparser() -> None:
    upper = b"<RSS version='2.0'><CHANNEL><TITLE>Loud</TITLE><ITEM><TITLE>A</TITLE>"
    upper += b"<LINK>https://loud.example/a</LINK></ITEM></CHANNEL></RSS>"
    feed = parse_feed(upper, url="https://loud.example/feed")
    assert feed.parser == "feedparser"
    assert [(e.title, e.link) for e in feed.entries] == [("A", "https://loud.example/a")]
    mismatched = b"<rss version='2.0'><channel><title>m</title><item><title>a</i></title>"
    mismatched += (
        b"<link>https://m.example/a</link></item><item><title>b</title><link>https://m.example/b</link>"
    )
    mismatched += b"</item></channel></rss>"
    feed = parse_feed(mismatched, url="https://m.example/feed")
    assert [(e.title, e.link) for e in feed.entries] == [
        ("a", "https://m.example/a"),
        ("b", "https://m.example/b"),
    ]


def test_comment_feed_items_keep_wordpress_ids_and_reply_links() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
    xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
    <channel><title>Comments on: Caches</title><link>https://t.example/caches/</link>
    <item><title>By: Ana Lima</title><link>https://t.example/caches/#comment-7</link>
      <dc:creator><![CDATA[Ana Lima]]></dc:creator><guid isPermaLink="false">https://t.example/?p=42#comment-7</guid>
      <content:encoded><![CDATA[<p>In reply to <a href="https://t.example/caches/#comment-5">Jürgen</a>.</p>
<p>Yes, we sandbox it.</p>]]></content:encoded></item>
    </channel></rss>"""
    (entry,) = parse_feed(data.encode(), url="https://t.example/caches/feed/").entries
    assert (entry.wp_post_id, entry.wp_comment_id) == (42, 7)
    assert entry.in_reply_to == "https://t.example/caches/#comment-5"
    assert entry.title == "By: Ana Lima" and entry.author == "Ana Lima"


def test_an_entry_without_id_or_link_gets_a_stable_id() -> None:
    data = b"<rss version='2.0'><channel><title>x</title><item><title>Only a title</title>"
    data += b"<description>and text</description></item></channel></rss>"
    first = parse_feed(data).entries[0].id
    assert first.startswith("sha1:") and parse_feed(data).entries[0].id == first


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"<!DOCTYPE html><html><head><title>Blog</title></head><body>hi</body></html>", "web page"),
        (b"Just some words, no markup at all.", "neither XML nor JSON"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b'{"items": [1, 2', "not valid JSON"),
        (b"<?xml version='1.0'?><note><to>Tove</to></note>", "not a feed"),
        (b"\x00\x01\x02\xff\xfe garbage", "neither XML nor JSON"),
    ],
)
def test_what_is_not_a_feed_is_a_typed_error(data: bytes, says: str) -> None:
    with pytest.raises(FeedParseError) as caught:
        parse_feed(data, url="https://nope.example/feed")
    assert says in str(caught.value)
