"""Writing pages: grouping, idempotence, edits, deletions, cursors and interactions."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, read_cursors, write_page
from connectors.models import Author, Page, Post
from tests.store.conftest import T0, author, post


def test_a_page_groups_posts_into_conversations_and_stores_its_cursor(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    page = Page(
        stream="mentions",
        cursor="100",
        posts=[post("1", "a", 0), post("2", "a", 5, who=2, reply_to="1"), post("3", "b", 7, who=3)],
    )
    result = write_page(store, account, page)
    assert (result.new_posts, result.new_conversations) == (3, 2)
    assert read_cursors(store, account) == {"mentions": "100"}
    rows = store.conn.execute(
        "SELECT thread_key, post_count, excerpt FROM conversations ORDER BY thread_key"
    ).fetchall()
    assert rows == [("a", 2, "post 2 in a"), ("b", 1, "post 3 in b")]


def test_writing_the_same_page_twice_changes_nothing(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    page = Page(cursor="1", posts=[post(str(n), f"t{n % 3}", n) for n in range(30)])
    write_page(store, account, page)
    again = write_page(store, account, page)
    assert (again.new_posts, again.updated_posts, again.new_conversations) == (0, 0, 0)
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 30
    assert store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 30


def test_a_failing_page_stores_nothing_and_keeps_the_old_cursor(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cockpit.store import ingest

    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(cursor="first", posts=[post("1", "a", 0)]))

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # The full-text indexing runs after every other row of the page is written: failing there must undo them.
    monkeypatch.setattr(ingest, "index_pending_posts", explode)
    with pytest.raises(RuntimeError):
        write_page(store, account, Page(cursor="second", posts=[post("2", "b", 1, who=2), post("3", "a", 2)]))
    assert read_cursors(store, account) == {"default": "first"}
    assert store.conn.execute("SELECT ext_id FROM posts").fetchall() == [("1",)]
    assert store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM identities").fetchone()[0] == 1
    assert store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 1
    assert store.conn.execute("SELECT post_count FROM conversations").fetchone()[0] == 1


def test_an_edited_post_is_updated_and_searchable_by_its_new_words(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 0, text="the original wording")]))
    edited = post("1", "a", 0, text="a corrected sentence").model_copy(
        update={"edited_at": T0 + timedelta(hours=1)}
    )
    result = write_page(store, account, Page(posts=[edited]))
    assert result.updated_posts == 1 and result.new_posts == 0
    assert store.conn.execute("SELECT text FROM posts").fetchone()[0] == "a corrected sentence"
    hits = store.conn.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'corrected'").fetchall()
    assert len(hits) == 1
    assert (
        store.conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'original'").fetchone()[0]
        == 0
    )


def test_a_deleted_post_is_marked_and_leaves_the_summary(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(
        store, account, Page(posts=[post("1", "a", 0, text="first"), post("2", "a", 10, text="second")])
    )
    result = write_page(store, account, Page(deleted_ext_ids=["2", "unknown"]))
    assert result.deleted_posts == 1
    assert store.conn.execute("SELECT deleted FROM posts WHERE ext_id = '2'").fetchone()[0] == 1
    assert store.conn.execute("SELECT excerpt FROM conversations").fetchone()[0] == "first"


def test_a_new_inbound_post_brings_a_done_conversation_back_to_inbox(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 0)]))
    store.conn.execute("UPDATE conversations SET status = 'done', unread = 0")
    store.conn.commit()
    result = write_page(store, account, Page(posts=[post("2", "a", 30, who=2)]))
    assert result.reopened_conversations == 1
    assert store.conn.execute("SELECT status, unread FROM conversations").fetchone() == ("inbox", 1)


def test_our_own_posts_are_outbound_and_mark_the_conversation_answered(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    ours = Post(
        ext_id="2",
        thread_key="a",
        author=Author(platform="x", ext_id="me", handle="acme"),
        text="thanks!",
        created_at=T0 + timedelta(minutes=5),
        in_reply_to="1",
    )
    write_page(store, account, Page(posts=[post("1", "a", 0), ours]), own_handles={"acme"})
    directions = store.conn.execute("SELECT ext_id, direction FROM posts ORDER BY ext_id").fetchall()
    assert directions == [("1", "in"), ("2", "out")]
    assert store.conn.execute("SELECT answered, excerpt FROM conversations").fetchone() == (1, "post 1 in a")
    kinds = store.conn.execute("SELECT direction, kind FROM interactions ORDER BY post_id").fetchall()
    assert kinds == [("in", "post"), ("out", "reply")]


def test_identities_are_upserted_with_their_latest_profile(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    first = Author(platform="x", ext_id="42", handle="old", name="Ada", reach=10)
    later = Author(platform="x", ext_id="42", handle="new", name="", reach=None, bio="builder")
    write_page(
        store, account, Page(posts=[Post(ext_id="1", thread_key="a", author=first, text="hi", created_at=T0)])
    )
    write_page(
        store, account, Page(posts=[Post(ext_id="2", thread_key="a", author=later, text="yo", created_at=T0)])
    )
    rows = store.conn.execute("SELECT handle, name, reach, bio FROM identities").fetchall()
    assert rows == [("new", "Ada", 10, "builder")]


def test_the_same_handle_on_two_forums_stays_two_identities(store: Store) -> None:
    account = ensure_account(store, "forums", "discourse")
    one = Author(platform="discourse", host="forum.a.dev", ext_id="sam", handle="sam")
    two = Author(platform="discourse", host="forum.b.dev", ext_id="sam", handle="sam")
    write_page(
        store,
        account,
        Page(
            posts=[
                Post(ext_id="1", thread_key="t", author=one, text="a", created_at=T0),
                Post(ext_id="2", thread_key="t", author=two, text="b", created_at=T0),
            ]
        ),
    )
    assert store.conn.execute("SELECT count(*) FROM identities").fetchone()[0] == 2


def test_an_empty_page_only_moves_the_cursor(store: Store) -> None:
    account = ensure_account(store, "blog", "feed")
    result = write_page(store, account, Page(stream="https://a.example/feed", cursor="x", etag='"abc"'))
    assert result.new_posts == 0
    row = store.conn.execute("SELECT stream, cursor, etag FROM sync_state").fetchone()
    assert row == ("https://a.example/feed", "x", '"abc"')
    assert author(1).handle == "user1"


def test_a_known_post_delivered_under_another_thread_stays_in_its_conversation(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 0, text="moved")]))
    moved = post("1", "b", 0, text="moved")
    result = write_page(store, account, Page(cursor="2", posts=[moved, post("2", "b", 1, who=2)]))
    assert (result.new_posts, result.updated_posts, result.new_conversations) == (1, 0, 1)
    rows = store.conn.execute(
        "SELECT p.ext_id, c.thread_key, c.post_count FROM posts p JOIN conversations c ON c.id = p.conversation_id "
        "ORDER BY p.ext_id"
    ).fetchall()
    assert rows == [("1", "a", 1), ("2", "b", 1)]
    assert read_cursors(store, account) == {"default": "2"}


def test_a_post_new_and_deleted_in_the_same_page_is_stored_deleted_and_left_out_of_the_summary(
    store: Store,
) -> None:
    account = ensure_account(store, "acme-x", "x")
    posts = [
        post("1", "a", 0, text="kept"),
        post("2", "a", 5, text="gone"),
        post("3", "b", 7, text="gone too"),
    ]
    page = Page(posts=posts, deleted_ext_ids=["2", "3"])
    result = write_page(store, account, page)
    assert (result.new_posts, result.deleted_posts) == (3, 2)
    assert store.conn.execute("SELECT ext_id, deleted FROM posts ORDER BY ext_id").fetchall() == [
        ("1", 0),
        ("2", 1),
        ("3", 1),
    ]
    summaries = store.conn.execute(
        "SELECT thread_key, post_count, last_activity_at, last_author_id, excerpt FROM conversations "
        "ORDER BY thread_key"
    ).fetchall()
    started_b = int((T0 + timedelta(minutes=7)).timestamp())
    assert summaries == [("a", 2, int(T0.timestamp()), 1, "kept"), ("b", 1, started_b, None, "")]
    summary = store.conn.execute("SELECT post_count, last_activity_at, excerpt FROM conversations").fetchone()
    # Re-delivered as not deleted, the post is restored and then deleted again by the same page.
    write_page(store, account, page)
    assert store.conn.execute("SELECT deleted FROM posts WHERE ext_id = '2'").fetchone()[0] == 1
    assert (
        store.conn.execute("SELECT post_count, last_activity_at, excerpt FROM conversations").fetchone()
        == summary
    )


def _random_pages(seed: int, count: int = 25) -> list[tuple[Page, bool]]:
    """Pages of new posts, edits, deletions, duplicates and our own replies; the flag says "mark some done"."""
    rng = random.Random(seed)
    people = [author(n) for n in range(6)]
    ours = Author(platform="x", ext_id="me", handle="acme")
    made: list[Post] = []
    pages: list[tuple[Page, bool]] = []
    for number in range(count):
        posts: list[Post] = []
        for _ in range(rng.randrange(8)):
            if made and rng.random() < 0.2:
                old = rng.choice(made)
                change: dict[str, object] = {"text": old.text + " edited", "deleted": rng.random() < 0.3}
                posts.append(old.model_copy(update=change))
                continue
            made.append(
                Post(
                    ext_id=f"{seed}-{len(made)}",
                    thread_key=f"t{rng.randrange(3)}" if seed % 2 else f"n{number}-{rng.randrange(2)}",
                    author=ours if rng.random() < 0.2 else rng.choice(people),
                    text=f"words {rng.randrange(40)}",
                    created_at=T0
                    + timedelta(minutes=rng.randrange(4) if seed % 3 else rng.randrange(-30, 300)),
                    in_reply_to=rng.choice([None, f"{seed}-0"]),
                    deleted=rng.random() < 0.1,
                    title=rng.choice(["", "A title"]),
                )
            )
            posts.append(made[-1])
            if rng.random() < 0.1:
                posts.append(made[-1])
        gone = [rng.choice(made).ext_id for _ in range(2)] if made and rng.random() < 0.3 else []
        pages.append((Page(posts=posts, deleted_ext_ids=gone, cursor=str(number)), rng.random() < 0.2))
    return pages


SUMMARY = (
    "SELECT id, status, unread, answered, post_count, started_at, last_activity_at, last_author_id, excerpt "
    "FROM conversations ORDER BY id"
)


@pytest.mark.parametrize("seed", range(12))
def test_summaries_written_from_the_page_equal_those_recomputed_from_the_posts(
    store: Store, seed: int
) -> None:
    from cockpit.store import ingest

    account = ensure_account(store, "acme-x", "x")
    for page, mark_done in _random_pages(seed):
        if mark_done:
            with store.write() as conn:
                conn.execute("UPDATE conversations SET status = 'done', unread = 0 WHERE id % 2 = 0")
        write_page(store, account, page, own_handles={"acme"})
        written = store.conn.execute(SUMMARY).fetchall()
        with store.write() as conn:
            ids = [row[0] for row in written]
            assert ingest._refresh_conversations(conn, ids) == 0
        assert store.conn.execute(SUMMARY).fetchall() == written
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    store.conn.execute("INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)")
    stored = store.conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == stored
    assert store.conn.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0] == 0


def test_a_new_post_older_than_the_last_activity_does_not_reopen_a_done_conversation(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 10)]))
    store.conn.execute("UPDATE conversations SET status = 'done', unread = 0")
    store.conn.commit()
    result = write_page(store, account, Page(posts=[post("0", "a", 5, who=2)]))
    assert result.reopened_conversations == 0
    assert store.conn.execute("SELECT status, unread, post_count FROM conversations").fetchone() == (
        "done",
        0,
        2,
    )


def test_an_identity_is_rewritten_only_when_it_changed_or_was_last_seen_a_day_ago(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cockpit.store import ingest

    account = ensure_account(store, "acme-x", "x")
    clock = [1_800_000_000]
    monkeypatch.setattr(ingest, "now", lambda: clock[0])

    def seen() -> tuple[int, int, str]:
        return store.conn.execute("SELECT first_seen_at, last_seen_at, name FROM identities").fetchone()

    write_page(store, account, Page(posts=[post("1", "a", 0)]))
    assert seen() == (clock[0], clock[0], "User Number 1")
    clock[0] += ingest.LAST_SEEN_RESOLUTION - 1
    write_page(store, account, Page(posts=[post("2", "a", 1)]))
    assert seen() == (1_800_000_000, 1_800_000_000, "User Number 1")
    ada = author(1).model_copy(update={"name": "Ada"})
    write_page(store, account, Page(posts=[post("3", "a", 2).model_copy(update={"author": ada})]))
    assert seen() == (1_800_000_000, clock[0], "Ada")
    renamed_at = clock[0]
    clock[0] += ingest.LAST_SEEN_RESOLUTION - 1
    write_page(store, account, Page(posts=[post("4", "a", 3).model_copy(update={"author": ada})]))
    assert seen() == (1_800_000_000, renamed_at, "Ada")
    clock[0] += 1
    write_page(store, account, Page(posts=[post("5", "a", 4).model_copy(update={"author": ada})]))
    assert seen() == (1_800_000_000, clock[0], "Ada")


def test_an_interaction_carries_the_person_its_author_is_linked_to(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 0)]))
    with store.write() as conn:
        person = conn.execute(
            "INSERT INTO people (name, created_at, updated_at) VALUES ('Ada', 0, 0) RETURNING id"
        ).fetchone()[0]
        conn.execute("UPDATE identities SET person_id = ?", (person,))
    write_page(store, account, Page(posts=[post("2", "a", 1), post("3", "b", 2, who=2)]))
    rows = store.conn.execute(
        "SELECT p.ext_id, x.person_id FROM interactions x JOIN posts p ON p.id = x.post_id ORDER BY p.ext_id"
    ).fetchall()
    assert rows == [("1", None), ("2", person), ("3", None)]


def test_the_id_of_a_deleted_newest_post_is_reused_and_indexed(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post("1", "a", 0, text="alpha"), post("2", "a", 1, text="beta")]))
    newest = store.conn.execute("SELECT max(id) FROM posts").fetchone()[0]
    with store.write() as conn:
        conn.execute("DELETE FROM interactions WHERE post_id = ?", (newest,))
        conn.execute("DELETE FROM posts WHERE id = ?", (newest,))
    write_page(store, account, Page(posts=[post("3", "a", 2, text="gamma")]))
    assert store.conn.execute("SELECT id FROM posts WHERE ext_id = '3'").fetchone()[0] == newest
    matches = store.conn.execute(
        "SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'gamma OR beta'"
    ).fetchall()
    assert matches == [(newest,)]
    store.conn.execute("INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)")


def test_after_a_full_text_rebuild_nothing_is_indexed_twice(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    write_page(store, account, Page(posts=[post(str(n), "a", n, text="common words") for n in range(5)]))
    with store.write() as conn:
        conn.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")
    assert store.conn.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0] == 0
    write_page(store, account, Page(posts=[post("9", "a", 9, text="common again")]))
    hits = store.conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'common'").fetchone()[0]
    assert hits == 6
    store.conn.execute("INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)")


def test_a_version_2_database_indexes_what_waited_and_loses_the_duplicate_index(tmp_path: Path) -> None:
    from cockpit.store.schema import MIGRATIONS

    path = tmp_path / "cockpit.db"
    old = open_store(path, migrations=MIGRATIONS[:2])
    account = ensure_account(old, "acme-x", "x")
    with old.write() as conn:
        conn.execute(
            "INSERT INTO conversations (account_id, thread_key, platform, started_at, last_activity_at) "
            "VALUES (?, 't', 'x', 0, 0)",
            (account,),
        )
        conn.execute(  # the migration-2 insert trigger queues it; nothing indexes it before the upgrade
            "INSERT INTO posts (account_id, conversation_id, ext_id, text, created_at) "
            "VALUES (?, 1, 'old', 'waiting words', 0)",
            (account,),
        )
    assert old.conn.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0] == 1
    old.close()
    store = open_store(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert (
        store.conn.execute("SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'waiting'").fetchone()[0]
        == 1
    )
    assert store.conn.execute("SELECT count(*) FROM posts_fts_pending").fetchone()[0] == 0
    indexes = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "posts_by_identity" not in indexes and "interactions_by_identity" in indexes
    store.close()


def test_the_writer_gets_a_larger_cache_and_every_connection_checkpoints_less_often(tmp_path: Path) -> None:
    from cockpit.store.db import WAL_AUTOCHECKPOINT_PAGES, WRITER_CACHE_KIB

    writer = open_store(tmp_path / "cockpit.db")
    reader = open_store(tmp_path / "cockpit.db")
    account = ensure_account(writer, "acme-x", "x")
    write_page(writer, account, Page(posts=[post("1", "a", 0)]))
    assert writer.conn.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
    assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    for store in (writer, reader):
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_AUTOCHECKPOINT_PAGES
    writer.close()
    reader.close()


def test_a_conversation_whose_latest_post_is_ours_is_not_unread(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    ours = Author(platform="x", ext_id="me", handle="acme")
    question = post("1", "a", 0)
    answer = Post(
        ext_id="2", thread_key="a", author=ours, text="here you go", created_at=T0 + timedelta(minutes=5)
    )
    write_page(store, account, Page(posts=[question, answer, post("3", "b", 1)]), own_handles={"acme"})
    rows = store.conn.execute("SELECT thread_key, unread, answered FROM conversations ORDER BY thread_key")
    assert rows.fetchall() == [("a", 0, 1), ("b", 1, 0)]

    follow_up = post("4", "a", 10, who=2, text="thanks, one more question")
    write_page(store, account, Page(posts=[follow_up]), own_handles={"acme"})
    assert store.conn.execute(
        "SELECT unread, answered FROM conversations WHERE thread_key = 'a'"
    ).fetchone() == (1, 0)

    second = Post(
        ext_id="5", thread_key="a", author=ours, text="answered", created_at=T0 + timedelta(minutes=20)
    )
    write_page(store, account, Page(posts=[second]), own_handles={"acme"})
    assert store.conn.execute(
        "SELECT unread, answered FROM conversations WHERE thread_key = 'a'"
    ).fetchone() == (0, 1)
