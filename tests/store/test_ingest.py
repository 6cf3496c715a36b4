"""Writing pages: grouping, idempotence, edits, deletions, cursors and interactions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cockpit.store import Store
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

    monkeypatch.setattr(ingest, "_refresh_conversations", explode)
    with pytest.raises(RuntimeError):
        write_page(store, account, Page(cursor="second", posts=[post("2", "b", 1)]))
    assert read_cursors(store, account) == {"default": "first"}
    assert store.conn.execute("SELECT ext_id FROM posts").fetchall() == [("1",)]
    assert store.conn.execute("SELECT count(*) FROM conversations").fetchone()[0] == 1


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
