"""`cockpit accounts login NAME` for LinkedIn: 3-legged OAuth 2.0, loopback redirect or pasted code.

The same flow as X's (`cockpit.logins.x`, whose listener and code-waiting this reuses): build the authorize URL
(random state; an S256 challenge LinkedIn ignores for web apps), listen on 127.0.0.1 (`redirect_port` fixes the
port: LinkedIn only redirects to URLs registered for the app), open the browser or print the URL, take the
redirect or the pasted address, and exchange the code (with the client secret, which LinkedIn requires) for a
token set (access token, refresh token, expiry) returned as JSON for the caller to store.

Scopes: what the features need, by default `r_organization_social`, `w_organization_social` and
`rw_organization_admin` (plus `w_member_social` when the account replies as a member); an account's `scopes`
replaces them (newer apps are granted the `*_feed` names).
"""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cockpit.logins.oauth_flow import LoginFailed, authorize
from cockpit.logins.x import has_display

DEFAULT_AUTHORIZE_URL = "https://www.linkedin.com/oauth/v2/authorization"
DEFAULT_TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
PAGE_SCOPES = ("r_organization_social", "w_organization_social", "rw_organization_admin")
MEMBER_SCOPE = "w_member_social"
CLIENT_ID_ENV = "COCKPIT_LINKEDIN_CLIENT_ID"
"""Where the client id may come from when the account does not set `client_id`."""
WAIT_SECONDS = 300.0

open_browser: Callable[[str], object] = webbrowser.open
"""How the browser is opened (tests replace it)."""

__all__ = ["LoginFailed", "default_scopes", "login", "run"]


def default_scopes(actor: str | None) -> tuple[str, ...]:
    """The scopes an account needs: the page's, plus `w_member_social` to reply as a member."""
    if actor and actor != "organization":
        return (*PAGE_SCOPES, MEMBER_SCOPE)
    return PAGE_SCOPES


def login(
    *,
    account: str,
    authorize_url: str,
    token_url: str,
    client_id: str,
    client_secret: str | None,
    scopes: Sequence[str],
    port: int = 0,
    open_browser: Callable[[str], object] | None,
    read_line: Callable[[], str] | None,
    say: Callable[[str], None],
    timeout: float = WAIT_SECONDS,
) -> str:
    """Run the whole flow and return the token set as JSON."""
    from connectors.oauth import OAuthClient

    client = OAuthClient(
        authorize_url=authorize_url,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        scopes=tuple(scopes),
        client_auth="body",
    )
    return authorize(
        client,
        account=account,
        port=port,
        open_browser=open_browser,
        read_line=read_line,
        say=say,
        timeout=timeout,
        platform="LinkedIn",
    )


def run(home: Path, account: Any, args: argparse.Namespace) -> str | None:
    """Sign `account` in to LinkedIn and return the token set to store (None: the user pastes a token instead)."""
    from cockpit.cli import CommandError

    if getattr(args, "paste_token", False):
        return None
    client_id = getattr(account, "client_id", None) or os.environ.get(CLIENT_ID_ENV)
    if not client_id:
        raise CommandError(
            f"{account.name}: no OAuth client id: add client_id to the account (your LinkedIn app's client "
            f"id, on its Auth tab) or set {CLIENT_ID_ENV}; or use --paste-token with a token you obtained yourself"
        )
    secret_env = getattr(account, "client_secret_env", None)
    client_secret = os.environ.get(secret_env) if secret_env else None
    if not client_secret:
        what = (
            f"the environment variable {secret_env} is not set"
            if secret_env
            else "no client_secret_env is set"
        )
        raise CommandError(
            f"{account.name}: LinkedIn needs the app's client secret and {what}: add client_secret_env to the "
            "account and set that variable to the secret from the app's Auth tab"
        )
    base = account.effective_base_url.rstrip("/")
    public = base == "https://api.linkedin.com"
    token_url = getattr(account, "token_url", None) or (
        DEFAULT_TOKEN_URL if public else f"{base}/oauth/v2/accessToken"
    )
    scopes = getattr(account, "scopes", None) or default_scopes(getattr(account, "actor", None))
    use_browser = not getattr(args, "no_browser", False) and has_display()
    try:
        return login(
            account=account.name,
            authorize_url=getattr(account, "authorize_url", None) or DEFAULT_AUTHORIZE_URL,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scopes=scopes,
            port=getattr(account, "redirect_port", None) or 0,
            open_browser=open_browser if use_browser else None,
            read_line=input if sys.stdin.isatty() else None,
            say=print,
            timeout=WAIT_SECONDS,
        )
    except LoginFailed as error:
        raise CommandError(f"{account.name}: {error}") from None
