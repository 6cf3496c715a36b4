"""Search as a view: the conversations with the newest matches, bounded work, author search, counts."""

from __future__ import annotations

import pytest

from cockpit.store import Store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.store.queue import QueueFilter, Sort, count, fetch_page
from cockpit.store.search import conversation_query, count_conversations, search_conversations
from connectors.models import Page
from tests.store.conftest import post


def _seed(store: Store) -> dict[str, int]:
    """Ten threads of four posts each (every post says 'relay'; thread 3 alone says 'okta'); thread ids by key."""
    account = ensure_account(store, "acme-x", "x")
    posts = []
    for n in range(40):
        thread = f"t{n % 10}"  # interleaved: the newest posts belong to the last threads
        text = f"relay benchmark note {n}" + (" okta login" if thread == "t3" else "")
        posts.append(post(str(n), thread, n, who=n % 5, text=text))
    posts.append(post("x", "tx", 50, who=7, text="Café crème, naïve résumé"))
    write_page(store, account, Page(posts=posts))
    return dict(store.conn.execute("SELECT thread_key, id FROM conversations").fetchall())


def test_conversations_come_newest_match_first_once_each(store: Store) -> None:
    ids = _seed(store)
    found = search_conversations(store.conn, "relay")
    assert found == [ids[f"t{n}"] for n in range(9, -1, -1)]  # post 39 is in t9, 38 in t8, ...
    assert search_conversations(store.conn, "okta login") == [ids["t3"]]
    assert search_conversations(store.conn, "resume cafe") == [ids["tx"]]  # diacritics folded
    assert count_conversations(store.conn, "relay") == 10 and count_conversations(store.conn, "okta") == 1
    # The search view: a filter over those ids, every status, newest activity first.
    flt = QueueFilter(statuses=(), ids=tuple(found))
    assert count(store.conn, flt) == 10
    assert [row.id for row in fetch_page(store.conn, flt, Sort.NEWEST, limit=3)] == found[:3]


def test_the_work_is_bounded_by_limit_and_scan(store: Store) -> None:
    ids = _seed(store)
    assert search_conversations(store.conn, "relay", limit=3) == [ids["t9"], ids["t8"], ids["t7"]]
    # Only the newest 12 matching posts are read: posts 39..28 belong to threads 9..0 and 9, 8.
    assert len(search_conversations(store.conn, "relay", scan=12)) == 10
    assert search_conversations(store.conn, "relay", scan=5) == [ids[f"t{n}"] for n in (9, 8, 7, 6, 5)]
    assert search_conversations(store.conn, "relay", limit=0) == []


def test_prefixes_and_author_search(store: Store) -> None:
    ids = _seed(store)
    assert search_conversations(store.conn, "rel") == []  # a whole word unless it ends with *
    assert len(search_conversations(store.conn, "rel*")) == 10
    # user7 wrote only the café post; user3 wrote in several threads, but "@" looks at authors only.
    assert search_conversations(store.conn, "@user7") == [ids["tx"]]
    assert (
        search_conversations(store.conn, "@number") != [] and search_conversations(store.conn, "@relay") == []
    )
    assert conversation_query("@ada lovelace") == '{author_handle author_name} : ("ada" "lovelace")'


@pytest.mark.parametrize(
    "typed", ['"', "AND", "OR NEAR(x", "*", "a* OR b", "col:val", "-relay", "^relay", "{text}: x", "@", "   "]
)
def test_hostile_input_is_never_fts_syntax(store: Store, typed: str) -> None:
    _seed(store)
    search_conversations(store.conn, typed)  # no sqlite3.OperationalError
    count_conversations(store.conn, typed)
