"""A reusable loopback HTTP server for platform sandboxes: routing, a request log, misbehaviour, latency.

A platform sandbox subclasses `SandboxServer` and implements `route(request) -> Reply`. Tests and the demo
start it on 127.0.0.1 with an ephemeral port, read `.url`, look at `.requests` (what was received) and
`.posted` (what the platform stored), and call `misbehave(...)` to make the next requests fail in the ways
real platforms fail.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

MisbehaviourKind = Literal[
    "rate_limit",
    "server_error",
    "slow",
    "malformed",
    "truncated",
    "drop",
    "accept_then_fail",
    "accept_then_stall",
]
"""What a misbehaving sandbox does instead of answering normally.

- rate_limit: answer 429 with the platform's rate-limit headers (`rate_limit_headers`).
- server_error: answer with a 5xx status (503 unless told otherwise).
- slow: wait `delay` seconds, then answer normally.
- malformed: answer 200 with a body that is not valid for its content type.
- truncated: declare the full Content-Length, send half the body, close the connection.
- drop: handle the request (a POST is stored), then close the connection without answering.
- accept_then_fail: handle the request (a POST is stored), then answer with a 5xx status (503 unless told).
- accept_then_stall: handle the request (a POST is stored), then wait `delay` seconds before answering (the
  client times out after the platform accepted the post).
"""

PausePoint = Literal["before", "after"]
"""Where `pause_next` holds a request: before the sandbox handles it, or after (a POST is stored) and before
it answers."""

_REDACTED_HEADERS = {"authorization", "cookie", "api-key", "user-api-key", "x-api-key"}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the sandbox received; credential headers are redacted to their scheme."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""
    """The query string as sent (still percent-encoded), for platforms whose syntax parse_qs would lose."""

    def param(self, name: str, default: str | None = None) -> str | None:
        """Return the first query value of `name`."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """Return the body decoded as JSON (None when it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Reply:
    """What a route answers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def json(cls, value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        """Answer with `value` as JSON."""
        body = json.dumps(value, ensure_ascii=False).encode()
        return cls(status=status, body=body, headers=dict(headers or {}))


@dataclass
class Pause:
    """One armed pause: `reached` is set when a matching request gets there; it waits for `release`."""

    point: PausePoint
    method: str | None
    path_prefix: str | None
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Misbehaviour:
    """One armed misbehaviour: it applies to the next `remaining` matching requests."""

    kind: MisbehaviourKind
    remaining: int
    status: int = 503
    delay: float = 0.0
    method: str | None = None
    path_prefix: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        """Whether this misbehaviour applies to a request."""
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # the default 5 drops connections when many accounts sync at once
    sandbox: SandboxServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that went away (timeouts in tests do that on purpose)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: with Nagle's algorithm and delayed ACKs each request cost 40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""

    def do_GET(self) -> None:
        """Hand every method to the sandbox."""
        self.server.sandbox._serve(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET


class SandboxServer:
    """A real HTTP server on 127.0.0.1 (ephemeral port) in a background thread."""

    name = "sandbox"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.posted: list[Any] = []
        self.latency_ms = 0
        self._misbehaviours: list[Misbehaviour] = []
        self._pauses: list[Pause] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:53211` (only while running)."""
        if self._server is None:
            raise RuntimeError(f"the {self.name} sandbox is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Bind to 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.sandbox = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; handlers that are sleeping wake up and give up."""
        server, self._server = self._server, None
        self._stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def misbehave(
        self,
        kind: MisbehaviourKind,
        times: int = 1,
        *,
        status: int = 503,
        delay: float = 2.0,
        method: str | None = None,
        path: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Make the next `times` requests (optionally only this method / path prefix) misbehave."""
        with self.lock:
            self._misbehaviours.append(
                Misbehaviour(
                    kind=kind,
                    remaining=times,
                    status=status,
                    delay=delay,
                    method=method,
                    path_prefix=path,
                    headers=dict(headers or {}),
                )
            )

    def behave(self) -> None:
        """Disarm every pending misbehaviour and release every pause."""
        with self.lock:
            self._misbehaviours.clear()
            pauses, self._pauses = self._pauses, []
        for pause in pauses:
            pause.release.set()

    def pause_next(self, point: PausePoint, *, method: str | None = None, path: str | None = None) -> Pause:
        """Hold the next matching request at `point` until `release` is set (a crash test kills the client there)."""
        pause = Pause(point=point, method=method.upper() if method else None, path_prefix=path)
        with self.lock:
            self._pauses.append(pause)
        return pause

    def _hold(self, point: PausePoint, method: str, path: str) -> None:
        with self.lock:
            pause = next(
                (
                    p
                    for p in self._pauses
                    if p.point == point
                    and (p.method is None or p.method == method)
                    and (p.path_prefix is None or path.startswith(p.path_prefix))
                ),
                None,
            )
            if pause is not None:
                self._pauses.remove(pause)
        if pause is not None:
            pause.reached.set()
            while not pause.release.wait(0.05) and not self._stopping.is_set():
                pass

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[RecordedRequest]:
        """Return the recorded requests whose path starts with `path_prefix`."""
        with self.lock:
            return [
                r
                for r in self.requests
                if r.path.startswith(path_prefix) and (method is None or r.method == method.upper())
            ]

    def rate_limit_headers(self) -> dict[str, str]:
        """The headers this platform sends with a 429 (override per platform)."""
        return {"Retry-After": "30"}

    def route(self, request: RecordedRequest, headers: Mapping[str, str]) -> Reply:
        """Answer one request (override per platform); `headers` are the unredacted, lower-cased headers."""
        return Reply.json({"error": "not found"}, status=404)

    # -- serving ----------------------------------------------------------------------------------

    def _take_misbehaviour(self, method: str, path: str) -> Misbehaviour | None:
        with self.lock:
            for item in self._misbehaviours:
                if item.matches(method, path):
                    item.remaining -= 1
                    if item.remaining <= 0:
                        self._misbehaviours.remove(item)
                    return item
        return None

    def _serve(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length > 0 else b""
        headers = {}
        for key, value in handler.headers.items():
            lowered = key.lower()
            if lowered in _REDACTED_HEADERS:
                value = value.split(" ", 1)[0] + " <redacted>" if " " in value else "<redacted>"
            headers[lowered] = value
        request = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=headers,
            body=body,
            raw_query=parts.query,
        )
        request_headers = {k.lower(): v for k, v in handler.headers.items()}
        with self.lock:
            self.requests.append(request)
        if self.latency_ms > 0 and self._stopping.wait(self.latency_ms / 1000):
            return
        self._hold("before", request.method, request.path)
        trouble = self._take_misbehaviour(request.method, request.path)
        if trouble is not None and trouble.kind == "slow" and self._stopping.wait(trouble.delay):
            return
        if trouble is not None and trouble.kind == "rate_limit":
            reply = Reply.json(
                {"error": "rate limited"},
                status=429,
                headers={**self.rate_limit_headers(), **trouble.headers},
            )
        elif trouble is not None and trouble.kind == "server_error":
            reply = Reply.json({"error": "server error"}, status=trouble.status, headers=trouble.headers)
        else:
            try:
                reply = self._conditional(self.route(request, request_headers), request_headers)
            except Exception as exc:  # a bug in a sandbox route must show up as a 500, not a hang
                reply = Reply.json(
                    {"error": f"sandbox route failed: {type(exc).__name__}: {exc}"}, status=500
                )
        self._hold("after", request.method, request.path)
        if trouble is not None and trouble.kind == "drop":
            self._drop(handler)
            return
        if trouble is not None and trouble.kind == "accept_then_fail":
            reply = Reply.json({"error": "server error"}, status=trouble.status, headers=trouble.headers)
        if trouble is not None and trouble.kind == "accept_then_stall" and self._stopping.wait(trouble.delay):
            return
        body = reply.body
        if trouble is not None and trouble.kind == "malformed":
            body = b'{"items": [{"id": 1, "title": "unfinished' + b"<html><body><p>Bad gateway"
            reply.status = 200
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(body)))
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            if reply.last_modified:
                handler.send_header("Last-Modified", reply.last_modified)
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            if trouble is not None and trouble.kind == "truncated":
                handler.end_headers()
                handler.wfile.write(body[: len(body) // 2])
                handler.wfile.flush()
                self._drop(handler)
                return
            handler.end_headers()
            if handler.command != "HEAD" and reply.status != 304:
                handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    @staticmethod
    def _conditional(reply: Reply, request_headers: Mapping[str, str]) -> Reply:
        """Turn a 200 into a 304 when the client's validators still match (If-None-Match wins)."""
        if reply.status != 200:
            return reply
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None and reply.etag is not None:
            tags = {tag.strip() for tag in if_none_match.split(",")}
            if reply.etag in tags or "*" in tags:
                return Reply(status=304, etag=reply.etag, last_modified=reply.last_modified, body=b"")
            return reply
        if_modified_since = request_headers.get("if-modified-since")
        if if_modified_since is not None and reply.last_modified is not None:
            try:
                client_time = email.utils.parsedate_to_datetime(if_modified_since)
                server_time = email.utils.parsedate_to_datetime(reply.last_modified)
            except (TypeError, ValueError, IndexError):
                return reply
            if client_time >= server_time:
                return Reply(status=304, etag=reply.etag, last_modified=reply.last_modified, body=b"")
        return reply

    @staticmethod
    def _drop(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def etag_for(*parts: object) -> str:
    """A quoted ETag derived from `parts` (deterministic)."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f'"{digest}"'
