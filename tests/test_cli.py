"""The `cockpit` command line: every command explains itself, export writes what it promises, errors are one line."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit import cli
from cockpit.demo import seed
from cockpit.paths import db_path
from cockpit.store import open_store

REQUIRED_POST_FIELDS = (
    "platform",
    "account",
    "ext_id",
    "conversation_id",
    "author_handle",
    "author_name",
    "text",
    "url",
    "title",
    "created_at",
    "in_reply_to",
    "direction",
)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
RUN_MAIN = "import sys; from cockpit.cli import main; sys.exit(main())"


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every command path (nested ones included) with the one-line help its parent lists."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), helps.get(name, "")
                yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(cli.build_parser()))


def _run_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_every_registered_module_adds_a_command() -> None:
    top = {path[0] for path, _ in COMMANDS}
    for module in cli.COMMAND_MODULES:
        name = module.rsplit(".", 1)[1].replace("_", "-")  # cockpit.commands.send_due adds `send-due`
        assert name in top, f"{module} registered no command of its name"


def test_cockpit_help_lists_and_describes_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run_help(["--help"], capsys)
    assert out.startswith("usage: cockpit")
    assert "community managers" in out
    for path, summary in COMMANDS:
        if len(path) == 1:
            assert path[0] in out
            assert len(summary.split()) >= 3, f"`cockpit {path[0]}` has no one-line help"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=" ".join)
def test_each_command_help_exits_0_and_describes_it(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _run_help([*path, "--help"], capsys)
    assert out.startswith(f"usage: cockpit {' '.join(path)}")
    description = out.split("\n\n", 2)[1] if "\n\n" in out else ""
    assert len(description.split()) >= 4, f"`cockpit {' '.join(path)} --help` does not say what it does"


def test_help_and_version_work_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "demo" in done.stdout and "export" in done.stdout
    done = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("cockpit ")


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "demo"
    seed(home, NOW)
    return home


def _post_count(home: Path) -> int:
    store = open_store(db_path(home), create=False)
    try:
        return int(store.conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    finally:
        store.close()


def _check_post_record(record: dict[str, object]) -> None:
    for name in REQUIRED_POST_FIELDS:
        assert name in record, name
    assert record["platform"] in {"x", "linkedin", "discourse", "feed"}
    assert record["direction"] in {"in", "out"}
    assert ISO_UTC.match(str(record["created_at"])), record["created_at"]
    assert record["ext_id"] and record["author_handle"] and record["text"]


def test_export_posts_jsonl_has_the_required_fields(
    demo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--home", str(demo_home), "export", "posts", "--format", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out, "JSON escapes control characters, so hostile posts stay inert"
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == _post_count(demo_home)
    for record in records:
        _check_post_record(record)
        assert isinstance(record["conversation_id"], int)
    assert {r["account"] for r in records} == {"acme-x", "acme-linkedin", "forum", "blogs"}
    assert {r["direction"] for r in records} == {"in", "out"}
    replies = [r for r in records if r["in_reply_to"]]
    known = {(r["account"], r["ext_id"]) for r in records}
    assert replies and all((r["account"], r["in_reply_to"]) in known for r in replies)
    assert any(not r["author_name"].isascii() for r in records)
    assert any(r["title"] for r in records)
    times = [r["created_at"] for r in records]
    assert times == sorted(times), "oldest first"


def test_export_posts_csv_has_the_required_fields(
    demo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--home", str(demo_home), "export", "posts", "--format", "csv"]) == 0
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out))
    rows = list(reader)
    assert reader.fieldnames is not None and set(REQUIRED_POST_FIELDS) <= set(reader.fieldnames)
    assert len(rows) == _post_count(demo_home)
    for row in rows:
        _check_post_record(row)
    assert {row["direction"] for row in rows} == {"in", "out"}


def test_export_of_a_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    done = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, "--home", str(missing), "export", "posts"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("cockpit: ")
    assert str(missing) in done.stderr and "Traceback" not in done.stderr
    assert not missing.exists(), "a failed export must not create the directory"


def test_home_may_follow_the_command(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "conversations", "--home", str(demo_home)]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 100
    assert cli.main(["accounts", "list", "--home", str(demo_home)]) == 0


def test_python_dash_m_cockpit_reports_user_errors_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cockpit", "export", "posts", "--home", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("cockpit: no database") and "Traceback" not in done.stderr


def test_csv_export_to_a_terminal_shows_escapes_instead_of_sending_them(
    demo_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["--home", str(demo_home), "export", "posts", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b" in out, "the demo's hostile post is there, escaped"


def test_any_user_error_from_a_command_is_one_line_and_its_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cockpit.config import ConfigError, load_config

    (tmp_path / "config.toml").write_text('[[accounts]]\nname = "x1"\nplatform = "myspace"\n')

    def broken(args: argparse.Namespace) -> int:
        load_config(tmp_path)  # raises ConfigError, which the command does not catch itself
        return 0

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(func=broken)
    assert issubclass(ConfigError, cli.UserError)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cockpit: ") and "config.toml:3" in err and "Traceback" not in err
