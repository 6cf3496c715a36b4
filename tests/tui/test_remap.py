"""Remapping keys from config.toml's `[keys]` table: applied when the config loads, checked with file:line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cockpit.config import ConfigError, load_config
from cockpit.paths import config_path, db_path
from cockpit.tui.remap import binding_ids, load_keymap
from cockpit.tui.screens.queue import QueueScreen

from .conftest import make_app, settle
from .test_triage import notices


def _done(home: Path) -> int:
    conn = sqlite3.connect(db_path(home))
    try:
        return int(conn.execute("SELECT count(*) FROM conversations WHERE status = 'done'").fetchone()[0])
    finally:
        conn.close()


async def test_keys_from_the_config_replace_the_defaults(small_home: Path) -> None:
    config_path(small_home).write_text(
        '[settings]\nundo_depth = 50\n\n[keys]\n"triage.done" = "d, ctrl+d"\n"view.search" = "ctrl+f"\n',
        encoding="utf-8",
    )
    app = make_app(small_home, read_config=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("e")  # no longer bound
        await settle(pilot)
        assert _done(small_home) == 0
        await pilot.press("d")
        await settle(pilot)
        assert _done(small_home) == 1
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert _done(small_home) == 2 and app.undo_depth == 50
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert type(app.screen).__name__ == "SearchDialog"


async def test_an_unknown_binding_id_is_reported_with_its_line_and_sync_still_loads(small_home: Path) -> None:
    path = config_path(small_home)
    path.write_text(
        '[settings]\nundo_depth = 7\n\n[keys]\n"triage.done" = "d"\n"triage.nope" = "z"\n', encoding="utf-8"
    )
    app = make_app(small_home, read_config=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert f"{path}:6: keys.triage.nope: no binding has this id" in notices(app)
        assert app.undo_depth == 7  # the rest of the config applies
        await pilot.press("e")  # and the keys stay the defaults
        await settle(pilot)
        assert _done(small_home) == 1


def test_bad_key_names_are_config_errors_naming_file_line_and_id(tmp_path: Path) -> None:
    config_path(tmp_path).write_text('[keys]\n\n"triage.done" = "e d"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value).startswith(f"{config_path(tmp_path)}:3: keys.triage.done: ")
    assert "'e d' is not a key name" in str(error.value)
    config_path(tmp_path).write_text('[keys]\n"triage.done" = ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="one or more keys"):
        load_keymap(tmp_path)


def test_every_documented_default_id_is_known_and_the_table_round_trips(tmp_path: Path) -> None:
    ids = binding_ids()
    assert {"triage.done", "triage.undo", "view.search", "view.sort", "view.explain", "view.1"} <= ids
    config_path(tmp_path).write_text(
        '[keys]\n"view.1" = "i"\n"queue.cursor_down" = "down,n"\n', encoding="utf-8"
    )
    assert load_keymap(tmp_path) == {"view.1": "i", "queue.cursor_down": "down,n"}
