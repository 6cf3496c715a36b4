"""The priority score and the question flag: hand-computed cases, triggers, adjustments and the migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.services import priority, triage
from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.store.queue import QueueFilter, Sort, fetch_page
from cockpit.store.schema import MIGRATION_8, MIGRATIONS
from connectors.models import Author, Page, Post

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "cockpit.db")
    yield opened
    opened.close()


def author(handle: str, reach: int | None = None, platform: str = "x") -> Author:
    return Author(platform=platform, ext_id=handle, handle=handle, name=handle.title(), reach=reach)


def post(ext_id: str, thread: str, who: Author, text: str, minutes: int, **extra: object) -> Post:
    return Post(
        ext_id=ext_id,
        thread_key=thread,
        author=who,
        text=text,
        created_at=T0 + timedelta(minutes=minutes),
        **extra,  # type: ignore[arg-type]
    )


def scored(store: Store, thread: str) -> tuple[int, int, int]:
    """(question, priority_score, priority) of the conversation of `thread`."""
    row = store.conn.execute(
        "SELECT question, priority_score, priority FROM conversations WHERE thread_key = ?", (thread,)
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2]))


def conversation(store: Store, thread: str) -> int:
    return int(
        store.conn.execute("SELECT id FROM conversations WHERE thread_key = ?", (thread,)).fetchone()[0]
    )


def track(store: Store, handle: str, stage: str) -> int:
    """Make the identity `handle` a tracked person at `stage`; return the person id."""
    with store.write() as conn:
        person = conn.execute(
            "INSERT INTO people (name, stage, created_at, updated_at) VALUES (?, ?, 0, 0)", (handle, stage)
        ).lastrowid
        conn.execute("UPDATE identities SET person_id = ? WHERE handle = ?", (person, handle))
    return int(person or 0)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Is the new release out yet", True),
        ("how do I reset my password", True),
        ("Any news on the roadmap?", True),
        ("Comment configurer le SSO", True),
        ("Où est la doc", True),
        ("Wie kann ich das ändern", True),
        ("¿Cuándo sale la versión nueva", True),
        ("Waarom werkt dit niet", True),
        ("这个怎么用？", True),
        ("متى يصدر الإصدار الجديد؟", True),
        ("Great launch, congrats!", False),
        ("Thanks, that fixed it.", False),
        ("Showing how it works", False),  # the first word decides, not any word
        ("", False),
    ],
)
def test_what_counts_as_a_question(store: Store, text: str, asks: bool) -> None:
    found = store.conn.execute(
        f"SELECT {priority.question_sql('t')} FROM (SELECT ? AS t)", (text,)
    ).fetchone()
    assert bool(found[0]) is asks


def test_the_migration_holds_the_same_question_test_as_the_code() -> None:
    def squash(text: str) -> str:
        return "".join(text.split())

    assert squash(priority.question_sql("p.text")).removeprefix("(") in squash(MIGRATION_8)


def test_hand_computed_scores(store: Store) -> None:
    x = ensure_account(store, "acme-x", "x", "acme")
    blogs = ensure_account(store, "blogs", "feed")
    ada = author("ada")
    famous = author("famous", reach=12_000)
    write_page(
        store,
        x,
        Page(
            posts=[
                # a direct mention asking something: source 20 + question 15
                post("1", "t-mention-question", ada, "How do I reset my password", 0),
                # a search hit by an author with 12,000 followers: reach 15
                post("2", "t-search", famous, "Nice launch.", 1, source="search"),
                # a plain mention: 20
                post("3", "t-mention", ada, "Congrats on the launch", 2),
            ]
        ),
        own_handles=["acme"],
    )
    write_page(
        store,
        blogs,
        Page(posts=[post("b", "blog", author("reader", 150, "feed"), "Great post", 3, source="feed")]),
    )
    assert scored(store, "t-mention-question") == (1, 35, 35)
    assert scored(store, "t-search") == (0, 15, 15)
    assert scored(store, "t-mention") == (0, 20, 20)
    assert scored(store, "blog") == (0, 15, 15)  # a blog comment 10 + reach 150 → 5

    # The author becomes a tracked person at the fourth stage (supporter, position 3): 40 points.
    person = track(store, "famous", "supporter")
    assert scored(store, "t-search") == (0, 55, 55)
    # Their stage changes: the trigger rescores their conversations (advocate, position 4: 50 points).
    with store.write() as conn:
        conn.execute("UPDATE people SET stage = 'advocate' WHERE id = ?", (person,))
    assert scored(store, "t-search") == (0, 65, 65)

    # We reply: -30 (and the latest post is ours, so the author of the newest inbound post still counts).
    write_page(
        store,
        x,
        Page(posts=[post("4", "t-search", author("acme"), "Thank you!", 5, in_reply_to="2")]),
        own_handles=["acme"],
    )
    assert scored(store, "t-search") == (0, 35, 35)

    explanation = priority.explain(store.conn, conversation(store, "t-search"))
    assert explanation is not None
    assert [(term.name, term.points) for term in explanation.terms] == [
        ("Stakeholder stage", 50),
        ("Reach", 15),
        ("Source", 0),
        ("Question", 0),
        ("Replied", -30),
    ]
    assert explanation.total == 35 and explanation.adjustment == 0
    assert "advocate" in explanation.terms[0].reason and "12,000" in explanation.terms[1].reason


def test_a_priority_set_by_hand_survives_a_rescore_and_the_order_follows_the_score(store: Store) -> None:
    x = ensure_account(store, "acme-x", "x", "acme")
    write_page(
        store,
        x,
        Page(
            posts=[
                post("1", "low", author("bob"), "Nice", 0, source="search"),  # 0
                post("2", "mid", author("cy"), "Congrats", 1),  # 20
                post("3", "high", author("di"), "Can you help me", 2),  # 35
                post("4", "tie", author("ed"), "Well done", 3),  # 20, newer than `mid`
            ]
        ),
    )
    rows = fetch_page(store.conn, QueueFilter(), Sort.PRIORITY)
    assert [row.title or row.excerpt for row in rows] == ["Can you help me", "Well done", "Congrats", "Nice"]
    low = conversation(store, "low")
    triage.set_priority(store, [low], 100)
    assert scored(store, "low") == (0, 0, 100)
    write_page(store, x, Page(posts=[post("5", "low", author("bob"), "Any update?", 4, source="search")]))
    assert scored(store, "low") == (1, 15, 115)  # the question's 15 points on top of the hand-set 100
    explanation = priority.explain(store.conn, low)
    assert explanation is not None and explanation.adjustment == 100 and explanation.total == 115
    assert priority.explain(store.conn, 999_999) is None


def test_migration_8_scores_the_conversations_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "cockpit.db"
    old = open_store(path, migrations=MIGRATIONS[:7])
    with old.write() as conn:
        conn.execute("INSERT INTO accounts (id, name, platform, created_at) VALUES (1, 'a', 'x', 0)")
        conn.execute(
            "INSERT INTO identities (id, platform, ext_id, handle, reach, first_seen_at, last_seen_at) "
            "VALUES (1, 'x', 'kim', 'kim', 2000, 0, 0)"
        )
        for cid, source, text in [(1, "mention", "Does it work with SSO"), (2, "search", "Lovely")]:
            conn.execute(
                "INSERT INTO conversations (id, account_id, thread_key, platform, source, started_at, "
                "last_activity_at, priority) VALUES (?, 1, ?, 'x', ?, 0, 0, 7)",
                (cid, f"t{cid}", source),
            )
            conn.execute(
                "INSERT INTO posts (account_id, conversation_id, ext_id, identity_id, text, created_at) "
                "VALUES (1, ?, ?, 1, ?, 0)",
                (cid, f"p{cid}", text),
            )
    old.close()
    new = open_store(path)
    try:
        rows = new.conn.execute(
            "SELECT id, question, priority_score, priority FROM conversations ORDER BY id"
        )
        # 1: mention 20 + question 15 + reach 2,000 → 10 = 45, on top of the 7 set before; 2: reach 10.
        assert rows.fetchall() == [(1, 1, 45, 52), (2, 0, 10, 17)]
        plan = " ".join(
            str(row[3])
            for row in new.conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM conversations c WHERE c.status = 'inbox' AND c.question = 1 "
                "ORDER BY c.last_activity_at DESC, c.id DESC LIMIT 50"
            )
        )
        assert "conversations_questions" in plan
    finally:
        new.close()


def test_refresh_ignores_an_empty_selection_and_is_idempotent(store: Store) -> None:
    x = ensure_account(store, "acme-x", "x")
    write_page(store, x, Page(posts=[post("1", "t", author("ada"), "What now?", 0)]))
    with store.write() as conn:
        assert priority.refresh(conn, []) == 0
        assert priority.refresh(conn, [conversation(store, "t")]) == 0  # already up to date
    assert isinstance(store.conn, sqlite3.Connection)
