"""Opening the database: pragmas, migrations, and the write-transaction helper."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.store.schema import MIGRATIONS

if TYPE_CHECKING:
    from sqlite_utils import Database


WAL_AUTOCHECKPOINT_PAGES = 10_000
"""Checkpoint once the write-ahead log holds this many pages (~40 MB), not SQLite's default 1,000: sync writes
scattered index pages, and copying them back after every page of posts cost more than writing them (the same
hot pages are copied once per checkpoint, and the two fsyncs happen ten times less often)."""
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
"""Bytes the write-ahead log file is cut back to after a checkpoint has emptied it."""
WRITER_CACHE_KIB = 32 * 1024
"""Page cache of a connection that writes pages of posts (`Store.prepare_for_bulk_writes`)."""


class StoreError(Exception):
    """The database cannot be used as it is (too new, corrupt, unreadable)."""


class Store:
    """One SQLite connection (tied to the thread that opened it) plus the cockpit's schema.

    The TUI opens one Store for the event loop; each worker thread opens its own. Writes go through
    `write()`, which takes SQLite's write lock up front so two processes never deadlock on an upgrade.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._db: Database | None = None
        self._bulk_writes = False

    @property
    def db(self) -> Database:
        """A sqlite-utils view of the same connection (imported on first use: it costs ~0.2 s at start-up)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one IMMEDIATE transaction: all of it is stored, or none."""
        conn = self.conn
        if conn.in_transaction:
            raise StoreError("nested write transactions are not supported")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def prepare_for_bulk_writes(self) -> None:
        """Give this connection the page cache of a writer of big batches (once; `write_page` calls it).

        A page of 1,000 posts dirties over a thousand scattered pages of the indexes at a million posts; with
        SQLite's default 2 MB cache they spill and are read again. Readers keep the small default.
        """
        if not self._bulk_writes:
            self.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            self._bulk_writes = True

    def schema_version(self) -> int:
        """The number of the last migration applied."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def now() -> int:
    """The current time as integer Unix seconds."""
    return int(time.time())


def open_store(
    path: Path | str | None,
    *,
    migrations: Sequence[str] = MIGRATIONS,
    create: bool = True,
) -> Store:
    """Open (creating and upgrading as needed) the database at `path`; None means in memory."""
    if path is not None:
        path = Path(path)
        if not path.exists() and not create:
            raise StoreError(f"no database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path) if path is not None else ":memory:", timeout=10.0)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{path}: could not switch the database to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        store = Store(conn, path)
        _migrate(store, migrations)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: cannot open the database: {error}") from error
    return store


def _migrate(store: Store, migrations: Sequence[str]) -> None:
    current = store.schema_version()
    known = len(migrations)
    if current > known:
        raise StoreError(
            f"{store.path}: this database has schema version {current}, written by a newer cockpit; "
            f"this cockpit knows versions up to {known}. Upgrade cockpit to open it."
        )
    for number in range(current + 1, known + 1):
        with store.write() as conn:
            for statement in _statements(migrations[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into complete statements (triggers contain semicolons)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
