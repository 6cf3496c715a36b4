"""Writing one fetched page: posts, thread grouping, identities, interactions and the cursor, atomically."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cockpit.store.db import Store, now
from connectors.models import Author, Page, Post

EXCERPT_LENGTH = 240


@dataclass
class IngestResult:
    """What one or more written pages changed."""

    new_posts: int = 0
    updated_posts: int = 0
    deleted_posts: int = 0
    new_conversations: int = 0
    reopened_conversations: int = 0
    conversation_ids: set[int] = field(default_factory=set)

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


def _ts(value: datetime) -> int:
    return int(value.timestamp())


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


def write_page(store: Store, account_id: int, page: Page, *, own_handles: Iterable[str] = ()) -> IngestResult:
    """Store one page and its cursor in a single transaction; re-running the same page changes nothing."""
    with store.write():
        result = _write_posts(store, account_id, page.posts, set(own_handles))
        if page.deleted_ext_ids:
            result.deleted_posts = _mark_deleted(store, account_id, page.deleted_ext_ids, result)
        if result.conversation_ids:
            done_before = _count_done(store, result.conversation_ids)
            _refresh_conversations(store, result.conversation_ids)
            result.reopened_conversations = done_before - _count_done(store, result.conversation_ids)
        if result.new_posts:
            index_pending_posts(store)
        if page.cursor is not None or page.etag is not None or page.last_modified is not None:
            store.conn.execute(
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
    """Add every post waiting in posts_fts_pending to the full-text index in one statement; call inside a write.

    write_page calls it for its own posts; code that inserts posts another way calls it before committing.
    Rows go in ascending rowid order, which FTS5 needs to append without flushing its pending terms.
    """
    conn = store.conn
    cursor = conn.execute(
        """
        INSERT INTO posts_fts (rowid, text, title, author_name, author_handle)
        SELECT p.id, p.text, p.title, p.author_name, p.author_handle FROM posts p
        WHERE p.id IN (SELECT post_id FROM posts_fts_pending) ORDER BY p.id
        """
    )
    indexed = cursor.rowcount
    conn.execute("DELETE FROM posts_fts_pending")
    return indexed


def read_cursors(store: Store, account_id: int) -> dict[str, str]:
    """Return the stored cursor of every stream of one account."""
    rows = store.conn.execute(
        "SELECT stream, cursor FROM sync_state WHERE account_id = ? AND cursor IS NOT NULL",
        (account_id,),
    )
    return {stream: cursor for stream, cursor in rows}


def _upsert_identities(
    store: Store, authors: Sequence[Author], stamp: int, own: set[str]
) -> dict[tuple[str, str, str], int]:
    unique: dict[tuple[str, str, str], Author] = {}
    for author in authors:
        unique[(author.platform, author.host, author.ext_id)] = author
    conn = store.conn
    conn.executemany(
        """
        INSERT INTO identities (platform, host, ext_id, handle, name, bio, url, reach, extra, is_own,
                                first_seen_at, last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (platform, host, ext_id) DO UPDATE SET
            handle = excluded.handle,
            name = CASE WHEN excluded.name != '' THEN excluded.name ELSE identities.name END,
            bio = CASE WHEN excluded.bio != '' THEN excluded.bio ELSE identities.bio END,
            url = CASE WHEN excluded.url != '' THEN excluded.url ELSE identities.url END,
            reach = coalesce(excluded.reach, identities.reach),
            is_own = max(identities.is_own, excluded.is_own),
            last_seen_at = max(identities.last_seen_at, excluded.last_seen_at)
        """,
        [
            (
                a.platform,
                a.host,
                a.ext_id,
                a.handle,
                a.name,
                a.bio,
                a.url,
                a.reach,
                _json(a.extra),
                int(a.handle in own),
                stamp,
                stamp,
            )
            for a in unique.values()
        ],
    )
    ids: dict[tuple[str, str, str], int] = {}
    keys = list(unique)
    for start in range(0, len(keys), 300):
        chunk = keys[start : start + 300]
        clause = " OR ".join(["(platform = ? AND host = ? AND ext_id = ?)"] * len(chunk))
        params = [part for key in chunk for part in key]
        for row in conn.execute(f"SELECT id, platform, host, ext_id FROM identities WHERE {clause}", params):
            ids[(row[1], row[2], row[3])] = int(row[0])
    return ids


def _conversation_ids(
    store: Store, account_id: int, posts: Sequence[Post], platform: str, result: IngestResult
) -> dict[str, int]:
    conn = store.conn
    firsts: dict[str, Post] = {}
    for post in posts:
        known = firsts.get(post.thread_key)
        if known is None or post.created_at < known.created_at:
            firsts[post.thread_key] = post
    keys = list(firsts)
    existing = _lookup(
        conn,
        "SELECT thread_key, id FROM conversations WHERE account_id = ? AND thread_key IN ({})",
        account_id,
        keys,
    )
    missing = [key for key in keys if key not in existing]
    if missing:
        conn.executemany(
            """
            INSERT INTO conversations (account_id, thread_key, platform, source, title, url, started_at,
                                       last_activity_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                (
                    account_id,
                    key,
                    platform,
                    firsts[key].source,
                    firsts[key].thread_title or firsts[key].title,
                    firsts[key].thread_url or firsts[key].url,
                    _ts(firsts[key].created_at),
                    _ts(firsts[key].created_at),
                )
                for key in missing
            ],
        )
        result.new_conversations += len(missing)
        existing.update(
            _lookup(
                conn,
                "SELECT thread_key, id FROM conversations WHERE account_id = ? AND thread_key IN ({})",
                account_id,
                missing,
            )
        )
    return existing


def _lookup(conn: sqlite3.Connection, sql: str, account_id: int, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = sql.format(",".join("?" * len(chunk)))
        for key, row_id in conn.execute(query, (account_id, *chunk)):
            found[key] = int(row_id)
    return found


def _write_posts(store: Store, account_id: int, posts: Sequence[Post], own: set[str]) -> IngestResult:
    result = IngestResult()
    if not posts:
        return result
    conn = store.conn
    stamp = now()
    platform = posts[0].author.platform
    identity_ids = _upsert_identities(store, [p.author for p in posts], stamp, own)
    conversation_ids = _conversation_ids(store, account_id, posts, platform, result)

    ext_ids = [p.ext_id for p in posts]
    known = _lookup(
        conn,
        "SELECT ext_id, id FROM posts WHERE account_id = ? AND ext_id IN ({})",
        account_id,
        ext_ids,
    )
    new_rows: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    seen: set[str] = set()
    for post in posts:
        if post.ext_id in seen:
            continue
        seen.add(post.ext_id)
        identity_id = identity_ids[(post.author.platform, post.author.host, post.author.ext_id)]
        conversation_id = conversation_ids[post.thread_key]
        row = {
            "account_id": account_id,
            "conversation_id": conversation_id,
            "ext_id": post.ext_id,
            "identity_id": identity_id,
            "author_handle": post.author.handle,
            "author_name": post.author.name,
            "direction": "out" if post.author.handle in own else post.direction,
            "text": post.text,
            "title": post.title,
            "url": post.url,
            "in_reply_to": post.in_reply_to,
            "created_at": _ts(post.created_at),
            "edited_at": _ts(post.edited_at) if post.edited_at else None,
            "deleted": int(post.deleted),
            "metrics": json.dumps(post.metrics, sort_keys=True) if post.metrics else "{}",
            "raw": _json(post.raw),
        }
        if post.ext_id in known:
            row["id"] = known[post.ext_id]
            updates.append(row)
        else:
            new_rows.append(row)
        result.conversation_ids.add(conversation_id)
    if new_rows:
        conn.executemany(
            """
            INSERT INTO posts (account_id, conversation_id, ext_id, identity_id, author_handle, author_name,
                               direction, text, title, url, in_reply_to, created_at, edited_at, deleted,
                               metrics, raw)
            VALUES (:account_id, :conversation_id, :ext_id, :identity_id, :author_handle, :author_name,
                    :direction, :text, :title, :url, :in_reply_to, :created_at, :edited_at, :deleted,
                    :metrics, :raw)
            """,
            new_rows,
        )
        result.new_posts = len(new_rows)
        _log_interactions(store, account_id, [str(row["ext_id"]) for row in new_rows])
    if updates:
        # Only rows whose content really changed are written, so the FTS triggers fire only for edits.
        changed = conn.executemany(
            """
            UPDATE posts SET identity_id = :identity_id, author_handle = :author_handle,
                author_name = :author_name, text = :text, title = :title, url = :url,
                in_reply_to = :in_reply_to, edited_at = :edited_at, deleted = :deleted, metrics = :metrics,
                raw = :raw
            WHERE id = :id AND (text != :text OR title != :title OR deleted != :deleted
                OR author_name != :author_name OR metrics != :metrics
                OR coalesce(edited_at, 0) != coalesce(:edited_at, 0))
            """,
            updates,
        )
        result.updated_posts = max(changed.rowcount, 0)
    return result


def _log_interactions(store: Store, account_id: int, ext_ids: Sequence[str]) -> None:
    """Log an interaction for each newly stored post: inbound from the author, outbound for our own."""
    conn = store.conn
    for start in range(0, len(ext_ids), 500):
        chunk = ext_ids[start : start + 500]
        conn.execute(
            f"""
            INSERT OR IGNORE INTO interactions (identity_id, person_id, account_id, direction, kind, post_id,
                                                conversation_id, occurred_at)
            SELECT p.identity_id, i.person_id, p.account_id, p.direction,
                   CASE WHEN p.direction = 'out' THEN 'reply' WHEN p.in_reply_to IS NULL THEN 'post' ELSE 'reply' END,
                   p.id, p.conversation_id, p.created_at
            FROM posts p LEFT JOIN identities i ON i.id = p.identity_id
            WHERE p.account_id = ? AND p.ext_id IN ({",".join("?" * len(chunk))})
            """,
            (account_id, *chunk),
        )


def _mark_deleted(store: Store, account_id: int, ext_ids: Sequence[str], result: IngestResult) -> int:
    conn = store.conn
    found = _lookup(
        conn,
        "SELECT ext_id, id FROM posts WHERE account_id = ? AND ext_id IN ({})",
        account_id,
        list(ext_ids),
    )
    if not found:
        return 0
    marked = conn.executemany(
        "UPDATE posts SET deleted = 1 WHERE id = ? AND deleted = 0", [(i,) for i in found.values()]
    )
    for row in conn.execute(
        f"SELECT DISTINCT conversation_id FROM posts WHERE id IN ({','.join('?' * len(found))})",
        list(found.values()),
    ):
        result.conversation_ids.add(int(row[0]))
    return max(marked.rowcount, 0)


def _count_done(store: Store, conversation_ids: Iterable[int]) -> int:
    ids = list(conversation_ids)
    total = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = f"SELECT count(*) FROM conversations WHERE status = 'done' AND id IN ({','.join('?' * len(chunk))})"
        total += int(store.conn.execute(query, chunk).fetchone()[0])
    return total


def _refresh_conversations(store: Store, conversation_ids: Iterable[int]) -> None:
    """Recompute each touched conversation's summary; a new inbound post brings a done one back to Inbox."""
    conn = store.conn
    ids = list(conversation_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"""
            UPDATE conversations SET
                post_count = (SELECT count(*) FROM posts p WHERE p.conversation_id = conversations.id),
                started_at = (SELECT min(created_at) FROM posts p WHERE p.conversation_id = conversations.id),
                status = CASE
                    WHEN status = 'done' AND EXISTS (
                        SELECT 1 FROM posts p WHERE p.conversation_id = conversations.id AND p.direction = 'in'
                        AND p.deleted = 0 AND p.created_at > conversations.last_activity_at)
                    THEN 'inbox' ELSE status END,
                unread = CASE
                    WHEN EXISTS (
                        SELECT 1 FROM posts p WHERE p.conversation_id = conversations.id AND p.direction = 'in'
                        AND p.deleted = 0 AND p.created_at > conversations.last_activity_at)
                    THEN 1 ELSE unread END,
                answered = CASE
                    WHEN (SELECT direction FROM posts p WHERE p.conversation_id = conversations.id AND p.deleted = 0
                          ORDER BY created_at DESC, id DESC LIMIT 1) = 'out' THEN 1 ELSE 0 END
            WHERE id IN ({marks})
            """,
            chunk,
        )
        # The summary follows the latest post that is still there (inbound first, for the excerpt).
        conn.execute(
            f"""
            UPDATE conversations SET
                last_activity_at = coalesce(
                    (SELECT max(created_at) FROM posts p WHERE p.conversation_id = conversations.id AND p.deleted = 0),
                    last_activity_at),
                last_author_id = coalesce((
                    SELECT identity_id FROM posts p WHERE p.conversation_id = conversations.id AND p.deleted = 0
                    AND p.direction = 'in' ORDER BY created_at DESC, id DESC LIMIT 1), last_author_id),
                excerpt = coalesce((
                    SELECT substr(text, 1, {EXCERPT_LENGTH * 2}) FROM posts p
                    WHERE p.conversation_id = conversations.id AND p.deleted = 0
                    AND p.direction = 'in' ORDER BY created_at DESC, id DESC LIMIT 1), excerpt)
            WHERE id IN ({marks})
            """,
            chunk,
        )
