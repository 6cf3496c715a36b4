"""Paced outreach: due people become Inbox items, a daily limit that holds across days, acting counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.services import outreach, people, signals, triage
from cockpit.store import Store, open_store
from tests.services.test_people import US, author, identity_id, say

# The outreach-done trigger stamps the real time, so these tests live in the real present.
NOW = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Five tracked people on two accounts, each last touched 24 + n days ago, all due (engaged: every 14 days)."""
    opened = open_store(tmp_path / "cockpit.db")
    for n in range(5):
        who = author(n + 1, name=f"Person {n}")
        account = "x-main" if n % 2 == 0 else "x-exec"
        say(
            opened,
            who,
            f"t{n}",
            24 + n,
            ext_id=f"p{n}",
            text=f"thoughts on   topic {n}\nmore",
            account=account,
            now=NOW,
        )
        say(opened, US, f"t{n}", 24 + n, ext_id=f"o{n}", reply_to=f"p{n}", account=account, now=NOW)
        people.create_person(
            opened, f"Person {n}", identity_ids=[identity_id(opened, who)], stage="engaged", cadence_days=14
        )
    signals.people_upkeep(opened, NOW)
    yield opened
    opened.close()


def items(store: Store) -> list[tuple[int, str, str, int, str]]:
    """Outreach items: (person, account name, excerpt, started_at, status), oldest first."""
    return store.conn.execute(
        """
        SELECT c.person_id, a.name, c.excerpt, c.started_at, c.status FROM conversations c
        JOIN accounts a ON a.id = c.account_id WHERE c.source = 'outreach' ORDER BY c.id
        """
    ).fetchall()


def test_due_people_become_inbox_items_most_overdue_first(store: Store) -> None:
    created = outreach.plan_outreach(store, NOW, daily_limit=2)
    assert len(created) == 2
    found = items(store)
    # Person 4 is the most overdue (28 days), then Person 3 (27 days)
    assert [row[0] for row in found] == [5, 4]
    _person, account, excerpt, started, status = found[0]
    assert account == "x-main"  # the account of their latest conversation
    assert excerpt == "last spoke 28 days ago: their post about thoughts on topic 4 more"
    assert (started, status) == (int(NOW.timestamp()), "inbox")
    row = store.conn.execute(
        "SELECT platform, unread, last_author_id FROM conversations WHERE id = ?", (created[0],)
    ).fetchone()
    assert row == ("x", 1, identity_id(store, author(5)))
    assert items(store)[1][1] == "x-exec"


def test_the_daily_limit_holds_across_days(store: Store) -> None:
    assert len(outreach.plan_outreach(store, NOW, daily_limit=2)) == 2
    assert (
        outreach.plan_outreach(store, NOW + timedelta(hours=5), daily_limit=2) == []
    )  # same day: limit reached
    assert outreach.created_on_day(store.conn, NOW) == 2
    day2 = outreach.plan_outreach(store, NOW + timedelta(days=1), daily_limit=2)
    assert len(day2) == 2
    day3 = outreach.plan_outreach(store, NOW + timedelta(days=2), daily_limit=2)
    assert len(day3) == 1  # the last due person; nobody gets a second open item
    assert outreach.plan_outreach(store, NOW + timedelta(days=3), daily_limit=2) == []
    assert sorted(row[0] for row in items(store)) == [1, 2, 3, 4, 5]
    per_day = [outreach.created_on_day(store.conn, NOW + timedelta(days=d)) for d in range(4)]
    assert per_day == [2, 2, 1, 0]


def test_marking_an_item_done_counts_as_a_touch_and_moves_the_due_date(store: Store) -> None:
    first = outreach.plan_outreach(store, NOW, daily_limit=1)[0]
    person = items(store)[0][0]
    triage.done(store, [first])
    touch = store.conn.execute(
        "SELECT kind, direction, occurred_at FROM interactions WHERE person_id = ? AND conversation_id = ?",
        (person, first),
    ).fetchone()
    assert touch[:2] == ("outreach", "out") and abs(touch[2] - datetime.now(UTC).timestamp()) < 60
    # the next day: this person is not due again (due 14 days after the touch); someone else is
    nxt = outreach.plan_outreach(store, NOW + timedelta(days=1), daily_limit=1)
    assert len(nxt) == 1 and items(store)[1][0] != person
    due = signals.signals_for(store.conn, person, NOW + timedelta(days=1)).due_at
    assert due is not None and due > NOW + timedelta(days=13)
    # undoing the done takes the touch back
    triage.undo(store)
    assert store.conn.execute(
        "SELECT count(*) FROM interactions WHERE conversation_id = ?", (first,)
    ).fetchone() == (0,)


def test_snoozing_an_item_moves_the_due_date_to_its_wake_time(store: Store) -> None:
    first = outreach.plan_outreach(store, NOW, daily_limit=1)[0]
    person = items(store)[0][0]
    wake = NOW + timedelta(days=3)
    triage.snooze(store, [first], wake)
    outreach.plan_outreach(store, NOW + timedelta(days=1), daily_limit=5)
    assert signals.signals_for(store.conn, person, NOW).due_at == wake
    assert [row[0] for row in items(store)].count(person) == 1  # no second item while one is snoozed


def test_replying_to_the_person_closes_their_item(store: Store) -> None:
    first = outreach.plan_outreach(store, NOW, daily_limit=1)[0]
    person = items(store)[0][0]
    say(
        store, US, "t4", -0.01, ext_id="o-new", reply_to="p4", now=NOW
    )  # our reply to Person 4, after the item
    outreach.plan_outreach(store, NOW + timedelta(hours=1), daily_limit=1)
    assert store.conn.execute("SELECT status FROM conversations WHERE id = ?", (first,)).fetchone() == (
        "done",
    )
    kinds = [
        r[0]
        for r in store.conn.execute(
            "SELECT kind FROM interactions WHERE person_id = ? AND direction = 'out'", (person,)
        )
    ]
    assert kinds.count("outreach") == 0  # the reply was the touch; closing the item adds none


def test_zero_limit_creates_nothing(store: Store) -> None:
    assert signals.people_upkeep(store, NOW, daily_limit=0) == []
    assert outreach.plan_outreach(store, NOW, daily_limit=0) == []
    assert items(store) == []
