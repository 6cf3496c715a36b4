"""Making hostile text inert for the terminal, and the small text helpers the screens share.

Text from the internet may carry terminal escape sequences (ANSI colours, OSC 8 links, cursor moves),
carriage returns and backspaces that overwrite what was drawn, and bidi controls that reorder what is read.
`inert` replaces every such character with a visible stand-in, so the screen shows what was sent rather
than obeying it. Nothing here parses Rich markup: callers build Segments or `Text` from the result.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.cells import cell_len

BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
)
"""Arabic letter mark, LRM/RLM, the embeddings and overrides (U+202A-E) and the isolates (U+2066-9)."""

_SEPARATORS = {0x2028: "⟨U+2028⟩", 0x2029: "⟨U+2029⟩"}


def _stand_in(code: int) -> str:
    """The visible replacement for one dangerous character."""
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␍ for CR, ␈ for BS
    if code == 0x7F:
        return "␡"
    return f"⟨U+{code:04X}⟩"


def _build_table(keep_newlines: bool) -> dict[int, str]:
    table: dict[int, str] = {code: _stand_in(code) for code in range(0x20)}
    table[0x7F] = "␡"
    for code in range(0x80, 0xA0):
        table[code] = _stand_in(code)
    for code in BIDI_CONTROLS:
        table[code] = _stand_in(code)
    table.update(_SEPARATORS)
    table[0x09] = "  "  # a tab is harmless but has no fixed width in a cell grid
    if keep_newlines:
        del table[0x0A]
    else:
        table[0x0A] = " "
    return table


_KEEP_NEWLINES = _build_table(keep_newlines=True)
_FOLD_NEWLINES = _build_table(keep_newlines=False)
_SPACES = re.compile(r"[ \t\n]+")


def inert(text: str, *, keep_newlines: bool = True) -> str:
    """Return `text` with control, escape and bidi characters replaced by visible stand-ins.

    "\\r\\n" line endings become "\\n" first; a lone "\\r" becomes "␍". ESC becomes "␛", C1 controls and
    bidi controls become "⟨U+XXXX⟩". Newlines stay when `keep_newlines`, else become spaces.
    """
    text = text.replace("\r\n", "\n")
    return text.translate(_KEEP_NEWLINES if keep_newlines else _FOLD_NEWLINES)


def one_line(text: str, limit: int = 400) -> str:
    """Fold all whitespace runs to single spaces, make the result inert, and cut it to `limit` characters."""
    folded = _SPACES.sub(" ", text[: limit * 2].replace("\r\n", "\n")).strip()
    return inert(folded[:limit], keep_newlines=False)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """Cut `text` to at most `width` terminal cells, ending with an ellipsis when something was cut."""
    if width <= 0:
        return ""
    if len(text) <= width and text.isascii():
        return text
    if cell_len(text) <= width:
        return text
    budget = width - cell_len(ellipsis)
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > budget:
            return text[:index] + ellipsis
    return text


def pad(text: str, width: int) -> str:
    """Cut or pad `text` with spaces to exactly `width` cells."""
    text = truncate(text, width)
    return text + " " * (width - cell_len(text))


def wrap(text: str, width: int) -> list[str]:
    """Wrap one line of inert text to `width` cells at spaces, breaking words longer than a line."""
    width = max(1, width)
    if not text:
        return [""]
    if text.isascii() and len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    line_cells = 0
    for word in re.split(r"( +)", text):
        if not word:
            continue
        cells = cell_len(word)
        if line_cells + cells <= width:
            line += word
            line_cells += cells
            continue
        if word.startswith(" "):
            lines.append(line.rstrip(" "))
            line, line_cells = "", 0
            continue
        if line:
            lines.append(line.rstrip(" "))
            line, line_cells = "", 0
        while cells > width:
            head, used = _take_cells(word, width)
            lines.append(head)
            word = word[len(head) :]
            cells -= used
        line, line_cells = word, cells
    lines.append(line.rstrip(" "))
    return lines


def _take_cells(word: str, width: int) -> tuple[str, int]:
    """The longest prefix of `word` that fits in `width` cells (at least one character) and its width."""
    used = 0
    for index, char in enumerate(word):
        size = cell_len(char)
        if used + size > width and index > 0:
            return word[:index], used
        used += size
    return word, used


def ago(seconds: float) -> str:
    """An age as a phrase: "just now", "5m ago", "3h ago"."""
    short = age(seconds)
    return "just now" if short == "now" else f"{short} ago"


def age(seconds: float) -> str:
    """A short age: now, 5m, 3h, 2d, 3w, 4mo, 2y."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 7:
        return f"{days}d"
    if days < 60:
        return f"{days // 7}w"
    if days < 365:
        return f"{days // 30}mo"
    return f"{days // 365}y"


def timestamp(unix_seconds: int) -> str:
    """A local date and time such as "Sun 15 Jun 2025 14:03"."""
    moment = datetime.fromtimestamp(unix_seconds)
    return moment.strftime("%a %d %b %Y %H:%M")
