"""The momentum figures on a hand-built three weeks, and their CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cockpit.services import momentum, people, signals
from cockpit.store import Store, open_store
from tests.services.test_people import US, author, identity_id, say

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday; weeks start Mon 2, 9 and 16 November


def ago(moment: datetime) -> float:
    """Days from `moment` to NOW."""
    return (NOW - moment).total_seconds() / 86_400


def at(day: int, hour: int) -> datetime:
    """A time in November 2026."""
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Ann (engaged, every 14 days) and Bob (in conversation, every 7 days) over three weeks."""
    opened = open_store(tmp_path / "cockpit.db")
    ann, bob, eve = author(1), author(2), author(3)
    # week of 2 Nov: Ann posts, we answer 3 hours later
    say(opened, ann, "t1", ago(at(2, 10)), ext_id="a1", now=NOW)
    say(opened, US, "t1", ago(at(2, 13)), ext_id="o1", reply_to="a1", now=NOW)
    # week of 9 Nov: Bob twice, answered after 1 and 6 hours
    say(opened, bob, "t2", ago(at(10, 8)), ext_id="b1", now=NOW)
    say(opened, US, "t2", ago(at(10, 9)), ext_id="o2", reply_to="b1", now=NOW)
    say(opened, bob, "t3", ago(at(11, 8)), ext_id="b2", now=NOW)
    say(opened, US, "t3", ago(at(11, 14)), ext_id="o3", reply_to="b2", now=NOW)
    # week of 16 Nov: Eve (untracked) is answered (not a touch with a tracked person)
    say(opened, eve, "t4", ago(at(16, 8)), ext_id="e1", now=NOW)
    say(opened, US, "t4", ago(at(16, 10)), ext_id="o4", reply_to="e1", now=NOW)
    week1 = int(at(3, 9).timestamp())
    ann_id = people.create_person(
        opened, "Ann", identity_ids=[identity_id(opened, ann)], cadence_days=14, at=week1
    )
    people.update_person(opened, ann_id, stage="engaged", at=week1 + 3600)
    bob_id = people.create_person(
        opened, "Bob", identity_ids=[identity_id(opened, bob)], stage="engaged", cadence_days=7, at=week1
    )
    people.update_person(opened, bob_id, stage="in conversation", at=int(at(12, 9).timestamp()))
    cy = people.create_person(opened, "Cy", stage="supporter", cadence_days=None, at=week1)
    people.update_person(opened, cy, stage="spotted", at=int(at(18, 9).timestamp()))
    people.add_manual_entry(opened, ann_id, "call", "catch-up", at(17, 15))
    people.add_manual_entry(opened, bob_id, "email", "intro", at(19, 15))
    signals.people_upkeep(opened, NOW)
    yield opened
    opened.close()


def test_momentum_on_three_hand_built_weeks(store: Store) -> None:
    m = momentum.momentum(store.conn, NOW, weeks=3)
    assert m.weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert m.touches == [1, 2, 2]  # our replies to Ann, to Bob twice; then the call and the email
    assert m.cadence_target == [1.5, 1.5, 1.5]  # 7/14 + 7/7; Cy (spotted) has no cadence
    assert m.streak_weeks == 2  # 2 >= 1.5 rounded up in the last two weeks, 1 before
    assert m.median_first_response_hours == [3.0, 3.5, 2.0]
    assert m.two_way == [1, 2, 0]
    assert m.funnel == {"spotted": 1, "engaged": 1, "in conversation": 1, "supporter": 0, "advocate": 0}
    assert (m.promotions, m.demotions) == ([1, 1, 0], [0, 0, 1])
    # Ann: last touch 17 Nov + 14 days; Bob: 19 Nov + 7 days: nobody overdue now, both a month later
    assert m.overdue == 0
    assert momentum.momentum(store.conn, datetime(2026, 12, 20, tzinfo=UTC), weeks=1).overdue == 2


def test_the_current_week_does_not_break_the_streak_until_it_is_over(store: Store) -> None:
    m = momentum.momentum(store.conn, datetime(2026, 11, 23, 9, tzinfo=UTC), weeks=4)
    assert m.touches[-1] == 0 and m.streak_weeks == 2


def test_momentum_csv_has_a_row_per_week_then_the_funnel(store: Store) -> None:
    m = momentum.momentum(store.conn, NOW, weeks=3)
    rows = list(csv.reader(io.StringIO(momentum.momentum_csv(m))))
    assert rows[0] == [
        "week",
        "touches",
        "cadence_target",
        "median_first_response_hours",
        "two_way",
        "promotions",
        "demotions",
    ]
    assert rows[1] == ["2026-11-02", "1", "1.5", "3.0", "1", "1", "0"]
    assert ["stage", "people"] in rows and ["in conversation", "1"] in rows
    assert rows[-2:] == [["streak_weeks", "2"], ["overdue", "0"]]
