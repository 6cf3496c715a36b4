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
import asyncio
import os
import queue
import sys
import threading
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
SCOPES = ("tweet.read", "tweet.write", "users.read", "like.read", "like.write", "offline.access")
CLIENT_ID_ENV = "COCKPIT_X_CLIENT_ID"
"""Where the client id may come from when the account does not set `client_id`."""
if TYPE_CHECKING:
    from connectors.oauth import OAuthClient

WAIT_SECONDS = 300.0

_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>Cockpit</title>"
    b"<p>Signed in: you can close this tab and go back to the terminal.</p>"
)


open_browser: Callable[[str], object] = webbrowser.open
"""How the browser is opened (tests replace it)."""


class LoginFailed(Exception):
    """The sign-in did not complete; the message says why and what to do."""


class _Callback(BaseHTTPRequestHandler):
    server: _Listener

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        """Take the redirect's query, answer with a short page."""
        parts = urlsplit(self.path)
        if parts.path != "/callback":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.server.results.put(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(_PAGE)))
        self.end_headers()
        self.wfile.write(_PAGE)


class _Listener(HTTPServer):
    results: queue.Queue[str]


def _answer_params(text: str) -> dict[str, str]:
    """The `code`, `state` (or `error`) of a redirect URL, a query string or a bare code."""
    text = text.strip()
    if "?" in text or text.startswith(("code=", "state=", "error=")):
        query = urlsplit(text).query if "?" in text else text
        return {k: v[0] for k, v in parse_qs(query).items()}
    return {"code": text} if text else {}


def wait_for_code(
    url: str,
    state: str,
    listener: _Listener,
    *,
    open_browser: Callable[[str], object] | None,
    read_line: Callable[[], str] | None,
    say: Callable[[str], None],
    timeout: float = WAIT_SECONDS,
    platform: str = "X",
) -> str:
    """Show or open `url`, then return the authorization code from the redirect or a pasted answer."""
    results = listener.results
    say(f"Open this address to sign in to {platform}:\n\n  {url}\n")
    if open_browser is not None:
        try:
            open_browser(url)
        except Exception:  # a browser that cannot start: the printed URL still works
            say("Could not open a browser; open the address above yourself.")
    if read_line is not None:
        say("Waiting for the browser... (or paste the address it ended on, or the code, and press Enter)")

        def paste() -> None:
            try:
                results.put(read_line())
            except (EOFError, OSError):
                pass

        threading.Thread(target=paste, daemon=True, name="x-login-paste").start()
    try:
        answer = results.get(timeout=timeout)
    except queue.Empty:
        raise LoginFailed(f"no answer from the browser within {timeout:g} s: run the login again") from None
    params = _answer_params(answer)
    if "error" in params:
        raise LoginFailed(f"{platform} refused the sign-in ({params['error'][:60]}): run the login again")
    if "state" in params and params["state"] != state:
        raise LoginFailed(
            "the answer belongs to another sign-in attempt (state mismatch): run the login again"
        )
    code = params.get("code", "").strip()
    if not code or len(code) > 2000:
        raise LoginFailed("no authorization code in the answer: run the login again")
    return code


def has_display() -> bool:
    """Whether a browser can be opened here (not over SSH, and with a display on Linux and BSD)."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def start_listener(port: int = 0) -> _Listener:
    """A one-page HTTP server on 127.0.0.1 that collects the redirect (serving in a daemon thread)."""
    listener = _Listener(("127.0.0.1", port), _Callback)
    listener.results = queue.Queue()
    threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return listener


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


def authorize(
    client: OAuthClient,
    *,
    account: str,
    port: int,
    open_browser: Callable[[str], object] | None,
    read_line: Callable[[], str] | None,
    say: Callable[[str], None],
    timeout: float,
    platform: str,
) -> str:
    """The Authorization Code + PKCE dance on a loopback redirect (or a pasted code); return the token set JSON.

    Shared by every OAuth platform (X, LinkedIn): they differ only in the client they pass.
    """
    from connectors.errors import ConnectorError
    from connectors.oauth import authorize_request, exchange_code, token_http

    try:
        listener = start_listener(port)
    except OSError as error:
        raise LoginFailed(
            f"could not listen on 127.0.0.1:{port} ({error.strerror}): choose another redirect_port"
        ) from None
    try:
        redirect = f"http://127.0.0.1:{listener.server_address[1]}/callback"
        request = authorize_request(client, redirect)
        code = wait_for_code(
            request.url,
            request.state,
            listener,
            open_browser=open_browser,
            read_line=read_line,
            say=say,
            timeout=timeout,
            platform=platform,
        )
    finally:
        listener.shutdown()
        listener.server_close()

    async def exchange() -> str:
        http = token_http(account)
        try:
            return (await exchange_code(http, client, request, code)).to_json()
        finally:
            await http.aclose()

    try:
        return asyncio.run(exchange())
    except ConnectorError as error:
        raise LoginFailed(f"exchanging the code failed: {error.message}; run the login again") from None


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
