"""`cockpit accounts login NAME` for a forum with a User API key: the authorisation flow against the sandbox."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import keyring
import pytest

from cockpit import cli, credentials
from cockpit.config import Account, load_config
from cockpit.credentials import get_secret
from cockpit.logins import discourse as discourse_login
from cockpit.logins import flow_for
from connectors.discourse import DiscourseConnector, UserApiKeyRequest
from connectors.sandbox.discourse import ADMIN_KEY, DiscourseSandbox
from connectors.sandbox.discourse_content import OUR_USERNAME
from tests.keyrings import MemoryKeyring


class Pipe(io.StringIO):
    """Standard input that is not a terminal."""

    def isatty(self) -> bool:
        return False


@pytest.fixture
def sandbox() -> Iterator[DiscourseSandbox]:
    """A running Discourse sandbox."""
    with DiscourseSandbox() as forum:
        yield forum


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data directory, an in-memory keyring, no secret variables, stdin not a terminal."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.accounts"])
    monkeypatch.delenv("COCKPIT_HOME", raising=False)
    for name in list(os.environ):
        if name.startswith("COCKPIT_SECRET_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(credentials, "_warned", set())
    monkeypatch.setattr(sys, "stdin", Pipe(""))
    monkeypatch.setattr(discourse_login, "WAIT_SECONDS", 10.0)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path / "home"
    keyring.set_keyring(previous)


def cockpit(home: Path, *argv: str) -> int:
    return cli.main(["--home", str(home), "accounts", *argv])


def add_forum(home: Path, url: str, auth: str = "user_api_key") -> None:
    options = (
        ["--option=auth=user_api_key"]
        if auth == "user_api_key"
        else [f"--option=api_username={OUR_USERNAME}"]
    )
    assert cockpit(home, "add", "forum", "--platform=discourse", f"--base-url={url}", *options) == 0


def browser(opened: list[str], *, tamper_nonce: bool = False) -> Callable[[str], bool]:
    """A stand-in browser: loads the authorize page (the sandbox approves at once) and follows the redirect."""

    def open_url(url: str) -> bool:
        opened.append(url)
        if tamper_nonce:
            parts = urlsplit(url)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            query["nonce"] = "0" * 32
            url = parts._replace(query=urlencode(query)).geturl()
        response = httpx.get(url, follow_redirects=True, timeout=5)
        assert response.status_code == 200
        return True

    return open_url


def stored_key(home: Path) -> dict[str, str]:
    secret = get_secret(home, "forum")
    assert secret is not None
    data = json.loads(secret)
    assert isinstance(data, dict)
    return data


async def whoami(sandbox: DiscourseSandbox, secret: str) -> str | None:
    connector = DiscourseConnector(
        account="forum", base_url=sandbox.url, secret=secret, options={"auth": "user_api_key"}
    )
    try:
        return await connector.our_username()
    finally:
        await connector.aclose()


def test_discourse_has_a_login_flow() -> None:
    assert flow_for("discourse") is discourse_login


def test_the_browser_flow_stores_a_working_user_api_key(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home, sandbox.url)
    opened: list[str] = []
    monkeypatch.setattr(discourse_login, "has_display", lambda: True)
    monkeypatch.setattr(discourse_login, "open_browser", browser(opened))
    capsys.readouterr()
    assert cockpit(home, "login", "forum") == 0
    captured = capsys.readouterr()
    assert len(opened) == 1
    query = parse_qs(urlsplit(opened[0]).query)
    assert urlsplit(opened[0]).path == "/user-api-key/new"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/auth_redirect", query["auth_redirect"][0])
    assert query["scopes"] == ["read,write,notifications,session_info"]
    assert opened[0] in captured.out
    data = stored_key(home)
    assert data["client_id"] == query["client_id"][0]
    assert sandbox.user_keys[data["key"]] == (OUR_USERNAME, data["client_id"])
    assert data["key"] not in captured.out + captured.err
    assert "Stored the secret for forum" in captured.out
    # The stored secret is one the connector signs in with.
    assert asyncio.run(whoami(sandbox, json.dumps(data))) == OUR_USERNAME


class SlowTerminal:
    """A terminal where the user pastes lines only once the login has started its request."""

    def __init__(self, lines: list[str], started: threading.Event, requests: list[UserApiKeyRequest]) -> None:
        self.lines, self.started, self.requests = lines, started, requests

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        assert self.started.wait(5)
        if not self.lines:
            threading.Event().wait()  # the user types nothing more: block like a terminal would
        line = self.lines.pop(0)
        if line == "<payload>":
            # The user opens the address without a redirect and copies the payload the forum shows.
            url = dataclasses.replace(self.requests[0], auth_redirect=None).authorize_url
            page = httpx.get(url, timeout=5).text
            match = re.search(r"<pre>([^<]+)</pre>", page)
            assert match is not None
            return unescape(match.group(1)) + "\n"
        return line


def test_without_a_display_the_payload_is_pasted(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home, sandbox.url)
    started = threading.Event()
    requests: list[UserApiKeyRequest] = []
    real_create = UserApiKeyRequest.create

    def create(*args: object, **kwargs: object) -> UserApiKeyRequest:
        request = real_create(*args, **kwargs)  # type: ignore[arg-type]
        requests.append(request)
        started.set()
        return request

    def no_browser(url: str) -> bool:
        raise AssertionError("a browser was opened without a display")

    monkeypatch.setattr(UserApiKeyRequest, "create", create)
    monkeypatch.setattr(discourse_login, "has_display", lambda: False)
    monkeypatch.setattr(discourse_login, "open_browser", no_browser)
    monkeypatch.setattr(sys, "stdin", SlowTerminal(["not a payload\n", "<payload>"], started, requests))
    assert cockpit(home, "login", "forum") == 0
    captured = capsys.readouterr()
    assert "paste the whole payload" in captured.err
    without_redirect = dataclasses.replace(requests[0], auth_redirect=None).authorize_url
    assert without_redirect in captured.out
    data = stored_key(home)
    assert data["client_id"] == requests[0].client_id
    assert asyncio.run(whoami(sandbox, json.dumps(data))) == OUR_USERNAME


def test_a_payload_for_another_nonce_is_refused(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home, sandbox.url)
    monkeypatch.setattr(discourse_login, "has_display", lambda: True)
    monkeypatch.setattr(discourse_login, "open_browser", browser([], tamper_nonce=True))
    assert cockpit(home, "login", "forum") == 1
    err = capsys.readouterr().err
    assert "the nonce differs" in err
    assert "Traceback" not in err
    assert get_secret(home, "forum") is None


def test_no_answer_times_out_and_stores_nothing(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home, sandbox.url)
    monkeypatch.setattr(discourse_login, "WAIT_SECONDS", 0.2)
    monkeypatch.setattr(discourse_login, "has_display", lambda: True)
    monkeypatch.setattr(discourse_login, "open_browser", lambda url: True)
    assert cockpit(home, "login", "forum") == 1
    assert "did not answer within 0.2 s; nothing was stored" in capsys.readouterr().err
    assert get_secret(home, "forum") is None


def test_ctrl_c_cancels_the_wait(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_forum(home, sandbox.url)

    def interrupted(answers: object, seconds: float) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(discourse_login, "has_display", lambda: False)
    monkeypatch.setattr(discourse_login, "_wait", interrupted)
    assert cockpit(home, "login", "forum") == 130
    assert "login cancelled; nothing was stored" in capsys.readouterr().err
    assert get_secret(home, "forum") is None


def test_an_admin_key_is_pasted(
    home: Path, sandbox: DiscourseSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_forum(home, sandbox.url, auth="admin_key")
    monkeypatch.setattr(discourse_login, "open_browser", browser([]))
    monkeypatch.setattr(sys, "stdin", Pipe(ADMIN_KEY + "\n"))
    assert cockpit(home, "login", "forum", "--secret-stdin") == 0
    assert get_secret(home, "forum") == ADMIN_KEY
    assert discourse_login.run(home, _account(home), _namespace()) is None


def test_payload_from_reads_a_pasted_redirect_address() -> None:
    assert discourse_login.payload_from(" http://127.0.0.1:1/auth_redirect?payload=ab%2Bc%3D \n") == "ab+c="
    assert discourse_login.payload_from("ab+c=\n") == "ab+c="


def _account(home: Path) -> Account:
    return load_config(home).account("forum")


def _namespace() -> argparse.Namespace:
    return argparse.Namespace(name="forum", secret_stdin=False)
