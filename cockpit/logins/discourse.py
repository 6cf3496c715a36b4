"""Sign in to a Discourse forum with a User API key: the forum's authorisation flow, from the terminal.

For an account with `auth = "user_api_key"`, `run` starts a loopback listener on 127.0.0.1 (a random port)
as the `auth_redirect`, prints the forum's authorize URL (and opens it in a browser when there is a display),
and waits for the forum to send the browser back with the encrypted payload. The payload (or the address
the browser was sent to) may also be pasted at the terminal, for forums that refuse the loopback redirect
(their `allowed_user_api_auth_redirects` setting) or browsers on another machine. The payload is decrypted,
its nonce checked, and the secret `{"key": ..., "client_id": ...}` returned for the caller to store.
Accounts with an admin key return None: their key is pasted.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import queue
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cockpit.cli import CommandError
from cockpit.config import Account

WAIT_SECONDS = 300.0
"""How long to wait for the forum's answer before giving up."""
APPLICATION_NAME = "Cockpit"

open_browser: Callable[[str], bool] = webbrowser.open
"""Opens the authorize URL (replaced in tests; never called without a display)."""

_DONE_PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Cockpit</title></head>"
    b"<body><p>The forum answered. You can close this tab and go back to the terminal.</p></body></html>"
)


def payload_from(text: str) -> str:
    """The payload inside what the user pasted: the payload itself, or the address the forum redirected to."""
    text = text.strip()
    if "payload=" in text:
        values = parse_qs(urlsplit(text).query or text.split("?", 1)[-1]).get("payload")
        if values:
            return values[0]
    return text


def has_display() -> bool:
    """Whether a browser can be opened here (a desktop session, not a bare SSH or CI shell)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class _Listener:
    """A one-shot HTTP listener on 127.0.0.1 that hands the `payload` query parameter to a queue."""

    def __init__(self, answers: queue.Queue[str]) -> None:
        answers_ = answers

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                values = parse_qs(urlsplit(self.path).query).get("payload")
                if not values:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_DONE_PAGE)))
                self.end_headers()
                self.wfile.write(_DONE_PAGE)
                answers_.put(values[0])

            def log_message(self, format: str, *args: Any) -> None:
                return  # the payload is in the request line: never log it

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2})
        self.thread.daemon = True

    @property
    def redirect_url(self) -> str:
        """The address the forum sends the browser back to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/auth_redirect"

    def __enter__(self) -> _Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _read_pasted(answers: queue.Queue[str]) -> None:
    """Hand each non-empty line typed at the terminal to the queue (runs in a daemon thread)."""
    try:
        while True:
            line = sys.stdin.readline()
            if not line:
                return
            if line.strip():
                answers.put(line)
    except (OSError, ValueError):
        return


def _wait(answers: queue.Queue[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CommandError(
                f"the forum did not answer within {seconds:g} s; nothing was stored: run the login again",
                1,
            )
        try:
            return answers.get(timeout=min(left, 0.5))
        except queue.Empty:
            continue


def run(home: Path, account: Account, args: argparse.Namespace) -> str | None:
    """Run the User API key flow for a `user_api_key` account and return its secret; None for admin keys."""
    from connectors.discourse.user_api_key import UserApiKeyError, UserApiKeyRequest

    if getattr(account, "auth", "admin_key") != "user_api_key":
        return None
    forum = account.effective_base_url
    answers: queue.Queue[str] = queue.Queue()
    with _Listener(answers) as listener:
        request = UserApiKeyRequest.create(
            forum, application_name=APPLICATION_NAME, auth_redirect=listener.redirect_url
        )
        without_redirect = dataclasses.replace(request, auth_redirect=None)
        interactive = sys.stdin.isatty()
        print(f"Approve the Cockpit's access to {forum} as yourself, at this address:", file=sys.stderr)
        print(request.authorize_url)
        if interactive:
            print(
                "The forum then sends your browser back here. If it cannot (the forum refuses the "
                "redirect, or the browser runs on another machine), open this address instead and paste "
                "the payload the forum shows, then press Enter:",
                file=sys.stderr,
            )
            print(without_redirect.authorize_url)
            threading.Thread(target=_read_pasted, args=(answers,), daemon=True).start()
        if has_display():
            try:
                open_browser(request.authorize_url)
            except webbrowser.Error:
                pass  # the address is printed: the user opens it
        print(
            f"Waiting for the forum's answer (up to {WAIT_SECONDS:g} s; Ctrl-C cancels)...", file=sys.stderr
        )
        while True:
            try:
                answer = _wait(answers, WAIT_SECONDS)
            except KeyboardInterrupt:
                raise CommandError("login cancelled; nothing was stored", 130) from None
            try:
                return request.secret_from_payload(payload_from(answer))
            except UserApiKeyError as error:
                if not interactive:
                    raise CommandError(
                        f"{error.message}; {error.fix}" if error.fix else error.message, 1
                    ) from None
                print(f"{error.message}: paste the whole payload, or press Ctrl-C to stop.", file=sys.stderr)
