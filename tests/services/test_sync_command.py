"""`cockpit sync --once`: one line per account, exit status, user errors, and no secret in any output."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit import cli
from cockpit.services import sync as engine
from connectors.errors import AuthExpired, RateLimited
from tests.services.conftest import T0, FakeWorld, pages, post, stored_bytes

SECRET = "xoxp-4242-very-secret-token-0dd5"

CONFIG = """
[settings]
sync_interval = 60

[[accounts]]
name = "acme-blog"
platform = "feed"
feeds = ["http://127.0.0.1:9/feed.xml"]

[[accounts]]
name = "acme-x"
platform = "x"

[[accounts]]
name = "old-forum"
platform = "discourse"
base_url = "http://127.0.0.1:9"
api_username = "system"
enabled = false
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, world: FakeWorld) -> Path:
    """A data directory with three accounts (one disabled) served by fake platforms."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(CONFIG)
    monkeypatch.setattr(engine, "default_connector_factory", world.factory)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.sync"])
    monkeypatch.setenv("COCKPIT_SECRET_ACME_X", SECRET)
    return home


def run(home: Path, *args: str) -> int:
    return cli.main(["--home", str(home), "sync", *args])


def test_once_prints_a_line_per_account_and_fails_when_a_token_expired(
    home: Path, world: FakeWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.script("acme-blog", *pages([post("1", "a", 0), post("2", "b", 1), post("3", "b", 2)]))
    world.script(
        "acme-x",
        errors={0: AuthExpired(f"acme-x: GET /2/users/me refused bearer {SECRET} (HTTP 401)")},
    )
    assert run(home, "--once") == 1
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == [
        "acme-blog  ok       3 new posts, 2 new conversations",
        "acme-x     error    token for acme-x expired or missing: run `cockpit accounts login acme-x`",
    ]
    assert world.scripts["acme-x"].secrets == [SECRET]
    assert SECRET not in out + err
    assert SECRET.encode() not in stored_bytes(home / "cockpit.db")
    assert sorted(world.built) == ["acme-blog", "acme-x"]  # the disabled account is left alone


def test_once_exits_zero_when_every_account_synced_or_waits_for_a_rate_limit(
    home: Path, world: FakeWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.script("acme-blog", *pages([post("1", "a", 0)]))
    world.script("acme-x", errors={0: RateLimited("acme-x: too many requests", until=T0.replace(year=2099))})
    assert run(home, "--once") == 0
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines == [
        "acme-blog  ok       1 new post, 1 new conversation",
        "acme-x     waiting  rate limited until 2099-11-02 14:00 UTC; will retry then",
    ]


def test_account_selects_one_account_and_an_unknown_one_is_a_clear_error(
    home: Path, world: FakeWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.script("acme-blog", *pages([post("1", "a", 0)]))
    assert run(home, "--once", "--account", "acme-blog") == 0
    assert capsys.readouterr().out == "acme-blog  ok       1 new post, 1 new conversation\n"
    assert world.built == ["acme-blog"]

    assert run(home, "--once", "--account", "acme-lnkd") == 2
    err = capsys.readouterr().err
    assert err.startswith("cockpit: no account named 'acme-lnkd' in ")
    assert "(accounts: acme-blog, acme-x, old-forum)" in err
    assert run(home, "--once", "--account", "old-forum") == 2
    assert "account 'old-forum' is disabled: set enabled = true" in capsys.readouterr().err


def test_a_bad_config_is_reported_with_file_and_line(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "config.toml").write_text('[[accounts]]\nname = "acme-blog"\nplatform = "myspace"\n')
    assert run(home, "--once") == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"cockpit: {home / 'config.toml'}:3: accounts[0].platform:")
    assert "Traceback" not in captured.err and captured.out == ""


def test_no_accounts_says_how_to_add_one(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "config.toml").unlink()
    assert run(home, "--once") == 0
    out = capsys.readouterr().out
    assert "no accounts to sync" in out
    assert "cockpit accounts add NAME --platform feed --feed URL" in out
    settings, _blog, _x, forum = CONFIG.split("[[accounts]]")
    (home / "config.toml").write_text(settings + "[[accounts]]" + forum)
    assert run(home, "--once") == 0
    assert "every account in" in capsys.readouterr().out


def test_help_describes_once_and_the_loop(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(home, "--help")
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--once" in text and "--account NAME" in text
    assert "exit with status 1 if any account failed" in text and "until Ctrl-C" in text
