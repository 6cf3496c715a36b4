"""`cockpit import people FILE [--dry-run]` and `cockpit export people`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit import cli
from cockpit.paths import db_path
from cockpit.services import people
from cockpit.store import open_store


def _home_with_people(home: Path) -> None:
    store = open_store(db_path(home))
    try:
        people.create_person(
            store, "Ann Lee", organisation="Acme", stage="supporter", tags=["python"], at=1_700_000_000
        )
        people.create_person(store, "Bob", at=1_700_000_000)
    finally:
        store.close()


def test_dry_run_prints_matches_and_conflicts_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    _home_with_people(home)
    sheet = tmp_path / "crm.csv"
    sheet.write_text("Name,Company,Stage,Twitter\nAnn Lee,Acme,advocate,@ann\nCarla,Globex,,\x1b]0;pwn\x07\n")
    status = cli.main(["import", "people", str(sheet), "--dry-run", "--home", str(home)])
    out = capsys.readouterr().out
    assert status == 0
    assert "line 2: 'Ann Lee': update: matches #1 by name and organisation" in out
    assert "conflicts: stage: keeps 'supporter' (file: 'advocate')" in out
    assert "line 3: 'Carla': skipped: x: cannot read" in out
    assert "\x1b" not in out  # hostile cells are shown escaped
    assert out.rstrip().endswith(
        "dry run: 0 new, 1 updated, 0 unchanged, 1 skipped, 1 with conflicts; nothing was written"
    )
    store = open_store(db_path(home))
    try:
        assert people.identities_of(store.conn, 1) == []
    finally:
        store.close()


def test_export_then_import_into_another_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    _home_with_people(home)
    assert cli.main(["export", "people", "--format", "jsonl", "--home", str(home)]) == 0
    exported = capsys.readouterr().out
    records = [json.loads(line) for line in exported.splitlines()]
    assert [(r["name"], r["stage"], r["timezone"]) for r in records] == [
        ("Ann Lee", "supporter", ""),
        ("Bob", "spotted", ""),
    ]
    path = tmp_path / "people.jsonl"
    path.write_text(exported)
    assert cli.main(["people", "import", str(path), "--dry-run", "--home", str(other)]) == 0
    assert "dry run: 2 new," in capsys.readouterr().out and not other.exists()  # nothing created
    assert cli.main(["import", "people", str(path), "--home", str(other)]) == 0
    assert "imported: 2 new, 0 updated" in capsys.readouterr().out
    assert cli.main(["export", "people", "--format", "jsonl", "--home", str(other)]) == 0
    assert capsys.readouterr().out == exported


def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["import", "people", str(tmp_path / "nope.csv"), "--home", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("cockpit: no file ") and err.count("\n") == 1
    sheet = tmp_path / "bad.csv"
    sheet.write_text("name,stage\nAnn,friend\n")
    assert cli.main(["import", "people", str(sheet), "--home", str(tmp_path / "h")]) == 1
    assert "unknown stage 'friend'" in capsys.readouterr().out


def test_people_suggestions_and_momentum_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    _home_with_people(home)
    assert cli.main(["people", "suggestions", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "New stakeholders:",
        "  none",
        "Ready for the next stage:",
        "  none",
        "Slipping away:",
        "  none",
    ]
    assert cli.main(["people", "momentum", "--weeks", "2", "--home", str(home)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("week,touches,cadence_target") and len(rows[1].split(",")) == 7
    assert "supporter,1" in rows
    assert cli.main(["people", "momentum", "--weeks", "0", "--home", str(home)]) == 2
    assert "--weeks must be between 1 and 520" in capsys.readouterr().err
