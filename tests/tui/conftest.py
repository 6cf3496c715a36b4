"""Deterministic data directories for the TUI tests, a fixed clock, and helpers to let the app settle."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.tui.app import CockpitApp
from connectors.models import Author, Page, Post

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
"""The fixed 'now' of every test: ages such as 3h are computed from it."""

HOSTILE_TEXTS = {
    "markup": "[bold red]x[/] and [link=http://evil.example]click[/link]",
    "ansi": "\x1b[31mred\x1b[0m plain",
    "osc8": "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ after",
    "bidi": "\u202eevil",
    "c1": "csi\x9b2J and bell\x07 and cr\rover and bs\bx",
}


def fixed_now() -> float:
    """The tests' clock."""
    return NOW.timestamp()


def ago(**delta: float) -> datetime:
    """A moment before NOW."""
    return NOW - timedelta(**delta)


def person(platform: str, handle: str, name: str, host: str = "") -> Author:
    """An author with the handle as its id."""
    return Author(platform=platform, host=host, ext_id=handle, handle=handle, name=name)


@pytest.fixture(autouse=True)
def utc_timezone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Thread times are shown in local time: make local time UTC so screens are the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def build_small(home: Path, *, hostile: bool = False) -> Path:
    """A home with four accounts and a dozen conversations of every kind; returns the database path."""
    path = db_path(home)
    store = open_store(path)
    try:
        x = ensure_account(store, "acme-x", "x", "acme")
        li = ensure_account(store, "acme-li", "linkedin")
        forum = ensure_account(store, "forum", "discourse")
        blogs = ensure_account(store, "blogs", "feed")
        ada = person("x", "ada", "Ada Lovelace")
        grace = person("x", "grace", "Grace Hopper")
        acme = person("x", "acme", "Acme Corp")
        x_posts = [
            Post(
                ext_id="x1",
                thread_key="t1",
                author=ada,
                text="Is the new release out yet? Asking for a friend.",
                created_at=ago(minutes=5),
            ),
            Post(
                ext_id="x2",
                thread_key="t2",
                author=grace,
                text="Loving the dark mode.\nGreat work, team!",
                created_at=ago(hours=3),
            ),
            Post(
                ext_id="x3",
                thread_key="t2",
                author=acme,
                text="Thank you Grace!",
                in_reply_to="x2",
                created_at=ago(hours=2, minutes=50),
            ),
            Post(
                ext_id="x4",
                thread_key="t3",
                author=person("x", "linus", "Linus"),
                text="Your API returns 500 on /v2/items since this morning.",
                created_at=ago(days=2),
            ),
            Post(
                ext_id="x5",
                thread_key="t3",
                author=acme,
                text="Looking into it now.",
                in_reply_to="x4",
                created_at=ago(days=2) + timedelta(minutes=10),
            ),
            Post(
                ext_id="x6",
                thread_key="t3",
                author=person("x", "linus", "Linus"),
                text="Fixed on my side, thanks!",
                in_reply_to="x5",
                created_at=ago(days=1, hours=23),
            ),
        ]
        write_page(store, x, Page(posts=x_posts), own_handles=["acme"])
        li_posts = [
            Post(
                ext_id="l1",
                thread_key="p1",
                author=person("linkedin", "marie", "Marie Curie"),
                text="Congratulations on the funding round!",
                created_at=ago(hours=7),
                source="notification",
            ),
            Post(
                ext_id="l2",
                thread_key="p2",
                author=person("linkedin", "alan", "Alan Turing"),
                text="Would you speak at our meetup in October?",
                created_at=ago(days=3),
                source="notification",
            ),
        ]
        write_page(store, li, Page(posts=li_posts))
        host = "forum.example.org"
        forum_posts = [
            Post(
                ext_id="f1",
                thread_key="topic-1",
                author=person("discourse", "kat", "Katherine J", host),
                text="How do I configure single sign-on with Okta?",
                created_at=ago(days=9),
                thread_title="SSO with Okta",
                thread_url="https://forum.example.org/t/sso-with-okta/1",
            ),
            Post(
                ext_id="f2",
                thread_key="topic-1",
                author=person("discourse", "bob", "Bob", host),
                text="Same question here.",
                in_reply_to="f1",
                created_at=ago(days=8),
            ),
            Post(
                ext_id="f3",
                thread_key="topic-1",
                author=person("discourse", "kat", "Katherine J", host),
                text="Found it: Settings, then Login.",
                in_reply_to="f2",
                created_at=ago(days=8, hours=-2),
            ),
        ]
        write_page(store, forum, Page(posts=forum_posts))
        blog_posts = [
            Post(
                ext_id="b1",
                thread_key="https://blog.example.com/launch",
                author=person("feed", "reader42", "A Reader"),
                text="Great write-up   of the launch.",
                created_at=ago(weeks=3),
                thread_title="We launched",
                thread_url="https://blog.example.com/launch",
                source="feed",
            ),
        ]
        write_page(store, blogs, Page(posts=blog_posts))
        if hostile:
            evil = [
                Post(
                    ext_id=f"h-{name}",
                    thread_key=f"h-{name}",
                    author=person("x", f"evil_{name}", f"Evil {name}"),
                    text=text,
                    created_at=ago(hours=1, minutes=index),
                )
                for index, (name, text) in enumerate(HOSTILE_TEXTS.items())
            ]
            evil.append(
                Post(
                    ext_id="h-huge",
                    thread_key="h-huge",
                    author=person("x", "huge", "Huge Post"),
                    text=("word " * 20_000)[:100_000],
                    created_at=ago(hours=1, minutes=30),
                )
            )
            write_page(store, x, Page(posts=evil))
        with store.write() as conn:
            conn.execute(
                "INSERT INTO conversation_tags (conversation_id, tag) "
                "SELECT id, 'bug' FROM conversations WHERE thread_key = 't3'"
            )
            conn.execute(
                "INSERT INTO conversation_tags (conversation_id, tag) "
                "SELECT id, 'event' FROM conversations WHERE thread_key = 'p2'"
            )
            conn.execute("UPDATE conversations SET unread = 0 WHERE thread_key IN ('t3', 'p2', 'topic-1')")
            conn.execute(
                "UPDATE conversations SET snooze_until = ? WHERE thread_key = 'p1'",
                (int((NOW + timedelta(days=1)).timestamp()),),
            )
    finally:
        store.close()
    return path


def build_many(home: Path, count: int) -> Path:
    """A home with `count` single-post conversations, one minute apart, newest first by number."""
    path = db_path(home)
    store = open_store(path)
    try:
        account = ensure_account(store, "acme-x", "x", "acme")
        for start in range(0, count, 2_000):
            posts = [
                Post(
                    ext_id=f"m{n}",
                    thread_key=f"m{n}",
                    author=person("x", f"user{n % 97}", f"User {n % 97}"),
                    text=f"Message number {n}",
                    created_at=ago(minutes=n),
                )
                for n in range(start, min(count, start + 2_000))
            ]
            write_page(store, account, Page(posts=posts))
    finally:
        store.close()
    return path


_TEMPLATES: dict[tuple[str, int], Path] = {}


def copy_template(kind: str, count: int, factory: pytest.TempPathFactory, home: Path) -> Path:
    """Build a data directory once per session and copy its database into `home`."""
    key = (kind, count)
    if key not in _TEMPLATES:
        template = factory.mktemp(f"template-{kind}-{count}")
        path = (
            build_many(template, count)
            if kind == "many"
            else build_small(template, hostile=kind == "hostile")
        )
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _TEMPLATES[key] = path
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATES[key], db_path(home))
    return home


@pytest.fixture
def small_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the small, varied fixture."""
    return copy_template("small", 0, tmp_path_factory, tmp_path / "home")


@pytest.fixture
def hostile_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture plus posts carrying markup, escape sequences, bidi controls and 100 KB of text."""
    return copy_template("hostile", 0, tmp_path_factory, tmp_path / "home")


@pytest.fixture
def many_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with 3,000 conversations."""
    return copy_template("many", 3_000, tmp_path_factory, tmp_path / "home")


def make_app(home: Path, **kwargs: object) -> CockpitApp:
    """The app under test: fixed clock, threads read at once (no debounce)."""
    app = CockpitApp(home, now=fixed_now, **kwargs)  # type: ignore[arg-type]
    app.detail_debounce = 0
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and every message they posted has been handled."""
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        running = [worker for worker in app.workers if not worker.is_finished]
        if not running:
            await pilot.pause()
            if not [worker for worker in app.workers if not worker.is_finished]:
                return
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker superseded by a newer one: the next pass waits for the newer one
    raise AssertionError("the app did not settle")


def screen_lines(app: CockpitApp) -> list[str]:
    """The text of every line of the current screen, as the compositor would paint it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_segments(app: CockpitApp) -> list[str]:
    """The text of every segment the current screen is painted with."""
    return [segment.text for strip in app.screen._compositor.render_strips() for segment in strip]
