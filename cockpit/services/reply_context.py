"""What the composer needs to know about a conversation before a reply is written, read in one go.

Read in a worker thread (its own connection): the post being answered, who is in the thread, our accounts on
that platform, the author's time zone when the people tracker knows it, and any saved draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.services.templates import TemplateVariables, variables_for
from cockpit.store import Store, open_store

if TYPE_CHECKING:
    from cockpit.services.outbox import OutboxItem

_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,49})")


@dataclass(frozen=True)
class OwnAccount:
    """One of our accounts a reply can be sent as."""

    id: int
    name: str
    handle: str


@dataclass(frozen=True)
class ReplyContext:
    """A conversation as the composer shows it."""

    conversation_id: int
    platform: str
    account_id: int
    """The account the conversation came in on (the default "reply as")."""
    title: str
    url: str
    reply_to_post_id: int | None
    reply_to_author: str
    reply_to_handle: str
    reply_to_text: str
    reply_to_at: int
    participants: frozenset[str]
    """Lower-case handles of everyone who posted in the thread (ours included)."""
    accounts: tuple[OwnAccount, ...]
    variables: TemplateVariables
    timezone: str = ""
    """The author's IANA time zone, when known."""
    timezone_note: str = ""
    """Why the author's time zone is not known (empty when it is)."""
    draft: OutboxItem | None = field(default=None)


def mentions(text: str) -> list[str]:
    """The @handles written in `text`, in order, once each."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(match.group(1).rstrip(".-"), None)
    return list(seen)


def outsiders(text: str, context: ReplyContext) -> list[str]:
    """The @handles in `text` of people who have not posted in the thread and are not our accounts."""
    ours = {account.handle.lower().lstrip("@") for account in context.accounts if account.handle}
    return [
        handle
        for handle in mentions(text)
        if handle.lower() not in context.participants and handle.lower() not in ours
    ]


def _recipient_timezone(store: Store, identity_id: int | None) -> tuple[str, str]:
    """The author's time zone from people.timezone (MIGRATION_7), or "" and why it is not known."""
    columns = {row[1] for row in store.conn.execute("PRAGMA table_info(people)")}
    if "timezone" not in columns:
        return "", "time zones of people are not tracked yet"
    if identity_id is None:
        return "", "the author is not known"
    row = store.conn.execute(
        "SELECT p.timezone, p.name FROM identities i JOIN people p ON p.id = i.person_id WHERE i.id = ?",
        (identity_id,),
    ).fetchone()
    if row is None:
        return "", "the author is not a tracked stakeholder"
    if not row[0]:
        return "", "their time zone is not known"
    return str(row[0]), ""


def read_context(store: Store, conversation_id: int) -> ReplyContext | None:
    """Everything the composer shows about one conversation, or None when it does not exist."""
    conn = store.conn
    head = conn.execute(
        "SELECT c.id, c.platform, c.account_id, c.title, c.url, c.excerpt FROM conversations c WHERE c.id = ?",
        (conversation_id,),
    ).fetchone()
    if head is None:
        return None
    post = conn.execute(
        "SELECT id, author_name, author_handle, text, created_at, identity_id FROM posts "
        "WHERE conversation_id = ? AND deleted = 0 ORDER BY direction = 'in' DESC, created_at DESC, id DESC "
        "LIMIT 1",
        (conversation_id,),
    ).fetchone()
    first = conn.execute(
        "SELECT text FROM posts WHERE conversation_id = ? ORDER BY created_at, id LIMIT 1", (conversation_id,)
    ).fetchone()
    participants = frozenset(
        str(row[0]).lower().lstrip("@")
        for row in conn.execute(
            "SELECT DISTINCT author_handle FROM posts WHERE conversation_id = ? AND author_handle != ''",
            (conversation_id,),
        )
    )
    accounts = tuple(
        OwnAccount(int(row[0]), str(row[1]), str(row[2]))
        for row in conn.execute(
            "SELECT id, name, handle FROM accounts WHERE platform = ? ORDER BY name", (head[1],)
        )
    )
    author, handle, text, at, identity = ("", "", "", 0, None) if post is None else post[1:]
    timezone, note = _recipient_timezone(store, identity)
    from cockpit.services import outbox

    return ReplyContext(
        conversation_id=int(head[0]),
        platform=str(head[1]),
        account_id=int(head[2]),
        title=str(head[3]),
        url=str(head[4]),
        reply_to_post_id=None if post is None else int(post[0]),
        reply_to_author=str(author),
        reply_to_handle=str(handle),
        reply_to_text=str(text),
        reply_to_at=int(at),
        participants=participants,
        accounts=accounts,
        variables=variables_for(
            str(head[1]), str(author), str(handle), str(head[3]), first[0] if first else ""
        ),
        timezone=timezone,
        timezone_note=note,
        draft=outbox.draft_for(store, conversation_id),
    )


def load_context(db_path: Path, conversation_id: int) -> ReplyContext | None:
    """`read_context` on a connection of its own (for worker threads)."""
    store = open_store(db_path)
    try:
        return read_context(store, conversation_id)
    finally:
        store.close()
