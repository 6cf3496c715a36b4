"""The OAuth 2.0 Authorization Code + PKCE sign-in shared by every OAuth platform (X, LinkedIn).

A loopback listener on 127.0.0.1 collects the redirect; the user may instead paste the address the browser
ended on (or just the code). The code is exchanged at the platform's token endpoint and the token set is
returned as JSON for the caller to store. Platform modules (`cockpit.logins.x`, `cockpit.logins.linkedin`)
build the client and decide about browsers and client ids.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from connectors.oauth import OAuthClient

WAIT_SECONDS = 300.0
"""How long a sign-in waits for the browser's answer by default."""

_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>Cockpit</title>"
    b"<p>Signed in: you can close this tab and go back to the terminal.</p>"
)


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
    platform: str,
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


def start_listener(port: int = 0) -> _Listener:
    """A one-page HTTP server on 127.0.0.1 that collects the redirect (serving in a daemon thread)."""
    listener = _Listener(("127.0.0.1", port), _Callback)
    listener.results = queue.Queue()
    threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return listener


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
