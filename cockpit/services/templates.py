"""Reply templates (saved replies) stored in the database, and filling in their variables.

A template's body may name three variables, filled in from the conversation being answered:
- `{first_name}`: the first word of the author's display name (their handle when they have no name);
- `{handle}`: the author's handle, with a leading `@` on X (as it is written in a reply there);
- `{topic}`: the conversation's title, or else its first words (up to eight).
Anything else in braces is left as it is, so a stray `{` never breaks a reply.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass

from cockpit.errors import UserError
from cockpit.store import Store

VARIABLES = ("first_name", "handle", "topic")
"""The names a template body may use in braces."""
MAX_NAME = 60
MAX_BODY = 10_000
TOPIC_WORDS = 8
_VARIABLE = re.compile(r"\{(first_name|handle|topic)\}")


class TemplateError(UserError):
    """A template cannot be saved as given (empty, too long, or its name is taken)."""


@dataclass(frozen=True)
class Template:
    """One saved reply."""

    id: int
    name: str
    body: str
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class TemplateVariables:
    """What a template's variables stand for in one conversation."""

    first_name: str = ""
    handle: str = ""
    topic: str = ""


def _row(values: tuple[object, ...]) -> Template:
    return Template(
        id=int(values[0]),  # type: ignore[call-overload]
        name=str(values[1]),
        body=str(values[2]),
        created_at=int(values[3]),  # type: ignore[call-overload]
        updated_at=int(values[4]),  # type: ignore[call-overload]
    )


def list_templates(store: Store) -> list[Template]:
    """Every template, by name."""
    rows = store.conn.execute(
        "SELECT id, name, body, created_at, updated_at FROM templates ORDER BY name COLLATE NOCASE, id"
    ).fetchall()
    return [_row(row) for row in rows]


def get_template(store: Store, template_id: int) -> Template | None:
    """One template, or None when it does not exist."""
    row = store.conn.execute(
        "SELECT id, name, body, created_at, updated_at FROM templates WHERE id = ?", (template_id,)
    ).fetchone()
    return _row(row) if row else None


def _checked(name: str, body: str) -> tuple[str, str]:
    name = " ".join(name.split())
    if not name:
        raise TemplateError("give the template a name")
    if len(name) > MAX_NAME:
        raise TemplateError(f"a template name has at most {MAX_NAME} characters")
    if not body.strip():
        raise TemplateError("write the template's text")
    if len(body) > MAX_BODY:
        raise TemplateError(f"a template has at most {MAX_BODY:,} characters")
    return name, body


def add_template(store: Store, name: str, body: str, *, now: int | None = None) -> int:
    """Save a new template and return its id; raises TemplateError for an empty or taken name."""
    name, body = _checked(name, body)
    at = int(time.time()) if now is None else now
    try:
        with store.write() as conn:
            cursor = conn.execute(
                "INSERT INTO templates (name, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (name, body, at, at),
            )
            return int(cursor.lastrowid or 0)
    except sqlite3.IntegrityError as error:
        raise TemplateError(f"a template named {name!r} exists: pick another name") from error


def update_template(store: Store, template_id: int, name: str, body: str, *, now: int | None = None) -> None:
    """Change a template's name and text; raises TemplateError when it is gone or the name is taken."""
    name, body = _checked(name, body)
    at = int(time.time()) if now is None else now
    try:
        with store.write() as conn:
            cursor = conn.execute(
                "UPDATE templates SET name = ?, body = ?, updated_at = ? WHERE id = ?",
                (name, body, at, template_id),
            )
    except sqlite3.IntegrityError as error:
        raise TemplateError(f"a template named {name!r} exists: pick another name") from error
    if cursor.rowcount == 0:
        raise TemplateError("that template was deleted meanwhile")


def delete_template(store: Store, template_id: int) -> bool:
    """Delete a template; False when it did not exist."""
    with store.write() as conn:
        cursor = conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
    return cursor.rowcount > 0


def matching(templates: list[Template], prefix: str) -> list[Template]:
    """Templates whose name starts with `prefix` (any case), then those that contain it elsewhere."""
    wanted = prefix.strip().casefold()
    if not wanted:
        return list(templates)
    starts = [t for t in templates if t.name.casefold().startswith(wanted)]
    inside = [t for t in templates if t not in starts and wanted in t.name.casefold()]
    return starts + inside


def render(body: str, variables: TemplateVariables) -> str:
    """The template's text with `{first_name}`, `{handle}` and `{topic}` filled in."""
    values = {"first_name": variables.first_name, "handle": variables.handle, "topic": variables.topic}
    return _VARIABLE.sub(lambda match: values[match.group(1)], body)


def variables_for(
    platform: str, author_name: str, author_handle: str, title: str, first_text: str
) -> TemplateVariables:
    """The variables of a conversation from its author and its title (or first words)."""
    first_name = author_name.split()[0] if author_name.split() else author_handle.lstrip("@")
    handle = author_handle.lstrip("@")
    if handle and platform == "x":
        handle = "@" + handle
    topic = " ".join(title.split())
    if not topic:
        words = first_text.split()
        topic = " ".join(words[:TOPIC_WORDS]) + ("…" if len(words) > TOPIC_WORDS else "")
    return TemplateVariables(first_name=first_name, handle=handle, topic=topic)
