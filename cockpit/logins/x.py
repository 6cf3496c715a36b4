"""`cockpit accounts login NAME` for X: OAuth 2.0 Authorization Code with PKCE, loopback redirect or pasted code.

The flow: build the authorize URL (S256 challenge, random state), listen on 127.0.0.1 (a random port unless
`redirect_port` is set: X checks the callback URL registered for the app), open the browser (or print the
URL when there is no display, on SSH, or with --no-browser), and wait for either the redirect or the address
the browser ended on, pasted into the terminal. The code is exchanged at the token endpoint and the token set
(access token, rotating refresh token, expiry) is returned as JSON for the caller to store.

If the process dies between receiving the tokens and storing them, nothing stored has changed: the previous
secret (if any) stays as it was and its refresh token is still valid, since logging in does not spend it;
running the login again is all it takes.
"""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cockpit.logins.oauth_flow import LoginFailed, authorize

DEFAULT_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
SCOPES = ("tweet.read", "tweet.write", "users.read", "like.read", "like.write", "offline.access")
CLIENT_ID_ENV = "COCKPIT_X_CLIENT_ID"
"""Where the client id may come from when the account does not set `client_id`."""

WAIT_SECONDS = 300.0

open_browser: Callable[[str], object] = webbrowser.open
"""How the browser is opened (tests replace it)."""


def has_display() -> bool:
    """Whether a browser can be opened here (not over SSH, and with a display on Linux and BSD)."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def login(
    *,
    account: str,
    authorize_url: str,
    token_url: str,
    client_id: str,
    client_secret: str | None,
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
        scopes=SCOPES,
    )
    return authorize(
        client,
        account=account,
        port=port,
        open_browser=open_browser,
        read_line=read_line,
        say=say,
        timeout=timeout,
        platform="X",
    )


def run(home: Path, account: Any, args: argparse.Namespace) -> str | None:
    """Sign `account` in to X and return the token set to store (None: the user pastes a token instead)."""
    from cockpit.cli import CommandError

    if getattr(args, "paste_token", False):
        return None
    client_id = getattr(account, "client_id", None) or os.environ.get(CLIENT_ID_ENV)
    if not client_id:
        raise CommandError(
            f"{account.name}: no OAuth client id: add client_id to the account (your X app's OAuth 2.0 "
            f"client id) or set {CLIENT_ID_ENV}; or use --paste-token with a token you obtained yourself"
        )
    secret_env = getattr(account, "client_secret_env", None)
    client_secret = os.environ.get(secret_env) if secret_env else None
    if secret_env and not client_secret:
        raise CommandError(
            f"{account.name}: the environment variable {secret_env} (client secret) is not set"
        )
    base = account.effective_base_url.rstrip("/")
    use_browser = not getattr(args, "no_browser", False) and has_display()
    interactive = sys.stdin.isatty()
    try:
        return login(
            account=account.name,
            authorize_url=getattr(account, "authorize_url", None) or DEFAULT_AUTHORIZE_URL,
            token_url=getattr(account, "token_url", None) or f"{base}/2/oauth2/token",
            client_id=client_id,
            client_secret=client_secret,
            port=getattr(account, "redirect_port", None) or 0,
            open_browser=open_browser if use_browser else None,
            read_line=input if interactive else None,
            say=print,
        )
    except LoginFailed as error:
        raise CommandError(f"{account.name}: {error}") from None
