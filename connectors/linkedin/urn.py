"""LinkedIn URNs and Rest.li 2.0 query syntax: encoding for paths and queries, and reading them back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

URN = re.compile(r"^urn:li:[A-Za-z]+:[^\s]{1,300}$")
_COMMENT = re.compile(r"^urn:li:comment:\((urn:li:[A-Za-z]+:[0-9A-Za-z_-]+),([0-9A-Za-z_-]+)\)$")


def is_urn(value: object) -> bool:
    """Whether `value` looks like a LinkedIn URN (`urn:li:<type>:<id>`)."""
    return isinstance(value, str) and bool(URN.match(value))


def urn_type(urn: str) -> str:
    """The entity type of a URN ("organization", "person", "comment", ...)."""
    parts = urn.split(":", 3)
    return parts[2] if len(parts) > 2 else ""


def urn_id(urn: str) -> str:
    """The id part of a URN (for a comment URN, the comment's own id)."""
    match = _COMMENT.match(urn)
    if match:
        return match.group(2)
    return urn.split(":", 3)[3] if urn.count(":") >= 3 else ""


def comment_parts(urn: str) -> tuple[str, str] | None:
    """The (activity URN, comment id) of a comment URN like `urn:li:comment:(urn:li:activity:1,2)`."""
    match = _COMMENT.match(urn)
    return (match.group(1), match.group(2)) if match else None


def encode(value: str) -> str:
    """Percent-encode a URN (or any value) for a Rest.li 2.0 path segment or query value: `:,()` included."""
    return quote(value, safe="")


def decode(value: str) -> str:
    """Undo `encode`."""
    return unquote(value)


def restli_list(values: Iterable[str]) -> str:
    """A Rest.li 2.0 list, each item encoded: `List(a,b)`."""
    return "List(" + ",".join(encode(v) for v in values) + ")"


def restli_record(fields: Mapping[str, object]) -> str:
    """A Rest.li 2.0 record, each value encoded: `(start:1,end:2)`."""
    return "(" + ",".join(f"{k}:{encode(str(v))}" for k, v in fields.items()) + ")"


def query_string(params: Mapping[str, object]) -> str:
    """A query string whose values are already Rest.li-encoded where they are lists or records.

    Plain values are percent-encoded; values starting with `List(` or `(` are taken as built by
    `restli_list` / `restli_record` and sent as they are.
    """
    parts = []
    for key, value in params.items():
        text = str(value)
        if not (text.startswith("List(") or text.startswith("(")):
            text = encode(text)
        parts.append(f"{quote(key, safe='')}={text}")
    return "&".join(parts)


def parse_restli(value: str) -> object:
    """Read a Rest.li 2.0 value back: `List(..)` -> list, `(k:v,..)` -> dict, else the decoded string."""
    value = value.strip()
    if value.startswith("List(") and value.endswith(")"):
        inner = value[5:-1]
        return [parse_restli(item) for item in _split(inner)] if inner else []
    if value.startswith("(") and value.endswith(")"):
        record: dict[str, object] = {}
        for item in _split(value[1:-1]):
            key, _, rest = item.partition(":")
            record[decode(key)] = parse_restli(rest)
        return record
    return decode(value)


def _split(text: str) -> list[str]:
    items, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    return items
