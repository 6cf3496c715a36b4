"""Writing one fetched page: posts, thread grouping, identities, interactions and the cursor, atomically.

A page goes in as one transaction, shaped by what it costs on a database holding a million posts (see
docs/performance.md, "Ingest"):

- one lookup each for the page's known posts, its authors' identities and its threads' conversations;
- new rows take their ids from max(id) + 1 (the write lock is held), so each new post's interaction is written
  from its id directly, with nothing read back;
- an identity is written only when it is new or its profile changed, or when its `last_seen_at` is a day old
  or more (`LAST_SEEN_RESOLUTION`): rewriting every known author on every page dirtied a page of the
  identities table per author;
- a conversation born in this page gets its summary computed here, from the page; conversations that already
  existed, or whose posts were edited or deleted, are recomputed from their posts in one statement;
- new posts are added to the full-text index in one statement (`index_pending_posts`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cockpit.services import priority
from cockpit.store.db import Store, now
from connectors.models import Author, Page, Post

EXCERPT_LENGTH = 240
LAST_SEEN_RESOLUTION = 86_400
"""Seconds: an identity seen again sooner than this keeps its stored `last_seen_at` (and its row is not rewritten)."""
_CHUNK = 500  # keys per IN (...) lookup, well under SQLite's limit on bound parameters

_IdentityKey = tuple[str, str, str]
NewPostsHook = Callable[[sqlite3.Connection, int], object]
"""Called inside write_page's transaction with the id of the first post the page inserted."""
# A new post on its way in: the post, its direction, identity id, person id, deleted flag, created_at.
_NewPost = tuple[Post, str, int, int | None, bool, int]


@dataclass
class IngestResult:
    """What one or more written pages changed."""

    new_posts: int = 0
    updated_posts: int = 0
    deleted_posts: int = 0
    new_conversations: int = 0
    reopened_conversations: int = 0
    conversation_ids: set[int] = field(default_factory=set)
    """Conversations that gained posts or whose posts changed."""

    def add(self, other: IngestResult) -> None:
        """Accumulate another result into this one."""
        self.new_posts += other.new_posts
        self.updated_posts += other.updated_posts
        self.deleted_posts += other.deleted_posts
        self.new_conversations += other.new_conversations
        self.reopened_conversations += other.reopened_conversations
        self.conversation_ids |= other.conversation_ids


def _json(value: dict[str, Any]) -> str:
    """JSON text of a dict column ("{}" without calling the encoder: most are empty)."""
    return json.dumps(value, ensure_ascii=False, default=str) if value else "{}"


def _metrics(value: dict[str, int]) -> str:
    return json.dumps(value, sort_keys=True) if value else "{}"


def ensure_account(store: Store, name: str, platform: str, handle: str = "") -> int:
    """Return the id of the account row for `name`, creating it on first use."""
    conn = store.conn
    row = conn.execute("SELECT id, platform FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return int(row[0])
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO accounts (name, platform, handle, created_at) VALUES (?, ?, ?, ?)",
            (name, platform, handle, now()),
        )
        return int(cursor.lastrowid or 0)


def write_page(
    store: Store,
    account_id: int,
    page: Page,
    *,
    own_handles: Iterable[str] = (),
    on_new_posts: NewPostsHook | None = None,
) -> IngestResult:
    """Store one page and its cursor in a single transaction; re-running the same page changes nothing.

    `on_new_posts(conn, first_id)` runs inside that transaction once the page's new posts (ids from
    `first_id` on) and their conversations are stored, before the priority refresh (the rules engine's hook).
    """
    store.prepare_for_bulk_writes()
    result = IngestResult()
    stale: set[int] = set()  # existing conversations whose summary must be recomputed from their posts
    with store.write() as conn:
        first_new_id = _next_id(conn, "posts") if on_new_posts is not None else 0
        if page.posts:
            _write_posts(conn, account_id, page, set(own_handles), result, stale)
        if page.deleted_ext_ids:
            result.deleted_posts += _mark_deleted(conn, account_id, page.deleted_ext_ids, stale)
        if stale:
            result.reopened_conversations = _refresh_conversations(conn, stale)
            result.conversation_ids |= stale
        if on_new_posts is not None and result.new_posts:
            on_new_posts(conn, first_new_id)
        if result.conversation_ids:
            priority.refresh(conn, result.conversation_ids)  # question flag and priority score
        if result.new_posts:
            index_pending_posts(store)
        if page.cursor is not None or page.etag is not None or page.last_modified is not None:
            conn.execute(
                """
                INSERT INTO sync_state (account_id, stream, cursor, etag, last_modified, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, stream) DO UPDATE SET
                    cursor = coalesce(excluded.cursor, sync_state.cursor),
                    etag = coalesce(excluded.etag, sync_state.etag),
                    last_modified = coalesce(excluded.last_modified, sync_state.last_modified),
                    updated_at = excluded.updated_at
                """,
                (account_id, page.stream, page.cursor, page.etag, page.last_modified, now()),
            )
    return result


def index_pending_posts(store: Store) -> int:
    """Add every post not yet in the full-text index to it, in one statement; call inside a write.

    The posts waiting are those above the newest indexed one (schema migration 3: `posts_fts_pending` is a
    view of them). write_page calls this for its own posts; code that inserts posts another way calls it
    before committing, or lets the next page do it. Rows go in ascending id order, which FTS5 needs to
    append without flushing its pending terms. Returns the number of posts indexed.
    """
    conn = store.conn
    boundary = conn.execute("SELECT coalesce(max(id), 0) FROM posts_fts_docsize").fetchone()[0]
    cursor = conn.execute(
        """
        INSERT INTO posts_fts (rowid, text, title, author_name, author_handle)
        SELECT id, text, title, author_name, author_handle FROM posts WHERE id > ? ORDER BY id
        """,
        (boundary,),
    )
    return max(cursor.rowcount, 0)


def read_cursors(store: Store, account_id: int) -> dict[str, str]:
    """Return the stored cursor of every stream of one account."""
    rows = store.conn.execute(
        "SELECT stream, cursor FROM sync_state WHERE account_id = ? AND cursor IS NOT NULL",
        (account_id,),
    )
    return {stream: cursor for stream, cursor in rows}


def _lookup(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], keys: Sequence[Any]) -> list[Any]:
    """Rows of `sql` (whose `{}` becomes the placeholders of one chunk of `keys`), for every chunk."""
    found: list[Any] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        found.extend(conn.execute(sql.format(",".join("?" * len(chunk))), (*params, *chunk)))
    return found


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


def _write_posts(
    conn: sqlite3.Connection,
    account_id: int,
    page: Page,
    own: set[str],
    result: IngestResult,
    stale: set[int],
) -> None:
    stamp = now()
    unique: dict[str, tuple[Post, _IdentityKey]] = {}  # the first of duplicate posts wins
    authors: dict[_IdentityKey, Author] = {}  # the last of duplicate authors wins
    for post in page.posts:
        author = post.author
        key = (author.platform, author.host, author.ext_id)
        authors[key] = author
        if post.ext_id not in unique:
            unique[post.ext_id] = (post, key)
    sql = (
        "SELECT ext_id, id, conversation_id, text, title, deleted, author_name, metrics, edited_at "
        "FROM posts WHERE account_id = ? AND ext_id IN ({})"
    )
    known = {row[0]: row for row in _lookup(conn, sql, (account_id,), list(unique))}
    identities = _write_identities(conn, authors, stamp, own)
    if known:
        _update_known(conn, known, unique, identities, result, stale)
    gone = set(page.deleted_ext_ids)
    fresh: list[_NewPost] = []
    for ext_id, (post, key) in unique.items():
        if ext_id in known:
            continue
        identity_id, person_id = identities[key]
        deleted = post.deleted
        if not deleted and ext_id in gone:  # new and already deleted: stored deleted, counted as a deletion
            deleted = True
            result.deleted_posts += 1
        direction = "out" if post.author.handle in own else post.direction
        fresh.append((post, direction, identity_id, person_id, deleted, int(post.created_at.timestamp())))
    if fresh:
        _insert_posts(conn, account_id, page.posts[0].author.platform, fresh, result, stale)


def _insert_posts(
    conn: sqlite3.Connection,
    account_id: int,
    platform: str,
    fresh: Sequence[_NewPost],
    result: IngestResult,
    stale: set[int],
) -> None:
    """Insert new posts (ids from max(id) + 1, in page order) and log one interaction for each."""
    conversations = _conversations(conn, account_id, platform, fresh, result, stale)
    rows: list[tuple[Any, ...]] = []
    interactions: list[tuple[Any, ...]] = []
    for post_id, (post, direction, identity_id, person_id, deleted, created) in enumerate(
        fresh, start=_next_id(conn, "posts")
    ):
        author = post.author
        conversation_id = conversations[post.thread_key]
        edited = post.edited_at
        reply_to = post.in_reply_to
        rows.append(
            (
                post_id,
                account_id,
                conversation_id,
                post.ext_id,
                identity_id,
                author.handle,
                author.name,
                direction,
                post.text,
                post.title,
                post.url,
                reply_to,
                created,
                int(edited.timestamp()) if edited else None,
                int(deleted),
                _metrics(post.metrics),
                _json(post.raw),
            )
        )
        # Inbound from the author, outbound for our own posts.
        kind = "reply" if direction == "out" or reply_to is not None else "post"
        interactions.append(
            (identity_id, person_id, account_id, direction, kind, post_id, conversation_id, created)
        )
    conn.executemany(
        """
        INSERT INTO posts (id, account_id, conversation_id, ext_id, identity_id, author_handle, author_name,
                           direction, text, title, url, in_reply_to, created_at, edited_at, deleted, metrics,
                           raw)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        rows,
    )
    conn.executemany(
        """
        INSERT OR IGNORE INTO interactions (identity_id, person_id, account_id, direction, kind, post_id,
                                            conversation_id, occurred_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        interactions,
    )
    result.new_posts = len(rows)
    result.conversation_ids.update(conversations.values())


def _write_identities(
    conn: sqlite3.Connection, authors: dict[_IdentityKey, Author], stamp: int, own: set[str]
) -> dict[_IdentityKey, tuple[int, int | None]]:
    """Return (identity id, person id) per author, inserting new authors and updating changed ones.

    An update keeps what the page leaves empty: a blank name, bio or url and an unknown reach do not erase
    the stored ones; `is_own` never goes back to 0; `extra` is written only for a new identity.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for platform, host, ext_id in authors:
        groups.setdefault((platform, host), []).append(ext_id)
    stored: dict[_IdentityKey, Any] = {}
    sql = (
        "SELECT ext_id, id, person_id, handle, name, bio, url, reach, is_own, last_seen_at FROM identities "
        "WHERE platform = ? AND host = ? AND ext_id IN ({})"
    )
    for (platform, host), ext_ids in groups.items():
        for row in _lookup(conn, sql, (platform, host), ext_ids):
            stored[(platform, host, row[0])] = row
    ids: dict[_IdentityKey, tuple[int, int | None]] = {}
    changed: list[tuple[Any, ...]] = []
    new: list[tuple[Any, ...]] = []
    next_id = 0
    for key, author in authors.items():
        is_own = int(author.handle in own)
        row = stored.get(key)
        if row is None:
            next_id = next_id or _next_id(conn, "identities")
            ids[key] = (next_id, None)
            new.append(
                (
                    next_id,
                    *key,
                    author.handle,
                    author.name,
                    author.bio,
                    author.url,
                    author.reach,
                    _json(author.extra),
                    is_own,
                    stamp,
                    stamp,
                )
            )
            next_id += 1
            continue
        ids[key] = (row[1], row[2])
        profile = (
            author.handle,
            author.name or row[4],
            author.bio or row[5],
            author.url or row[6],
            row[7] if author.reach is None else author.reach,
            max(row[8], is_own),
        )
        if profile != row[3:9] or stamp - row[9] >= LAST_SEEN_RESOLUTION:
            changed.append((*profile, max(row[9], stamp), row[1]))
    if new:
        conn.executemany(
            """
            INSERT INTO identities (id, platform, host, ext_id, handle, name, bio, url, reach, extra, is_own,
                                    first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            new,
        )
    if changed:
        conn.executemany(
            "UPDATE identities SET handle = ?, name = ?, bio = ?, url = ?, reach = ?, is_own = ?, "
            "last_seen_at = ? WHERE id = ?",
            changed,
        )
    return ids


def _conversations(
    conn: sqlite3.Connection,
    account_id: int,
    platform: str,
    fresh: Sequence[_NewPost],
    result: IngestResult,
    stale: set[int],
) -> dict[str, int]:
    """Return the conversation id of each new post's thread: existing ones are marked stale for a refresh,
    missing ones are inserted with the summary of their posts, all of which are in this page."""
    threads: dict[str, list[_NewPost]] = {}
    for item in fresh:
        threads.setdefault(item[0].thread_key, []).append(item)
    sql = "SELECT thread_key, id FROM conversations WHERE account_id = ? AND thread_key IN ({})"
    found: dict[str, int] = dict(_lookup(conn, sql, (account_id,), list(threads)))
    stale.update(found.values())
    missing = [key for key in threads if key not in found]
    if not missing:
        return found
    rows: list[tuple[Any, ...]] = []
    for conversation_id, key in enumerate(missing, start=_next_id(conn, "conversations")):
        found[key] = conversation_id
        items = threads[key]
        # As the recomputation in _refresh_conversations orders posts: by created_at, then id (page order).
        first = items[0]
        latest: _NewPost | None = None  # the latest post still there decides `answered`
        latest_in: _NewPost | None = None  # the latest inbound one gives the author and the excerpt
        for item in items:
            if item[5] < first[5]:
                first = item
            if item[4]:
                continue
            if latest is None or item[5] >= latest[5]:
                latest = item
            if item[1] == "in" and (latest_in is None or item[5] >= latest_in[5]):
                latest_in = item
        post = first[0]
        rows.append(
            (
                conversation_id,
                account_id,
                key,
                platform,
                post.source,
                post.thread_title or post.title,
                post.thread_url or post.url,
                int(latest is not None and latest[1] == "out"),
                len(items),
                first[5],
                first[5] if latest is None else latest[5],
                None if latest_in is None else latest_in[2],
                "" if latest_in is None else latest_in[0].text[: EXCERPT_LENGTH * 2],
            )
        )
    conn.executemany(
        """
        INSERT INTO conversations (id, account_id, thread_key, platform, source, title, url, answered,
                                   post_count, started_at, last_activity_at, last_author_id, excerpt, unread)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1 - ?8)
        """,
        rows,
    )
    result.new_conversations += len(missing)
    return found


def _update_known(
    conn: sqlite3.Connection,
    known: dict[str, Any],
    unique: dict[str, tuple[Post, _IdentityKey]],
    identities: dict[_IdentityKey, tuple[int, int | None]],
    result: IngestResult,
    stale: set[int],
) -> None:
    """Rewrite known posts whose content changed (so the full-text triggers fire only for real edits)."""
    updates: list[tuple[Any, ...]] = []
    for ext_id, row in known.items():
        post, key = unique[ext_id]
        author = post.author
        metrics = _metrics(post.metrics)
        edited = int(post.edited_at.timestamp()) if post.edited_at else None
        deleted = int(post.deleted)
        if (post.text, post.title, deleted, author.name, metrics, edited or 0) == (
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8] or 0,
        ):
            continue
        updates.append(
            (
                identities[key][0],
                author.handle,
                author.name,
                post.text,
                post.title,
                post.url,
                post.in_reply_to,
                edited,
                deleted,
                metrics,
                _json(post.raw),
                row[1],
            )
        )
        stale.add(row[2])
    if updates:
        conn.executemany(
            """
            UPDATE posts SET identity_id = ?, author_handle = ?, author_name = ?, text = ?, title = ?,
                url = ?, in_reply_to = ?, edited_at = ?, deleted = ?, metrics = ?, raw = ?
            WHERE id = ?
            """,
            updates,
        )
        result.updated_posts = len(updates)


def _mark_deleted(conn: sqlite3.Connection, account_id: int, ext_ids: Sequence[str], stale: set[int]) -> int:
    sql = "SELECT id, conversation_id FROM posts WHERE account_id = ? AND deleted = 0 AND ext_id IN ({})"
    found = _lookup(conn, sql, (account_id,), list(dict.fromkeys(ext_ids)))
    if found:
        conn.executemany("UPDATE posts SET deleted = 1 WHERE id = ?", [(row[0],) for row in found])
        stale.update(row[1] for row in found)
    return len(found)


def _refresh_conversations(conn: sqlite3.Connection, conversation_ids: Iterable[int]) -> int:
    """Recompute the summary of existing conversations from their posts; return how many were reopened.

    A new inbound post later than the conversation's last activity brings a done conversation back to the
    Inbox and marks it unread; when our own reply is the latest post, there is nothing left to read. The summary follows the latest post that is still there (the latest inbound one for the author
    and excerpt), and keeps what it had when none is left.
    """
    reopened = 0
    ids = sorted(conversation_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        done = {
            row[0]
            for row in conn.execute(
                f"SELECT id FROM conversations WHERE status = 'done' AND id IN ({marks})", chunk
            )
        }
        rows = conn.execute(
            f"""
            UPDATE conversations SET
                post_count = (SELECT count(*) FROM posts p WHERE p.conversation_id = conversations.id),
                started_at = coalesce(
                    (SELECT min(created_at) FROM posts p WHERE p.conversation_id = conversations.id),
                    started_at),
                status = CASE
                    WHEN status = 'done' AND EXISTS (
                        SELECT 1 FROM posts p WHERE p.conversation_id = conversations.id AND p.direction = 'in'
                        AND p.deleted = 0 AND p.created_at > conversations.last_activity_at)
                    THEN 'inbox' ELSE status END,
                unread = CASE
                    WHEN (SELECT direction FROM posts p WHERE p.conversation_id = conversations.id
                          AND p.deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 1) = 'out'
                    THEN 0
                    WHEN EXISTS (
                        SELECT 1 FROM posts p WHERE p.conversation_id = conversations.id AND p.direction = 'in'
                        AND p.deleted = 0 AND p.created_at > conversations.last_activity_at)
                    THEN 1 ELSE unread END,
                (answered, last_activity_at) = (
                    SELECT coalesce(max(latest.direction = 'out'), 0),
                           coalesce(max(latest.created_at), conversations.last_activity_at)
                    FROM (SELECT direction, created_at FROM posts p
                          WHERE p.conversation_id = conversations.id AND p.deleted = 0
                          ORDER BY created_at DESC, id DESC LIMIT 1) AS latest),
                (last_author_id, excerpt) = (
                    SELECT coalesce(max(latest.identity_id), conversations.last_author_id),
                           coalesce(max(latest.excerpt), conversations.excerpt)
                    FROM (SELECT identity_id, substr(text, 1, {EXCERPT_LENGTH * 2}) AS excerpt FROM posts p
                          WHERE p.conversation_id = conversations.id AND p.deleted = 0 AND p.direction = 'in'
                          ORDER BY created_at DESC, id DESC LIMIT 1) AS latest)
            WHERE id IN ({marks})
            RETURNING id, status
            """,
            chunk,
        ).fetchall()
        reopened += sum(1 for row_id, status in rows if row_id in done and status != "done")
    return reopened
