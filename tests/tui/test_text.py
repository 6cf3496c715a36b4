"""The sanitiser makes hostile text visible and inert; the small formatters say what they should."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from cockpit.tui.text import age, ago, inert, one_line, pad, truncate, wrap

DANGEROUS = [chr(code) for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))] + [
    "\u061c",
    "\u200e",
    "\u200f",
    *(chr(code) for code in range(0x202A, 0x202F)),
    *(chr(code) for code in range(0x2066, 0x206A)),
]


def test_escape_sequences_become_visible_stand_ins() -> None:
    assert inert("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert inert("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "␛]8;;http://x␛\\link␛]8;;␛\\"
    assert inert("\x9b2J") == "⟨U+009B⟩2J"
    assert inert("bell\x07") == "bell␇"


def test_overwriting_characters_are_shown_not_obeyed() -> None:
    assert inert("safe\rEVIL") == "safe␍EVIL"
    assert inert("abc\b\bX") == "abc␈␈X"
    assert inert("line one\r\nline two") == "line one\nline two"
    assert inert("a\nb", keep_newlines=False) == "a b"


def test_bidi_controls_are_shown_as_code_points() -> None:
    assert inert("\u202eevil") == "⟨U+202E⟩evil"
    assert inert("a\u2066b\u2069c\u200fd\u061c") == "a⟨U+2066⟩b⟨U+2069⟩c⟨U+200F⟩d⟨U+061C⟩"


def test_markup_is_left_as_text() -> None:
    assert inert("[bold red]x[/] [link=http://e]y[/link]") == "[bold red]x[/] [link=http://e]y[/link]"


@given(st.text(alphabet=st.sampled_from([*DANGEROUS, "a", " ", "[", "]", "é", "日"]), max_size=200))
def test_no_dangerous_character_survives(text: str) -> None:
    for keep in (True, False):
        result = inert(text, keep_newlines=keep)
        leftover = set(result) & set(DANGEROUS)
        assert leftover <= ({"\n"} if keep else set()), leftover
    assert not set(one_line(text)) & set(DANGEROUS)


def test_one_line_folds_whitespace_and_caps_length() -> None:
    assert one_line("  hello\n\n  world\t ok  ") == "hello world ok"
    assert one_line("x" * 1_000, 10) == "x" * 10


def test_wrap_breaks_at_spaces_and_splits_long_words() -> None:
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]
    assert wrap("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]
    assert wrap("", 10) == [""]
    assert all(cell_len(line) <= 6 for line in wrap("日本語のテキストです", 6))


def test_truncate_and_pad_respect_cell_widths() -> None:
    assert truncate("hello world", 8) == "hello w…"
    assert truncate("日本語のテキスト", 7) == "日本語…"
    assert cell_len(pad("日本", 7)) == 7
    assert pad("abc", 2) == "a…"


def test_ages_are_short() -> None:
    assert [age(s) for s in (0, 59, 300, 3 * 3600, 2 * 86400, 21 * 86400, 100 * 86400, 800 * 86400)] == [
        "now",
        "now",
        "5m",
        "3h",
        "2d",
        "3w",
        "3mo",
        "2y",
    ]


def test_ages_as_phrases_never_say_now_ago() -> None:
    assert [ago(s) for s in (0, 59, 300, 2 * 86400)] == ["just now", "just now", "5m ago", "2d ago"]


def test_queue_excerpts_skip_the_mentions_a_reply_starts_with() -> None:
    from cockpit.tui.widgets.queue_list import without_leading_mentions

    assert without_leading_mentions("@acmerelay @priya_r, thanks, that fixed it") == "thanks, that fixed it"
    assert without_leading_mentions("@acmerelay") == "@acmerelay", "nothing else said: keep what there is"
    assert without_leading_mentions("Thanks @acmerelay!") == "Thanks @acmerelay!"
