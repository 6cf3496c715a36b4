"""Full-text search (posts and author names, newest first) and the export rows."""

from __future__ import annotations

import re

from cockpit.store import Store
from cockpit.store.export import POST_FIELDS, iter_conversations, iter_people, iter_posts
from cockpit.store.ingest import ensure_account, write_page
from cockpit.store.search import fts_query, search_posts
from connectors.models import Page
from tests.store.conftest import post


def _seed(store: Store) -> None:
    account = ensure_account(store, "acme-x", "x")
    posts = [post(str(n), f"t{n // 4}", n, who=n % 5, text=f"relay benchmark note {n}") for n in range(40)]
    posts.append(post("naïve", "tx", 99, who=9, text="Café crème with naïve résumé"))
    write_page(store, account, Page(posts=posts))


def test_search_finds_words_newest_stored_first_and_pages_on(store: Store) -> None:
    _seed(store)
    hits = search_posts(store.conn, "benchmark", limit=10)
    assert [h.text for h in hits][:2] == ["relay benchmark note 39", "relay benchmark note 38"]
    more = search_posts(store.conn, "benchmark", limit=100, before_id=hits[-1].post_id)
    assert len(hits) + len(more) == 40
    assert not {h.post_id for h in hits} & {h.post_id for h in more}


def test_search_matches_author_names_diacritics_and_prefixes(store: Store) -> None:
    _seed(store)
    assert {h.author_name for h in search_posts(store.conn, "Number 3")} == {"User Number 3"}
    assert [h.text for h in search_posts(store.conn, "cafe resume")] == ["Café crème with naïve résumé"]
    assert len(search_posts(store.conn, "bench")) == 40


def test_hostile_search_input_never_reaches_fts_as_syntax(store: Store) -> None:
    _seed(store)
    for text in ['"', "AND OR NOT", "relay)", "NEAR(", "*", "-x", "col:val", "'; DROP TABLE posts; --"]:
        search_posts(store.conn, text)  # must not raise
    assert fts_query("  ") == ""


def test_export_posts_have_the_promised_fields_in_iso_utc(store: Store) -> None:
    _seed(store)
    records = list(iter_posts(store.conn))
    assert len(records) == 41
    for name in (
        "platform",
        "account",
        "ext_id",
        "conversation_id",
        "author_handle",
        "author_name",
        "text",
        "url",
        "title",
        "created_at",
        "in_reply_to",
        "direction",
    ):
        assert name in POST_FIELDS and name in records[0]
    assert records[0]["platform"] == "x" and records[0]["account"] == "acme-x"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", records[0]["created_at"])
    assert records[0]["direction"] == "in"


def test_export_conversations_and_people(store: Store) -> None:
    _seed(store)
    conversations = list(iter_conversations(store.conn))
    assert len(conversations) == 11
    assert conversations[0]["tags"] == [] and conversations[0]["status"] == "inbox"
    store.conn.execute(
        "INSERT INTO people (name, stage, created_at, updated_at) VALUES ('Ada', 'engaged', 0, 0)"
    )
    store.conn.execute("UPDATE identities SET person_id = 1 WHERE handle = 'user1'")
    store.conn.commit()
    people = list(iter_people(store.conn))
    assert people[0]["name"] == "Ada" and people[0]["identities"][0]["handle"] == "user1"
