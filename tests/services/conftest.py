"""Scripted connectors, a controllable clock and helpers for testing the sync engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cockpit.services.sync import SyncAccount
from cockpit.store import Store, open_store
from connectors.base import Connector
from connectors.models import Author, Page, Post
from connectors.sandbox.blog import BlogSandbox

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeAccount:
    """An account as the engine sees it."""

    name: str
    platform: str = "fake"
    base_url: str | None = "http://127.0.0.1:9"
    options: Mapping[str, Any] = field(default_factory=dict)


def author(n: int) -> Author:
    """An author with a stable id."""
    return Author(platform="fake", ext_id=f"u{n}", handle=f"user{n}", name=f"User {n}")


def post(ext_id: str, thread: str, minutes: int, *, who: int = 1, text: str | None = None) -> Post:
    """A post `minutes` after T0."""
    return Post(
        ext_id=ext_id,
        thread_key=thread,
        author=author(who),
        text=text if text is not None else f"post {ext_id} in {thread}",
        created_at=T0 + timedelta(minutes=minutes),
    )


def pages(*groups: list[Post], stream: str = "default") -> list[Page]:
    """Pages whose cursors are c1, c2, ... in order."""
    return [Page(stream=stream, posts=group, cursor=f"c{n}") for n, group in enumerate(groups, 1)]


@dataclass
class Script:
    """What one fake account's platform serves and how it misbehaves."""

    pages: list[Page] = field(default_factory=list)
    errors: dict[int, BaseException] = field(default_factory=dict)
    """Raise this error instead of serving the page at this index."""
    hang_at: int | None = None
    """Wait forever instead of serving the page at this index."""
    fetches: list[dict[str, str]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    closed: int = 0
    served: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)


class ScriptedConnector(Connector):
    """A connector that serves a Script's pages after the stored cursor, like a real paginated API."""

    platform = "fake"

    def __init__(self, *, account: str, base_url: str, secret: str | None, script: Script) -> None:
        super().__init__(account=account, base_url=base_url, secret=secret, options={})
        self.script = script
        script.secrets.append(secret)

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        """Yield the pages after the stored cursor of each stream."""
        script = self.script
        script.fetches.append(dict(cursors))
        script.started.set()
        start = 0
        for index, page in enumerate(script.pages):
            if page.cursor is not None and cursors.get(page.stream) == page.cursor:
                start = index + 1
        end = max(len(script.pages), max(script.errors, default=-1) + 1)
        for index in range(start, end):
            if script.hang_at == index:
                await asyncio.Event().wait()
            if index in script.errors:
                raise script.errors[index]
            script.served += 1
            yield script.pages[index]

    async def aclose(self) -> None:
        """Count closes."""
        self.script.closed += 1


class FakeWorld:
    """Scripts by account name, and the connector factory that serves them."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.built: list[str] = []

    def script(self, name: str, *page_list: Page, **kwargs: Any) -> Script:
        """Set (and return) what account `name` serves."""
        script = Script(pages=list(page_list), **kwargs)
        self.scripts[name] = script
        return script

    def factory(self, account: SyncAccount, secret: str | None) -> Connector:
        """Build the scripted connector of one account."""
        self.built.append(account.name)
        if account.name not in self.scripts:
            raise LookupError(f"no fake platform for {account.name}")
        return ScriptedConnector(
            account=account.name,
            base_url=account.base_url or "",
            secret=secret,
            script=self.scripts[account.name],
        )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self.current += delta


@pytest.fixture
def blog() -> Iterator[BlogSandbox]:
    """The blog sandbox (four blogs: WordPress, Atom, JSON Feed) on loopback, with seeded content."""
    with BlogSandbox(now=datetime(2025, 6, 2, 12, 0, tzinfo=UTC)) as sandbox:
        yield sandbox


@pytest.fixture
def world() -> FakeWorld:
    """A fresh set of fake platforms."""
    return FakeWorld()


@pytest.fixture
def clock() -> Clock:
    """A clock at T0."""
    return Clock()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "cockpit.db"


@pytest.fixture
def reader(db_file: Path) -> Iterator[Store]:
    """A separate connection for the test to look at what the engine stored."""
    store = open_store(db_file)
    yield store
    store.close()


def stored_bytes(db_file: Path) -> bytes:
    """Every byte of the database and its WAL, to look for leaked secrets."""
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = db_file.with_name(db_file.name + suffix)
        if path.exists():
            data += path.read_bytes()
    return data
