"""Discourse's cooked HTML as plain text: quotes, oneboxes, mentions, emoji, code, images, hostile markup."""

from __future__ import annotations

import time

from connectors.discourse.text import cooked_to_text

BASE = "https://forum.acme.dev/"


def quote(username: str, inner: str) -> str:
    return (
        f'<aside class="quote no-group" data-username="{username}" data-post="3" data-topic="9">'
        f'<div class="title"><div class="quote-controls"></div><img alt="" src="/a.png"> {username}:</div>'
        f"<blockquote>{inner}</blockquote></aside>"
    )


def test_a_quote_reads_as_who_wrote_what_with_quoted_lines() -> None:
    text = cooked_to_text(quote("jonas", "<p>first line</p><p>second line</p>") + "<p>I agree.</p>")
    assert text == "jonas wrote:\n> first line\n>\n> second line\n\nI agree."


def test_nested_quotes_nest_their_markers() -> None:
    inner = quote("kenji", "<p>deep</p>") + "<p>shallow</p>"
    text = cooked_to_text(quote("priya", inner))
    assert "priya wrote:\n> kenji wrote:\n> > deep\n>\n> shallow" in text


def test_oneboxes_links_mentions_and_emoji_read_naturally() -> None:
    cooked = (
        '<p>Hey <a class="mention" href="/u/lan_nguyen">@lan_nguyen</a> '
        '<img src="/images/emoji/twitter/wave.png?v=12" title=":wave:" class="emoji" alt=":wave:" loading="lazy">'
        ' see <a href="/t/some-topic/8102/4">this post</a> and '
        '<a class="hashtag-cooked" href="/c/support/5"><span>#support</span></a></p>'
        '<aside class="onebox githubissue" data-onebox-src="https://github.com/acme/relay/issues/2291">'
        '<header class="source"><a href="https://github.com/acme/relay/issues/2291">github.com</a></header>'
        '<article class="onebox-body"><h4><a href="https://github.com/acme/relay/issues/2291">Rebalance storm'
        "</a></h4><p>Opened by kenji</p></article></aside>"
    )
    text = cooked_to_text(cooked, base_url=BASE)
    assert text.startswith(
        "Hey @lan_nguyen :wave: see this post (https://forum.acme.dev/t/some-topic/8102/4)"
    )
    assert "#support" in text and "/c/support/5" not in text
    assert text.endswith("Rebalance storm (https://github.com/acme/relay/issues/2291)")
    assert "Opened by kenji" not in text, "the onebox is one line"


def test_code_blocks_keep_their_layout_and_images_become_alt_text() -> None:
    cooked = (
        '<pre><code class="lang-toml">[broker]\n  acks = "all"\n</code></pre>'
        '<p><img src="/uploads/graph.png" alt="lag graph" width="600"></p>'
        '<div class="lightbox-wrapper"><a class="lightbox" href="/uploads/big.png"><img src="/uploads/big.png" '
        'alt="big diagram"><div class="meta"><span class="filename">big.png</span>'
        '<span class="informations">2000×1000 1.2 MB</span></div></a></div>'
    )
    text = cooked_to_text(cooked, base_url=BASE)
    assert '[broker]\n  acks = "all"' in text
    assert "[image: lag graph]" in text and "[image: big diagram]" in text
    assert "1.2 MB" not in text and "big.png" not in text.replace("uploads/big.png", "")


def test_hostile_markup_is_inert() -> None:
    cooked = (
        '<p>hi<script>alert("x")</script><style>p{}</style>\x1b[2J\x1b]0;title\x07'
        '<a href="javascript:alert(1)">click</a><img src=x onerror=alert(1) alt="pic"></p>'
        '<aside class="quote" data-username="&lt;b&gt;evil&lt;/b&gt;"><blockquote><p>q</p></blockquote></aside>'
        "\ue0000\ue001"
    )
    text = cooked_to_text(cooked)
    for bad in ("<script", "alert", "javascript", "\x1b", "\x07", "<b>", "\ue000"):
        assert bad not in text, bad
    assert "click" in text and "[image: pic]" in text and "q" in text


def test_plain_text_and_empty_input() -> None:
    assert cooked_to_text("") == ""
    assert cooked_to_text("just   words\n") == "just words"


def test_pathological_markup_stays_fast() -> None:
    cooked = (
        '<aside class="quote" data-username="x">' * 5000 + "<p>" + "a" * 100_000 + "</p>" + "<a class=" * 5000
    )
    started = time.perf_counter()
    text = cooked_to_text(cooked)
    assert time.perf_counter() - started < 2.0
    assert "a" * 1000 in text
