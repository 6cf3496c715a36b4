"""`cockpit accounts add|list|remove|login|test`, as a user and as a script would run them."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
import threading
import types
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from cockpit import cli, credentials
from cockpit.commands import accounts as accounts_command
from cockpit.config import PLATFORMS, DiscourseAccount, FeedAccount, load_config
from cockpit.credentials import credentials_path, get_secret, set_secret
from cockpit.paths import config_path
from connectors.base import Connector
from connectors.errors import AuthExpired
from connectors.models import Author, Page, Post
from tests.keyrings import MemoryKeyring

SECRET = "api-KEY-9f8e7d6c5b4a"
REPO = Path(__file__).resolve().parents[1]


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, with the user's answers queued in it."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    """Standard input from a pipe or a file."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data directory, an in-memory keyring, only this command registered, no secret variables."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.accounts"])
    monkeypatch.delenv("COCKPIT_HOME", raising=False)
    for name in list(os.environ):
        if name.startswith("COCKPIT_SECRET_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(credentials, "_warned", set())
    monkeypatch.setattr(sys, "stdin", Pipe(""))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path / "home"
    keyring.set_keyring(previous)


def cockpit(home: Path, *argv: str, stdin: io.StringIO | None = None) -> int:
    if stdin is not None:
        sys.stdin = stdin
    return cli.main(["--home", str(home), "accounts", *argv])


def add_forum(home: Path) -> None:
    assert (
        cockpit(
            home,
            "add",
            "forum",
            "--platform=discourse",
            "--base-url=https://forum.example.com",
            "--option=api_username=system",
        )
        == 0
    )


# --- add ----------------------------------------------------------------------------------------------


def test_add_a_feed_account_from_flags(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cockpit(
        home,
        "add",
        "blog",
        "--platform",
        "feed",
        "--feed",
        "https://e.com/feed/",
        "--feed",
        "https://e.com/c/",
    )
    assert status == 0
    account = load_config(home).account("blog")
    assert isinstance(account, FeedAccount)
    assert account.feeds == ["https://e.com/feed/", "https://e.com/c/"]
    out = capsys.readouterr().out
    assert f"Added blog (feed) to {config_path(home)}." in out
    assert "cockpit accounts test blog" in out


def test_add_collects_repeated_list_options_and_types_the_rest(home: Path) -> None:
    status = cockpit(
        home,
        "add",
        "forum",
        "--platform=discourse",
        "--base-url=https://forum.example.com",
        "--option=api_username=system",
        "--option=categories=support",
        "--option=categories=ideas",
        "--option",
        "searches=cockpit status:open",
        "--disabled",
    )
    assert status == 0
    account = load_config(home).account("forum")
    assert isinstance(account, DiscourseAccount)
    assert account.categories == ["support", "ideas"]
    assert account.searches == ["cockpit status:open"]
    assert account.enabled is False


def test_add_keeps_existing_accounts_and_refuses_a_taken_name(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home)
    assert cockpit(home, "add", "acme-x", "--platform", "x") == 0
    assert [a.name for a in load_config(home).accounts] == ["forum", "acme-x"]
    before = config_path(home).read_text()
    assert cockpit(home, "add", "forum", "--platform", "x") == 2
    assert "an account named 'forum' already exists" in capsys.readouterr().err
    assert config_path(home).read_text() == before


def test_add_without_a_terminal_never_prompts_and_names_the_missing_flags(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cockpit(home, "add", "forum", "--platform", "discourse") == 2
    err = capsys.readouterr().err
    assert err == (
        "cockpit: cannot add the account: --base-url: required key missing; "
        "--option api_username=...: required when auth is 'admin_key'\n"
    )
    assert not config_path(home).exists()
    assert cockpit(home, "add", "forum") == 2
    assert "--platform is required: one of feed, x, linkedin, discourse" in capsys.readouterr().err


def test_add_reports_a_typo_in_an_option(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cockpit(home, "add", "acme-x", "--platform", "x", "--option", "serches=acme") == 2
    assert capsys.readouterr().err == (
        "cockpit: cannot add the account: --option serches=...: unknown key (did you mean 'searches'?)\n"
    )
    assert cockpit(home, "add", "acme-x", "--platform", "x", "--option", "searches") == 2
    assert "--option 'searches': write it as KEY=VALUE" in capsys.readouterr().err


def test_add_refuses_a_bad_name_and_a_bad_url(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cockpit(home, "add", "Acme X", "--platform", "x") == 2
    assert "NAME: invalid account name 'Acme X'" in capsys.readouterr().err
    assert cockpit(home, "add", "blog", "--platform", "feed", "--feed", "e.com/feed") == 2
    assert "--feed: not an http(s) URL: 'e.com/feed'" in capsys.readouterr().err


def test_add_on_a_terminal_asks_for_what_is_missing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = Terminal("mastodon\ndiscourse\nforum.example.com\nhttps://forum.example.com\n\nsystem\n")
    assert cockpit(home, "add", "forum", stdin=answers) == 0
    account = load_config(home).account("forum")
    assert isinstance(account, DiscourseAccount)
    assert (account.base_url, account.api_username) == ("https://forum.example.com", "system")
    captured = capsys.readouterr()
    assert captured.out.count("Platform (feed, x, linkedin, discourse): ") == 2
    assert captured.out.count("Forum URL (for example https://forum.example.com): ") == 2
    assert captured.out.count("Discourse user the admin API key acts as: ") == 2
    assert captured.err.splitlines() == [
        "--base-url: not an http(s) URL: 'forum.example.com' (write it like https://example.com)",
        "--option api_username=...: String should have at least 1 character",
    ]
    assert "Next: `cockpit accounts login forum`" in captured.out


def test_add_on_a_terminal_asks_for_feeds_until_an_empty_line(home: Path) -> None:
    answers = Terminal("https://a.example/feed\nhttps://b.example/feed\n\n")
    assert cockpit(home, "add", "blog", "--platform", "feed", stdin=answers) == 0
    account = load_config(home).account("blog")
    assert isinstance(account, FeedAccount)
    assert account.feeds == ["https://a.example/feed", "https://b.example/feed"]


def test_add_with_no_input_does_not_prompt_even_on_a_terminal(home: Path) -> None:
    assert cockpit(home, "add", "blog", "--platform", "feed", "--no-input", stdin=Terminal("x\n")) == 2


def test_add_reads_the_secret_from_stdin_into_the_keyring_only(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cockpit(
        home,
        "add",
        "forum",
        "--platform=discourse",
        "--base-url=https://forum.example.com",
        "--option=api_username=system",
        "--secret-stdin",
        stdin=Pipe(SECRET + "\n"),
    )
    assert status == 0
    assert get_secret(home, "forum") == SECRET
    assert SECRET not in config_path(home).read_text()
    out = capsys.readouterr()
    assert "Stored its secret in the system keyring." in out.out
    assert SECRET not in out.out + out.err


def test_add_with_an_empty_secret_on_stdin_changes_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cockpit(home, "add", "acme-x", "--platform", "x", "--secret-stdin", stdin=Pipe("\n")) == 2
    assert "--secret-stdin: standard input was empty" in capsys.readouterr().err
    assert not config_path(home).exists()


def test_an_invalid_config_file_is_reported_not_overwritten(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home.mkdir()
    config_path(home).write_text('[settings]\nsync_interval = "often"\n')
    assert cockpit(home, "add", "acme-x", "--platform", "x") == 2
    assert capsys.readouterr().err.startswith(f"cockpit: {config_path(home)}:2: settings.sync_interval: ")
    assert config_path(home).read_text() == '[settings]\nsync_interval = "often"\n'


# --- list ---------------------------------------------------------------------------------------------


def test_list_shows_where_each_secret_lives_but_never_the_secret(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cockpit(home, "list") == 0
    assert "No accounts yet" in capsys.readouterr().out
    add_forum(home)
    assert cockpit(home, "add", "acme-x", "--platform", "x") == 0
    assert cockpit(home, "add", "blog", "--platform", "feed", "--feed", "https://e.com/f", "--disabled") == 0
    assert cockpit(home, "add", "acme-li", "--platform", "linkedin") == 0
    set_secret(home, "forum", SECRET)
    monkeypatch.setenv("COCKPIT_SECRET_ACME_X", SECRET)
    keyring.set_keyring(fail.Keyring())
    set_secret(home, "acme-li", SECRET)
    capsys.readouterr()
    keyring.set_keyring(MemoryKeyring())
    assert cockpit(home, "list") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "NAME     PLATFORM   WHERE                      ENABLED  SECRET",
        "forum    discourse  https://forum.example.com  yes      none",
        "acme-x   x          https://api.x.com          yes      env",
        "blog     feed       1 feed                     no       none",
        "acme-li  linkedin   https://api.linkedin.com   yes      file",
    ]
    assert SECRET not in out


# --- remove -------------------------------------------------------------------------------------------


def test_remove_with_yes_drops_the_account_and_its_secret_but_keeps_the_data(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home)
    assert cockpit(home, "add", "acme-x", "--platform", "x") == 0
    set_secret(home, "forum", SECRET)
    (home / "cockpit.db").write_bytes(b"data")
    capsys.readouterr()
    assert cockpit(home, "remove", "forum", "--yes") == 0
    assert [a.name for a in load_config(home).accounts] == ["acme-x"]
    assert get_secret(home, "forum") is None
    assert (home / "cockpit.db").read_bytes() == b"data"
    out = capsys.readouterr().out
    assert "Deleted its stored secret." in out
    assert f"stay in the database ({home / 'cockpit.db'})" in out


def test_remove_needs_a_confirmation(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_forum(home)
    assert cockpit(home, "remove", "forum") == 2
    assert "removing forum needs confirmation: add --yes" in capsys.readouterr().err
    assert cockpit(home, "remove", "forum", stdin=Terminal("n\n")) == 1
    assert "Nothing changed." in capsys.readouterr().out
    assert [a.name for a in load_config(home).accounts] == ["forum"]
    assert cockpit(home, "remove", "forum", stdin=Terminal("y\n")) == 0
    assert load_config(home).accounts == []


def test_remove_names_the_accounts_when_the_name_is_wrong(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home)
    assert cockpit(home, "remove", "forun", "--yes") == 2
    assert "no account named 'forun' (accounts: forum)" in capsys.readouterr().err


# --- login --------------------------------------------------------------------------------------------


def test_login_prompts_without_echo_on_a_terminal(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_forum(home)
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return SECRET

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert cockpit(home, "login", "forum", stdin=Terminal("")) == 0
    assert prompts == ["Secret for forum (input hidden): "]
    assert get_secret(home, "forum") == SECRET
    captured = capsys.readouterr()
    assert "Stored the secret for forum in the system keyring." in captured.out
    assert "the API key" in captured.err
    assert SECRET not in captured.out + captured.err


def test_login_for_x_says_oauth_is_not_built_yet_and_reads_stdin(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cockpit(home, "add", "acme-x", "--platform", "x") == 0
    token = json.dumps({"access_token": SECRET, "refresh_token": "r-" + SECRET})
    assert cockpit(home, "login", "acme-x", "--secret-stdin", stdin=Pipe(token)) == 0
    assert get_secret(home, "acme-x") == token
    assert accounts_command.OAUTH_NOTE in capsys.readouterr().err


def test_login_in_a_script_without_the_flag_is_an_error(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home)
    assert cockpit(home, "login", "forum") == 2
    assert "pipe it with --secret-stdin" in capsys.readouterr().err
    assert get_secret(home, "forum") is None


def test_login_warns_when_the_environment_overrides(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_forum(home)
    monkeypatch.setenv("COCKPIT_SECRET_FORUM", "other")
    assert cockpit(home, "login", "forum", "--secret-stdin", stdin=Pipe(SECRET)) == 0
    assert "COCKPIT_SECRET_FORUM is set in your environment" in capsys.readouterr().out


# --- test: a fake connector over real loopback HTTP --------------------------------------------------


class ProbeServer(ThreadingHTTPServer):
    """A loopback API with one endpoint that wants `Authorization: Bearer <SECRET>`."""

    requests: ClassVar[list[dict[str, str]]] = []


class ProbeHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ProbeServer.requests.append({"path": self.path, "auth": self.headers.get("Authorization", "")})
        if self.headers.get("Authorization") != f"Bearer {SECRET}":
            body, status = b'{"error": "invalid token"}', 401
        else:
            body, status = (
                json.dumps({"items": [{"id": "1", "text": "hi"}, {"id": "2", "text": "yo"}]}).encode(),
                200,
            )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    ProbeServer.requests.clear()
    server = ProbeServer(("127.0.0.1", 0), ProbeHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class ProbeConnector(Connector):
    """A connector for the probe API: one stream, one page."""

    platform = "discourse"
    received: ClassVar[list[dict[str, Any]]] = []

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        super().__init__(account=account, base_url=base_url, secret=secret, options=options)
        ProbeConnector.received.append({"account": account, "base_url": base_url, "options": dict(options)})
        self.client = httpx.AsyncClient(base_url=self.base_url)

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        response = await self.client.get("/latest.json", headers={"Authorization": f"Bearer {self.secret}"})
        if response.status_code == 401:
            raise AuthExpired(
                f"the API refused the key for {self.account} (sent {self.secret})",
                fix=f"run `cockpit accounts login {self.account}`",
            )
        author = Author(platform="discourse", ext_id="u1", handle="ana")
        posts = [
            Post(
                ext_id=item["id"],
                thread_key="t1",
                author=author,
                text=item["text"],
                created_at=datetime.now(UTC),
            )
            for item in response.json()["items"]
        ]
        yield Page(stream="latest", posts=posts, cursor="2")
        yield Page(stream="latest", posts=posts, cursor="4")

    async def aclose(self) -> None:
        await self.client.aclose()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Connector]]:
    """Stand in for connectors.registry (its real module is written separately) with the same contract."""
    classes: dict[str, type[Connector]] = {"discourse": ProbeConnector}
    module = types.ModuleType("connectors.registry")

    def connector_class(platform: str) -> type[Connector]:
        return classes[platform]

    module.connector_class = connector_class  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "connectors.registry", module)
    ProbeConnector.received.clear()
    return classes


def add_probe_forum(home: Path, api: str) -> None:
    status = cockpit(
        home, "add", "forum", "--platform=discourse", f"--base-url={api}", "--option=api_username=system"
    )
    assert status == 0


def test_test_fetches_one_page_and_prints_ok(
    home: Path, api: str, registry: dict[str, type[Connector]], capsys: pytest.CaptureFixture[str]
) -> None:
    add_probe_forum(home, api)
    set_secret(home, "forum", SECRET)
    capsys.readouterr()
    assert cockpit(home, "test", "forum") == 0
    assert capsys.readouterr().out == f"OK: forum (discourse) at {api}: fetched 2 posts (stream 'latest')\n"
    assert ProbeServer.requests == [{"path": "/latest.json", "auth": f"Bearer {SECRET}"}]
    assert ProbeConnector.received == [
        {
            "account": "forum",
            "base_url": api,
            "options": {"auth": "admin_key", "api_username": "system", "categories": [], "searches": []},
        }
    ]


def test_test_prints_the_typed_error_and_its_fix_without_the_secret(
    home: Path, api: str, registry: dict[str, type[Connector]], capsys: pytest.CaptureFixture[str]
) -> None:
    add_probe_forum(home, api)
    set_secret(home, "forum", "wrong-" + SECRET)
    capsys.readouterr()
    assert cockpit(home, "test", "forum") == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"FAILED: forum (discourse) at {api}: the API refused the key for forum (sent ***)\n"
        "fix: run `cockpit accounts login forum`\n"
    )
    assert SECRET not in captured.out + captured.err


def test_test_without_a_secret_says_how_to_add_one(
    home: Path, api: str, registry: dict[str, type[Connector]], capsys: pytest.CaptureFixture[str]
) -> None:
    add_probe_forum(home, api)
    assert cockpit(home, "test", "forum") == 1
    err = capsys.readouterr().err
    assert "note: no secret stored for forum: run `cockpit accounts login forum`" in err
    assert "FAILED: forum (discourse)" in err


def test_test_gives_up_after_the_timeout(
    home: Path, registry: dict[str, type[Connector]], capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    class Silent(ProbeConnector):
        async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
            await asyncio.Event().wait()  # an API that never answers
            yield Page()

    registry["discourse"] = Silent
    add_probe_forum(home, "http://127.0.0.1:9")
    set_secret(home, "forum", SECRET)
    assert cockpit(home, "test", "forum", "--timeout", "0.05") == 1
    assert "no answer from http://127.0.0.1:9 within 0.05 s" in capsys.readouterr().err


def test_test_reports_a_missing_registry_and_an_unknown_account(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_forum(home)
    monkeypatch.setitem(sys.modules, "connectors.registry", None)
    assert cockpit(home, "test", "forum") == 1
    assert "connectors.registry is missing" in capsys.readouterr().err
    assert cockpit(home, "test", "nope") == 2


# --- help and start-up --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("add", ["--secret-stdin", "--option KEY=VALUE", "examples:", "never taken from the command line"]),
        ("list", ["env (COCKPIT_SECRET_<NAME>)", "never shown"]),
        ("remove", ["--yes", "stay in the database"]),
        ("login", ["--secret-stdin", "without echo", "OAuth 2.0 with PKCE", "User API key"]),
        ("test", ["--timeout", "Exits with status 1"]),
    ],
)
def test_each_action_explains_itself(
    home: Path, capsys: pytest.CaptureFixture[str], action: str, words: list[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cockpit(home, action, "--help")
    assert caught.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in text


def test_the_platform_choices_match_the_config_models() -> None:
    assert accounts_command.PLATFORM_CHOICES == PLATFORMS


def run_cockpit(home: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, stdin a pipe, with no usable keyring."""
    code = (
        "import sys, cockpit.cli as c; c.COMMAND_MODULES[:] = ['cockpit.commands.accounts']; "
        "sys.exit(c.main(sys.argv[1:]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-c", code, "--home", str(home), "accounts", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_a_script_without_a_keyring_gets_a_private_file_and_a_warning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    missing = run_cockpit(home, "add", "forum", "--platform", "discourse")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.startswith("cockpit: cannot add the account: --base-url: required key missing")
    done = run_cockpit(
        home,
        "add",
        "forum",
        "--platform=discourse",
        "--base-url=https://forum.example.com",
        "--option=api_username=system",
        "--secret-stdin",
        stdin=SECRET + "\n",
    )
    assert done.returncode == 0, done.stderr
    path = credentials_path(home)
    assert done.stderr == (
        f"cockpit: warning: no system keyring found; storing the secret for forum in {path} "
        "(readable only by you)\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["secrets"] == {"forum": SECRET}
    listed = run_cockpit(home, "list")
    assert listed.stdout.splitlines()[1].split() == [
        "forum",
        "discourse",
        "https://forum.example.com",
        "yes",
        "file",
    ]
    for output in (missing, done, listed):
        assert SECRET not in output.stdout + output.stderr
    assert SECRET not in config_path(home).read_text()


def test_registering_the_command_does_not_import_pydantic() -> None:
    code = (
        "import sys, argparse; import cockpit.commands.accounts as a; "
        "a.register(argparse.ArgumentParser().add_subparsers()); "
        "print(sorted(m for m in ('pydantic', 'keyring', 'cockpit.config') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_test_with_the_real_feed_connector_against_the_blog_sandbox(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from connectors.sandbox.blog import BlogSandbox

    with BlogSandbox() as sandbox:
        feed = f"{sandbox.url}/tideline/feed/"
        missing = f"{sandbox.url}/no-such-blog/feed/"
        assert cockpit(home, "add", "blog", "--platform", "feed", "--feed", feed) == 0
        assert cockpit(home, "add", "gone", "--platform", "feed", "--feed", missing) == 0
        capsys.readouterr()
        assert cockpit(home, "test", "blog") == 0
        out = capsys.readouterr().out
        assert re.fullmatch(
            rf"OK: blog \(feed\) at its feeds: fetched [1-9][0-9]* posts \(stream '{feed}'\)\n", out
        )
        assert cockpit(home, "test", "gone") == 1
        err = capsys.readouterr().err
        assert err.startswith(f"FAILED: gone (feed) at its feeds (stream '{missing}'): ")
        assert "404" in err


def test_test_reads_a_stream_error_reported_on_the_page(
    home: Path, registry: dict[str, type[Connector]], capsys: pytest.CaptureFixture[str]
) -> None:
    from connectors.models import StreamError

    pages: list[Page] = []

    class Reporting(ProbeConnector):
        async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
            for page in pages:
                yield page

    registry["discourse"] = Reporting
    add_probe_forum(home, "http://127.0.0.1:9")
    set_secret(home, "forum", SECRET)
    refused = StreamError(kind="permission_denied", message=f"no admin role ({SECRET})", fix="ask an admin")
    pages[:] = [Page(stream="notifications", error=refused)]
    capsys.readouterr()
    assert cockpit(home, "test", "forum") == 1
    assert capsys.readouterr().err == (
        "FAILED: forum (discourse) at http://127.0.0.1:9 (stream 'notifications'): no admin role (***)\n"
        "fix: ask an admin\n"
    )
    pages[:] = [Page(stream="notifications", cursor="7", error=refused)]
    assert cockpit(home, "test", "forum") == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("OK: forum (discourse) at http://127.0.0.1:9: fetched 0 posts")
    assert captured.err == "warning: part of it could not be read: no admin role (***) (ask an admin)\n"
    pages[:] = []
    assert cockpit(home, "test", "forum") == 0
    assert "answered; nothing to fetch" in capsys.readouterr().out
