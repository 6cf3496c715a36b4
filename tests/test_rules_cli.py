"""`cockpit rules list` and `cockpit rules test [NAME] [--days N]` (the dry run) on a real data directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit import cli
from cockpit.paths import config_path, db_path
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Author, Page, Post

CONFIG = """\
# my rules
[[rules]]
name = "outages"
text = ["outage", "is down"]
tags = ["incident"]
priority = 30

[[rules]]
name = "bots"
author = "*bot"
done = true
enabled = false
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.rules"])
    config_path(tmp_path).write_text(CONFIG)
    return tmp_path


def seed(home: Path, *posts: tuple[str, str, str, float]) -> None:
    """Store inbound X posts (ext_id, handle, text, days ago)."""
    store = open_store(db_path(home))
    try:
        account_id = ensure_account(store, "acme-x", "x")
        now = datetime.now(UTC)
        page = Page(
            stream="mentions",
            posts=[
                Post(
                    ext_id=ext_id,
                    thread_key=ext_id,
                    author=Author(platform="x", ext_id=handle, handle=handle),
                    text=text,
                    created_at=now - timedelta(days=days),
                )
                for ext_id, handle, text, days in posts
            ],
        )
        write_page(store, account_id, page)
    finally:
        store.close()


def run(home: Path, *args: str) -> int:
    return cli.main(["--home", str(home), "rules", *args])


def test_list_shows_each_rule_in_order(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        " 1. outages  when text outage|is down  then tag incident · priority +30",
        " 2. bots     when author *bot  then done  (disabled)",
    ]
    assert run(home) == 0, "`cockpit rules` alone lists them too"


def test_the_dry_run_prints_counts_and_the_newest_matches_inertly(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(
        home,
        ("1", "alice", "The API is down \x1b]8;;http://evil\x07click\x1b]8;;\x07", 1),
        ("2", "bob", "outage in eu-west", 3),
        ("3", "carol", "outage last month", 45),
        ("4", "deploy-bot", "deployed 2.5.1", 2),
    )
    assert run(home, "test") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Dry run over the inbound posts of the last 30 days (nothing is written):"
    assert "outages: 2 posts in 2 conversations" in lines
    assert "bots (disabled: counted on its own): 1 post in 1 conversation" in lines
    samples = [line for line in lines if line.startswith("  ")]
    assert samples[0].endswith("x/acme-x  alice: The API is down ]8;;http://evil click ]8;;")
    assert samples[1].endswith("x/acme-x  bob: outage in eu-west")
    assert "\x1b" not in out and "\x07" not in out
    assert "carol" not in out, "older than 30 days"

    assert run(home, "test", "outages", "--days", "60") == 0
    out = capsys.readouterr().out
    assert "outages: 3 posts in 3 conversations" in out and "bots" not in out


def test_mistakes_are_one_line_with_what_to_do(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "test") == 2
    assert "no database at" in capsys.readouterr().err
    seed(home, ("1", "alice", "hello", 1))
    assert run(home, "test", "nope") == 2
    assert "no rule named 'nope' in config.toml (rules: outages, bots)" in capsys.readouterr().err
    assert run(home, "test", "--days", "0") == 2
    config_path(home).write_text(CONFIG + '\n[[rules]]\nname = "x"\ntext = "y"\n')
    assert run(home, "list") == 2
    err = capsys.readouterr().err
    assert f"{config_path(home)}:14: rules[2]: a rule needs at least one action" in err
    assert "Traceback" not in err
