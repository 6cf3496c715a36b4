"""Numbered schema migrations; each runs once, in order, inside one transaction.

Times are integer Unix seconds (UTC). JSON columns hold text. Later issues add migrations at the end of
`MIGRATIONS`; never edit a migration that has shipped.
"""

from __future__ import annotations

MIGRATION_1 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_sync_at INTEGER,
    next_sync_at INTEGER,
    rate_limited_until INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'spotted',
    tags TEXT NOT NULL DEFAULT '[]',
    interests TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    cadence_days INTEGER,
    merged_into INTEGER REFERENCES people(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX people_stage ON people(stage, name);

-- An author as one platform shows them; attached to a person once tracked.
CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    ext_id TEXT NOT NULL,
    handle TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    bio TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    reach INTEGER,
    extra TEXT NOT NULL DEFAULT '{}',
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    is_own INTEGER NOT NULL DEFAULT 0,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    UNIQUE (platform, host, ext_id)
);
CREATE INDEX identities_person ON identities(person_id) WHERE person_id IS NOT NULL;

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    thread_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'mention',
    title TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'inbox' CHECK (status IN ('inbox', 'done', 'snoozed', 'muted')),
    snooze_until INTEGER,
    priority INTEGER NOT NULL DEFAULT 0,
    unread INTEGER NOT NULL DEFAULT 1,
    answered INTEGER NOT NULL DEFAULT 0,
    post_count INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    last_author_id INTEGER REFERENCES identities(id),
    excerpt TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, thread_key)
);
CREATE INDEX conversations_by_status ON conversations(status, last_activity_at, id);
CREATE INDEX conversations_by_activity ON conversations(last_activity_at, id);
CREATE INDEX conversations_by_priority ON conversations(status, priority, last_activity_at, id);

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
) WITHOUT ROWID;
CREATE INDEX conversation_tags_by_tag ON conversation_tags(tag, conversation_id);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    ext_id TEXT NOT NULL,
    identity_id INTEGER REFERENCES identities(id),
    author_handle TEXT NOT NULL DEFAULT '',
    author_name TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
    text TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    in_reply_to TEXT,
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    metrics TEXT NOT NULL DEFAULT '{}',
    raw TEXT NOT NULL DEFAULT '{}',
    UNIQUE (account_id, ext_id)
);
CREATE INDEX posts_by_conversation ON posts(conversation_id, created_at, id);
CREATE INDEX posts_by_identity ON posts(identity_id, created_at);

-- Full-text index over post text and author names; external content, kept in step by triggers.
CREATE VIRTUAL TABLE posts_fts USING fts5(
    text, title, author_name, author_handle,
    content='posts', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, text, title, author_name, author_handle)
    VALUES (new.id, new.text, new.title, new.author_name, new.author_handle);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.title, old.author_name, old.author_handle);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, title, author_name, author_handle ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.title, old.author_name, old.author_handle);
    INSERT INTO posts_fts(rowid, text, title, author_name, author_handle)
    VALUES (new.id, new.text, new.title, new.author_name, new.author_handle);
END;

-- Every touch between us and a person: inbound posts, our replies, likes, and manual entries.
CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    identity_id INTEGER REFERENCES identities(id),
    person_id INTEGER REFERENCES people(id),
    account_id INTEGER REFERENCES accounts(id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind TEXT NOT NULL,
    post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    occurred_at INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX interactions_once_per_post ON interactions(post_id, kind) WHERE post_id IS NOT NULL;
CREATE INDEX interactions_by_identity ON interactions(identity_id, occurred_at);
CREATE INDEX interactions_by_person ON interactions(person_id, occurred_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    reply_to_post_id INTEGER REFERENCES posts(id),
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'scheduled', 'sending', 'sent', 'failed', 'unknown', 'cancelled')),
    send_at INTEGER,
    condition TEXT NOT NULL DEFAULT '',
    attempt_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    remote_id TEXT,
    remote_url TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(state, send_at);
CREATE INDEX outbox_by_conversation ON outbox(conversation_id);

-- One incremental stream of one account (mentions, a search, a feed): its cursor and HTTP validators.
CREATE TABLE sync_state (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    stream TEXT NOT NULL,
    cursor TEXT,
    etag TEXT,
    last_modified TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, stream)
);

CREATE TABLE undo_log (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    action TEXT NOT NULL,
    label TEXT NOT NULL,
    payload TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
"""

MIGRATION_2 = """
-- New posts are indexed for full-text search once per write, in one statement (`ingest.index_pending_posts`),
-- instead of by the insert trigger row by row: an INSERT that fires a trigger runs in a statement savepoint,
-- and FTS5 flushes its pending terms into a new index segment at every savepoint, so the trigger wrote one
-- segment per post and ingest fell to a few thousand posts/s on a large index (measured: ~12k rows/s for
-- the index alone, against ~120k rows/s in one statement). A post waits in posts_fts_pending until indexed;
-- the update and delete triggers leave waiting posts alone. After an FTS 'rebuild', empty posts_fts_pending.
CREATE TABLE posts_fts_pending (
    post_id INTEGER PRIMARY KEY
);
DROP TRIGGER posts_fts_insert;
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT OR IGNORE INTO posts_fts_pending (post_id) VALUES (new.id);
END;
DROP TRIGGER posts_fts_delete;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    SELECT 'delete', old.id, old.text, old.title, old.author_name, old.author_handle
    WHERE NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id);
    DELETE FROM posts_fts_pending WHERE post_id = old.id;
END;
DROP TRIGGER posts_fts_update;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, title, author_name, author_handle ON posts
WHEN NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id) BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.title, old.author_name, old.author_handle);
    INSERT INTO posts_fts(rowid, text, title, author_name, author_handle)
    VALUES (new.id, new.text, new.title, new.author_name, new.author_handle);
END;
"""

MIGRATION_3 = """
-- Ingest at a million posts (docs/performance.md, "Ingest").
-- posts_by_identity went: interactions_by_identity answers "everything from this author" (every stored post
-- has its interaction), and the index cost one scattered page write per post by a known author.
DROP INDEX posts_by_identity;
-- The insert trigger went too: any AFTER INSERT trigger on posts, even one whose WHEN is false, cost about
-- 4 us per inserted row. The posts waiting for the full-text index are now those above the newest indexed
-- id (the largest rowid of FTS5's own posts_fts_docsize table, one row per indexed post):
-- `ingest.index_pending_posts` indexes them, and posts_fts_pending becomes a view of them. Whatever waited
-- in the old table is indexed here first. A post inserted with an explicit id at or below the newest indexed
-- one is not seen as waiting: code that does that indexes it itself (INSERT INTO posts_fts ...).
-- The update and delete triggers touch the index only for posts it holds. An FTS 'rebuild' needs nothing
-- else afterwards.
DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_update;
DROP TRIGGER posts_fts_delete;
INSERT INTO posts_fts (rowid, text, title, author_name, author_handle)
SELECT p.id, p.text, p.title, p.author_name, p.author_handle FROM posts p
WHERE p.id IN (SELECT post_id FROM posts_fts_pending) ORDER BY p.id;
DROP TABLE posts_fts_pending;
CREATE VIEW posts_fts_pending (post_id) AS
SELECT id FROM posts WHERE id > (SELECT coalesce(max(id), 0) FROM posts_fts_docsize);
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, title, author_name, author_handle ON posts
WHEN EXISTS (SELECT 1 FROM posts_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.title, old.author_name, old.author_handle);
    INSERT INTO posts_fts(rowid, text, title, author_name, author_handle)
    VALUES (new.id, new.text, new.title, new.author_name, new.author_handle);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts
WHEN EXISTS (SELECT 1 FROM posts_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text, title, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.title, old.author_name, old.author_handle);
END;
-- identities.last_seen_at is kept to the day from here on (`ingest.LAST_SEEN_RESOLUTION`).
"""

MIGRATION_4 = """
-- Snooze wake-ups (`services.triage.wake_due`, `next_wake`) find the snoozed conversations by their time
-- without scanning every snoozed row in activity order; the index holds snoozed rows only.
CREATE INDEX conversations_snoozed_until ON conversations(snooze_until) WHERE status = 'snoozed';
"""

MIGRATION_5 = """
-- Outbox: exactly-once sending (issue 8, cockpit/services/outbox.py).
"""

MIGRATION_6 = """
-- Reply templates (issue 8, cockpit/services/templates.py).
"""

MIGRATION_7 = """
-- People: stages, merges, signals, outreach (issue 9, cockpit/services/people.py).
"""

MIGRATION_8 = """
-- Rules, saved views and priority (issue 7).
"""

MIGRATIONS: list[str] = [
    MIGRATION_1,
    MIGRATION_2,
    MIGRATION_3,
    MIGRATION_4,
    MIGRATION_5,
    MIGRATION_6,
    MIGRATION_7,
    MIGRATION_8,
]
"""Migration N is MIGRATIONS[N - 1]; the database's `PRAGMA user_version` is the last one applied."""
