"""`cockpit accounts import-opml` and `export-opml`: moving a reading list in and out of the cockpit."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.config import FeedAccount, load_config

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>reader</title></head><body>
  <outline text="Dev blogs">
    <outline type="rss" text="Tideline" xmlUrl="https://tideline.example/feed/"/>
    <outline type="rss" text="Ops notes" xmlUrl="https://ops.example/atom.xml"/>
  </outline>
  <outline type="rss" text="Duplicate" xmlUrl="https://tideline.example/feed/"/>
</body></opml>
"""


def _feeds(home: Path, name: str = "blogs") -> list[str]:
    account = load_config(home).account(name)
    assert isinstance(account, FeedAccount)
    return [str(url) for url in account.feeds]


def test_import_creates_a_feed_account_and_a_second_import_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "reader.opml"
    opml.write_text(OPML)
    home = tmp_path / "home"
    assert main(["--home", str(home), "accounts", "import-opml", str(opml)]) == 0
    assert _feeds(home) == ["https://tideline.example/feed/", "https://ops.example/atom.xml"]
    assert main(["--home", str(home), "accounts", "import-opml", str(opml)]) == 0
    assert "added 0 feed(s) to blogs; 2 already followed" in capsys.readouterr().out
    assert len(_feeds(home)) == 2


def test_dry_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opml = tmp_path / "reader.opml"
    opml.write_text(OPML)
    home = tmp_path / "home"
    assert main(["--home", str(home), "accounts", "import-opml", str(opml), "--dry-run"]) == 0
    assert "would add 2 feed(s)" in capsys.readouterr().out
    assert load_config(home).accounts == []


def test_export_then_import_elsewhere_round_trips_the_reading_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "reader.opml"
    opml.write_text(OPML)
    first, second = tmp_path / "first", tmp_path / "second"
    main(["--home", str(first), "accounts", "import-opml", str(opml), "--account", "reading"])
    capsys.readouterr()
    assert main(["--home", str(first), "accounts", "export-opml"]) == 0
    exported = tmp_path / "exported.opml"
    exported.write_text(capsys.readouterr().out)
    assert (
        main(["--home", str(second), "accounts", "import-opml", str(exported), "--account", "reading"]) == 0
    )
    assert _feeds(second, "reading") == _feeds(first, "reading")


def test_importing_into_a_non_feed_account_or_a_broken_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[[accounts]]\nname = "forum"\nplatform = "discourse"\nbase_url = "https://forum.example"\napi_username = "system"\n'
    )
    opml = tmp_path / "reader.opml"
    opml.write_text(OPML)
    assert main(["--home", str(home), "accounts", "import-opml", str(opml), "--account", "forum"]) == 2
    assert "forum is a discourse account" in capsys.readouterr().err
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    assert main(["--home", str(home), "accounts", "import-opml", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cockpit: ") and "Traceback" not in err
