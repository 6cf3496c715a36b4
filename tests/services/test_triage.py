"""Triage on a real SQLite file: done, snooze, mute, tags, priority, read state, and the lasting undo log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.services import triage
from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.store.queue import QueueFilter, Sort, count, fetch_page
from connectors.models import Author, Page, Post

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
INBOX = QueueFilter(statuses=("inbox",))


def _post(ext_id: str, thread: str, minutes: int) -> Post:
    return Post(
        ext_id=ext_id,
        thread_key=thread,
        author=Author(platform="x", ext_id="u1", handle="user1", name="User One"),
        text=f"post {ext_id}",
        created_at=T0 + timedelta(minutes=minutes),
    )


def seed(store: Store, threads: int, *, start: int = 0) -> list[int]:
    """Store one post in each of `threads` new conversations; return their ids in thread order."""
    account = ensure_account(store, "acme-x", "x")
    posts = [_post(f"p{n}", f"t{n}", n) for n in range(start, start + threads)]
    write_page(store, account, Page(stream="mentions", posts=posts))
    keys = [f"t{n}" for n in range(start, start + threads)]
    found = dict(store.conn.execute("SELECT thread_key, id FROM conversations").fetchall())
    return [found[key] for key in keys]


SCORE = 20
"""The computed priority of a seeded conversation: a direct mention (cockpit/services/priority.py)."""


def state(store: Store, conversation_id: int) -> tuple[str, int | None, int, int, tuple[str, ...]]:
    """(status, snooze_until, unread, priority, tags) of one conversation."""
    row = store.conn.execute(
        "SELECT status, snooze_until, unread, priority FROM conversations WHERE id = ?", (conversation_id,)
    ).fetchone()
    tags = tuple(
        tag
        for (tag,) in store.conn.execute(
            "SELECT tag FROM conversation_tags WHERE conversation_id = ? ORDER BY tag", (conversation_id,)
        )
    )
    return (row[0], row[1], row[2], row[3], tags)


def steps(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM undo_log").fetchone()[0])


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "cockpit.db"


@pytest.fixture
def store(db_file: Path) -> Iterator[Store]:
    opened = open_store(db_file)
    yield opened
    opened.close()


def test_archiving_a_conversation_hides_it_from_inbox_and_undo_brings_it_back(store: Store) -> None:
    first, second = seed(store, 2)
    assert count(store.conn, INBOX) == 2

    result = triage.done(store, [first])

    assert result.ids == (first,) and result.step_id is not None
    assert [row.id for row in fetch_page(store.conn, INBOX, Sort.NEWEST)] == [second]
    assert state(store, first)[0] == "done"

    undone = triage.undo(store)

    assert undone is not None and undone.ids == (first,) and undone.action == "done"
    assert undone.label == result.label == "Done: 1 conversation"
    assert [row.id for row in fetch_page(store.conn, INBOX, Sort.NEWEST)] == [second, first]
    assert state(store, first) == ("inbox", None, 1, SCORE, ())


def test_bulk_done_of_5000_is_one_undo_step_stored_compactly(store: Store) -> None:
    ids = seed(store, 5_000)
    triage.mark_read(store, ids[:10])  # a step before, which the bulk undo must not touch

    result = triage.done(store, ids)

    assert result.changed == 5_000 and count(store.conn, INBOX) == 0
    assert steps(store) == 2
    payload = json.loads(
        store.conn.execute("SELECT payload FROM undo_log WHERE id = ?", (result.step_id,)).fetchone()[0]
    )
    # Every row was in the Inbox without a snooze: one group of ids, not 5,000 objects.
    assert payload["columns"] == ["status", "snooze_until"]
    assert [values for values, _ in payload["groups"]] == [["inbox", None]]

    undone = triage.undo(store)

    assert undone is not None and len(undone.ids) == 5_000
    assert count(store.conn, INBOX) == 5_000
    assert state(store, ids[0])[2] == 0 and state(store, ids[10])[2] == 1  # the earlier step still stands
    assert [entry.undone for entry in triage.history(store)] == [True, False]


def test_a_snoozed_conversation_returns_at_its_time_also_after_reopening_the_store(
    store: Store, db_file: Path
) -> None:
    first, _other = seed(store, 2)
    triage.mark_read(store, [first])
    wake_at = T0 + timedelta(hours=3)
    triage.snooze(store, [first], wake_at, now=T0)
    assert count(store.conn, INBOX) == 1
    assert count(store.conn, QueueFilter(statuses=("snoozed",))) == 1
    store.close()

    reopened = open_store(db_file)
    try:
        assert triage.next_wake(reopened) == wake_at
        assert triage.wake_due(reopened, wake_at - timedelta(seconds=1)) == []
        assert state(reopened, first)[0] == "snoozed"

        assert triage.wake_due(reopened, wake_at + timedelta(days=2)) == [first]

        assert state(reopened, first) == ("inbox", None, 1, SCORE, ())  # back, and unread again
        assert count(reopened.conn, INBOX) == 2
        assert triage.wake_due(reopened, wake_at + timedelta(days=2)) == []
        assert triage.next_wake(reopened) is None
    finally:
        reopened.close()


def test_undo_restores_each_rows_own_previous_state_when_the_selection_mixed_inbox_and_snoozed_rows(
    store: Store,
) -> None:
    inbox, early, late, muted = seed(store, 4)
    triage.snooze(store, [early], T0 + timedelta(hours=1), now=T0)
    triage.snooze(store, [late], T0 + timedelta(days=2), now=T0)
    triage.mute(store, [muted])
    triage.mark_read(store, [inbox])
    before = {conversation: state(store, conversation) for conversation in (inbox, early, late, muted)}

    result = triage.done(store, [inbox, early, late, muted])

    assert result.changed == 4
    assert {state(store, conversation)[:2] for conversation in before} == {("done", None)}

    undone = triage.undo(store)

    assert undone is not None and undone.ids == tuple(sorted(before))
    assert {conversation: state(store, conversation) for conversation in before} == before


def test_undo_history_is_pruned_to_undo_depth(store: Store) -> None:
    ids = seed(store, 6)
    for conversation in ids:
        triage.done(store, [conversation], undo_depth=3)

    entries = triage.history(store, limit=10)

    assert steps(store) == 3
    assert [entry.count for entry in entries] == [1, 1, 1]
    assert all(entry.label == "Done: 1 conversation" and not entry.undone for entry in entries)
    restored = [triage.undo(store) for _ in range(4)]
    assert [result.ids if result else None for result in restored] == [
        (ids[5],),
        (ids[4],),
        (ids[3],),
        None,
    ]
    assert [state(store, conversation)[0] for conversation in ids] == ["done"] * 3 + ["inbox"] * 3


def test_undo_survives_a_restart_and_unwinds_steps_newest_first(store: Store, db_file: Path) -> None:
    first, second = seed(store, 2)
    triage.done(store, [first], at=1_000)
    triage.mute(store, [first, second], at=2_000)
    store.close()

    reopened = open_store(db_file)
    try:
        entries = triage.history(reopened)
        assert [(entry.action, entry.count) for entry in entries] == [("mute", 2), ("done", 1)]
        assert entries[0].created_at == datetime.fromtimestamp(2_000, UTC)

        assert triage.undo(reopened) == triage.UndoResult(
            step_id=entries[0].id, action="mute", label="Muted 2 conversations", ids=(first, second)
        )
        assert [state(reopened, c)[0] for c in (first, second)] == ["done", "inbox"]
        assert triage.undo(reopened) is not None
        assert [state(reopened, c)[0] for c in (first, second)] == ["inbox", "inbox"]
        assert triage.undo(reopened) is None
    finally:
        reopened.close()


def test_adding_tags_and_undo_removes_only_the_tags_that_step_added(store: Store) -> None:
    first, second = seed(store, 2)
    triage.add_tags(store, [first], ["bug"])

    result = triage.add_tags(store, [first, second], [" bug ", "urgent", "bug"])

    assert result.label == "Tagged 2 conversations #bug #urgent"
    assert state(store, first)[4] == ("bug", "urgent") and state(store, second)[4] == ("bug", "urgent")
    assert triage.known_tags(store) == [("bug", 2), ("urgent", 2)]
    assert triage.known_tags(store, "ur") == [("urgent", 2)]

    triage.undo(store)

    assert state(store, first)[4] == ("bug",)  # it had #bug before this step
    assert state(store, second)[4] == ()


def test_removing_tags_and_undo_puts_them_back_where_they_were(store: Store) -> None:
    first, second, third = seed(store, 3)
    triage.add_tags(store, [first, second], ["bug"])
    triage.add_tags(store, [first], ["docs"])

    result = triage.remove_tags(store, [first, second, third], ["bug", "docs"])

    assert result.ids == (first, second) and result.action == "untag"
    assert [state(store, c)[4] for c in (first, second, third)] == [(), (), ()]

    triage.undo(store)

    assert [state(store, c)[4] for c in (first, second, third)] == [("bug", "docs"), ("bug",), ()]


def test_a_tag_with_spaces_or_nothing_in_it_is_refused_with_a_reason(store: Store) -> None:
    (first,) = seed(store, 1)
    with pytest.raises(ValueError, match="spaces"):
        triage.add_tags(store, [first], ["two words"])
    with pytest.raises(ValueError, match="empty"):
        triage.add_tags(store, [first], ["  "])
    with pytest.raises(ValueError, match="at least one tag"):
        triage.remove_tags(store, [first], [])
    assert steps(store) == 0 and state(store, first)[4] == ()


def test_priority_and_read_state_are_undone_per_row(store: Store) -> None:
    first, second = seed(store, 2)
    triage.set_priority(store, [first], 2)
    triage.mark_read(store, [second])

    triage.set_priority(store, [first, second], 5)
    triage.mark_unread(store, [first, second])

    assert [state(store, c)[2:4] for c in (first, second)] == [(1, 5), (1, 5)]
    unread_step = triage.undo(store)
    assert unread_step is not None and unread_step.ids == (second,)  # `first` was already unread
    priority_step = triage.undo(store)
    assert priority_step is not None and priority_step.action == "priority"
    assert [state(store, c)[2:4] for c in (first, second)] == [(1, 2), (0, SCORE)]


def test_unsnooze_and_unmute_touch_only_rows_in_that_state(store: Store) -> None:
    snoozed, muted, done = seed(store, 3)
    triage.snooze(store, [snoozed], T0 + timedelta(days=1), now=T0)
    triage.mute(store, [muted])
    triage.done(store, [done])

    woken = triage.unsnooze(store, [snoozed, muted, done])
    unmuted = triage.unmute(store, [snoozed, muted, done])

    assert woken.ids == (snoozed,) and unmuted.ids == (muted,)
    assert [state(store, c)[:2] for c in (snoozed, muted, done)] == [
        ("inbox", None),
        ("inbox", None),
        ("done", None),
    ]
    triage.undo(store)
    triage.undo(store)
    assert state(store, snoozed)[:2] == ("snoozed", int((T0 + timedelta(days=1)).timestamp()))
    assert state(store, muted)[0] == "muted"


def test_an_action_that_changes_nothing_records_no_step(store: Store) -> None:
    (first,) = seed(store, 1)
    triage.done(store, [first])

    again = triage.done(store, [first, 999_999])
    nothing = triage.mark_read(store, [])

    assert again.ids == () and again.step_id is None and nothing.step_id is None
    assert steps(store) == 1


def test_a_new_post_reopens_a_done_conversation_but_not_a_muted_or_snoozed_one(store: Store) -> None:
    done, muted, snoozed = seed(store, 3)
    triage.done(store, [done])
    triage.mute(store, [muted])
    triage.snooze(store, [snoozed], T0 + timedelta(days=30), now=T0)

    account = ensure_account(store, "acme-x", "x")
    replies = [_post(f"r{n}", f"t{n}", 100 + n) for n in range(3)]
    write_page(store, account, Page(stream="mentions", posts=replies))

    assert [state(store, c)[0] for c in (done, muted, snoozed)] == ["inbox", "muted", "snoozed"]


def test_snoozing_into_the_past_or_with_a_naive_time_is_refused(store: Store) -> None:
    (first,) = seed(store, 1)
    with pytest.raises(ValueError, match="in the past"):
        triage.snooze(store, [first], T0 - timedelta(minutes=1), now=T0)
    with pytest.raises(ValueError, match="aware"):
        triage.snooze(store, [first], datetime(2030, 1, 1), now=T0)
    with pytest.raises(ValueError, match="aware"):
        triage.wake_due(store, datetime(2030, 1, 1))
    assert state(store, first)[0] == "inbox" and steps(store) == 0


def test_a_failing_action_stores_nothing(store: Store) -> None:
    first, second = seed(store, 2)
    with pytest.raises(ValueError, match="undo_depth"):
        triage.add_tags(store, [first, second], ["bug"], undo_depth=0)
    with pytest.raises(ValueError, match="undo_depth"):
        triage.done(store, [first], undo_depth=0)
    assert state(store, first) == ("inbox", None, 1, SCORE, ()) and steps(store) == 0


def test_conversation_ids_must_be_integers(store: Store) -> None:
    with pytest.raises(TypeError):
        triage.done(store, ["1"])  # type: ignore[list-item]


_ACTIONS = ("done", "snooze", "unsnooze", "mute", "unmute", "tag", "untag", "priority", "read", "unread")


def _apply(store: Store, action: str, ids: list[int], value: int) -> None:
    if action == "snooze":
        triage.snooze(store, ids, T0 + timedelta(hours=value + 1), now=T0)
    elif action == "tag":
        triage.add_tags(store, ids, [f"t{value % 3}", "shared"])
    elif action == "untag":
        triage.remove_tags(store, ids, [f"t{value % 3}"])
    elif action == "priority":
        triage.set_priority(store, ids, value % 4)
    else:
        call = {
            "done": triage.done,
            "unsnooze": triage.unsnooze,
            "mute": triage.mute,
            "unmute": triage.unmute,
            "read": triage.mark_read,
            "unread": triage.mark_unread,
        }[action]
        call(store, ids)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps_taken=st.lists(
        st.tuples(
            st.sampled_from(_ACTIONS),
            st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=8),
            st.integers(min_value=0, max_value=20),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_undoing_step_by_step_walks_back_through_every_earlier_state(
    steps_taken: list[tuple[str, list[int], int]],
) -> None:
    store = open_store(None)
    try:
        ids = seed(store, 8)
        everything = lambda: [state(store, conversation) for conversation in ids]  # noqa: E731
        snapshots = []
        for action, picks, value in steps_taken:
            before = everything()
            recorded = steps(store)
            _apply(store, action, [ids[pick] for pick in picks], value)
            if steps(store) > recorded:
                snapshots.append(before)
        while snapshots:
            assert triage.undo(store) is not None
            assert everything() == snapshots.pop()
        assert triage.undo(store) is None
    finally:
        store.close()


def test_a_snooze_says_until_when_in_the_zone_it_was_chosen_in(store: Store) -> None:
    from zoneinfo import ZoneInfo

    (first,) = seed(store, 1)
    berlin = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    result = triage.snooze(store, [first], berlin, now=T0)
    assert result.label == "Snoozed 1 conversation until Tue 24 Nov 09:00"
    assert triage.history(store, 5)[0].label == result.label
