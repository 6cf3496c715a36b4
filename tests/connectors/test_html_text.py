"""Blog HTML becomes readable plain text: paragraphs, lists, links with their URL, code, no tags."""

from __future__ import annotations

from connectors.feed.text import clean_inline, clean_url, html_to_text


def test_paragraphs_lists_links_and_code_read_naturally() -> None:
    html = (
        "<h2>Setup</h2><p>Install it &amp; run <code>tool init</code>, then read "
        '<a href="/docs/start/">the guide</a>.</p>\n<ul><li>fast</li><li>small</li></ul>'
        "<pre><code>def main():\n    return 0\n</code></pre><p>Bye<br>for now</p>"
    )
    assert html_to_text(html, base_url="https://b.example/post/") == (
        "Setup\n\nInstall it & run `tool init`, then read the guide (https://b.example/docs/start/).\n\n"
        "- fast\n- small\n\ndef main():\n    return 0\n\nBye\nfor now"
    )


def test_a_link_whose_text_is_its_url_is_not_repeated() -> None:
    assert html_to_text('<a href="https://x.example/">https://x.example/</a>') == "https://x.example/"
    assert html_to_text('<a href="mailto:ana@x.example">ana@x.example</a>') == "ana@x.example"


def test_scripts_styles_and_dangerous_links_disappear() -> None:
    html = (
        "<style>p{color:red}</style><p>Hi<script>alert('x')</script></p>"
        '<a href="javascript:alert(1)">click</a> <img src="cat.png" alt="a cat"><!-- hidden -->'
    )
    assert html_to_text(html) == "Hi\n\nclick [image: a cat]"


def test_entities_are_decoded_and_control_characters_removed() -> None:
    assert html_to_text("<p>caf&eacute; &#8211; &#x1F642; &lt;b&gt;</p>") == "café – 🙂 <b>"
    assert html_to_text("red \x1b[31malert\x1b[0m\x07 bell") == "red [31malert[0m bell"
    assert "\x1b" not in html_to_text("<p>\x1b]8;;https://evil.example\x1b\\link</p>")


def test_broken_markup_still_gives_text() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and more") == "unclosed bold and more"
    assert html_to_text("a < b and c > d") == "a < b and c > d"
    assert html_to_text("") == ""


def test_clean_inline_flattens_titles() -> None:
    assert clean_inline("  Caches &amp; <em>lies</em>\n  again ") == "Caches & lies again"
    assert clean_inline(None) == ""


def test_urls_lose_control_characters() -> None:
    assert clean_url(" https://x.example/a\x1b[31m\n") == "https://x.example/a[31m"
    assert clean_url(None) == ""
