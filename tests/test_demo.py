"""The demo: realistic, varied, deterministic conversations seeded through the sync write path."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cockpit import cli
from cockpit.demo import DemoError, seed
from cockpit.demo.cast import EVERYONE, RECURRING
from cockpit.demo.content import ACCOUNTS, DEFAULT_SEED, build_threads
from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.tui.syncing import SyncSetup
from connectors.models import Author, Page, Post

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    seed(home, NOW)
    return home


@pytest.fixture
def conn(demo_home: Path) -> Iterator[sqlite3.Connection]:
    store = open_store(db_path(demo_home), create=False)
    yield store.conn
    store.close()


def test_the_demo_holds_a_few_hundred_conversations_on_four_accounts(demo_home: Path) -> None:
    summary = seed(demo_home, NOW)
    assert 150 <= summary.conversations <= 400
    assert {(a.name, a.platform) for a in summary.accounts} == {
        ("acme-x", "x"),
        ("acme-linkedin", "linkedin"),
        ("forum", "discourse"),
        ("blogs", "feed"),
    }
    assert all(a.conversations >= 10 and a.posts > a.conversations for a in summary.accounts)


def test_dates_spread_over_the_last_four_weeks_relative_to_now(conn: sqlite3.Connection) -> None:
    oldest, newest = conn.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    now = int(NOW.timestamp())
    assert now - 31 * 86_400 <= oldest < now - 20 * 86_400
    assert now - 3600 < newest <= now
    days = {row[0] for row in conn.execute("SELECT DISTINCT (? - created_at) / 86400 FROM posts", (now,))}
    assert len(days) >= 25


def test_threads_have_replies_and_some_are_ours(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        """
        SELECT a.name, sum(p.direction = 'out'), sum(p.in_reply_to IS NOT NULL)
        FROM posts p JOIN accounts a ON a.id = p.account_id GROUP BY a.name
        """
    ).fetchall()
    for name, ours, replies in rows:
        assert ours > 0, f"{name} has none of our replies"
        assert replies > 0, f"{name} has no replies"
    own_handles = {handle for account in ACCOUNTS for handle in account.own_handles}
    directions = dict(
        conn.execute(
            "SELECT direction, count(*) FROM posts WHERE author_handle IN ({}) GROUP BY direction".format(
                ",".join("?" * len(own_handles))
            ),
            sorted(own_handles),
        ).fetchall()
    )
    assert set(directions) == {"out"}
    answered, waiting = conn.execute(
        "SELECT sum(answered = 1), sum(answered = 0) FROM conversations"
    ).fetchone()
    assert answered > 20 and waiting > 20, "the queue should mix answered and waiting conversations"


def test_authors_look_like_people(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT name, handle, bio, reach FROM identities WHERE is_own = 0").fetchall()
    assert len(rows) >= 60
    assert all(name and handle for name, handle, _, _ in rows)
    assert sum(1 for _, _, bio, _ in rows if bio) >= len(rows) // 2
    reaches = sorted(reach for *_, reach in rows if reach)
    assert reaches[0] < 500 and reaches[-1] > 20_000, "follower counts should vary widely"
    assert any(not name.isascii() for name, *_ in rows)


def test_recurring_people_show_up_across_platforms(conn: sqlite3.Connection) -> None:
    for person in RECURRING:
        platforms = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT i.platform FROM posts p JOIN identities i ON i.id = p.identity_id WHERE i.name = ?",
                (person.name,),
            )
        }
        assert len(platforms) >= 3, f"{person.name} posts only on {platforms}"


def test_the_content_is_varied_real_prose(conn: sqlite3.Connection) -> None:
    texts = [row[0] for row in conn.execute("SELECT text FROM posts WHERE direction = 'in'")]
    openers = [row[0] for row in conn.execute("SELECT text FROM posts p WHERE in_reply_to IS NULL")]
    assert len(set(openers)) >= 0.85 * len(openers)
    joined = " ".join(texts).lower()
    assert "lorem" not in joined and "ipsum" not in joined
    for needle in ("?", "docs", "upgrad", "feature", "talk", "thanks", "bug", "roadmap"):
        assert needle in joined, needle
    assert not re.search(r"\{[a-z_]+\}", joined.replace("{level}", "").replace("{msg}", "")), (
        "an unfilled slot"
    )
    titles = [row[0] for row in conn.execute("SELECT title FROM conversations WHERE platform = 'discourse'")]
    assert all(titles) and len(set(titles)) >= 0.7 * len(titles)


def test_hostile_posts_are_stored_verbatim(conn: sqlite3.Connection) -> None:
    texts = [row[0] for row in conn.execute("SELECT text FROM posts")]
    assert any("[bold]" in t and "[/bold]" in t for t in texts)
    assert any("\x1b[" in t for t in texts), "an ANSI escape"
    assert any("\x1b]0;" in t for t in texts), "an OSC title sequence"
    assert any("\u202e" in t for t in texts), "a bidi override"


def test_seeding_again_later_adds_nothing(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    first = seed(home, NOW)
    again = seed(home, NOW + timedelta(days=5))
    assert first.new_posts == first.posts > 0
    assert again.new_posts == 0
    assert (again.posts, again.conversations) == (first.posts, first.conversations)


def test_the_content_is_deterministic_and_ext_ids_do_not_depend_on_the_date() -> None:
    one = build_threads(DEFAULT_SEED)
    two = build_threads(DEFAULT_SEED)
    assert [(t.thread_key, [p.ext_id for p in t.posts]) for t in one] == [
        (t.thread_key, [p.ext_id for p in t.posts]) for t in two
    ]
    assert [p.text for t in one for p in t.posts] == [p.text for t in two for p in t.posts]
    later = NOW + timedelta(days=12)
    assert [p.ext_id for p in one[0].to_posts(NOW)] == [p.ext_id for p in one[0].to_posts(later)]
    other = build_threads(DEFAULT_SEED + 1)
    assert [p.text for t in other for p in t.posts] != [p.text for t in one for p in t.posts]


def test_the_cast_is_consistent() -> None:
    handles = [
        (platform, handle)
        for p in EVERYONE
        for platform, handle in (("x", p.x), ("forum", p.forum))
        if handle
    ]
    assert len(handles) == len(set(handles)), "two people share a handle"
    assert len({p.key for p in EVERYONE}) == len(EVERYONE)


def test_a_directory_with_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DemoError, match="not empty"):
        seed(tmp_path, NOW)
    assert not db_path(tmp_path).exists()


def test_a_real_data_directory_is_refused(tmp_path: Path) -> None:
    store = open_store(db_path(tmp_path))
    account = ensure_account(store, "work-x", "x", "me")
    author = Author(platform="x", ext_id="1", handle="someone")
    post = Post(ext_id="1", thread_key="1", author=author, text="hello", created_at=NOW)
    write_page(store, account, Page(posts=[post]))
    store.close()
    with pytest.raises(DemoError, match="work-x"):
        seed(tmp_path, NOW)


def test_cockpit_demo_no_tui_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "d"
    assert cli.main(["demo", "--home", str(home), "--no-tui"]) == 0
    out = capsys.readouterr().out
    assert f"Demo data in {home}" in out
    assert "acme-x" in out and "forum" in out and "Priya Raman" in out
    assert f"cockpit --home {home}" in out
    assert cli.main(["--home", str(home), "demo", "--no-tui"]) == 0, "the global --home works too"
    assert "(0 new)" in capsys.readouterr().out


def test_cockpit_demo_without_home_uses_a_new_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert cli.main(["demo", "--no-tui"]) == 0
    out = capsys.readouterr().out
    made = [p for p in tmp_path.iterdir() if p.name.startswith("cockpit-demo-")]
    assert len(made) == 1 and db_path(made[0]).exists()
    assert f"cockpit --home {made[0]}" in out


def test_cockpit_demo_opens_the_tui_in_demo_mode_and_prints_the_path_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[tuple[Path, bool, list[str], float]] = []

    def fake_run_tui(home: Path, *, demo: bool = False, sync: SyncSetup | None = None) -> int:
        assert sync is not None, "the demo syncs from its loopback sandboxes"
        opened.append((home, demo, [a.name for a in sync.accounts], sync.interval))
        # The sandbox is up while the TUI runs: its feed answers.
        feed = sync.accounts[0].options["feeds"][0]
        assert httpx.get(feed, timeout=5).status_code == 200
        return 0

    monkeypatch.setattr("cockpit.tui.run.run_tui", fake_run_tui)
    home = tmp_path / "d"
    assert cli.main(["demo", "--home", str(home), "--sync-every", "30"]) == 0
    assert opened == [(home.resolve(), True, ["blogs", "forum", "acme-x", "acme-linkedin"], 30.0)]
    assert f"cockpit --home {home.resolve()}" in capsys.readouterr().out


def test_cockpit_demo_refusal_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("x")
    assert cli.main(["demo", "--home", str(tmp_path), "--no-tui"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cockpit: ") and "Traceback" not in err
