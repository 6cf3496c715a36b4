"""`cockpit accounts login NAME` for X: OAuth 2.0 with PKCE against the X sandbox, then refresh and rotation."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import keyring
import pytest

from cockpit import cli, credentials
from cockpit.config import Account, load_config
from cockpit.credentials import get_secret
from cockpit.logins import flow_for
from cockpit.logins import x as x_login
from connectors.errors import AuthExpired
from connectors.oauth import TokenSet
from connectors.sandbox.x import CLIENT_ID, XSandbox
from connectors.x import XConnector
from tests.keyrings import MemoryKeyring


class Pipe(io.StringIO):
    """Standard input that is not a terminal."""

    def isatty(self) -> bool:
        return False


class Terminal(io.StringIO):
    """Standard input that is a terminal, with a line the user pastes once `ready` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.ready = threading.Event()
        self.line = ""

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self.ready.wait(10)
        return self.line + "\n"


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    """A running X sandbox."""
    with XSandbox() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data directory, an in-memory keyring, no secret variables, stdin not a terminal."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.accounts"])
    monkeypatch.delenv("COCKPIT_HOME", raising=False)
    monkeypatch.delenv(x_login.CLIENT_ID_ENV, raising=False)
    for name in list(os.environ):
        if name.startswith("COCKPIT_SECRET_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(credentials, "_warned", set())
    monkeypatch.setattr(sys, "stdin", Pipe(""))
    monkeypatch.setattr(x_login, "WAIT_SECONDS", 10.0)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path / "home"
    keyring.set_keyring(previous)


def cockpit(home: Path, *argv: str) -> int:
    return cli.main(["--home", str(home), "accounts", *argv])


def add_x(home: Path, sandbox: XSandbox, *, client_id: bool = True) -> None:
    options = [f"--option=authorize_url={sandbox.url}/i/oauth2/authorize"]
    if client_id:
        options.append(f"--option=client_id={CLIENT_ID}")
    assert cockpit(home, "add", "acme-x", "--platform=x", f"--base-url={sandbox.url}", *options) == 0


def browser(opened: list[str]) -> Callable[[str], bool]:
    """A stand-in browser: the sandbox approves at once and the redirect lands on the loopback listener."""

    def open_url(url: str) -> bool:
        opened.append(url)
        response = httpx.get(url, follow_redirects=True, timeout=5)
        assert response.status_code == 200 and "close this tab" in response.text
        return True

    return open_url


def stored_tokens(home: Path) -> TokenSet:
    secret = get_secret(home, "acme-x")
    assert secret is not None
    tokens = TokenSet.from_json(secret)
    assert tokens is not None
    return tokens


async def read_mentions(sandbox: XSandbox, home: Path, stored: list[str]) -> int:
    """Sync once with the stored secret, as the sync engine would, storing any rotated token set."""
    secret = get_secret(home, "acme-x")

    def save(new_secret: str) -> None:
        stored.append(new_secret)
        credentials.set_secret(home, "acme-x", new_secret)

    connector = XConnector(
        account="acme-x", base_url=sandbox.url, secret=secret, options={"client_id": CLIENT_ID}
    )
    connector.on_new_secret = save
    try:
        return sum([len(page.posts) async for page in connector.fetch({})])
    finally:
        await connector.aclose()


def test_x_has_a_login_flow() -> None:
    assert flow_for("x") is x_login


def test_the_browser_flow_stores_a_token_set_that_syncs_and_refreshes(
    home: Path, sandbox: XSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_x(home, sandbox)
    opened: list[str] = []
    monkeypatch.setattr(x_login, "has_display", lambda: True)
    monkeypatch.setattr(x_login, "open_browser", browser(opened))
    capsys.readouterr()
    assert cockpit(home, "login", "acme-x") == 0
    out = capsys.readouterr().out
    (url,) = opened
    assert url in out and urlsplit(url).path == "/i/oauth2/authorize"
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["scope"] == "tweet.read tweet.write users.read like.read like.write offline.access"
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"].startswith("http://127.0.0.1:") and query["redirect_uri"].endswith(
        "/callback"
    )
    tokens = stored_tokens(home)
    assert tokens.refresh_token in sandbox.refresh_tokens and tokens.access_token in sandbox.access_tokens
    assert tokens.access_token not in out and str(tokens.refresh_token) not in out
    assert "Stored the secret for acme-x" in out

    # Two hours later the access token has expired: the next sync renews it and stores the rotated set.
    sandbox.expire_access_tokens()
    credentials.set_secret(home, "acme-x", tokens.model_copy(update={"expires_at": 1.0}).to_json())
    stored: list[str] = []
    assert asyncio.run(read_mentions(sandbox, home, stored)) > 0
    renewed = stored_tokens(home)
    assert len(stored) == 1 and renewed.refresh_token != tokens.refresh_token
    assert (
        renewed.refresh_token in sandbox.refresh_tokens and tokens.refresh_token not in sandbox.refresh_tokens
    )


def test_a_crash_before_storing_rotated_tokens_means_logging_in_again(
    home: Path, sandbox: XSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_x(home, sandbox)
    monkeypatch.setattr(x_login, "has_display", lambda: True)
    monkeypatch.setattr(x_login, "open_browser", browser([]))
    assert cockpit(home, "login", "acme-x") == 0
    stale = stored_tokens(home).model_copy(update={"expires_at": 1.0})
    credentials.set_secret(home, "acme-x", stale.to_json())

    def crash(new_secret: str) -> None:
        raise KeyboardInterrupt  # the process is killed before the store finished

    connector = XConnector(
        account="acme-x", base_url=sandbox.url, secret=stale.to_json(), options={"client_id": CLIENT_ID}
    )
    connector.on_new_secret = crash

    async def crashing_sync() -> None:
        try:
            async for _page in connector.fetch({}):
                pass
        finally:
            await connector.aclose()

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(crashing_sync())
    assert stored_tokens(home) == stale, "the store still holds the old set"
    with pytest.raises(AuthExpired) as caught:
        asyncio.run(read_mentions(sandbox, home, []))
    assert "cockpit accounts login acme-x" in str(caught.value)
    # Logging in again repairs it.
    assert cockpit(home, "login", "acme-x") == 0
    assert asyncio.run(read_mentions(sandbox, home, [])) > 0


def test_the_pasted_redirect_address_works_without_a_browser(
    home: Path, sandbox: XSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_x(home, sandbox)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdin", terminal)
    monkeypatch.setattr(x_login, "open_browser", lambda url: pytest.fail("no browser with --no-browser"))
    printed: list[str] = []

    def watch(text: str = "", *args: object, **kwargs: object) -> None:
        printed.append(str(text))
        for part in str(text).split():
            if part.startswith(f"{sandbox.url}/i/oauth2/authorize") and not terminal.ready.is_set():
                # The user opens the address on another machine; its redirect to 127.0.0.1 fails there,
                # so they copy the address the browser ended on and paste it.
                answer = httpx.get(part, follow_redirects=False, timeout=5)
                terminal.line = answer.headers["location"].replace("127.0.0.1", "elsewhere.invalid")
                terminal.ready.set()

    monkeypatch.setattr("builtins.print", watch)
    assert cockpit(home, "login", "acme-x", "--no-browser") == 0
    assert stored_tokens(home).refresh_token in sandbox.refresh_tokens
    assert any("paste" in line for line in printed)


def test_a_state_mismatch_is_refused(home: Path, sandbox: XSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    add_x(home, sandbox)
    terminal = Terminal()
    terminal.line = "http://127.0.0.1:1/callback?state=forged&code=whatever"
    terminal.ready.set()
    monkeypatch.setattr(sys, "stdin", terminal)
    with pytest.raises(cli.CommandError) as caught:
        x_login.run(home, _account(home), _args(no_browser=True))
    assert "state mismatch" in str(caught.value) and "run the login again" in str(caught.value)
    assert get_secret(home, "acme-x") is None


def test_without_a_client_id_the_user_is_told_what_to_set(home: Path, sandbox: XSandbox) -> None:
    add_x(home, sandbox, client_id=False)
    with pytest.raises(cli.CommandError) as caught:
        x_login.run(home, _account(home), _args())
    assert "client_id" in str(caught.value) and x_login.CLIENT_ID_ENV in str(caught.value)
    assert x_login.run(home, _account(home), _args(paste_token=True)) is None


def _account(home: Path) -> Account:
    return next(a for a in load_config(home).accounts if a.name == "acme-x")


def _args(**values: object) -> argparse.Namespace:
    settings: dict[str, object] = {"no_browser": False, "paste_token": False, "secret_stdin": False, **values}
    return argparse.Namespace(**settings)
