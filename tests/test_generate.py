"""The big-data generator: right counts, a usable store, working full-text search, triggers restored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import generate
from cockpit.paths import db_path
from cockpit.store import Store, open_store
from cockpit.store.ingest import write_page
from cockpit.store.queue import QueueFilter, Sort, count, fetch_page
from cockpit.store.schema import MIGRATIONS
from cockpit.store.search import search_posts
from connectors.models import Author, Page, Post

POSTS = 3_000


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("gen") / "bench"
    summary = generate.generate(target, generate.Plan(posts=POSTS, seed=7, days=30))
    assert summary.posts == POSTS
    return target


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    opened = open_store(db_path(home), create=False)
    yield opened
    opened.close()


def test_counts_are_right(store: Store) -> None:
    conn = store.conn
    assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == POSTS
    conversations = conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
    assert POSTS / 10 * 0.75 <= conversations <= POSTS / 10 * 1.25
    assert conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == POSTS
    platforms = {row[0] for row in conn.execute("SELECT platform FROM accounts")}
    assert platforms == {"x", "linkedin", "discourse", "feed"}
    per_account = [row[0] for row in conn.execute("SELECT count(*) FROM posts GROUP BY account_id")]
    assert len(per_account) == 4 and min(per_account) > POSTS * 0.08


def test_conversation_summaries_match_their_posts(store: Store) -> None:
    mismatches = store.conn.execute(
        """
        SELECT count(*) FROM conversations c
        WHERE c.post_count != (SELECT count(*) FROM posts p WHERE p.conversation_id = c.id)
           OR c.last_activity_at != (SELECT max(created_at) FROM posts p WHERE p.conversation_id = c.id)
           OR c.started_at != (SELECT min(created_at) FROM posts p WHERE p.conversation_id = c.id)
           OR c.answered != ((SELECT direction FROM posts p WHERE p.conversation_id = c.id
                              ORDER BY created_at DESC, id DESC LIMIT 1) = 'out')
        """
    ).fetchone()[0]
    assert mismatches == 0


def test_it_opens_as_a_current_store_and_the_queue_reads_it(store: Store) -> None:
    assert store.schema_version() == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    flt = QueueFilter()
    total = count(store.conn, flt)
    assert total == store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0]
    page = fetch_page(store.conn, flt, Sort.NEWEST, limit=50)
    assert len(page) == 50 and all(row.author_name for row in page)
    assert [row.last_activity_at for row in page] == sorted(
        (row.last_activity_at for row in page), reverse=True
    )


def test_full_text_search_finds_common_and_rare_words(store: Store) -> None:
    conn = store.conn
    conn.execute("INSERT INTO posts_fts(posts_fts) VALUES ('integrity-check')")
    common = conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'the'").fetchone()[0]
    assert common > POSTS * 0.3
    rare_word = _rarest_word(conn)
    hits = search_posts(conn, rare_word, limit=500)
    assert 1 <= len(hits) <= 5
    assert all(rare_word in hit.text.lower() for hit in hits)


def _rarest_word(conn: sqlite3.Connection) -> str:
    conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, posts_fts, row)")
    row = conn.execute(
        "SELECT term FROM temp.words WHERE length(term) > 5 AND term GLOB '[a-z]*' ORDER BY doc, term LIMIT 1"
    ).fetchone()
    return str(row[0])


def test_sync_can_write_to_it_afterwards_and_search_sees_it(store: Store) -> None:
    account_id = store.conn.execute("SELECT id FROM accounts WHERE platform = 'x'").fetchone()[0]
    author = Author(platform="x", ext_id="zz1", handle="newcomer", name="New Comer")
    post = Post(
        ext_id="fresh-1",
        thread_key="fresh",
        author=author,
        text="quokkaflux appears exactly once",
        created_at=datetime.now(UTC),
    )
    result = write_page(store, account_id, Page(posts=[post]))
    assert result.new_posts == 1
    assert [hit.text for hit in search_posts(store.conn, "quokkaflux")] == ["quokkaflux appears exactly once"]


def test_the_same_seed_gives_the_same_texts(tmp_path: Path) -> None:
    for name, seed in (("one", 7), ("again", 7), ("other", 8)):
        generate.generate(tmp_path / name, generate.Plan(posts=500, seed=seed, days=30))

    def texts(where: str) -> list[str]:
        conn = sqlite3.connect(db_path(tmp_path / where))
        try:
            return [row[0] for row in conn.execute("SELECT text FROM posts ORDER BY id")]
        finally:
            conn.close()

    assert texts("one") == texts("again")
    assert texts("one") != texts("other")


def test_fts_kept_by_triggers_gives_the_same_index(tmp_path: Path) -> None:
    generate.generate(tmp_path / "t", generate.Plan(posts=400, seed=3), fts="triggers")
    conn = sqlite3.connect(db_path(tmp_path / "t"))
    try:
        conn.execute("INSERT INTO posts_fts(posts_fts) VALUES ('integrity-check')")
        assert conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'relay'").fetchone()[0] > 0
    finally:
        conn.close()


def test_the_command_refuses_an_existing_database(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--posts", "10", "--home", str(home), "--quiet"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_the_command_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--posts", "250", "--home", str(tmp_path / "g"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("250 posts in ") and "conversations" in out
    assert not (tmp_path / "g" / "cockpit.generating.db").exists()
