"""Feed parsing: the cockpit's normaliser against feedparser, on the same bytes, in the same run.

The corpus is built deterministically in memory (seeded): 30 feeds shaped like real ones - WordPress RSS 2.0
with content:encoded CDATA, wfw and slash; plain RSS 2.0 with entity-escaped HTML, media and iTunes
namespaces; Atom with xml:base and relative links; RSS 1.0 (RDF) with Dublin Core - 20 to 100 items each,
HTML bodies of varied length, several date styles, non-ASCII text. `--write DIR` also saves it for
inspection.

For every feed both parsers run `--repeat` times and the best time counts (`time.perf_counter`). The
cockpit is timed twice: `parse_feed` alone (bytes to normalised entries), and `parse_feed` plus the
plain-text conversion of every entry's HTML (what the connector does before it yields posts). feedparser
also sanitises HTML and resolves relative links, so the second comparison is the closer one in work done.
Both must extract the same posts (ids, links, titles) or the run fails.

    python -m benchmarks.feeds [--repeat 5] [--write benchmarks/feed_corpus]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser

from connectors.feed.parse import parse_feed
from connectors.feed.text import clean_inline, html_to_text

WORDS = (
    "build cache release maintainer contributor community review pipeline terminal keyboard docs tutorial "
    "governance meetup issue tracker changelog version flaky test lockfile compiler linter plugin schema "
    "migration index query latency throughput backlog roadmap onboarding mentor sponsor license fork patch "
    "branch merge conflict deploy rollback observability trace metric alert incident postmortem newsletter"
).split()
NAMES = (
    "Zoë Achterberg", "Jürgen Weiß", "Aoife Ní Bhriain", "Tomás Ortega", "李静", "Priyanka Raghunathan",
    "Kwame Mensah", "Élodie Marchand", "Björn Lindqvist", "Chiara Rossi", "Søren Kjær", "Małgorzata Wiśniewska",
)  # fmt: skip
START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def sentence(rng: random.Random) -> str:
    """A plausible sentence of tooling and community vocabulary."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", "?", "!"])


def body(rng: random.Random, site: str) -> str:
    """An HTML post body: paragraphs, links, lists, code, images, quotes."""
    parts = []
    for _ in range(rng.randint(2, 12)):
        kind = rng.random()
        if kind < 0.6:
            text = " ".join(sentence(rng) for _ in range(rng.randint(1, 5)))
            if rng.random() < 0.5:
                word = rng.choice(WORDS)
                text += f' See <a href="/{word}/">the {word} notes</a> &amp; <em>more</em>.'
            parts.append(f"<p>{text}</p>")
        elif kind < 0.75:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(2, 5)))
            parts.append(f"<ul>{items}</ul>")
        elif kind < 0.85:
            parts.append(f"<pre><code>$ tool {rng.choice(WORDS)} --{rng.choice(WORDS)}\nok</code></pre>")
        elif kind < 0.93:
            parts.append(f'<p><img src="{site}img/{rng.randint(1, 999)}.png" alt="{rng.choice(WORDS)}"/></p>')
        else:
            parts.append(f"<blockquote><p>{sentence(rng)} &#8211; {rng.choice(NAMES)}</p></blockquote>")
    return "\n".join(parts)


def cdata(text: str) -> str:
    """Wrap text in a CDATA section, splitting any `]]>` inside."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wordpress_rss(rng: random.Random, n: int, site: str) -> str:
    """A WordPress-style RSS 2.0 feed with content:encoded, wfw and slash."""
    items = []
    for i in range(n):
        when = START - timedelta(hours=7 * i + rng.randint(0, 6))
        slug = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}"
        html = body(rng, site)
        items.append(
            f"""<item><title>{escape(sentence(rng)[:-1], quote=False)} &#8211; part {i}</title>
<link>{site}{slug}/</link><comments>{site}{slug}/#comments</comments>
<dc:creator>{cdata(rng.choice(NAMES))}</dc:creator><pubDate>{format_datetime(when, usegmt=True)}</pubDate>
<category>{cdata(rng.choice(WORDS))}</category><guid isPermaLink="false">{site}?p={1000 + i}</guid>
<description>{cdata(sentence(rng) + " [&#8230;]")}</description><content:encoded>{cdata(html)}</content:encoded>
<wfw:commentRss>{site}{slug}/feed/</wfw:commentRss><slash:comments>{rng.randint(0, 40)}</slash:comments></item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>{escape(rng.choice(NAMES))}'s notes</title><atom:link href="{site}feed/" rel="self"
type="application/rss+xml"/><link>{site}</link><description>Notes</description>
<lastBuildDate>{format_datetime(START, usegmt=True)}</lastBuildDate><language>en-US</language>
<sy:updatePeriod>hourly</sy:updatePeriod><generator>https://wordpress.org/?v=6.5.3</generator>
{"".join(items)}</channel></rss>"""


def plain_rss(rng: random.Random, n: int, site: str) -> str:
    """An RSS 2.0 feed with entity-escaped HTML, relative links, media and iTunes tags."""
    items = []
    for i in range(n):
        when = START - timedelta(days=i, minutes=rng.randint(0, 600))
        date = when.strftime("%a, %d %b %Y %H:%M:%S +0000") if i % 3 else when.strftime("%d %b %Y %H:%M GMT")
        link = (
            f"/posts/{i}-{rng.choice(WORDS)}.html"
            if i % 4 == 0
            else f"{site}posts/{i}-{rng.choice(WORDS)}.html"
        )
        items.append(
            f"""<item><title>{escape(sentence(rng)[:-1])}</title><link>{link}</link>
<guid isPermaLink="true">{urljoin(site, link)}</guid><pubDate>{date}</pubDate>
<author>editor@example.org ({escape(rng.choice(NAMES))})</author>
<description>{escape(body(rng, site))}</description>
<media:thumbnail url="{site}thumb/{i}.jpg" width="320" height="180"/>
<itunes:duration>{rng.randint(5, 90)}:00</itunes:duration></item>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>{escape(sentence(rng)[:30])}</title><link>{site}</link><description>Weekly</description>
{"".join(items)}</channel></rss>"""


def atom(rng: random.Random, n: int, site: str) -> str:
    """An Atom feed with xml:base and relative links."""
    entries = []
    for i in range(n):
        when = START - timedelta(hours=11 * i)
        slug = f"{i}-{rng.choice(WORDS)}"
        entries.append(
            f"""<entry><title type="html">{escape(escape(sentence(rng)[:-1]))}</title>
<link rel="alternate" type="text/html" href="posts/{slug}/"/>
<id>tag:{site.split("/")[2]},2025:{slug}</id><published>{when.isoformat()}</published>
<updated>{(when + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}</updated>
<author><name>{escape(rng.choice(NAMES))}</name></author><category term="{rng.choice(WORDS)}"/>
<summary type="html">{escape(sentence(rng))}</summary><content type="html">{escape(body(rng, site))}</content></entry>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{site}" xml:lang="en">
<title>{escape(sentence(rng)[:40])}</title><link rel="alternate" href="{site}"/><link rel="self" href="atom.xml"/>
<id>tag:{site.split("/")[2]},2025:feed</id><updated>{START.isoformat()}</updated>
<generator uri="https://gohugo.io/">Hugo</generator>{"".join(entries)}</feed>"""


def rdf(rng: random.Random, n: int, site: str) -> str:
    """An RSS 1.0 (RDF) feed with Dublin Core and content:encoded."""
    links = [f"{site}{i}-{rng.choice(WORDS)}" for i in range(n)]
    seq = "".join(f'<rdf:li rdf:resource="{link}"/>' for link in links)
    items = []
    for i, link in enumerate(links):
        when = START - timedelta(hours=5 * i)
        items.append(
            f"""<item rdf:about="{link}"><title>{escape(sentence(rng)[:-1])}</title><link>{link}</link>
<dc:date>{when.strftime("%Y-%m-%dT%H:%M:%S+00:00")}</dc:date><dc:creator>{escape(rng.choice(NAMES))}</dc:creator>
<description>{escape(sentence(rng))}</description><content:encoded>{cdata(body(rng, site))}</content:encoded></item>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="{site}"><title>Planet {rng.choice(WORDS)}</title><link>{site}</link>
<description>aggregated</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{"".join(items)}</rdf:RDF>"""


@dataclass(frozen=True)
class CorpusFeed:
    """One generated feed."""

    name: str
    kind: str
    url: str
    data: bytes
    items: int


def corpus(seed: int = 2025, count: int = 30) -> list[CorpusFeed]:
    """Build the corpus: `count` feeds cycling through the four shapes, 20-100 items each."""
    rng = random.Random(seed)
    makers: list[tuple[str, Callable[[random.Random, int, str], str], str]] = [
        ("wordpress", wordpress_rss, "feed/"),
        ("rss", plain_rss, "rss.xml"),
        ("atom", atom, "atom.xml"),
        ("rdf", rdf, "index.rdf"),
    ]
    feeds = []
    for index in range(count):
        kind, make, leaf = makers[index % len(makers)]
        items = rng.randint(20, 100)
        site = f"https://{kind}{index}.example/blog/"
        feeds.append(
            CorpusFeed(
                f"{index:02d}-{kind}", kind, site + leaf, make(rng, items, site).encode("utf-8"), items
            )
        )
    return feeds


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def ours(feed: CorpusFeed) -> Any:
    """The cockpit's normaliser: bytes to entries."""
    return parse_feed(feed.data, url=feed.url)


def ours_with_text(feed: CorpusFeed) -> list[str]:
    """The normaliser plus the plain-text conversion the connector does per post."""
    parsed = parse_feed(feed.data, url=feed.url)
    return [html_to_text(entry.content, base_url=entry.link) for entry in parsed.entries]


def theirs(feed: CorpusFeed) -> Any:
    """feedparser on the same bytes, told the feed's address for relative links."""
    return feedparser.parse(feed.data, response_headers={"content-location": feed.url})


def disagreements(feed: CorpusFeed) -> list[str]:
    """Where the two parsers extract different posts (ids, links, titles)."""
    mine = [(e.id, e.link, e.title) for e in ours(feed).entries]
    other = []
    for entry in theirs(feed).entries:
        link = urljoin(feed.url, entry.get("link", ""))
        other.append((entry.get("id") or link, link, clean_inline(entry.get("title", ""))))
    if len(mine) != len(other):
        return [f"{feed.name}: {len(mine)} entries vs feedparser's {len(other)}"]
    return [f"{feed.name}: {a} != {b}" for a, b in zip(mine, other, strict=True) if a != b]


def row(label: str, times: list[float]) -> str:
    """One markdown table row: min, median, max and total milliseconds."""
    return f"| {label} | {min(times):.2f} | {statistics.median(times):.2f} | {max(times):.2f} | {sum(times):.1f} |"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a markdown table; exit 1 if the parsers disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="runs per feed and parser (best counts)")
    parser.add_argument("--feeds", type=int, default=30, help="how many feeds to generate")
    parser.add_argument("--write", type=Path, help="also save the corpus into this directory")
    args = parser.parse_args(argv)
    feeds = corpus(count=args.feeds)
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for feed in feeds:
            suffix = {"wordpress": "rss", "rss": "rss", "atom": "atom", "rdf": "rdf"}[feed.kind]
            (args.write / f"{feed.name}.{suffix}.xml").write_bytes(feed.data)
    problems = [problem for feed in feeds for problem in disagreements(feed)]
    parse_ms, text_ms, feedparser_ms = [], [], []
    for feed in feeds:
        parse_ms.append(best_of(args.repeat, partial(ours, feed)))
        text_ms.append(best_of(args.repeat, partial(ours_with_text, feed)))
        feedparser_ms.append(best_of(max(1, args.repeat // 2), partial(theirs, feed)))
    size = sum(len(feed.data) for feed in feeds)
    items = sum(feed.items for feed in feeds)
    print(
        f"## Feed parsing: {len(feeds)} feeds, {items} items, {size / 1e6:.1f} MB (best of {args.repeat} runs)\n"
    )
    print(
        f"Python {platform.python_version()} on {platform.machine()}, feedparser {feedparser.__version__}\n"
    )
    print("| parser | min ms/feed | median ms/feed | max ms/feed | total ms |")
    print("|---|---:|---:|---:|---:|")
    print(row("cockpit `parse_feed` (fastfeedparser inside)", parse_ms))
    print(row("cockpit `parse_feed` + plain text of every entry", text_ms))
    print(row("feedparser 6", feedparser_ms))
    ratios = [slow / fast for slow, fast in zip(feedparser_ms, parse_ms, strict=True)]
    text_ratios = [slow / fast for slow, fast in zip(feedparser_ms, text_ms, strict=True)]
    print()
    print(
        f"Speed-up of `parse_feed` over feedparser: median {statistics.median(ratios):.0f}x per feed "
        f"(min {min(ratios):.0f}x), {sum(feedparser_ms) / sum(parse_ms):.0f}x in total."
    )
    print(
        f"With the plain-text conversion: median {statistics.median(text_ratios):.0f}x per feed "
        f"(min {min(text_ratios):.0f}x), {sum(feedparser_ms) / sum(text_ms):.0f}x in total."
    )
    print(f"Same posts (ids, links, titles) from both parsers: {'yes' if not problems else 'NO'}.")
    for problem in problems[:20]:
        print(f"- {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
