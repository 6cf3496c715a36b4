"""Importing people: reading spreadsheets and exports, the dry run's matches and conflicts, the round trip."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cockpit.services import people, people_io, signals
from cockpit.services.people_io import PeopleFileError
from cockpit.store import Store, open_store
from cockpit.store.export import PEOPLE_FIELDS, iter_people
from tests.services.test_people import NOW, author, identity_id, say


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database on disk."""
    opened = open_store(tmp_path / "cockpit.db")
    yield opened
    opened.close()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a spreadsheet export."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_crm_spreadsheet_is_read_with_its_own_column_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "crm.csv",
        [
            "First Name",
            "Last Name",
            "Company",
            "Job Title",
            "Twitter",
            "LinkedIn URL",
            "Forum",
            "Tags",
            "Notes",
        ],
        [
            [
                "Ann",
                "Lee",
                "Acme",
                "CTO",
                "@annlee",
                "https://www.linkedin.com/in/ann-lee/",
                "ann@forum.relay.dev",
                "python; rust",
                "met at FOSDEM",
            ]
        ],
    )
    (row,) = people_io.read_people_file(path)
    assert row.name == "Ann Lee" and row.problems == []
    assert row.fields == {
        "organisation": "Acme",
        "role": "CTO",
        "notes": "met at FOSDEM",
        "tags": "python; rust",
    }
    assert [(s.platform, s.host, s.handle) for s in row.identities] == [
        ("x", "", "annlee"),
        ("linkedin", "", "ann-lee"),
        ("discourse", "forum.relay.dev", "ann"),
    ]


def test_unreadable_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(PeopleFileError, match="no file"):
        people_io.read_people_file(tmp_path / "missing.csv")
    bad = tmp_path / "latin.csv"
    bad.write_bytes("name\nJos\xe9\n".encode("latin-1"))
    with pytest.raises(PeopleFileError, match="not UTF-8"):
        people_io.read_people_file(bad)
    nameless = write_csv(tmp_path / "n.csv", ["company"], [["Acme"]])
    with pytest.raises(PeopleFileError, match="no name column"):
        people_io.read_people_file(nameless)
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"name": "Ann"}\n{oops\n')
    with pytest.raises(PeopleFileError, match="line 2: not JSON"):
        people_io.read_people_file(broken)


def test_the_dry_run_shows_matches_and_conflicts_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    ann, bob = author(1, name="Ann"), author(2, name="Bob")
    say(store, ann, "t1", 3, ext_id="a1")
    say(store, bob, "t2", 3, ext_id="b1")
    say(store, author(3, name="Untracked"), "t3", 3, ext_id="c1")
    say(store, author(4, name="Ann again"), "t4", 3, ext_id="d1")
    ann_id = people.create_person(
        store,
        "Ann Lee",
        identity_ids=[identity_id(store, ann), identity_id(store, author(4))],
        organisation="Acme",
    )
    bob_id = people.create_person(store, "Bob", identity_ids=[identity_id(store, bob)])
    cy_id = people.create_person(store, "Cy", organisation="Initech", role="dev")
    path = write_csv(
        tmp_path / "in.csv",
        ["name", "organisation", "role", "stage", "x", "tags"],
        [
            ["Ann L.", "Globex", "CTO", "", "user1", "a"],  # matched by handle; organisation differs
            ["Cy", "Initech", "dev", "", "", ""],  # matched by name and organisation; nothing new
            ["Dee", "", "", "engaged", "user3 newbie", ""],  # new; links a known untracked author, adds one
            ["Both", "", "", "", "user1", ""],  # user1 is already on line 2
            ["Eve", "", "", "friend", "", ""],  # unknown stage
            ["Mix", "", "", "", "", ""],
        ],
    )
    rows = people_io.read_people_file(path)
    rows[-1].identities = [
        people_io.IdentitySpec("x", "", "user2"),
        people_io.IdentitySpec("x", "", "user4", ext_id="4"),
    ]  # a row naming two different people
    before = list(iter_people(store.conn))
    plan = people_io.plan_import(store.conn, rows)
    by_name = {row.name: row for row in plan.rows}
    assert (by_name["Ann L."].action, by_name["Ann L."].person_id) == ("update", ann_id)
    assert by_name["Ann L."].matched_by == "identity x @user1"
    assert by_name["Ann L."].changes == {"role": "CTO", "tags": ["a"]}
    assert by_name["Ann L."].conflicts == [
        "name: keeps 'Ann Lee' (file: 'Ann L.')",
        "organisation: keeps 'Acme' (file: 'Globex')",
    ]
    assert (by_name["Cy"].action, by_name["Cy"].person_id, by_name["Cy"].matched_by) == (
        "unchanged",
        cy_id,
        "name and organisation",
    )
    dee = by_name["Dee"]
    assert dee.action == "create" and dee.link == [identity_id(store, author(3))]
    assert [s.handle for s in dee.new_identities] == ["newbie"]
    assert by_name["Both"].action == "skip" and "also on line 2" in by_name["Both"].problems[0]
    assert by_name["Eve"].action == "skip" and "unknown stage 'friend'" in by_name["Eve"].problems[0]
    assert by_name["Mix"].action == "skip" and f"#{ann_id}" in by_name["Mix"].conflicts[0]
    assert f"#{bob_id}" in by_name["Mix"].conflicts[0]
    assert plan.summary() == "1 new, 1 updated, 1 unchanged, 3 skipped, 2 with conflicts"
    assert list(iter_people(store.conn)) == before  # planning wrote nothing

    people_io.apply_import(store, plan)
    stored = people.get_person(store.conn, ann_id)
    assert stored is not None and (stored.organisation, stored.role, stored.tags) == ("Acme", "CTO", ("a",))
    dee_id = dee.person_id
    assert dee_id is not None
    assert {i.handle for i in people.identities_of(store.conn, dee_id)} == {"user3", "newbie"}
    assert people.get_person(store.conn, dee_id).stage == "engaged"  # type: ignore[union-attr]

    overwrite = people_io.plan_import(store.conn, people_io.read_people_file(path), overwrite=True)
    assert overwrite.rows[0].conflicts == [
        "name: 'Ann Lee' replaced by 'Ann L.'",
        "organisation: 'Acme' replaced by 'Globex'",
    ]


def test_an_imported_handle_is_adopted_when_a_sync_meets_the_author(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", ["name", "twitter"], [["Zoe", "@Zoe_dev"]])
    plan = people_io.import_people(store, path)
    zoe = plan.rows[0].person_id
    assert zoe is not None
    (placeholder,) = people.identities_of(store.conn, zoe)
    assert placeholder.handle == "Zoe_dev"
    say(store, author(42, name="Zoe").model_copy(update={"handle": "zoe_dev"}), "t1", 1, ext_id="z1")
    signals.people_upkeep(store, NOW)
    (real,) = people.identities_of(store.conn, zoe)
    assert real.id != placeholder.id and real.handle == "zoe_dev"
    assert [e.text for e in people.timeline(store.conn, zoe)] == ["post z1"]


def _export(store: Store, fmt: str) -> str:
    records = list(iter_people(store.conn))
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(PEOPLE_FIELDS), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for k, v in record.items()
            }
        )
    return out.getvalue()


def _comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "id"} for r in records]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_import_loses_nothing(store: Store, tmp_path: Path, fmt: str) -> None:
    ann, forum = author(1, name="Ann Lee", reach=500), author(9, platform="discourse", name="ann")
    say(store, ann, "t1", 3, ext_id="a1")
    say(store, forum.model_copy(update={"host": "forum.relay.dev"}), "f1", 2, ext_id="f1", account="forum")
    forum_id = store.conn.execute("SELECT id FROM identities WHERE platform = 'discourse'").fetchone()[0]
    people.create_person(
        store,
        'Ann "the Dev" Lee, PhD',
        identity_ids=[identity_id(store, ann), forum_id],
        stage="supporter",
        organisation="Acme, Inc.",
        role="CTO",
        tags=["python", "rust"],
        interests=["local-first sync"],
        notes="line one\nline two; with, commas",
        cadence_days=21,
        timezone="Europe/Paris",
        at=1_700_000_000,
    )
    people.create_person(store, "Bob", at=1_700_000_100)
    exported = _export(store, fmt)
    path = tmp_path / f"people.{fmt}"
    path.write_text(exported, encoding="utf-8")

    fresh = open_store(tmp_path / "other.db")
    try:
        plan = people_io.import_people(fresh, path)
        assert plan.summary() == "2 new, 0 updated, 0 unchanged, 0 skipped, 0 with conflicts"
        assert _comparable(list(iter_people(fresh.conn))) == _comparable(list(iter_people(store.conn)))
    finally:
        fresh.close()
    # importing the export into the database it came from changes nothing
    again = people_io.import_people(store, path)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    assert [row.matched_by for row in again.rows] == [
        "identity discourse user9@forum.relay.dev",
        "id and name",
    ]
