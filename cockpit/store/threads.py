"""Reading one conversation: its posts in order, with reply depth for display."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PostRow:
    """One post as the thread view shows it."""

    id: int
    ext_id: str
    author_name: str
    author_handle: str
    person_id: int | None
    direction: str
    text: str
    title: str
    url: str
    in_reply_to: str | None
    created_at: int
    edited_at: int | None
    deleted: bool
    depth: int = 0


@dataclass(frozen=True, slots=True)
class ConversationHead:
    """The conversation's own fields, shown above its posts."""

    id: int
    account_name: str
    platform: str
    source: str
    status: str
    title: str
    url: str
    post_count: int
    last_activity_at: int


def conversation_head(conn: sqlite3.Connection, conversation_id: int) -> ConversationHead | None:
    """Return a conversation's summary, or None if it does not exist."""
    row = conn.execute(
        """
        SELECT c.id, a.name, c.platform, c.source, c.status, c.title, c.url, c.post_count, c.last_activity_at
        FROM conversations c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?
        """,
        (conversation_id,),
    ).fetchone()
    return ConversationHead(*row) if row else None


def thread_posts(conn: sqlite3.Connection, conversation_id: int, *, limit: int = 2000) -> list[PostRow]:
    """Return a conversation's posts in reading order: replies under what they answer, oldest first."""
    rows = conn.execute(
        """
        SELECT p.id, p.ext_id, p.author_name, p.author_handle, i.person_id, p.direction, p.text, p.title,
               p.url, p.in_reply_to, p.created_at, p.edited_at, p.deleted
        FROM posts p LEFT JOIN identities i ON i.id = p.identity_id
        WHERE p.conversation_id = ? ORDER BY p.created_at, p.id LIMIT ?
        """,
        (conversation_id, limit),
    ).fetchall()
    posts = [
        PostRow(
            id=r[0],
            ext_id=r[1],
            author_name=r[2],
            author_handle=r[3],
            person_id=r[4],
            direction=r[5],
            text=r[6],
            title=r[7],
            url=r[8],
            in_reply_to=r[9],
            created_at=r[10],
            edited_at=r[11],
            deleted=bool(r[12]),
        )
        for r in rows
    ]
    return _threaded(posts)


def _threaded(posts: list[PostRow]) -> list[PostRow]:
    """Order posts depth-first under their parents; orphans (parent not stored) stay at the top level."""
    by_ext = {post.ext_id: post for post in posts}
    children: dict[str | None, list[PostRow]] = {}
    for post in posts:
        parent = post.in_reply_to if post.in_reply_to in by_ext and post.in_reply_to != post.ext_id else None
        children.setdefault(parent, []).append(post)
    ordered: list[PostRow] = []
    stack: list[tuple[PostRow, int]] = [(post, 0) for post in reversed(children.get(None, []))]
    seen: set[str] = set()
    while stack:
        post, depth = stack.pop()
        if post.ext_id in seen:
            continue
        seen.add(post.ext_id)
        ordered.append(_with_depth(post, depth))
        for child in reversed(children.get(post.ext_id, [])):
            stack.append((child, depth + 1))
    # Cycles (a replies to b replies to a) never reach the roots: keep them, flat, rather than lose them.
    ordered.extend(_with_depth(post, 0) for post in posts if post.ext_id not in seen)
    return ordered


def _with_depth(post: PostRow, depth: int) -> PostRow:
    return PostRow(
        post.id,
        post.ext_id,
        post.author_name,
        post.author_handle,
        post.person_id,
        post.direction,
        post.text,
        post.title,
        post.url,
        post.in_reply_to,
        post.created_at,
        post.edited_at,
        post.deleted,
        depth,
    )
