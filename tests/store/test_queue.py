"""Keyset pages of the queue: page edges, both directions, every sort, filters, count and position."""

from __future__ import annotations

import random

import pytest

from cockpit.store import Store
from cockpit.store import queue as q
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Page
from tests.store.conftest import post


@pytest.fixture
def filled(store: Store) -> Store:
    """237 conversations with clashing timestamps (ties are broken by id) over two accounts."""
    rng = random.Random(7)
    x = ensure_account(store, "acme-x", "x")
    blog = ensure_account(store, "blog", "feed")
    posts_x, posts_blog = [], []
    for n in range(237):
        minutes = rng.randrange(0, 60)  # many ties on purpose
        target = posts_x if n % 3 else posts_blog
        target.append(post(f"p{n}", f"t{n}", minutes, platform="x" if n % 3 else "feed"))
    write_page(store, x, Page(posts=posts_x))
    write_page(store, blog, Page(posts=posts_blog))
    store.conn.execute("UPDATE conversations SET priority = id % 4")
    store.conn.execute("UPDATE conversations SET status = 'done' WHERE id % 10 = 0")
    store.conn.commit()
    return store


def _expected(store: Store, flt: q.QueueFilter, sort: q.Sort) -> list[int]:
    where, params = flt.where()
    order = {
        q.Sort.NEWEST: "c.last_activity_at DESC, c.id DESC",
        q.Sort.OLDEST: "c.last_activity_at ASC, c.id ASC",
        q.Sort.PRIORITY: "c.priority DESC, c.last_activity_at DESC, c.id DESC",
    }[sort]
    return [
        r[0]
        for r in store.conn.execute(
            f"SELECT c.id FROM conversations c WHERE {where} ORDER BY {order}", params
        )
    ]


@pytest.mark.parametrize("sort", list(q.Sort))
@pytest.mark.parametrize("page_size", [1, 7, 50, 500])
def test_walking_forwards_page_by_page_visits_every_row_once_in_order(
    filled: Store, sort: q.Sort, page_size: int
) -> None:
    flt = q.QueueFilter()
    seen: list[int] = []
    page = q.fetch_page(filled.conn, flt, sort, limit=page_size)
    while page:
        seen.extend(r.id for r in page)
        page = q.fetch_page(filled.conn, flt, sort, after=page[-1].key(sort), limit=page_size)
    assert seen == _expected(filled, flt, sort)


@pytest.mark.parametrize("sort", list(q.Sort))
def test_walking_backwards_from_the_last_page_visits_every_row_once_in_order(
    filled: Store, sort: q.Sort
) -> None:
    flt = q.QueueFilter(statuses=())
    seen: list[int] = []
    page = q.fetch_last_page(filled.conn, flt, sort, limit=13)
    while page:
        seen[:0] = [r.id for r in page]
        page = q.fetch_page(filled.conn, flt, sort, before=page[0].key(sort), limit=13)
    assert seen == _expected(filled, flt, sort)


def test_a_page_past_the_end_is_empty_and_the_last_page_is_short(filled: Store) -> None:
    flt = q.QueueFilter()
    rows = _expected(filled, flt, q.Sort.NEWEST)
    last = q.fetch_last_page(filled.conn, flt, q.Sort.NEWEST, limit=10)
    assert [r.id for r in last] == rows[-10:]
    assert q.fetch_page(filled.conn, flt, q.Sort.NEWEST, after=last[-1].key(q.Sort.NEWEST)) == []
    first = q.fetch_page(filled.conn, flt, q.Sort.NEWEST, limit=10)
    assert q.fetch_page(filled.conn, flt, q.Sort.NEWEST, before=first[0].key(q.Sort.NEWEST)) == []


@pytest.mark.parametrize("sort", list(q.Sort))
def test_position_and_landmarks_agree_with_the_full_order(filled: Store, sort: q.Sort) -> None:
    flt = q.QueueFilter()
    order = _expected(filled, flt, sort)
    assert q.count(filled.conn, flt) == len(order)
    for index in (0, 1, 50, len(order) - 1):
        assert q.position(filled.conn, flt, sort, order[index]) == index
    marks = q.landmarks(filled.conn, flt, sort, 20)
    assert len(marks) == len(order) // 20
    for n, key in enumerate(marks, start=1):
        assert key[-1] == order[n * 20 - 1]
        # Row n*20 is the first row after landmark n: how a far jump finds it without OFFSET.
        following = q.fetch_page(filled.conn, flt, sort, after=key, limit=1)
        if n * 20 < len(order):
            assert following[0].id == order[n * 20]


def test_position_of_a_conversation_outside_the_view_is_none(filled: Store) -> None:
    done = filled.conn.execute("SELECT id FROM conversations WHERE status = 'done' LIMIT 1").fetchone()[0]
    assert q.position(filled.conn, q.QueueFilter(), q.Sort.NEWEST, done) is None
    assert q.position(filled.conn, q.QueueFilter(), q.Sort.NEWEST, 10**9) is None


def test_filters_by_platform_account_status_and_tag(filled: Store) -> None:
    conn = filled.conn
    blog = conn.execute("SELECT id FROM accounts WHERE name = 'blog'").fetchone()[0]
    assert all(
        r.platform == "feed"
        for r in q.fetch_page(conn, q.QueueFilter(platforms=("feed",)), q.Sort.NEWEST, limit=500)
    )
    assert q.count(conn, q.QueueFilter(account_ids=(blog,), statuses=())) == 79
    assert q.count(conn, q.QueueFilter(statuses=("done",))) == 23
    conn.execute("INSERT INTO conversation_tags VALUES (1, 'bug'), (2, 'bug'), (2, 'docs')")
    conn.commit()
    tagged = q.fetch_page(conn, q.QueueFilter(tags=("bug",), statuses=()), q.Sort.OLDEST)
    assert sorted(r.id for r in tagged) == [1, 2]
    assert next(r for r in tagged if r.id == 2).tags == ("bug", "docs")


def test_paging_uses_an_index_not_a_scan_and_sort(filled: Store) -> None:
    flt = q.QueueFilter()
    where, params = flt.where()
    plan = filled.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT c.id FROM conversations c WHERE {where} AND (c.last_activity_at, c.id) < (?, ?) "
        "ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 50",
        [*params, 10**10, 1],
    ).fetchall()
    text = " ".join(str(row[-1]) for row in plan)
    assert "USING" in text and "INDEX" in text and "TEMP B-TREE" not in text
