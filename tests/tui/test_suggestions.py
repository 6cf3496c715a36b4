"""The suggestions screen: `n` on People and the command palette open it; t, p, u, d, r and Enter act."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cockpit.paths import db_path
from cockpit.services import people as svc
from cockpit.services.signals import refresh_signals
from cockpit.store import Store, open_store
from cockpit.store.ingest import ensure_account, write_page
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens import suggestions as screen_module
from cockpit.tui.screens.people import PeopleScreen
from cockpit.tui.screens.person import PersonScreen
from cockpit.tui.screens.queue import QueueScreen
from cockpit.tui.screens.suggestions import SuggestionsScreen
from cockpit.tui.screens.thread import ThreadScreen
from connectors.models import Author, Page, Post

from .conftest import NOW, make_app, screen_lines, settle

US = Author(platform="x", ext_id="0", handle="acme", name="Acme")
ROSA = Author(platform="x", ext_id="1", handle="rosa", name="Rosa Parks")
SAM = Author(platform="x", ext_id="2", handle="sam", name="Sam Starter")
GRACE = Author(platform="x", ext_id="3", handle="grace", name="Grace Hopper")
OLD = Author(platform="x", ext_id="4", handle="oldfriend", name="Olga Friend")
EVIL = Author(platform="x", ext_id="5", handle="evil", name="\x1b[31mEvil\x1b[0m [bold]Corp[/]")


def say(
    store: Store, who: Author, thread: str, days_ago: float, ext_id: str, text: str = "", reply_to: str = ""
) -> None:
    """Store one post by `who` in `thread`, `days_ago` days before NOW (ours when `who` is US)."""
    account = ensure_account(store, "acme-x", "x", "acme")
    post = Post(
        ext_id=ext_id,
        thread_key=thread,
        author=who,
        text=text or f"post {ext_id}",
        created_at=NOW - timedelta(days=days_ago),
        in_reply_to=reply_to or None,
    )
    write_page(store, account, Page(stream="m", posts=[post]), own_handles=["acme"])


def identity(store: Store, who: Author) -> int:
    """The stored identity id of an author."""
    return int(
        store.conn.execute(
            "SELECT id FROM identities WHERE platform = ? AND ext_id = ?", (who.platform, who.ext_id)
        ).fetchone()[0]
    )


def identity_person(store: Store, who: Author) -> int:
    """The person an author's identity is attached to."""
    return int(
        store.conn.execute(
            "SELECT person_id FROM identities WHERE id = ?", (identity(store, who),)
        ).fetchone()[0]
    )


def build_home(home: Path, *, hostile: bool = False, empty: bool = False) -> Path:
    """Two authors worth a relationship, one person ready for the next stage, one slipping away."""
    home.mkdir(parents=True, exist_ok=True)
    store = open_store(db_path(home))
    try:
        ensure_account(store, "acme-x", "x", "acme")
        if empty:
            return home
        say(store, ROSA, "r0", 20, "rosa0", "Docs question: where do plugins live?")
        say(store, ROSA, "r1", 9, "rosa1", "Thanks, that fixed it.")
        say(store, ROSA, "r2", 2, "rosa2", "Would love to help with the docs sprint next week!")
        say(store, SAM, "s0", 4, "sam0", "Anyone running this on a Raspberry Pi?")
        say(store, US, "s0", 3.5, "us-sam0", "Yes! Pi 4 works; see the guide.", reply_to="sam0")
        for n in range(2):
            say(store, GRACE, f"g{n}", 10 + n, f"grace{n}", f"Grace asks about compilers, part {n}")
            say(
                store, US, f"g{n}", 9 + n, f"us-grace{n}", "Good question, here is how.", reply_to=f"grace{n}"
            )
        for n, days in enumerate((50, 60)):
            say(store, OLD, f"o{n}", days, f"old{n}", "An old chat")
        if hostile:
            for n in range(3):
                say(
                    store,
                    EVIL,
                    f"e{n}",
                    1 + n,
                    f"evil{n}",
                    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \u202eevil\rover",
                )
        at = int((NOW - timedelta(days=100)).timestamp())
        svc.create_person(
            store, "Grace Hopper", identity_ids=[identity(store, GRACE)], stage="engaged", at=at
        )
        svc.create_person(
            store,
            "Olga Friend",
            identity_ids=[identity(store, OLD)],
            stage="supporter",
            at=at,
            cadence_days=21,
        )
        olga = svc.get_person(store.conn, identity_person(store, OLD))
        assert olga is not None
        for days in (70, 80):  # calls keep a rhythm of ten days without counting as unprompted posts
            svc.add_manual_entry(store, olga.id, "call", "catch-up call", NOW - timedelta(days=days))
        refresh_signals(store, NOW)
    finally:
        store.close()
    return home


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data directory with hand-made interactions."""
    return build_home(tmp_path / "home")


def query(home: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows from the database on disk (a separate connection, as another process would see it)."""
    conn = sqlite3.connect(db_path(home))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def suggestions_screen(app: CockpitApp) -> SuggestionsScreen:
    """The screen on top, which must be the suggestions screen."""
    screen = app.screen
    assert isinstance(screen, SuggestionsScreen), screen
    return screen


async def open_suggestions(pilot: Pilot[Any]) -> SuggestionsScreen:
    """P then n, and wait for the suggestions."""
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    return suggestions_screen(pilot.app)  # type: ignore[arg-type]


async def highlight(pilot: Pilot[Any], option_id: str) -> None:
    """Move the cursor with j until `option_id` is highlighted."""
    screen = suggestions_screen(pilot.app)  # type: ignore[arg-type]
    for _ in range(20):
        option = screen.options.highlighted_option
        if option is not None and option.id == option_id:
            return
        await pilot.press("j")
    raise AssertionError(f"{option_id} not reached")


async def test_n_on_people_shows_three_sections_and_escape_goes_back(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_suggestions(pilot)
        text = "\n".join(screen_lines(app))
        assert "2 worth a relationship · 1 ready for the next stage · 1 slipping away" in text
        assert "Worth a relationship (2)" in text
        assert "Sam Starter @sam · x · started 1 two-way thread" in text
        assert "Rosa Parks @rosa · x · 3 interactions in 30 days" in text
        assert "“Would love to help with the docs sprint next week!” · 2d ago" in text
        assert "Grace Hopper · engaged → in conversation · 2 two-way conversations in 90 days" in text
        assert "Olga Friend · supporter · last touch 26 Apr 2025 (50 days ago)" in text
        assert "usually every 10 days, cadence 21 days" in text
        # the cursor starts on the first suggestion, and the hint says what its keys do
        assert screen.options.highlighted_option is not None
        assert (
            screen.options.highlighted_option.id
            == f"new:{query(home, 'SELECT id FROM identities WHERE handle = ?', 'sam')[0][0]}"
        )
        assert "t tracks them at “spotted”" in screen_lines(app)[-2]
        await pilot.press("escape")
        assert isinstance(app.screen, PeopleScreen)


async def test_the_command_palette_opens_suggestions_from_the_queue(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+p")
        await pilot.press(*"suggestions")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Grace Hopper" in "\n".join(screen_lines(app))
        suggestions_screen(app)


async def test_finding_suggestions_is_said_while_the_worker_reads(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = screen_module.read_suggestions

    def held(*args: Any) -> screen_module.Found:
        assert release.wait(10)
        return real(*args)

    monkeypatch.setattr(screen_module, "read_suggestions", held)
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        lines = screen_lines(app)
        assert "finding suggestions…" in lines[0]
        assert "Finding suggestions…" in lines[1]
        release.set()
        await settle(pilot)
        assert "2 worth a relationship" in screen_lines(app)[0]


async def test_t_tracks_the_author_at_the_first_stage_and_enter_opens_them(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_suggestions(pilot)
        rosa = query(home, "SELECT id FROM identities WHERE handle = 'rosa'")[0][0]
        await highlight(pilot, f"new:{rosa}")
        await pilot.press("t")
        rows = query(
            home,
            "SELECT p.id, p.name, p.stage FROM people p JOIN identities i ON i.person_id = p.id WHERE i.id = ?",
            rosa,
        )
        assert [(name, stage) for _, name, stage in rows] == [("Rosa Parks", "spotted")]
        assert "✓ tracked as spotted: Enter opens their page" in "\n".join(screen_lines(app))
        assert screen_lines(app)[-2].strip().startswith("Enter opens their page")
        await pilot.press("t")  # a second t does not track twice
        assert len(query(home, "SELECT id FROM people WHERE name = 'Rosa Parks'")) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == rows[0][0]
        await pilot.press("escape")
        assert app.screen is screen


async def test_enter_on_an_untracked_author_opens_their_latest_conversation(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        rosa = query(home, "SELECT id FROM identities WHERE handle = 'rosa'")[0][0]
        await highlight(pilot, f"new:{rosa}")
        await pilot.press("enter")
        await settle(pilot)
        latest = query(home, "SELECT conversation_id FROM posts WHERE ext_id = 'rosa2'")[0][0]
        assert isinstance(app.screen, ThreadScreen) and app.screen.conversation_id == latest


async def test_p_promotes_and_u_demotes_back(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        grace = query(home, "SELECT id FROM people WHERE name = 'Grace Hopper'")[0][0]
        await pilot.press("p")  # on an author: says what p is for, changes nothing
        assert query(home, "SELECT stage FROM people WHERE id = ?", grace) == [("engaged",)]
        await highlight(pilot, f"promote:{grace}")
        await pilot.press("p")
        assert query(home, "SELECT stage FROM people WHERE id = ?", grace) == [("in_conversation",)]
        assert query(
            home, "SELECT from_stage, to_stage FROM stage_log WHERE person_id = ? ORDER BY id", grace
        )[-1] == ("engaged", "in_conversation")
        assert "✓ promoted to in conversation: u demotes back" in "\n".join(screen_lines(app))
        assert "u demotes back to “engaged”" in screen_lines(app)[-2]
        await pilot.press("u")
        assert query(home, "SELECT stage FROM people WHERE id = ?", grace) == [("engaged",)]
        assert "2 two-way conversations in 90 days" in "\n".join(screen_lines(app))
        await pilot.press("u")  # nothing more to undo
        assert query(home, "SELECT stage FROM people WHERE id = ?", grace) == [("engaged",)]


async def test_enter_on_a_person_slipping_away_opens_them(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        olga = query(home, "SELECT id FROM people WHERE name = 'Olga Friend'")[0][0]
        await highlight(pilot, f"slipping:{olga}")
        assert "d dismisses until you touch them again" in screen_lines(app)[-2]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == olga


async def test_d_dismisses_and_the_dismissal_is_remembered(home: Path) -> None:
    rosa = query(home, "SELECT id FROM identities WHERE handle = 'rosa'")[0][0]
    olga = query(home, "SELECT id FROM people WHERE name = 'Olga Friend'")[0][0]
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_suggestions(pilot)
        await highlight(pilot, f"new:{rosa}")
        await pilot.press("d")
        text = "\n".join(screen_lines(app))
        assert "Rosa Parks" not in text and "Worth a relationship (1)" in text
        assert screen.options.highlighted_option is not None  # the cursor moved on to the next suggestion
        await highlight(pilot, f"slipping:{olga}")
        await pilot.press("d")
        text = "\n".join(screen_lines(app))
        assert "Slipping away (0)" in text and "Nobody. A person past the first stage appears here" in text
        await pilot.press("r")
        await settle(pilot)
        assert "Rosa Parks" not in "\n".join(screen_lines(app))
    assert sorted(query(home, "SELECT kind, subject_id FROM suggestion_dismissals")) == [
        ("new", rosa),
        ("slipping", olga),
    ]
    again = make_app(home)
    async with again.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        text = "\n".join(screen_lines(again))
        assert "Rosa Parks" not in text and "Olga Friend" not in text and "Sam Starter" in text


async def test_r_reads_again(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        assert "Linus" not in "\n".join(screen_lines(app))
        store = open_store(db_path(home))
        try:
            linus = Author(platform="x", ext_id="9", handle="linus", name="Linus")
            for n in range(3):
                say(store, linus, f"l{n}", 1 + n, f"linus{n}", "Patch attached")
        finally:
            store.close()
        await pilot.press("r")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Linus @linus · x · 3 interactions in 30 days" in text
        assert "3 worth a relationship" in screen_lines(app)[0]


async def test_empty_sections_say_what_would_make_a_suggestion_appear(tmp_path: Path) -> None:
    home = build_home(tmp_path / "home", empty=True)
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_suggestions()
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "An untracked author appears here after 3+ interactions in 30 days" in text
        assert "A tracked person appears here after 2+ two-way conversations or 3+ unprompted posts" in text
        assert "A person past the first stage appears here after 45 days without a touch" in text
        await pilot.press("t", "p", "d", "enter")  # nothing to act on: no error
        await settle(pilot)
        suggestions_screen(app)


async def test_hostile_names_and_posts_are_inert(tmp_path: Path) -> None:
    home = build_home(tmp_path / "home", hostile=True)
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_suggestions(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
        evil = next(line for line in lines if "@evil" in line)
        assert "␛[31mEvil␛[0m [bold]Corp[/]" in evil  # shown, not obeyed (no markup, no colour)
        assert "⟨U+202E⟩evil␍over" in text
