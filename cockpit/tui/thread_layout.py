"""Laying out one conversation as lines of inert text, off the event loop, with caps on what is shown.

A worker thread reads the thread and calls `load_thread`; the widget only turns the finished lines into
Strips. Caps keep a thread of thousands of posts, or a 100 KB post, from costing the UI more than a few
hundred kilobytes of text, and the layout says what it left out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from rich.cells import cell_len

from cockpit.store.threads import ConversationHead, PostRow, conversation_head, thread_posts
from cockpit.tui.text import ago, inert, one_line, timestamp, truncate, wrap

PLATFORM_NAMES = {"x": "X", "linkedin": "LinkedIn", "discourse": "Forum", "feed": "Blog"}
INDENT_PER_LEVEL = 2
MAX_INDENT_LEVELS = 8

Span = tuple[str, str]
"""A piece of a line: (kind, text); the kind picks the style (title, url, meta, author, own, ...)."""


@dataclass(frozen=True, slots=True)
class ThreadLine:
    """One display line of a thread: its reply depth (drawn as a guide) and its styled pieces."""

    spans: tuple[Span, ...]
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Caps:
    """How much of a thread a view renders."""

    max_posts: int
    max_chars_per_post: int
    max_total_chars: int


DETAIL_CAPS = Caps(max_posts=200, max_chars_per_post=2_000, max_total_chars=120_000)
"""The side pane: enough to triage; Enter opens the rest."""
FULL_CAPS = Caps(max_posts=2_000, max_chars_per_post=20_000, max_total_chars=600_000)
"""The full-screen thread."""


@dataclass(frozen=True, slots=True)
class ThreadLayout:
    """A thread laid out for one width: the lines to draw and whether the conversation exists."""

    conversation_id: int
    width: int
    lines: tuple[ThreadLine, ...]
    found: bool = True
    post_count: int = 0
    """How many posts the conversation holds (not all may be laid out)."""


def load_thread(
    conn: sqlite3.Connection,
    conversation_id: int,
    *,
    width: int,
    now: float,
    caps: Caps,
    more_hint: str = "",
) -> ThreadLayout:
    """Read a conversation and lay it out; a missing conversation gives a one-line notice."""
    head = conversation_head(conn, conversation_id)
    if head is None:
        line = ThreadLine((("notice", "This conversation is no longer stored."),))
        return ThreadLayout(conversation_id, width, (line,), found=False)
    if head.source == "outreach":
        from cockpit.tui.widgets.thread_view import outreach_layout

        return outreach_layout(conn, head, width=width, now=now)
    posts = thread_posts(conn, conversation_id, limit=caps.max_posts)
    layout = layout_thread(head, posts, width=width, now=now, caps=caps, more_hint=more_hint)
    return _with_rules_note(conn, layout)


def _with_rules_note(conn: sqlite3.Connection, layout: ThreadLayout) -> ThreadLayout:
    """Add a line under the head saying who a rule assigned the conversation to and which rules acted on it."""
    assignee = conn.execute(
        "SELECT a.name FROM conversations c JOIN accounts a ON a.id = c.assigned_account_id WHERE c.id = ?",
        (layout.conversation_id,),
    ).fetchone()
    rules = [
        str(row[0])
        for row in conn.execute(
            "SELECT DISTINCT rule FROM rule_hits WHERE conversation_id = ? ORDER BY rule LIMIT 6",
            (layout.conversation_id,),
        )
    ]
    parts = [f"Assigned to {one_line(assignee[0], 80)}"] if assignee else []
    if rules:
        parts.append("rules: " + ", ".join(one_line(name, 40) for name in rules))
    if not parts:
        return layout
    lines = list(layout.lines)
    at = next((i + 1 for i, line in enumerate(lines) if line.spans and line.spans[0][0] == "meta"), 0)
    note = [ThreadLine((("meta", piece),)) for piece in wrap(" · ".join(parts), max(20, layout.width))]
    return replace(layout, lines=tuple(lines[:at] + note + lines[at:]))


def layout_thread(
    head: ConversationHead,
    posts: list[PostRow],
    *,
    width: int,
    now: float,
    caps: Caps,
    more_hint: str = "",
) -> ThreadLayout:
    """Lay out a conversation's head and posts (replies indented by depth) for `width` cells."""
    width = max(20, width)
    lines: list[ThreadLine] = []

    def add(kind: str, text: str, depth: int = 0, indent: int = 0) -> None:
        for piece in wrap(text, width - indent):
            lines.append(ThreadLine(((kind, piece),), depth))

    title = one_line(head.title, 1_000)
    if title:
        add("title", title)
    url = one_line(head.url, 2_000)
    if url:
        # One line, cut at the end: a URL broken over lines reads as two and cannot be copied either.
        lines.append(ThreadLine((("url", truncate(url, width)),), 0))
    platform = PLATFORM_NAMES.get(head.platform, one_line(head.platform, 20))
    posts_word = "post" if head.post_count == 1 else "posts"
    add(
        "meta",
        f"{platform} · {one_line(head.account_name, 80)} · {head.post_count:,} {posts_word} · {head.status}",
    )
    total_posts = max(head.post_count, len(posts))
    if len(posts) < total_posts:
        notice = f"Showing the first {len(posts):,} of {total_posts:,} posts."
        add("notice", f"{notice} {more_hint}".strip())
    lines.append(ThreadLine(()))
    if not posts:
        add("notice", "No posts are stored for this conversation.")

    budget = caps.max_total_chars
    for shown, post in enumerate(posts):
        if budget <= 0:
            add("notice", f"{len(posts) - shown:,} more posts not shown here. {more_hint}".strip())
            break
        depth = min(post.depth, MAX_INDENT_LEVELS)
        indent = min(depth * INDENT_PER_LEVEL, width // 2)
        lines.extend(_author_lines(post, depth, now, width - indent))
        text = post.text
        limit = min(caps.max_chars_per_post, budget)
        cut = len(text) - limit if len(text) > limit else 0
        if cut:
            text = text[:limit]
        budget -= len(text)
        kind = "deleted" if post.deleted else "body"
        if post.deleted:
            add("notice", "This post was deleted on the platform.", depth, indent)
        for paragraph in inert(text).split("\n"):
            add(kind, paragraph, depth, indent)
        if cut:
            add(
                "notice",
                f"… {cut:,} more characters of this post not shown ({len(post.text):,} in all).",
                depth,
                indent,
            )
        lines.append(ThreadLine((), depth))
    return ThreadLayout(head.id, width, tuple(lines), post_count=total_posts)


def _author_lines(post: PostRow, depth: int, now: float, width: int) -> list[ThreadLine]:
    """The header of one post: who wrote it, whether it is ours, and when."""
    spans: list[Span] = []
    own = post.direction == "out"
    name = one_line(post.author_name, 80) or one_line(post.author_handle, 80) or "unknown author"
    if own:
        spans.append(("own", "↩ you "))
    spans.append(("own" if own else "author", name))
    handle = one_line(post.author_handle, 80)
    if handle and handle != name:
        spans.append(("handle", f" @{handle.lstrip('@')}"))
    when = f" · {ago(now - post.created_at)}"
    stamp = f" · {timestamp(post.created_at)}"
    edited = " · edited" if post.edited_at else ""
    used = sum(cell_len(text) for _kind, text in spans)
    if used + cell_len(when + stamp + edited) <= width:
        when += stamp  # the full date only where it fits on the line
    spans.append(("time", when + edited))
    title = one_line(post.title, 500)
    lines = [ThreadLine(tuple(spans), depth)]
    if title:
        lines.extend(ThreadLine((("post_title", piece),), depth) for piece in wrap(title, width))
    return lines
