"""OPML in and out: the lists of feeds people carry between readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.feed.opml import OpmlError, OpmlFeed, read_opml, write_opml

READER_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Zoë's subscriptions</title></head>
  <body>
    <outline text="Tooling" title="Tooling">
      <outline type="rss" text="Tideline" title="Tideline" xmlUrl="https://tideline.example/feed/"
        htmlUrl="https://tideline.example/"/>
      <outline text="Deeper">
        <outline type="rss" text="Ferrous Notes" xmlurl="https://ferrous.example/atom.xml"/>
      </outline>
    </outline>
    <outline type="rss" text="Notes in the Margins" xmlUrl="https://margins.example/feed.json"/>
    <outline type="rss" text="Tideline again" xmlUrl="https://tideline.example/feed/"/>
    <outline type="rss" text="Not a web feed" xmlUrl="file:///etc/passwd"/>
    <outline type="link" text="Just a link" url="https://example.org/"/>
  </body>
</opml>
"""


def test_reading_keeps_titles_folders_and_order_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "subscriptions.opml"
    path.write_text(READER_EXPORT, encoding="utf-8")
    assert read_opml(path) == [
        OpmlFeed("https://tideline.example/feed/", "Tideline", "https://tideline.example/", "Tooling"),
        OpmlFeed("https://ferrous.example/atom.xml", "Ferrous Notes", "", "Tooling / Deeper"),
        OpmlFeed("https://margins.example/feed.json", "Notes in the Margins", "", ""),
    ]
    assert read_opml(READER_EXPORT) == read_opml(READER_EXPORT.encode())


def test_writing_then_reading_gives_the_same_feeds() -> None:
    feeds = [
        OpmlFeed("https://tideline.example/feed/", "Tideline", "https://tideline.example/", "Tooling"),
        OpmlFeed("https://commons.example/feed/?lang=en&x=1", "The Commons <Garden>", "", "Community"),
        OpmlFeed("https://margins.example/feed.json", "Notes in the Margins — Małgorzata", "", ""),
    ]
    document = write_opml(feeds, title="acme-blog feeds")
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "acme-blog feeds" in document and "&amp;x=1" in document
    assert read_opml(document) == feeds


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ("<opml><body><outline", "not valid XML (line 1"),
        ("<rss><channel/></rss>", "not OPML"),
        ("<opml version='2.0'><head/></opml>", "no <body>"),
        (
            "<?xml version='1.0'?><!DOCTYPE opml [<!ENTITY a 'aaaa'>]><opml><body/></opml>",
            "declares XML entities",
        ),
    ],
)
def test_a_bad_file_says_what_is_wrong(document: str, says: str) -> None:
    with pytest.raises(OpmlError) as caught:
        read_opml(document)
    assert says in str(caught.value)


def test_a_missing_file_is_an_opml_error(tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match="cannot read"):
        read_opml(tmp_path / "nope.opml")
