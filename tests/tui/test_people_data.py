"""A data directory with tracked people (the small fixture plus stakeholders), shared by the people tests."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.paths import db_path
from cockpit.services import people as svc
from cockpit.services.outreach import plan_outreach
from cockpit.services.signals import refresh_signals
from cockpit.store import open_store

from .conftest import NOW, ago, copy_template

_TEMPLATE: list[Path] = []


def identity_id(conn: sqlite3.Connection, platform: str, handle: str) -> int:
    """The id of an author's identity."""
    return int(
        conn.execute(
            "SELECT id FROM identities WHERE platform = ? AND handle = ?", (platform, handle)
        ).fetchone()[0]
    )


def add_people(home: Path) -> None:
    """Track five authors of the small fixture, plus a look-alike of Ada and two people with no identity."""
    store = open_store(db_path(home))
    try:
        conn = store.conn
        at = int(ago(days=40).timestamp())
        with store.write() as write:
            write.execute(
                "INSERT INTO identities (platform, host, ext_id, handle, name, url, reach, first_seen_at, last_seen_at)"
                " VALUES ('x', '', 'ada2', 'ada_l', 'Ada Lovelace', 'https://ada.example/', 1200, ?, ?)",
                (at, at),
            )
            write.execute(
                "UPDATE identities SET reach = 5400, url = 'https://ada.example/' WHERE handle = 'ada'"
            )
            write.execute("UPDATE identities SET reach = 830 WHERE handle = 'grace'")
        ada = svc.create_person(
            store,
            "Ada Lovelace",
            identity_ids=[identity_id(conn, "x", "ada")],
            stage="engaged",
            at=at,
            organisation="Analytical Engines",
            role="Engineer",
            tags=["compilers", "speaker"],
            interests=["open source tooling"],
            cadence_days=7,
            timezone="Europe/London",
            notes="Met at PyCon; wants to write a guest post.",
        )
        svc.create_person(
            store, "A. Lovelace", identity_ids=[identity_id(conn, "x", "ada_l")], stage="spotted", at=at
        )
        svc.create_person(
            store,
            "Grace Hopper",
            identity_ids=[identity_id(conn, "x", "grace")],
            stage="supporter",
            at=at,
            organisation="Navy",
            cadence_days=30,
        )
        svc.create_person(
            store, "Linus", identity_ids=[identity_id(conn, "x", "linus")], stage="in_conversation", at=at
        )
        svc.create_person(
            store,
            "Katherine J",
            identity_ids=[identity_id(conn, "discourse", "kat")],
            stage="advocate",
            at=at,
            organisation="Forum regulars",
        )
        svc.create_person(
            store, "Marie Curie", stage="engaged", at=at, organisation="Radium Institute", cadence_days=14
        )
        svc.create_person(store, "Zed Nobody", at=at)
        svc.add_manual_entry(store, ada, "call", "Talked about the roadmap and a guest post.", ago(days=6))
        svc.add_manual_entry(store, ada, "meetup", "Coffee at the meetup in London.", ago(days=20))
        refresh_signals(store, NOW)
        plan_outreach(store, NOW, daily_limit=2)
    finally:
        store.close()


def people_template(factory: pytest.TempPathFactory) -> Path:
    """Build the people data directory once per session."""
    if not _TEMPLATE:
        home = copy_template("small", 0, factory, factory.mktemp("template-people") / "home")
        add_people(home)
        conn = sqlite3.connect(db_path(home))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _TEMPLATE.append(db_path(home))
    return _TEMPLATE[0]


def fresh_people_home(tmp_path: Path, factory: pytest.TempPathFactory) -> Path:
    """The small fixture with seven tracked people (one a look-alike of Ada) and two outreach items, copied fresh."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(people_template(factory), db_path(home))
    return home


@pytest.fixture
def people_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The people data directory for one test."""
    return fresh_people_home(tmp_path, tmp_path_factory)


def test_the_fixture_tracks_seven_people(people_home: Path) -> None:
    conn = sqlite3.connect(db_path(people_home))
    try:
        names = [row[0] for row in conn.execute("SELECT name FROM people ORDER BY name")]
        assert names == [
            "A. Lovelace",
            "Ada Lovelace",
            "Grace Hopper",
            "Katherine J",
            "Linus",
            "Marie Curie",
            "Zed Nobody",
        ]
        assert NOW - timedelta(days=7) < ago(days=6)
    finally:
        conn.close()
