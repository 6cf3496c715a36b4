"""Counting characters the way X does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from connectors.x.text import MAX_TWEET_LENGTH, URL_LENGTH, clean_text, fits, x_length


def test_plain_latin_text_counts_one_per_character() -> None:
    assert x_length("hello @acmerelay") == 16
    assert x_length("café naïve") == 10


def test_decomposed_accents_are_normalised_first() -> None:
    assert x_length("cafe\u0301") == x_length("café") == 4


def test_every_link_counts_23_whatever_its_length() -> None:
    long = "https://docs.acme.dev/consumers/groups?section=inflight&lang=en#max-inflight"
    assert x_length(f"see {long}") == 4 + URL_LENGTH
    assert x_length("see http://a.io") == 4 + URL_LENGTH
    assert x_length("docs: docs.acme.dev/consumers.") == len("docs: ") + URL_LENGTH + 1
    assert (
        x_length("two links https://a.dev and www.acme.dev")
        == len("two links ") + URL_LENGTH + 5 + URL_LENGTH
    )


def test_wide_characters_and_emoji_count_two() -> None:
    assert x_length("日本語") == 6
    assert x_length("👍") == 2
    assert x_length("👨\u200d👩\u200d👧") == 2, "a ZWJ family is one emoji"
    assert x_length("👍🏽") == 2, "a skin tone joins its emoji"
    assert x_length("🇫🇷") == 2
    assert x_length("ok ✅") == 5


def test_the_limit() -> None:
    assert fits("a" * MAX_TWEET_LENGTH) and not fits("a" * (MAX_TWEET_LENGTH + 1))
    assert not fits("日" * 141) and fits("日" * 140)
    assert fits("x " * 128 + "https://example.com/" + "y" * 300)


@given(st.text(max_size=200))
def test_the_count_never_undercounts_ascii_and_never_exceeds_double(text: str) -> None:
    length = x_length(text)
    assert 0 <= length <= 2 * len(text) + URL_LENGTH * text.count(".") + URL_LENGTH * text.count("//")


def test_clean_text_drops_control_and_bidi_overrides_but_keeps_newlines() -> None:
    assert clean_text("a\u202eb\x00c\nd") == "abc\nd"
