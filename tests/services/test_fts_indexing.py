"""Full-text indexing once per page (schema migration 2): new posts are searchable as soon as their page is
stored, posts written by other code wait in posts_fts_pending, and edits or deletions of waiting posts never
corrupt the index."""

from __future__ import annotations

from pathlib import Path

from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, index_pending_posts, write_page
from cockpit.store.schema import MIGRATIONS
from connectors.models import Page
from tests.services.conftest import post


def hits(store: Store, query: str) -> list[int]:
    rows = store.conn.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid", (query,))
    return [int(row[0]) for row in rows]


def index_is_sound(store: Store) -> bool:
    store.conn.execute("INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)")
    return True


def pending(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0])


def insert_directly(store: Store, account: int, ext_id: str, text: str) -> int:
    """A post written by code other than write_page (the insert trigger only queues it)."""
    with store.write() as conn:
        conversation = conn.execute("SELECT id FROM conversations LIMIT 1").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO posts (account_id, conversation_id, ext_id, text, created_at) VALUES (?, ?, ?, ?, 0)",
            (account, conversation, ext_id, text),
        )
        return int(cursor.lastrowid or 0)


def test_a_stored_page_is_searchable_at_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    account = ensure_account(store, "acme-blog", "feed")
    write_page(
        store, account, Page(posts=[post("1", "a", 0, text="kafka lag"), post("2", "a", 1, text="lag")])
    )
    assert len(hits(store, "lag")) == 2 and len(hits(store, "kafka")) == 1
    assert pending(store) == 0 and index_is_sound(store)


def test_posts_written_elsewhere_wait_and_are_indexed_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    account = ensure_account(store, "acme-blog", "feed")
    write_page(store, account, Page(posts=[post("1", "a", 0, text="first")]))
    waiting = insert_directly(store, account, "x1", "zeppelin arrives")
    assert hits(store, "zeppelin") == [] and pending(store) == 1
    write_page(store, account, Page(posts=[post("2", "a", 1, text="second")]))  # indexes what waits too
    assert hits(store, "zeppelin") == [waiting] and pending(store) == 0
    with store.write():
        assert index_pending_posts(store) == 0
    assert hits(store, "zeppelin") == [waiting] and index_is_sound(store)


def test_editing_or_deleting_a_waiting_post_keeps_the_index_sound(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    account = ensure_account(store, "acme-blog", "feed")
    write_page(store, account, Page(posts=[post("1", "a", 0, text="indexed words")]))
    edited = insert_directly(store, account, "x1", "draft wording")
    gone = insert_directly(store, account, "x2", "vanishing words")
    with store.write() as conn:
        conn.execute("UPDATE posts SET text = 'final wording' WHERE id = ?", (edited,))
        conn.execute("DELETE FROM posts WHERE id = ?", (gone,))
    assert pending(store) == 1
    with store.write():
        assert index_pending_posts(store) == 1
    assert hits(store, "final") == [edited] and hits(store, "draft") == [] and hits(store, "vanishing") == []
    # Once indexed, edits and deletions go through the index as before.
    with store.write() as conn:
        conn.execute("UPDATE posts SET text = 'revised wording' WHERE id = ?", (edited,))
    assert hits(store, "revised") == [edited] and hits(store, "final") == []
    with store.write() as conn:
        conn.execute("DELETE FROM posts WHERE id = ?", (edited,))
    assert hits(store, "wording") == [] and index_is_sound(store)


def test_a_database_from_before_the_change_keeps_its_index(tmp_path: Path) -> None:
    path = tmp_path / "cockpit.db"
    old = open_store(path, migrations=MIGRATIONS[:1])
    account = ensure_account(old, "acme-blog", "feed")
    with old.write() as conn:
        conn.execute(
            "INSERT INTO conversations (account_id, thread_key, platform, started_at, last_activity_at) "
            "VALUES (?, 't', 'feed', 0, 0)",
            (account,),
        )
        conn.execute(
            "INSERT INTO posts (account_id, conversation_id, ext_id, text, created_at) "
            "VALUES (?, 1, 'old', 'legacy words', 0)",
            (account,),
        )
    old.close()
    store = open_store(path)
    assert store.schema_version() == len(MIGRATIONS) and pending(store) == 0
    assert len(hits(store, "legacy")) == 1
    write_page(store, account, Page(posts=[post("new", "t", 5, text="legacy and modern")]))
    assert len(hits(store, "legacy")) == 2 and len(hits(store, "modern")) == 1 and index_is_sound(store)
