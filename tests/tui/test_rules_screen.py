"""The Rules screen: counts of the last 30 days, add / edit / toggle / delete / reorder saved to config.toml
with its comments kept, the live dry-run preview in the editor, and what a broken config shows."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from cockpit.paths import config_path
from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.rules import RuleEditor, RulesScreen
from cockpit.tui.syncing import SyncSetup

from .conftest import make_app, settle

CONFIG = """\
# my cockpit: hand-written, comments must survive
[settings]
sync_interval = 120  # two minutes

[[rules]]
name = "api"  # the API people
text = ["api"]
whole_words = true
tags = ["bug"]

[[rules]]
name = "questions"
regex = "\\\\?"
tags = ["q"]
enabled = false
"""


@pytest.fixture(autouse=True)
def instant_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor recomputes its preview without waiting for typing to pause."""
    monkeypatch.setattr(RuleEditor, "preview_delay", 0.0)


@pytest.fixture
def rules_home(small_home: Path) -> Path:
    config_path(small_home).write_text(CONFIG)
    return small_home


def app_for(home: Path) -> CockpitApp:
    setup = SyncSetup(accounts=[], secret=lambda name: None, interval=600)
    return make_app(home, sync=setup)


def table_rows(screen: RulesScreen) -> list[list[str]]:
    table = screen.query_one("#rules-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def saved(home: Path) -> list[dict[str, Any]]:
    return list(tomllib.loads(config_path(home).read_text())["rules"])


async def open_rules(pilot: Any) -> RulesScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RulesScreen)
    return screen


async def test_the_screen_lists_rules_with_their_30_day_counts(rules_home: Path) -> None:
    app = app_for(rules_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(pilot)
        rows = table_rows(screen)
        assert rows[0][:3] == ["✓", "api", "1"], "x4 (Your API returns 500) is 2 days old"
        assert rows[0][3:] == ["words api", "tag bug"]
        # Questions of the last 30 days, counted alone since the rule is off: x1, l2, f1 (the blog post is 3 weeks old
        # and has no question mark).
        assert rows[1][:3] == ["·", "questions", "3"]
        await pilot.press("escape")
        assert not isinstance(app.screen, RulesScreen)


async def test_adding_a_rule_previews_it_and_saves_it_keeping_comments(rules_home: Path) -> None:
    app = app_for(rules_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(pilot)
        await pilot.press("a")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, RuleEditor)
        await pilot.press(*"Sign-on", "tab", *"sign-on", "tab")
        assert editor.focused is editor.query_one("#rule-regex", Input)
        editor.query_one("#rule-text", Input).value = "sign-on, release"
        editor.query_one("#rule-platform", Input).value = "x, discourse"
        await pilot.pause()
        await settle(pilot)
        preview = str(editor.query_one("#rule-preview", Static).render())
        assert "needs at least one action" in preview, "no action yet: the preview says what is missing"
        editor.query_one("#rule-tags", Input).value = "sso, docs"
        editor.query_one("#rule-priority", Input).value = "25"
        await pilot.pause()
        await settle(pilot)
        preview = str(editor.query_one("#rule-preview", Static).render())
        assert preview.startswith("Last 30 days: 2 posts in 2 conversations"), preview
        assert "Katherine J" in preview and "Ada Lovelace" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        text = config_path(rules_home).read_text()
        assert text.startswith("# my cockpit: hand-written, comments must survive\n")
        assert 'name = "api"  # the API people' in text
        assert saved(rules_home)[2] == {
            "name": "Sign-on",
            "text": ["sign-on", "release"],
            "platform": ["x", "discourse"],
            "tags": ["sso", "docs"],
            "priority": 25,
        }
        assert [rule.name for rule in app.sync_setup.rules] == ["api", "questions", "Sign-on"]  # type: ignore[union-attr]
        assert table_rows(screen)[2][:3] == ["✓", "Sign-on", "2"]


async def test_a_mistake_in_the_editor_is_named_and_nothing_is_saved(rules_home: Path) -> None:
    app = app_for(rules_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_rules(pilot)
        await pilot.press("enter")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, RuleEditor)
        editor.query_one("#rule-regex", Input).value = r"(a)\1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(editor.query_one("#rule-error", Static).render())
        assert error.startswith("Regex: not a valid regex: invalid escape sequence"), error
        editor.query_one("#rule-regex", Input).value = ""
        editor.query_one("#rule-name", Input).value = "QUESTIONS"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "another rule is called 'QUESTIONS'" in str(editor.query_one("#rule-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
    assert config_path(rules_home).read_text() == CONFIG


async def test_toggle_move_and_delete_write_the_file(rules_home: Path) -> None:
    app = app_for(rules_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert saved(rules_home)[0]["enabled"] is False
        assert table_rows(screen)[0][0] == "·"
        await pilot.press("J")
        await settle(pilot)
        assert [rule["name"] for rule in saved(rules_home)] == ["questions", "api"]
        await pilot.press("d")
        assert "Press d again" in str(screen.query_one("#rules-status", Static).render())
        await pilot.press("d")
        await settle(pilot)
        assert [rule["name"] for rule in saved(rules_home)] == ["questions"]
        assert [rule.name for rule in app.sync_setup.rules] == ["questions"]  # type: ignore[union-attr]
        assert "# my cockpit: hand-written" in config_path(rules_home).read_text()


async def test_a_broken_config_is_shown_not_overwritten(rules_home: Path) -> None:
    config_path(rules_home).write_text(CONFIG + '\n[[rules]]\nname = "x"\n')
    app = app_for(rules_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(pilot)
        status = str(screen.query_one("#rules-status", Static).render())
        assert status.startswith("Fix config.toml first:") and "rules[2]" in status
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen, "no editing on a config that does not load"


async def test_the_thread_header_says_who_a_rule_assigned_it_to_and_which_rules_acted(
    small_home: Path,
) -> None:
    import sqlite3

    from cockpit.paths import db_path

    from .conftest import screen_lines

    with sqlite3.connect(db_path(small_home)) as conn:
        conn.execute(
            "UPDATE conversations SET assigned_account_id = (SELECT id FROM accounts WHERE name = 'acme-li') "
            "WHERE thread_key = 't1'"
        )
        conn.execute(
            "INSERT INTO rule_hits (post_id, rule, conversation_id, hit_at) "
            "SELECT p.id, 'questions', p.conversation_id, 0 FROM posts p WHERE p.ext_id = 'x1'"
        )
    app = app_for(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        assert any("Assigned to acme-li · rules: questions" in line for line in lines), "\n".join(lines)
