"""Opening databases: pragmas, upgrades from older schemas, refusal of newer ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cockpit.store import StoreError, open_store
from cockpit.store.schema import MIGRATIONS


def test_a_new_database_is_created_at_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    assert store.schema_version() == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    tables = set(store.db.table_names())
    for table in (
        "accounts",
        "posts",
        "identities",
        "people",
        "conversations",
        "interactions",
        "outbox",
        "sync_state",
        "undo_log",
        "posts_fts",
    ):
        assert table in tables


def test_an_older_database_is_upgraded_step_by_step_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "cockpit.db"
    first = open_store(path, migrations=MIGRATIONS[:1])
    first.conn.execute("INSERT INTO accounts (name, platform, created_at) VALUES ('acme-x', 'x', 1)")
    first.conn.commit()
    first.close()

    extra = "ALTER TABLE accounts ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue';"
    upgraded = open_store(path, migrations=[*MIGRATIONS[:1], extra])
    assert upgraded.schema_version() == 2
    assert upgraded.conn.execute("SELECT name, colour FROM accounts").fetchall() == [("acme-x", "blue")]


def test_a_failed_migration_leaves_the_database_at_its_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "cockpit.db"
    open_store(path).close()
    broken = "ALTER TABLE accounts ADD COLUMN ok INTEGER; ALTER TABLE no_such_table ADD COLUMN x INTEGER;"
    with pytest.raises(StoreError):
        open_store(path, migrations=[*MIGRATIONS, broken])
    again = open_store(path)
    assert again.schema_version() == len(MIGRATIONS)
    columns = {row[1] for row in again.conn.execute("PRAGMA table_info(accounts)")}
    assert "ok" not in columns


def test_a_database_from_a_newer_cockpit_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "cockpit.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    conn.close()
    with pytest.raises(StoreError, match=r"newer cockpit.*Upgrade cockpit"):
        open_store(path)


def test_opening_without_create_refuses_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        open_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
