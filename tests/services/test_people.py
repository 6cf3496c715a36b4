"""The stakeholder tracker: people, stages, identities, merges with undo, splits, timelines and the people list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.services import people
from cockpit.services.people import PeopleError
from cockpit.store import Store, open_store
from cockpit.store import people_list as plist
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Author, Page, Post

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
US = Author(platform="x", ext_id="0", handle="us", name="Our Brand")


def author(n: int, *, platform: str = "x", name: str | None = None, **extra: object) -> Author:
    """An author of `platform` with a stable id."""
    return Author(platform=platform, ext_id=str(n), handle=f"user{n}", name=name or f"User {n}", **extra)  # type: ignore[arg-type]


def say(
    store: Store,
    who: Author,
    thread: str,
    days_ago: float,
    *,
    ext_id: str,
    text: str = "",
    reply_to: str | None = None,
    account: str = "x-main",
    now: datetime = NOW,
) -> None:
    """Store one post by `who` in `thread`, `days_ago` days before `now` (ours when `who` is US)."""
    account_id = ensure_account(store, account, who.platform, "us")
    post = Post(
        ext_id=ext_id,
        thread_key=thread,
        author=who,
        text=text or f"post {ext_id}",
        created_at=now - timedelta(days=days_ago),
        in_reply_to=reply_to,
    )
    write_page(store, account_id, Page(stream="m", posts=[post]), own_handles=["us"])


def identity_id(store: Store, who: Author) -> int:
    """The stored identity of an author."""
    row = store.conn.execute(
        "SELECT id FROM identities WHERE platform = ? AND ext_id = ?", (who.platform, who.ext_id)
    ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database on disk."""
    opened = open_store(tmp_path / "cockpit.db")
    yield opened
    opened.close()


def test_default_stages_are_the_funnel_and_can_be_renamed_and_reordered(store: Store) -> None:
    assert [s.label for s in people.stages(store.conn)] == [
        "spotted",
        "engaged",
        "in conversation",
        "supporter",
        "advocate",
    ]
    person = people.create_person(store, "Ann", stage="supporter")
    people.rename_stage(store, "supporter", "champion")
    people.move_stage(store, "advocate", 0)
    assert [s.key for s in people.stages(store.conn)][:2] == ["advocate", "spotted"]
    assert people.stage_key(store.conn, "Champion") == "supporter"
    assert people.get_person(store.conn, person).stage == "supporter"  # type: ignore[union-attr]
    # the list's stage sort follows the new order
    row = plist.fetch_page(store.conn, plist.PeopleFilter(), plist.PeopleSort.STAGE)[0]
    assert (row.stage_position, row.stage_label) == (4, "champion")
    with pytest.raises(PeopleError, match="already called"):
        people.rename_stage(store, "engaged", "champion")


def test_stage_changes_are_logged_for_the_funnel(store: Store) -> None:
    person = people.create_person(store, "Ann", at=100)
    people.update_person(store, person, stage="engaged", at=200)
    people.update_person(store, person, stage="in conversation", at=300)
    people.update_person(store, person, notes="met at FOSDEM", at=400)
    log = store.conn.execute("SELECT from_stage, to_stage, at FROM stage_log ORDER BY id").fetchall()
    assert log == [(None, "spotted", 100), ("spotted", "engaged", 200), ("engaged", "in_conversation", 300)]


def test_fields_are_checked_with_clear_messages(store: Store) -> None:
    with pytest.raises(PeopleError, match="unknown stage 'friend'"):
        people.create_person(store, "Ann", stage="friend")
    with pytest.raises(PeopleError, match="needs a name"):
        people.create_person(store, "  ")
    person = people.create_person(store, "Ann", tags="python, rust ,python", timezone="Europe/Paris")
    assert people.get_person(store.conn, person).tags == ("python", "rust")  # type: ignore[union-attr]
    with pytest.raises(PeopleError, match="time zone"):
        people.update_person(store, person, timezone="Mars/Olympus")
    with pytest.raises(PeopleError, match="cadence"):
        people.update_person(store, person, cadence_days="often")
    with pytest.raises(PeopleError, match="unknown person field"):
        people.update_person(store, person, shoe_size=42)


def test_linking_an_author_brings_their_posts_and_our_replies_into_the_timeline(store: Store) -> None:
    ann = author(1, name="Ann Lee")
    say(store, ann, "t1", 10, ext_id="a1", text="Relay sync is great")
    say(store, US, "t1", 9, ext_id="o1", text="Thanks Ann!", reply_to="a1")
    say(store, author(2), "t2", 8, ext_id="b1")
    conversation = store.conn.execute("SELECT id FROM conversations WHERE thread_key = 't1'").fetchone()[0]
    found = people.identity_of_conversation(store.conn, conversation)
    assert found is not None and found.handle == "user1"
    person = people.create_person(store, "Ann Lee", identity_ids=[found.id], stage="engaged")
    entries = people.timeline(store.conn, person)
    assert [(e.direction, e.text, e.conversation_id) for e in entries] == [
        ("out", "Thanks Ann!", conversation),
        ("in", "Relay sync is great", conversation),
    ]
    manual = people.add_manual_entry(store, person, "call", "30 min on the roadmap", NOW - timedelta(days=1))
    entries = people.timeline(store.conn, person)
    assert entries[0].interaction_id == manual and entries[0].manual and entries[0].kind == "call"
    # keyset pages: newest first, the second page starts after the first one's last entry
    first = people.timeline(store.conn, person, limit=2)
    rest = people.timeline(
        store.conn, person, before=(int(first[-1].occurred_at.timestamp()), first[-1].interaction_id or 0)
    )
    assert [e.interaction_id for e in first + rest] == [e.interaction_id for e in entries]
    # later posts by a linked author are attributed as they arrive
    say(store, ann, "t3", 1, ext_id="a2")
    assert people.timeline(store.conn, person)[0].text == "post a2"


def test_own_accounts_cannot_be_tracked(store: Store) -> None:
    say(store, US, "t1", 1, ext_id="o1")
    person = people.create_person(store, "Ann")
    with pytest.raises(PeopleError, match="our own accounts"):
        people.link_identity(store, identity_id(store, US), person)


def test_merge_moves_everything_and_undo_puts_it_back(store: Store) -> None:
    ann_x, ann_forum = author(1, name="Ann Lee"), author(7, platform="discourse", name="ann")
    say(store, ann_x, "t1", 10, ext_id="a1")
    say(store, ann_forum, "f1", 5, ext_id="f1", account="forum")
    keep = people.create_person(
        store, "Ann Lee", identity_ids=[identity_id(store, ann_x)], tags=["python"], stage="engaged"
    )
    other = people.create_person(
        store,
        "ann",
        identity_ids=[identity_id(store, ann_forum)],
        organisation="Acme",
        tags=["rust", "python"],
        notes="runs the Paris meetup",
    )
    before_keep = people.get_person(store.conn, keep)
    merge_id = people.merge(store, keep, other)
    merged = people.get_person(store.conn, keep)
    assert merged is not None
    assert (merged.organisation, merged.tags, merged.notes) == (
        "Acme",
        ("python", "rust"),
        "runs the Paris meetup",
    )
    assert {i.handle for i in people.identities_of(store.conn, keep)} == {"user1", "user7"}
    assert len(people.timeline(store.conn, keep)) == 2
    assert people.get_person(store.conn, other) == merged  # the merged-away id resolves to the kept person
    assert plist.count(store.conn, plist.PeopleFilter()) == 1
    assert people.last_merge(store.conn, keep) == merge_id

    people.undo_merge(store, merge_id)
    restored = people.get_person(store.conn, keep)
    assert restored is not None and before_keep is not None
    assert (restored.organisation, restored.tags, restored.notes) == (
        before_keep.organisation,
        before_keep.tags,
        before_keep.notes,
    )
    assert [i.handle for i in people.identities_of(store.conn, keep)] == ["user1"]
    assert [i.handle for i in people.identities_of(store.conn, other)] == ["user7"]
    assert len(people.timeline(store.conn, other)) == 1
    assert plist.count(store.conn, plist.PeopleFilter()) == 2
    with pytest.raises(PeopleError, match="already undone"):
        people.undo_merge(store, merge_id)


def test_a_merge_cannot_be_undone_under_a_later_one(store: Store) -> None:
    a, b, c = (people.create_person(store, name) for name in ("A", "B", "C"))
    first = people.merge(store, a, b)
    people.merge(store, a, c)
    with pytest.raises(PeopleError, match="later merge"):
        people.undo_merge(store, first)
    with pytest.raises(PeopleError, match="themselves"):
        people.merge(store, a, a)
    with pytest.raises(PeopleError, match="was merged into"):
        people.merge(store, b, a)


def test_split_moves_one_identity_and_its_posts_to_a_new_person(store: Store) -> None:
    one, two = author(1, name="Ann Lee"), author(2, name="Anne Leigh")
    say(store, one, "t1", 3, ext_id="a1")
    say(store, two, "t2", 2, ext_id="b1")
    person = people.create_person(
        store, "Ann Lee", identity_ids=[identity_id(store, one), identity_id(store, two)]
    )
    new = people.split_identity(store, identity_id(store, two))
    assert people.get_person(store.conn, new).name == "Anne Leigh"  # type: ignore[union-attr]
    assert [e.text for e in people.timeline(store.conn, person)] == ["post a1"]
    assert [e.text for e in people.timeline(store.conn, new)] == ["post b1"]


def test_merge_suggestions_same_name_and_site_or_same_link_never_applied(store: Store) -> None:
    a1 = author(1, name="Ann Lee", bio="I write at https://ann.dev/blog/")
    a2 = author(2, name="ann lee")
    b1 = author(3, platform="discourse", name="Bob", url="https://bob.example/")
    b2 = author(4, name="Robert", bio="blog: http://bob.example")
    c1 = author(5, name="Cy", url="https://x.com")  # a bare shared host is not evidence
    c2 = author(6, name="Di", url="https://x.com/")
    for n, who in enumerate((a1, a2, b1, b2, c1, c2)):
        say(
            store,
            who,
            f"t{n}",
            1,
            ext_id=f"p{n}",
            account="forum" if who.platform == "discourse" else "x-main",
        )
    ids = [
        people.create_person(store, f"P{n}", identity_ids=[identity_id(store, who)])
        for n, who in enumerate((a1, a2, b1, b2, c1, c2))
    ]
    found = {(s.keep_id, s.other_id): s.reason for s in people.merge_suggestions(store.conn)}
    assert set(found) == {(ids[0], ids[1]), (ids[2], ids[3])}
    assert "same name 'ann lee'" in found[(ids[0], ids[1])]
    assert "same link bob.example" in found[(ids[2], ids[3])]
    assert plist.count(store.conn, plist.PeopleFilter()) == 6  # nothing merged


def test_find_people_by_name_handle_or_organisation(store: Store) -> None:
    say(store, author(1, name="Zed"), "t1", 1, ext_id="z1")
    people.create_person(store, "Ann Lee", organisation="Acme")
    people.create_person(store, "Joanna", identity_ids=[identity_id(store, author(1))])
    people.create_person(store, "Bob 100%")
    assert [p.name for p in people.find_people(store.conn, "an")] == ["Ann Lee", "Joanna"]
    assert [p.name for p in people.find_people(store.conn, "ACME")] == ["Ann Lee"]
    assert [p.name for p in people.find_people(store.conn, "user1")] == ["Joanna"]
    assert [p.name for p in people.find_people(store.conn, "100%")] == ["Bob 100%"]
    assert [p.name for p in people.find_people(store.conn, "%")] == ["Bob 100%"]


def test_people_list_pages_by_key_in_every_sort(store: Store) -> None:
    for n in range(23):
        person = people.create_person(
            store, f"Person {n:02d}", stage=["spotted", "engaged", "supporter"][n % 3]
        )
        with store.write() as conn:
            conn.execute(
                "UPDATE people SET warmth = ?, reach = ?, last_touch_at = ? WHERE id = ?",
                (n % 5, (n * 7) % 11 - 1, 1000 + n % 4, person),
            )
    flt = plist.PeopleFilter()
    for sort in plist.PeopleSort:
        whole = plist.fetch_page(store.conn, flt, sort, limit=100)
        assert len(whole) == 23 == plist.count(store.conn, flt)
        pages, page = [], plist.fetch_page(store.conn, flt, sort, limit=5)
        while page:
            pages += page
            page = plist.fetch_page(store.conn, flt, sort, after=page[-1].key(sort), limit=5)
        assert [r.id for r in pages] == [r.id for r in whole], sort
        back = plist.fetch_page(store.conn, flt, sort, before=whole[10].key(sort), limit=3)
        assert [r.id for r in back] == [r.id for r in whole[7:10]]
        assert [r.id for r in plist.fetch_last_page(store.conn, flt, sort, limit=4)] == [
            r.id for r in whole[-4:]
        ]
        assert plist.position(store.conn, flt, sort, whole[13].id) == 13
        assert plist.key_of(store.conn, whole[13].id, sort) == whole[13].key(sort)
    warm = plist.fetch_page(store.conn, flt, plist.PeopleSort.WARMTH, limit=100)
    assert [r.warmth for r in warm] == sorted((r.warmth for r in warm), reverse=True)
    reach = plist.fetch_page(store.conn, flt, plist.PeopleSort.REACH, limit=100)
    assert reach[-1].reach is None  # -1 is shown as unknown and sorts last
    only = plist.PeopleFilter(stages=("engaged",), text="person 1")
    assert [r.name for r in plist.fetch_page(store.conn, only, plist.PeopleSort.NAME)] == [
        "Person 10",
        "Person 13",
        "Person 16",
        "Person 19",
    ]


def test_people_list_overdue_filter_and_sort(store: Store) -> None:
    ann = people.create_person(store, "Ann", stage="in conversation", at=int(NOW.timestamp()) - 40 * 86400)
    bob = people.create_person(store, "Bob", stage="engaged", at=int(NOW.timestamp()) - 40 * 86400)
    people.create_person(store, "Cy")  # spotted: no cadence
    from cockpit.services.signals import refresh_signals

    refresh_signals(store, NOW)
    flt = plist.PeopleFilter(overdue_only=True, now=int(NOW.timestamp()))
    rows = plist.fetch_page(store.conn, flt, plist.PeopleSort.OVERDUE)
    assert [(r.id, r.overdue_days) for r in rows] == [(ann, 26), (bob, 10)]
    everyone = plist.fetch_page(store.conn, plist.PeopleFilter(now=flt.now), plist.PeopleSort.OVERDUE)
    assert [r.name for r in everyone] == ["Ann", "Bob", "Cy"]


def test_people_list_uses_its_indexes(store: Store) -> None:
    for flt in (plist.PeopleFilter(), plist.PeopleFilter(stages=("engaged",))):
        for sort in plist.PeopleSort:
            where, params = plist._where(flt, sort)
            plan = " ".join(
                str(row[3])
                for row in store.conn.execute(
                    f"EXPLAIN QUERY PLAN SELECT p.id FROM people p WHERE {where} "
                    f"ORDER BY {plist._order(sort)} LIMIT 50",
                    params,
                )
            )
            assert "SEARCH p USING INDEX people_" in plan or not flt.stages, (flt, sort, plan)
            assert "USING INDEX people_" in plan and "TEMP B-TREE" not in plan, (flt, sort, plan)


def test_config_stages_and_cadences_are_applied_once_per_change(store: Store) -> None:
    from cockpit.config import PeopleSettings

    settings = PeopleSettings(
        stages=["Spotted", "Engaged", "Champion", "In conversation"], cadence_days={"champion": 10, "nope": 3}
    )
    problems = people.apply_settings(store, settings)
    assert problems == [
        "[people] cadence_days: unknown stage 'nope' "
        "(stages: spotted, engaged, Champion, in conversation, supporter, advocate)"
    ]
    assert [(s.key, s.cadence_days) for s in people.stages(store.conn)][:4] == [
        ("spotted", None),
        ("engaged", 30),
        ("champion", 10),
        ("in_conversation", 14),
    ]
    people.move_stage(store, "champion", 5)  # a change made in the app is kept while the config list stays
    people.apply_settings(store, settings)
    assert people.stages(store.conn)[-1].key == "champion"


def test_text_filter_finds_any_part_of_name_organisation_or_handle_and_follows_edits(store: Store) -> None:
    say(store, author(1, name="Zed"), "t1", 1, ext_id="z1")
    zoe = people.create_person(store, "Zoë Adler", organisation="Hooli Health")
    people.create_person(store, "Sam", identity_ids=[identity_id(store, author(1))])

    def names(text: str) -> list[str]:
        return [
            r.name for r in plist.fetch_page(store.conn, plist.PeopleFilter(text=text), plist.PeopleSort.NAME)
        ]

    assert names("HOOLI") == ["Zoë Adler"] and names("zoë ad") == ["Zoë Adler"]
    assert names("ser1") == ["Sam"]  # a handle, user1
    assert names('"x') == [] and names("%") == []
    people.update_person(store, zoe, name="Zoe Adler-Kim", organisation="")
    assert names("hooli") == [] and names("adler-k") == ["Zoe Adler-Kim"]
    assert [p.name for p in people.find_people(store.conn, "dler")] == ["Zoe Adler-Kim"]


def test_the_trigram_and_like_paths_of_the_text_filter_agree(store: Store) -> None:
    for n in range(60):
        people.create_person(store, f"Person {n:02d}", organisation=["Acme", "Globex", "Initech"][n % 3])
    for text in ("acme", "glob", "rson 1", "nobody", "ACME"):
        flt = plist.PeopleFilter(text=text)
        for sort in plist.PeopleSort:
            by_index = plist._fetch_page(store.conn, flt, sort, None, None, 7, indexed_text=True)
            by_like = plist._fetch_page(store.conn, flt, sort, None, None, 7, indexed_text=False)
            assert [r.id for r in by_index] == [r.id for r in by_like], (text, sort)
            if by_index:
                key = by_index[-1].key(sort)
                after_index = plist._fetch_page(store.conn, flt, sort, key, None, 7, indexed_text=True)
                after_like = plist._fetch_page(store.conn, flt, sort, key, None, 7, indexed_text=False)
                assert [r.id for r in after_index] == [r.id for r in after_like], (text, sort)
