"""Loopback fakes of each platform's API, for the tests and `cockpit demo`.

`SandboxServer` is the reusable base (a real HTTP server on 127.0.0.1, a request log, misbehaviour);
`BlogSandbox` serves WordPress, Atom and JSON Feed blogs.
"""

from __future__ import annotations

from connectors.sandbox.blog import APP_PASSWORD, APP_USER, BlogSandbox
from connectors.sandbox.server import RecordedRequest, Reply, SandboxServer

__all__ = ["APP_PASSWORD", "APP_USER", "BlogSandbox", "RecordedRequest", "Reply", "SandboxServer"]
