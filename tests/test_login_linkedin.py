"""`cockpit accounts login NAME` for LinkedIn: 3-legged OAuth against the LinkedIn sandbox, then sync and refresh.

The sandbox's OAuth answers are hand-built from LinkedIn's documentation (no recorded responses are public).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
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
from cockpit.logins import linkedin as li_login
from connectors.linkedin import LinkedInConnector
from connectors.oauth import TokenSet
from connectors.sandbox.linkedin import CLIENT_ID, CLIENT_SECRET, LinkedInSandbox
from connectors.sandbox.linkedin_content import EXECUTIVE, ORG_URN
from tests.keyrings import MemoryKeyring
from tests.test_login_x import Pipe, Terminal

SECRET_ENV = "COCKPIT_TEST_LI_CLIENT_SECRET"


@pytest.fixture
def sandbox() -> Iterator[LinkedInSandbox]:
    """A running LinkedIn sandbox (OAuth answers hand-built from the documentation, not recorded)."""
    with LinkedInSandbox() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data directory, an in-memory keyring, the client secret set, stdin not a terminal."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.accounts"])
    monkeypatch.delenv("COCKPIT_HOME", raising=False)
    monkeypatch.delenv(li_login.CLIENT_ID_ENV, raising=False)
    for name in list(os.environ):
        if name.startswith("COCKPIT_SECRET_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    monkeypatch.setattr(credentials, "_warned", set())
    monkeypatch.setattr(sys, "stdin", Pipe(""))
    monkeypatch.setattr(li_login, "WAIT_SECONDS", 10.0)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path / "home"
    keyring.set_keyring(previous)


def cockpit(home: Path, *argv: str) -> int:
    return cli.main(["--home", str(home), "accounts", *argv])


def add_linkedin(home: Path, sandbox: LinkedInSandbox, *extra: str, client_id: bool = True) -> None:
    options = [
        f"--option=organization={ORG_URN}",
        f"--option=authorize_url={sandbox.url}/oauth/v2/authorization",
        f"--option=client_secret_env={SECRET_ENV}",
        *extra,
    ]
    if client_id:
        options.append(f"--option=client_id={CLIENT_ID}")
    assert cockpit(home, "add", "acme-li", "--platform=linkedin", f"--base-url={sandbox.url}", *options) == 0


def browser(opened: list[str]) -> Callable[[str], bool]:
    """A stand-in browser: the sandbox approves at once and the redirect lands on the loopback listener."""

    def open_url(url: str) -> bool:
        opened.append(url)
        response = httpx.get(url, follow_redirects=True, timeout=5)
        assert response.status_code == 200 and "close this tab" in response.text
        return True

    return open_url


def stored_tokens(home: Path) -> TokenSet:
    secret = get_secret(home, "acme-li")
    assert secret is not None
    tokens = TokenSet.from_json(secret)
    assert tokens is not None
    return tokens


async def sync_once(sandbox: LinkedInSandbox, home: Path, stored: list[str]) -> int:
    """Read the page with the stored secret, storing a renewed token set as the sync engine would."""

    def save(new_secret: str) -> None:
        stored.append(new_secret)
        credentials.set_secret(home, "acme-li", new_secret)

    connector = LinkedInConnector(
        account="acme-li",
        base_url=sandbox.url,
        secret=get_secret(home, "acme-li"),
        options={"organization": ORG_URN, "client_id": CLIENT_ID, "client_secret_env": SECRET_ENV},
    )
    connector.on_new_secret = save
    try:
        pages = [page async for page in connector.fetch({})]
    finally:
        await connector.aclose()
    assert not [page.error for page in pages if page.error]
    return sum(len(page.posts) for page in pages)


def _account(home: Path) -> Account:
    return next(a for a in load_config(home).accounts if a.name == "acme-li")


def _args(**values: object) -> argparse.Namespace:
    settings: dict[str, object] = {"no_browser": False, "paste_token": False, "secret_stdin": False, **values}
    return argparse.Namespace(**settings)


def test_linkedin_has_a_login_flow() -> None:
    assert flow_for("linkedin") is li_login


def test_the_browser_flow_stores_a_token_set_that_syncs_and_refreshes(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_linkedin(home, sandbox)
    opened: list[str] = []
    monkeypatch.setattr(li_login, "has_display", lambda: True)
    monkeypatch.setattr(li_login, "open_browser", browser(opened))
    capsys.readouterr()
    assert cockpit(home, "login", "acme-li") == 0
    out = capsys.readouterr().out
    (url,) = opened
    assert url in out and "sign in to LinkedIn" in out and urlsplit(url).path == "/oauth/v2/authorization"
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["scope"] == "r_organization_social w_organization_social rw_organization_admin"
    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code" and query["state"]
    tokens = stored_tokens(home)
    assert tokens.refresh_token in sandbox.refresh_tokens and tokens.access_token in sandbox.grants
    assert (
        tokens.access_token not in out and str(tokens.refresh_token) not in out and CLIENT_SECRET not in out
    )
    assert asyncio.run(sync_once(sandbox, home, [])) > 0

    # Two months later the access token has expired: the next sync renews it and stores the new set first
    # (with rotation on, the strictest case: the old refresh token stops working at once).
    sandbox.rotate_refresh_tokens = True
    sandbox.expire_access_tokens()
    credentials.set_secret(home, "acme-li", tokens.model_copy(update={"expires_at": 1.0}).to_json())
    stored: list[str] = []
    assert asyncio.run(sync_once(sandbox, home, stored)) > 0
    renewed = stored_tokens(home)
    assert len(stored) == 1 and renewed.refresh_token != tokens.refresh_token
    assert (
        renewed.refresh_token in sandbox.refresh_tokens and tokens.refresh_token not in sandbox.refresh_tokens
    )


def test_a_member_actor_asks_for_the_member_scope_and_configured_scopes_win(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_linkedin(home, sandbox, f"--option=actor=urn:li:person:{EXECUTIVE}")
    opened: list[str] = []
    monkeypatch.setattr(li_login, "has_display", lambda: True)
    monkeypatch.setattr(li_login, "open_browser", browser(opened))
    assert cockpit(home, "login", "acme-li") == 0
    assert parse_qs(urlsplit(opened[0]).query)["scope"] == [
        "r_organization_social w_organization_social rw_organization_admin w_member_social"
    ]
    assert li_login.default_scopes("organization") == li_login.PAGE_SCOPES
    account = _account(home).model_copy(update={"scopes": ["r_organization_social_feed"]})
    assert li_login.run(home, account, _args()) is not None
    assert parse_qs(urlsplit(opened[-1]).query)["scope"] == ["r_organization_social_feed"]


def test_the_pasted_redirect_address_works_without_a_browser(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_linkedin(home, sandbox)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdin", terminal)
    monkeypatch.setattr(li_login, "open_browser", lambda url: pytest.fail("no browser with --no-browser"))

    def watch(text: str = "", *args: object, **kwargs: object) -> None:
        for part in str(text).split():
            if part.startswith(f"{sandbox.url}/oauth/v2/authorization") and not terminal.ready.is_set():
                answer = httpx.get(part, follow_redirects=False, timeout=5)
                terminal.line = answer.headers["location"].replace("127.0.0.1", "elsewhere.invalid")
                terminal.ready.set()

    monkeypatch.setattr("builtins.print", watch)
    assert cockpit(home, "login", "acme-li", "--no-browser") == 0
    assert stored_tokens(home).refresh_token in sandbox.refresh_tokens


def test_a_refused_sign_in_names_linkedin(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_linkedin(home, sandbox)
    terminal = Terminal()
    terminal.line = "http://127.0.0.1:1/callback?error=user_cancelled_authorize"
    terminal.ready.set()
    monkeypatch.setattr(sys, "stdin", terminal)
    with pytest.raises(cli.CommandError) as caught:
        li_login.run(home, _account(home), _args(no_browser=True))
    assert "LinkedIn refused the sign-in (user_cancelled_authorize)" in str(caught.value)
    assert get_secret(home, "acme-li") is None


def test_a_wrong_client_secret_fails_with_a_clear_message(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_linkedin(home, sandbox)
    monkeypatch.setenv(SECRET_ENV, "wrong-secret")
    monkeypatch.setattr(li_login, "has_display", lambda: True)
    monkeypatch.setattr(li_login, "open_browser", browser([]))
    with pytest.raises(cli.CommandError) as caught:
        li_login.run(home, _account(home), _args())
    assert "client id or secret was refused" in str(caught.value) and "wrong-secret" not in str(caught.value)


def test_missing_client_id_or_secret_tells_the_user_what_to_set(
    home: Path, sandbox: LinkedInSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_linkedin(home, sandbox, client_id=False)
    with pytest.raises(cli.CommandError) as caught:
        li_login.run(home, _account(home), _args())
    assert "client_id" in str(caught.value) and li_login.CLIENT_ID_ENV in str(caught.value)
    assert li_login.run(home, _account(home), _args(paste_token=True)) is None
    monkeypatch.setenv(li_login.CLIENT_ID_ENV, CLIENT_ID)
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(cli.CommandError) as caught:
        li_login.run(home, _account(home), _args())
    assert f"{SECRET_ENV} is not set" in str(caught.value)


def test_the_shared_flow_names_the_platform_it_signs_in_to() -> None:
    from cockpit.logins.oauth_flow import start_listener, wait_for_code

    said: list[str] = []
    listener = start_listener()
    try:
        listener.results.put("code=abc&state=s")
        assert (
            wait_for_code(
                "http://u", "s", listener, open_browser=None, read_line=None, say=said.append, platform="X"
            )
            == "abc"
        )
    finally:
        listener.shutdown()
        listener.server_close()
    assert "sign in to X" in said[0]
