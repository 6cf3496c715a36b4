"""Rules: each condition and action, order and stop, applying inside write_page's transaction, the dry run."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cockpit.rules_config import Rule
from cockpit.services.rules import PostFacts, RuleSet, dry_run, inert, preview, rule_hits
from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Author, Page, Post

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def rule(**fields: Any) -> Rule:
    fields.setdefault("name", "r")
    return Rule.model_validate(fields)


def facts(text: str = "hello", **fields: Any) -> PostFacts:
    base: dict[str, Any] = {
        "post_id": 1,
        "conversation_id": 1,
        "author_handle": "alice",
        "author_name": "Alice Martin",
        "platform": "x",
        "account": "acme-x",
        "source": "mention",
    }
    base.update(fields)
    return PostFacts(text=text, **base)


def names(rules: list[Rule], post: PostFacts) -> list[str]:
    return RuleSet(rules).evaluate(post).rules


# --- conditions ----------------------------------------------------------------------------------------


def test_text_is_a_case_insensitive_substring_and_a_list_means_any() -> None:
    r = rule(text=["Outage", "is down"], tags=["incident"])
    assert names([r], facts("Big OUTAGE tonight")) == ["r"]
    assert names([r], facts("the site is down again")) == ["r"]
    assert names([r], facts("all good")) == []
    assert names([r], facts("nothing here", title="Outage report")) == ["r"], "the title counts too"
    assert names([rule(text="straße", tags=["de"])], facts("STRASSE gesperrt")) == ["r"], "case-folded"


def test_whole_words_only_match_between_word_boundaries() -> None:
    r = rule(text=["api"], whole_words=True, tags=["api"])
    assert names([r], facts("The API is slow")) == ["r"]
    assert names([r], facts("(api)")) == ["r"]
    assert names([r], facts("a rapid answer")) == []
    assert names([r], facts("apis and rapid api")) == ["r"], "a later occurrence on boundaries counts"
    assert names([rule(text=["api"], tags=["api"])], facts("a rapid answer")) == ["r"]


def test_regex_is_case_insensitive_re2_and_linear_on_hostile_text() -> None:
    r = rule(regex=r"\bv\d+\.\d+\b", tags=["version"])
    assert names([r], facts("Upgraded to V2.13 today")) == ["r"]
    assert names([r], facts("nothing versioned")) == []
    nasty = rule(name="nasty", regex=r"(a+)+$|.*a.*a.*b", tags=["x"])
    started = time.perf_counter()
    assert names([nasty], facts("a" * 50_000 + "!")) == []
    assert time.perf_counter() - started < 0.5, "Python's re would take minutes on this"


def test_author_globs_match_handle_or_name_ignoring_at_and_case() -> None:
    by_handle = rule(author=["@ALICE"], tags=["a"])
    by_glob = rule(author=["*bot", "dependa*"], tags=["bot"])
    by_name = rule(author=["alice m*"], tags=["a"])
    assert names([by_handle], facts()) == ["r"]
    assert names([by_name], facts()) == ["r"]
    assert names([by_glob], facts(author_handle="renovate-bot")) == ["r"]
    assert names([by_glob], facts(author_handle="@dependabot")) == ["r"]
    assert names([by_glob], facts()) == []


@pytest.mark.parametrize(
    ("pattern", "handle", "expected"),
    [
        ("*bot", "renovate-bot", True),
        ("*bot", "bottle", False),
        ("dependa*", "dependabot", True),
        ("*ci*", "myciuser", True),
        ("alice", "alicex", False),
        ("a?c", "abc", True),
        ("a*b*c", "axbyc", True),
        ("a*c", "abd", False),
        ("*", "anyone", True),
    ],
)
def test_author_glob_shapes(pattern: str, handle: str, expected: bool) -> None:
    post = facts(author_handle=handle, author_name="")
    assert names([rule(author=pattern, done=True)], post) == (["r"] if expected else [])


def test_regex_case_folds_beyond_ascii() -> None:
    assert names([rule(regex="café (crème|noir)", tags=["c"])], facts("Un CAFÉ NOIR svp")) == ["r"]


def test_platform_account_and_source_conditions() -> None:
    assert names([rule(platform="discourse", done=True)], facts(platform="discourse")) == ["r"]
    assert names([rule(platform=["feed", "linkedin"], done=True)], facts()) == []
    assert names([rule(account="acme-x", done=True)], facts()) == ["r"]
    assert names([rule(account="other", done=True)], facts()) == []
    assert names([rule(source="search", done=True)], facts(source="search")) == ["r"]
    assert names([rule(source="search", done=True)], facts()) == []


def test_conditions_of_different_fields_all_have_to_hold() -> None:
    r = rule(text="pricing", platform="x", author="alice", tags=["sales"])
    assert names([r], facts("your pricing?")) == ["r"]
    assert names([r], facts("your pricing?", platform="linkedin")) == []
    assert names([r], facts("your pricing?", author_handle="bob", author_name="Bob")) == []
    assert names([r], facts("hello")) == []


# --- actions, order, stop ------------------------------------------------------------------------------


def test_actions_combine_in_order_and_stop_ends_the_evaluation() -> None:
    rules = [
        rule(name="tag", text="bug", tags=["bug", "triage"], priority=30),
        rule(name="boost", text="bug", tags=["triage", "urgent"], priority=90, assign="acme-x"),
        rule(name="stopper", text="bug", assign="acme-li", stop=True),
        rule(name="after stop", text="bug", tags=["never"], done=True),
    ]
    outcome = RuleSet(rules).evaluate(facts("a bug"))
    assert outcome.rules == ["tag", "boost", "stopper"]
    assert outcome.tags == ["bug", "triage", "urgent"]
    assert outcome.priority == 100, "boosts add up, clamped to 100"
    assert outcome.assign == "acme-li", "the last assignment wins"
    assert outcome.done is False
    disabled = [
        rule(name="off", text="bug", done=True, enabled=False),
        rule(name="on", text="bug", done=True),
    ]
    assert RuleSet(disabled).evaluate(facts("a bug")).rules == ["on"]


# --- applying at ingest ----------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "cockpit.db")
    ensure_account(store, "acme-x", "x")
    ensure_account(store, "acme-li", "linkedin")
    yield store
    store.close()


def new_post(
    ext_id: str, text: str, *, thread: str = "t1", minutes: int = 0, handle: str = "alice", **extra: Any
) -> Post:
    return Post(
        ext_id=ext_id,
        thread_key=thread,
        author=Author(platform="x", ext_id=handle, handle=handle, name=handle.title()),
        text=text,
        created_at=NOW + timedelta(minutes=minutes),
        **extra,
    )


def write(store: Store, rules: list[Rule], *posts: Post, cursor: str = "c") -> None:
    account_id = ensure_account(store, "acme-x", "x")
    page = Page(stream="mentions", posts=list(posts), cursor=cursor)
    write_page(store, account_id, page, own_handles=["acme"], on_new_posts=RuleSet(rules).hook("acme-x"))


def conversation(store: Store, thread: str = "t1") -> sqlite3.Row:
    store.conn.row_factory = sqlite3.Row
    try:
        row = store.conn.execute(
            "SELECT c.*, a.name AS assignee FROM conversations c LEFT JOIN accounts a "
            "ON a.id = c.assigned_account_id WHERE thread_key = ?",
            (thread,),
        ).fetchone()
    finally:
        store.conn.row_factory = None
    assert row is not None
    return row


def tags(store: Store, thread: str = "t1") -> set[str]:
    rows = store.conn.execute(
        "SELECT tag FROM conversation_tags JOIN conversations c ON c.id = conversation_id WHERE thread_key = ?",
        (thread,),
    )
    return {row[0] for row in rows}


def test_new_posts_get_tags_boost_assignment_and_a_hit_log(store: Store) -> None:
    rules = [rule(name="outage", text="outage", tags=["incident"], priority=40, assign="acme-li")]
    write(store, rules, new_post("1", "Is there an outage?"), new_post("2", "fine", thread="t2"))
    row = conversation(store)
    assert tags(store) == {"incident"}
    assert row["rule_priority"] == 40
    assert row["assignee"] == "acme-li"
    assert tags(store, "t2") == set()
    assert conversation(store, "t2")["rule_priority"] == 0
    assert rule_hits(store.conn, row["id"]) == [("outage", 1)]


def test_the_boost_moves_priority_by_its_change_only(store: Store) -> None:
    rules = [
        rule(name="hot", text="hot", priority=50),
        rule(name="cold", text="cold", priority=-20),
    ]
    write(store, rules, new_post("1", "hot take"))
    first = conversation(store)
    assert first["rule_priority"] == 50
    before = first["priority"] - 50  # whatever the score and hand adjustments are
    write(store, rules, new_post("2", "cold reply", minutes=5), cursor="c2")
    second = conversation(store)
    assert second["rule_priority"] == -20
    assert second["priority"] - second["rule_priority"] == before + (
        second["priority_score"] - first["priority_score"]
    )


def test_done_sticks_until_a_later_post_no_done_rule_matches(store: Store) -> None:
    rules = [rule(name="bots", author="*bot", done=True)]
    write(store, rules, new_post("1", "automated notice", handle="ci-bot"))
    assert conversation(store)["status"] == "done"
    write(store, rules, new_post("2", "another notice", handle="ci-bot", minutes=1), cursor="c2")
    assert conversation(store)["status"] == "done", "a new post a done rule matches keeps it done"
    write(store, rules, new_post("3", "a human asks", handle="bob", minutes=2), cursor="c3")
    assert conversation(store)["status"] == "inbox", "a new post brings it back"


def test_within_one_page_the_latest_post_decides_done(store: Store) -> None:
    rules = [rule(name="bots", author="*bot", done=True)]
    write(
        store,
        rules,
        new_post("1", "notice", handle="ci-bot"),
        new_post("2", "human", handle="bob", minutes=1),
    )
    assert conversation(store)["status"] == "inbox"


def test_only_new_inbound_posts_and_never_again_on_an_edit(store: Store) -> None:
    rules = [rule(name="pricing", text="pricing", tags=["sales"])]
    write(store, rules, new_post("1", "hello"), new_post("2", "our pricing", handle="acme", minutes=1))
    assert tags(store) == set(), "our own post (outbound) is not matched"
    write(store, rules, new_post("1", "hello, what about pricing?", edited_at=NOW + timedelta(minutes=3)))
    assert store.conn.execute("SELECT text FROM posts WHERE ext_id = '1'").fetchone()[0].endswith("pricing?")
    assert tags(store) == set(), "an edit does not apply rules"


def test_a_failing_rule_hook_rolls_back_the_whole_page(store: Store) -> None:
    def broken(conn: sqlite3.Connection, first_id: int) -> None:
        raise RuntimeError("crash while applying rules")

    account_id = ensure_account(store, "acme-x", "x")
    page = Page(stream="mentions", posts=[new_post("1", "outage")], cursor="c1")
    with pytest.raises(RuntimeError):
        write_page(store, account_id, page, on_new_posts=broken)
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM sync_state").fetchone()[0] == 0


def test_assigning_to_an_account_never_synced_changes_nothing(store: Store) -> None:
    write(store, [rule(name="a", text="hi", assign="ghost")], new_post("1", "hi"))
    assert conversation(store)["assigned_account_id"] is None


# --- the dry run -----------------------------------------------------------------------------------------


def stored(store: Store, *rows: tuple[str, str, int]) -> None:
    """Store inbound posts (ext_id, text, days ago) without rules."""
    account_id = ensure_account(store, "acme-x", "x")
    posts = [
        Post(
            ext_id=ext_id,
            thread_key=f"t{ext_id}",
            author=Author(platform="x", ext_id="u" + ext_id, handle="user" + ext_id, name="User " + ext_id),
            text=text,
            created_at=NOW - timedelta(days=days),
        )
        for ext_id, text, days in rows
    ]
    write_page(store, account_id, Page(stream="mentions", posts=posts, cursor="x"))


def test_dry_run_counts_the_last_30_days_newest_first_and_writes_nothing(store: Store) -> None:
    stored(
        store,
        ("1", "outage one", 1),
        ("2", "outage two", 10),
        ("3", "outage \x1b[31mred\x1b[0m \u202eevil", 29),
        ("4", "outage long ago", 31),
        ("5", "calm", 2),
    )
    rules = [
        rule(name="outage", text="outage", tags=["incident"]),
        rule(name="calm", text="calm", done=True),
    ]
    changes = store.conn.total_changes
    reports = dry_run(store.conn, rules, now=int(NOW.timestamp()), days=30, samples=2)
    assert store.conn.total_changes == changes
    assert [(r.name, r.count) for r in reports] == [("outage", 3), ("calm", 1)]
    outage = reports[0]
    assert [s.excerpt for s in outage.samples] == ["outage one", "outage two"]
    assert outage.samples[0].author == "User 1 (user1)"
    assert outage.samples[0].platform == "x" and outage.samples[0].account == "acme-x"
    third = dry_run(store.conn, rules, now=int(NOW.timestamp()), days=30, samples=3)[0].samples[2]
    assert "\x1b" not in third.excerpt and "\u202e" not in third.excerpt
    assert dry_run(store.conn, rules, now=int(NOW.timestamp()), days=60)[0].count == 4
    assert tags(store, "t1") == set()


def test_dry_run_honours_stop_and_order_and_counts_disabled_rules_alone(store: Store) -> None:
    stored(store, ("1", "outage now", 1), ("2", "outage again", 2))
    rules = [
        rule(name="first", text="outage", tags=["a"], stop=True),
        rule(name="second", text="outage", tags=["b"]),
        rule(name="off", text="outage", tags=["c"], enabled=False),
    ]
    now = int(NOW.timestamp())
    assert [(r.name, r.count, r.enabled) for r in dry_run(store.conn, rules, now=now)] == [
        ("first", 2, True),
        ("second", 0, True),
        ("off", 2, False),
    ]
    assert [r.name for r in dry_run(store.conn, rules, now=now, only={"second"})] == ["second"]
    assert preview(store.conn, rules[1], now=now).count == 2, "a preview ignores the other rules"


def test_inert_makes_one_plain_line() -> None:
    assert inert("a\nb\tc\x07\u200fd") == "a b c d"
    assert len(inert("x" * 500)) == 100


def test_a_cancelled_dry_run_stops_early_with_what_it_counted(store: Store) -> None:
    stored(store, *[(str(n), f"outage {n}", 1) for n in range(1_200)])
    rules = [rule(name="outage", text="outage", tags=["incident"])]
    now = int(NOW.timestamp())
    assert dry_run(store.conn, rules, now=now)[0].count == 1_200
    assert dry_run(store.conn, rules, now=now, cancelled=lambda: True)[0].count == 999
