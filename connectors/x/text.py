"""Text rules of X: counting characters the way X does, and cleaning tweet text for display."""

from __future__ import annotations

import re
import unicodedata

MAX_TWEET_LENGTH = 280
"""The weighted length a post may have."""
URL_LENGTH = 23
"""Every link counts as this many characters, whatever its length (t.co shortening)."""

_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
"""Code points that weigh one; every other character weighs two (CJK, emoji, most symbols)."""

_TLDS = (
    "com|org|net|io|dev|co|app|ai|me|info|biz|edu|gov|xyz|tech|cloud|sh|ly|gg|tv|uk|de|fr|nl|eu|ca|us|jp|in"
)
_URL = re.compile(
    r"(?<![\w@.])(?:https?://[^\s<>\"]+|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:"
    + _TLDS
    + r")\b(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""
_EMOJI = re.compile(
    "(?:[\U0001f1e6-\U0001f1ff]{2}"  # flags
    "|[#*0-9]\ufe0f?\u20e3"  # keycaps
    "|(?:[\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U0001f000-\U0001faff](?:\ufe0f|[\U0001f3fb-\U0001f3ff])*)"
    "(?:\u200d(?:[\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U0001f000-\U0001faff](?:\ufe0f|[\U0001f3fb-\U0001f3ff])*))*)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT_RANGES) else 2


def _urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def x_length(text: str) -> int:
    """The length X counts for `text`: NFC code points, two for wide characters and emoji, 23 per link."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for start, end in [*_urls(text), (len(text), len(text))]:
        chunk = text[position:start]
        index = 0
        while index < len(chunk):
            emoji = _EMOJI.match(chunk, index)
            if emoji is not None and emoji.end() > index:
                total += 2
                index = emoji.end()
                continue
            total += _weight(chunk[index])
            index += 1
        if end > start:
            total += URL_LENGTH
        position = end
    return total


def fits(text: str) -> bool:
    """Whether `text` is short enough to post."""
    return x_length(text) <= MAX_TWEET_LENGTH


def clean_text(text: str, limit: int = 25_000) -> str:
    """Tweet text fit for display: no control or bidi-override characters, bounded length."""
    return _CONTROL.sub("", text)[:limit]
