"""Relationship signals on hand-computed cases, the stored copies the list sorts by, and suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.services import people, signals
from cockpit.store import Store, open_store
from tests.services.test_people import NOW, US, author, identity_id, say

DAY = 86_400


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database on disk."""
    opened = open_store(tmp_path / "cockpit.db")
    yield opened
    opened.close()


def test_warmth_formula_on_hand_computed_cases() -> None:
    now = 1_000 * DAY
    # a post today weighs 1; a reply 14 days old (one half-life) 0.5; a call 28 days old 3 * 0.25 = 0.75;
    # a meetup 100 days old is outside the 90-day window; a touch in the future does not count yet.
    touches = [
        ("post", now),
        ("reply", now - 14 * DAY),
        ("call", now - 28 * DAY),
        ("meetup", now - 100 * DAY),
    ]
    assert signals.warmth_of([*touches, ("gift", now + DAY)], now) == pytest.approx(2.25)
    assert signals.warmth_of([("post", now - 7 * DAY)], now) == pytest.approx(2**-0.5)
    assert signals.warmth_of([("unknown-kind", now)], now) == 1.0
    assert signals.warmth_of([], now) == 0.0


def _ann(store: Store) -> int:
    """Ann: a post today, our reply 14 days ago in another thread she opened, a call 28 days ago, a meetup 100 days ago."""
    ann_x = author(1, name="Ann Lee", reach=500)
    ann_in = author(2, platform="linkedin", name="Ann Lee", reach=1200)
    say(store, ann_x, "t1", 15, ext_id="a1")
    say(store, US, "t1", 14, ext_id="o1", reply_to="a1")
    say(store, ann_x, "t2", 0, ext_id="a2")
    say(store, ann_in, "l1", 120, ext_id="l1", account="li")
    person = people.create_person(
        store,
        "Ann",
        identity_ids=[identity_id(store, ann_x), identity_id(store, ann_in)],
        stage="in conversation",
    )
    people.add_manual_entry(store, person, "call", "roadmap", NOW - timedelta(days=28))
    people.add_manual_entry(store, person, "meetup", "FOSDEM", NOW - timedelta(days=100))
    return person


def test_signals_of_a_person_by_hand(store: Store) -> None:
    person = _ann(store)
    sig = signals.signals_for(store.conn, person, NOW)
    # in 90 days: in = a1 (15 d), a2 (0 d); out = our reply (14 d), the call (28 d)
    assert (sig.inbound_90d, sig.outbound_90d, sig.two_way_conversations_90d) == (2, 2, 1)
    expected = 1.0 * 0.5 ** (15 / 14) + 1.0 * 0.5 ** (14 / 14) + 1.0 + 3.0 * 0.5 ** (28 / 14)
    assert sig.warmth == pytest.approx(expected)
    assert sig.reach == 1700
    assert sig.reach_by_identity == {
        identity_id(store, author(1)): 500,
        identity_id(store, author(2, platform="linkedin")): 1200,
    }
    assert sig.last_touch_at == NOW
    # in conversation: every 14 days; our last outbound touch was the reply 14 days ago: due now
    assert (sig.cadence_days, sig.due_at, sig.overdue_days) == (14, NOW, 0)
    people.update_person(store, person, cadence_days=10)
    sig = signals.signals_for(store.conn, person, NOW)
    assert (sig.due_at, sig.overdue_days) == (NOW - timedelta(days=4), 4)


def test_stored_signals_match_the_exact_ones(store: Store) -> None:
    person = _ann(store)
    signals.refresh_signals(store, NOW)
    row = store.conn.execute(
        "SELECT warmth, reach, last_touch_at, next_due_at, due_key, handles FROM people WHERE id = ?",
        (person,),
    ).fetchone()
    sig = signals.signals_for(store.conn, person, NOW)
    assert row[0] == pytest.approx(sig.warmth, abs=1e-6)
    assert row[1:5] == (1700, int(NOW.timestamp()), int(sig.due_at.timestamp()), int(sig.due_at.timestamp()))  # type: ignore[union-attr]
    assert set(row[5].split()) == {"user1", "user2"}


def test_a_person_without_cadence_is_never_due(store: Store) -> None:
    person = people.create_person(store, "Cy")  # spotted has no cadence
    sig = signals.signals_for(store.conn, person, NOW)
    assert (sig.due_at, sig.overdue_days, sig.warmth, sig.reach, sig.last_touch_at) == (
        None,
        0,
        0.0,
        None,
        None,
    )
    signals.refresh_signals(store, NOW)
    assert (
        store.conn.execute("SELECT due_key FROM people WHERE id = ?", (person,)).fetchone()[0]
        == signals.NO_DUE
    )


def test_upkeep_attributes_new_replies_and_refreshes_only_who_they_touched(store: Store) -> None:
    ann = author(1)
    say(store, ann, "t1", 3, ext_id="a1")
    person = people.create_person(store, "Ann", identity_ids=[identity_id(store, ann)], stage="engaged")
    signals.people_upkeep(store, NOW)  # first run: a full refresh
    say(store, US, "t1", 1, ext_id="o1", reply_to="a1")
    out = store.conn.execute("SELECT person_id FROM interactions WHERE direction = 'out'").fetchone()
    assert out == (None,)  # ingest does not know whom our reply was for
    signals.people_upkeep(store, NOW)
    assert store.conn.execute("SELECT person_id FROM interactions WHERE direction = 'out'").fetchone() == (
        person,
    )
    last_out = store.conn.execute("SELECT last_out_at FROM people WHERE id = ?", (person,)).fetchone()[0]
    assert last_out == int((NOW - timedelta(days=1)).timestamp())


def test_a_reply_in_a_thread_goes_to_the_person_it_answers(store: Store) -> None:
    ann, bob = author(1), author(2)
    say(store, ann, "t1", 3, ext_id="a1")
    say(store, bob, "t1", 2, ext_id="b1")
    ann_id = people.create_person(store, "Ann", identity_ids=[identity_id(store, ann)])
    bob_id = people.create_person(store, "Bob", identity_ids=[identity_id(store, bob)])
    say(store, US, "t1", 1, ext_id="o1", reply_to="a1")  # answers Ann although Bob spoke last
    say(store, US, "t1", 0.5, ext_id="o2")  # answers nobody in particular: the latest tracked speaker
    signals.people_upkeep(store, NOW)
    owners = dict(
        store.conn.execute(
            "SELECT p.ext_id, x.person_id FROM interactions x JOIN posts p ON p.id = x.post_id"
        )
    )
    assert (owners["o1"], owners["o2"]) == (ann_id, bob_id)


def test_suggestions_new_stakeholders_promotions_and_slipping(store: Store) -> None:
    busy, quiet, starter = author(1), author(2), author(3)
    for n in range(3):
        say(store, busy, f"b{n}", 5 + n, ext_id=f"busy{n}")  # 3 in 30 days
    say(store, busy, "old", 40, ext_id="busy-old")
    for n in range(2):
        say(store, quiet, f"q{n}", 5 + n, ext_id=f"quiet{n}")  # only 2
    say(store, starter, "s1", 3, ext_id="s1")
    say(store, US, "s1", 2, ext_id="o-s1", reply_to="s1")  # a thread they started, and we answered
    found = signals.suggestions(store.conn, NOW)
    new = {s.handle: s for s in found.new_stakeholders}
    assert set(new) == {"user1", "user3"}
    assert new["user1"].reason == "3 interactions in 30 days"
    assert new["user3"].two_way_threads == 1 and "two-way thread" in new["user3"].reason

    # two two-way conversations in 90 days: propose the next stage (never the last stage's person)
    fan, top = author(4), author(5)
    for n in range(2):
        say(store, fan, f"f{n}", 10 + n, ext_id=f"fan{n}")
        say(store, US, f"f{n}", 9 + n, ext_id=f"o-fan{n}", reply_to=f"fan{n}")
        say(store, top, f"t{n}", 10 + n, ext_id=f"top{n}")
        say(store, US, f"t{n}", 9 + n, ext_id=f"o-top{n}", reply_to=f"top{n}")
    fan_id = people.create_person(store, "Fan", identity_ids=[identity_id(store, fan)], stage="engaged")
    people.create_person(store, "Top", identity_ids=[identity_id(store, top)], stage="advocate")
    # quiet for 50 days at 'supporter': slipping away; a 'spotted' one as quiet is not flagged
    old, spotted = author(6), author(7)
    say(store, old, "o1", 50, ext_id="old1")
    say(store, spotted, "o2", 50, ext_id="sp1")
    old_id = people.create_person(store, "Old", identity_ids=[identity_id(store, old)], stage="supporter")
    people.create_person(store, "Spot", identity_ids=[identity_id(store, spotted)])
    found = signals.suggestions(store.conn, NOW)
    assert [(p.person_id, p.from_stage, p.to_stage) for p in found.promotions] == [
        (fan_id, "engaged", "in conversation")
    ]
    assert [(s.person_id, s.quiet_days) for s in found.slipping] == [(old_id, 50)]
    assert "user4" not in {s.handle for s in found.new_stakeholders}  # tracked now


def test_dismissed_suggestions_stay_away_until_something_changes(store: Store) -> None:
    busy, fan, old = author(1), author(4), author(6)
    for n in range(3):
        say(store, busy, f"b{n}", 5 + n, ext_id=f"busy{n}")
    for n in range(2):
        say(store, fan, f"f{n}", 10 + n, ext_id=f"fan{n}")
        say(store, US, f"f{n}", 9 + n, ext_id=f"o-fan{n}", reply_to=f"fan{n}")
    say(store, old, "o1", 50, ext_id="old1")
    at = int((NOW - timedelta(days=1)).timestamp())
    fan_id = people.create_person(
        store, "Fan", identity_ids=[identity_id(store, fan)], stage="engaged", at=at
    )
    old_id = people.create_person(
        store, "Old", identity_ids=[identity_id(store, old)], stage="supporter", at=at
    )
    before = signals.suggestions(store.conn, NOW)
    assert [s.handle for s in before.new_stakeholders] == ["user1"]
    assert [p.person_id for p in before.promotions] == [fan_id]
    assert [s.person_id for s in before.slipping] == [old_id]

    stamp = int(NOW.timestamp())
    signals.dismiss_suggestion(store, "new", identity_id(store, busy), stamp)
    signals.dismiss_suggestion(store, "promote", fan_id, stamp)
    signals.dismiss_suggestion(store, "slipping", old_id, stamp)
    after = signals.suggestions(store.conn, NOW)
    assert (after.new_stakeholders, after.promotions, after.slipping) == ([], [], [])

    # a stage change brings the (next) promotion back; a new touch ends the slip, a later slip shows again
    people.update_person(store, fan_id, stage="in conversation", at=stamp + 1)
    later = NOW + timedelta(days=60)
    people.add_manual_entry(store, old_id, "call", "caught up", NOW + timedelta(hours=1))
    found = signals.suggestions(store.conn, later)
    assert old_id in {s.person_id for s in found.slipping}
    assert [(p.person_id, p.from_stage) for p in signals.suggestions(store.conn, NOW).promotions] == [
        (fan_id, "in conversation")
    ]
    with pytest.raises(ValueError, match="unknown suggestion kind"):
        signals.dismiss_suggestion(store, "other", 1, stamp)
