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
-- A claim ('sending') records who holds it and since when: `reconcile` treats it as abandoned only when that
-- sender is gone (its process is dead on this host, or the claim is older than the lease).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;
-- The idempotency key given to connectors that honour one: the attempt id of the first attempt since the
-- text last changed, so a retry after an unknown outcome carries the same key.
ALTER TABLE outbox ADD COLUMN send_key TEXT;
ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
-- When the sent reply was written into its conversation (post, answered, interaction); NULL = still to do.
ALTER TABLE outbox ADD COLUMN recorded_at INTEGER;
-- When the platform last answered a lookup for an unknown reply (not found); NULL = never asked yet.
ALTER TABLE outbox ADD COLUMN checked_at INTEGER;
CREATE UNIQUE INDEX outbox_one_draft ON outbox(conversation_id) WHERE state = 'draft';
CREATE INDEX outbox_unrecorded ON outbox(id) WHERE state = 'sent' AND recorded_at IS NULL;
"""

MIGRATION_6 = """
-- Reply templates (issue 8, cockpit/services/templates.py).
CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

MIGRATION_7 = """
-- People: stages, merges, signals, outreach (issue 9, cockpit/services/people.py).
-- Stages are rows (renamable, reorderable); people.stage holds the key, people.stage_position a copy of the
-- stage's position so the list sorts by index. cadence_days is the stage's default touch interval.
CREATE TABLE stages (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    cadence_days INTEGER
);
INSERT INTO stages (key, label, position, cadence_days) VALUES
    ('spotted', 'spotted', 0, NULL),
    ('engaged', 'engaged', 1, 30),
    ('in_conversation', 'in conversation', 2, 14),
    ('supporter', 'supporter', 3, 21),
    ('advocate', 'advocate', 4, 30);
-- Every stage change, for the funnel over time (from_stage is NULL when a person is created).
CREATE TABLE stage_log (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX stage_log_by_time ON stage_log(at);
CREATE INDEX stage_log_by_person ON stage_log(person_id, at);
-- A merge keeps what it moved, so it can be undone (services.people.undo_merge).
CREATE TABLE person_merges (
    id INTEGER PRIMARY KEY,
    keep_id INTEGER NOT NULL REFERENCES people(id),
    other_id INTEGER NOT NULL REFERENCES people(id),
    at INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
-- Watermarks of the people upkeep (services.signals), e.g. the last interaction id already attributed.
CREATE TABLE people_state (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- Outreach items (source = 'outreach') and other person-bound conversations name their person.
ALTER TABLE conversations ADD COLUMN person_id INTEGER REFERENCES people(id);
CREATE INDEX conversations_by_person ON conversations(person_id, started_at) WHERE person_id IS NOT NULL;
-- Stored signals (services.signals.refresh_signals keeps them up to date; see docs/people.md): every sort
-- column is NOT NULL so keyset pages compare plain values. last_touch_at 0 = never, reach -1 = unknown,
-- due_key = next_due_at or the largest integer when the person has no cadence.
ALTER TABLE people ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN stage_position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN handles TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN last_touch_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN last_in_at INTEGER;
ALTER TABLE people ADD COLUMN last_out_at INTEGER;
ALTER TABLE people ADD COLUMN warmth REAL NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN reach INTEGER NOT NULL DEFAULT -1;
ALTER TABLE people ADD COLUMN next_due_at INTEGER;
ALTER TABLE people ADD COLUMN due_key INTEGER NOT NULL DEFAULT 9223372036854775807;
ALTER TABLE people ADD COLUMN signals_at INTEGER;
UPDATE people SET sort_name = lower(name),
    stage_position = coalesce((SELECT position FROM stages WHERE stages.key = people.stage), 0);
CREATE INDEX people_by_name ON people(sort_name, id) WHERE merged_into IS NULL;
CREATE INDEX people_by_touch ON people(last_touch_at, id) WHERE merged_into IS NULL;
CREATE INDEX people_by_warmth ON people(warmth, id) WHERE merged_into IS NULL;
CREATE INDEX people_by_reach ON people(reach, id) WHERE merged_into IS NULL;
CREATE INDEX people_by_due ON people(due_key, id) WHERE merged_into IS NULL;
CREATE INDEX people_by_stage ON people(stage_position, sort_name, id) WHERE merged_into IS NULL;
-- The same orders within one stage (the list filtered to a stage), so a small stage is not found by scanning.
CREATE INDEX people_in_stage_by_name ON people(stage, sort_name, id) WHERE merged_into IS NULL;
CREATE INDEX people_in_stage_by_touch ON people(stage, last_touch_at, id) WHERE merged_into IS NULL;
CREATE INDEX people_in_stage_by_warmth ON people(stage, warmth, id) WHERE merged_into IS NULL;
CREATE INDEX people_in_stage_by_reach ON people(stage, reach, id) WHERE merged_into IS NULL;
CREATE INDEX people_in_stage_by_due ON people(stage, due_key, id) WHERE merged_into IS NULL;
-- The list's text filter (name, organisation, handles, any part of them): a trigram index, so a filter that
-- matches a few people does not walk every row (store.people_list). Kept by triggers that fire only when
-- one of the three columns really changes (the signal refresh rewrites `handles` for everyone daily).
CREATE VIRTUAL TABLE people_fts USING fts5(
    sort_name, organisation, handles, content='people', content_rowid='id', tokenize='trigram'
);
INSERT INTO people_fts(people_fts) VALUES ('rebuild');
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, sort_name, organisation, handles)
    VALUES (new.id, new.sort_name, new.organisation, new.handles);
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF sort_name, organisation, handles ON people
WHEN old.sort_name IS NOT new.sort_name OR old.organisation IS NOT new.organisation
    OR old.handles IS NOT new.handles
BEGIN
    INSERT INTO people_fts(people_fts, rowid, sort_name, organisation, handles)
    VALUES ('delete', old.id, old.sort_name, old.organisation, old.handles);
    INSERT INTO people_fts(rowid, sort_name, organisation, handles)
    VALUES (new.id, new.sort_name, new.organisation, new.handles);
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, sort_name, organisation, handles)
    VALUES ('delete', old.id, old.sort_name, old.organisation, old.handles);
END;
-- Acting on an outreach item counts as a touch: marking it done logs an 'outreach' interaction (the
-- person's next due date moves in services.signals), unless we already touched them since it appeared (a
-- reply counts by itself); snoozing it moves the due date to the snooze time.
CREATE TRIGGER outreach_done AFTER UPDATE OF status ON conversations
WHEN new.source = 'outreach' AND new.person_id IS NOT NULL AND new.status = 'done' AND old.status != 'done'
    AND NOT EXISTS (SELECT 1 FROM interactions x WHERE x.person_id = new.person_id AND x.direction = 'out'
                    AND x.occurred_at >= new.started_at)
BEGIN
    INSERT INTO interactions (person_id, account_id, direction, kind, conversation_id, occurred_at, note)
    VALUES (new.person_id, new.account_id, 'out', 'outreach', new.id, unixepoch(), 'outreach item done');
END;
-- Undoing that (the item back in the Inbox) takes the touch back.
CREATE TRIGGER outreach_undone AFTER UPDATE OF status ON conversations
WHEN new.source = 'outreach' AND old.status = 'done' AND new.status != 'done'
BEGIN
    DELETE FROM interactions WHERE conversation_id = new.id AND kind = 'outreach' AND post_id IS NULL;
END;
-- Suggestions the user dismissed (services.signals.suggestions skips them): kind is 'new' (subject: an
-- identity, for good), 'promote' or 'slipping' (subject: a person, until their stage or last touch changes).
CREATE TABLE IF NOT EXISTS suggestion_dismissals (
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    dismissed_at INTEGER NOT NULL,
    PRIMARY KEY (kind, subject_id)
);
"""

MIGRATION_8 = """
-- Rules, saved views and priority (issue 7).
-- triage:
-- The Questions view and the priority order (cockpit/services/priority.py; formula in docs/triage.md).
-- conversations.question: an inbound post asks something (a question mark, or a first word that asks, in
-- several languages). conversations.priority_score: the computed score; conversations.priority is that score
-- plus any adjustment set by hand or by a rule, and a refresh moves it by the change of the score.
ALTER TABLE conversations ADD COLUMN question INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN priority_score INTEGER NOT NULL DEFAULT 0;
CREATE VIEW priority_terms AS
SELECT t.*, 15 * t.question AS question_points,
    t.stage_points + t.reach_points + t.source_points + 15 * t.question + t.replied_points AS score
FROM (
    SELECT c.id AS id,
        CASE WHEN pe.id IS NULL THEN 0 ELSE min(50, 10 * (coalesce(st.position, 0) + 1)) END AS stage_points,
        CASE WHEN i.reach >= 100000 THEN 20 WHEN i.reach >= 10000 THEN 15 WHEN i.reach >= 1000 THEN 10
            WHEN i.reach >= 100 THEN 5 ELSE 0 END AS reach_points,
        CASE c.source WHEN 'mention' THEN 20 WHEN 'notification' THEN 20 WHEN 'feed' THEN 10 ELSE 0 END
            AS source_points,
        EXISTS (
            SELECT 1 FROM posts p WHERE p.conversation_id = c.id AND p.direction = 'in' AND p.deleted = 0
            AND (instr(p.text, '?') > 0 OR instr(p.text, '？') > 0 OR instr(p.text, '¿') > 0 OR instr(p.text, '؟') > 0
            OR rtrim(lower(substr(ltrim(p.text), 1, instr(ltrim(p.text) || ' ', ' ') - 1)), ',.:;!') IN (
                'how', 'what', 'why', 'when', 'where', 'who', 'whom', 'whose', 'which', 'can',
                'could', 'does', 'do', 'did', 'is', 'are', 'should', 'would', 'will', 'anyone',
                'anybody', 'comment', 'pourquoi', 'quand', 'où', 'quel', 'quelle', 'quels',
                'quelles', 'combien', 'est-ce', 'wie', 'warum', 'wann', 'wo', 'wer', 'welche',
                'welcher', 'welches', 'weshalb', 'gibt', 'cómo', 'qué', 'cuándo', 'dónde', 'quién',
                'cuál', 'quando', 'onde', 'quem', 'qual', 'perché', 'dove', 'hoe', 'waarom',
                'wanneer', 'waar', 'welke'))
        ) AS question,
        CASE WHEN c.answered THEN -30 ELSE 0 END AS replied_points,
        i.id AS author_id
    FROM conversations c
    LEFT JOIN identities i ON i.id = (
        SELECT p.identity_id FROM posts p WHERE p.conversation_id = c.id AND p.direction = 'in'
        ORDER BY p.created_at DESC, p.id DESC LIMIT 1)
    LEFT JOIN people pe ON pe.id = i.person_id
    LEFT JOIN stages st ON st.key = pe.stage
) t;
UPDATE conversations SET question = s.question, priority = priority - priority_score + s.score,
    priority_score = s.score
FROM priority_terms s
WHERE conversations.id = s.id AND (conversations.question IS NOT s.question OR conversations.priority_score IS NOT s.score);
CREATE INDEX conversations_questions ON conversations(status, last_activity_at, id) WHERE question = 1;
-- A person's stage changes, or an author is linked to (or unlinked from) a person: rescore their conversations.
CREATE TRIGGER people_stage_priority AFTER UPDATE OF stage ON people WHEN old.stage IS NOT new.stage BEGIN
    UPDATE conversations SET priority = priority - priority_score + s.score, priority_score = s.score
    FROM (SELECT id, score FROM priority_terms WHERE id IN (
        SELECT conversation_id FROM interactions WHERE conversation_id IS NOT NULL
        AND identity_id IN (SELECT id FROM identities WHERE person_id = new.id))) AS s
    WHERE conversations.id = s.id AND conversations.priority_score IS NOT s.score;
END;
CREATE TRIGGER identities_person_priority AFTER UPDATE OF person_id ON identities
WHEN old.person_id IS NOT new.person_id BEGIN
    UPDATE conversations SET priority = priority - priority_score + s.score, priority_score = s.score
    FROM (SELECT id, score FROM priority_terms WHERE id IN (
        SELECT conversation_id FROM interactions WHERE conversation_id IS NOT NULL
        AND identity_id = new.id)) AS s
    WHERE conversations.id = s.id AND conversations.priority_score IS NOT s.score;
END;
-- We replied (or the reply went away): the replied term changes.
CREATE TRIGGER conversations_answered_priority AFTER UPDATE OF answered ON conversations
WHEN old.answered IS NOT new.answered BEGIN
    UPDATE conversations SET priority = priority - priority_score + s.score, priority_score = s.score
    FROM (SELECT id, score FROM priority_terms WHERE id = new.id) AS s
    WHERE conversations.id = s.id AND conversations.priority_score IS NOT s.score;
END;
-- Custom saved views: a name and what to show (a typed filter and/or a search), see cockpit/services/saved_views.py.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    filter TEXT NOT NULL DEFAULT '',
    search TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- rules:
-- Rules from config.toml act on new inbound posts at sync time (cockpit/services/rules.py, docs/rules.md).
-- conversations.rule_priority: the boost the rules gave; like a hand-set adjustment it is part of
-- conversations.priority (a rule moves priority by the change of its boost) and is kept apart to explain it.
-- conversations.assigned_account_id: the own account a rule assigned the conversation to.
-- rule_hits: which rule matched which new post, and when (explains a tag, a boost or a done).
ALTER TABLE conversations ADD COLUMN rule_priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assigned_account_id INTEGER REFERENCES accounts(id);
CREATE TABLE rule_hits (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    hit_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, rule)
) WITHOUT ROWID;
CREATE INDEX rule_hits_by_conversation ON rule_hits(conversation_id);
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
