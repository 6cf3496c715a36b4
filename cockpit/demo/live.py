"""The live part of the demo: loopback sandboxes of the platforms, accounts that sync from them, new activity.

Nothing here needs the internet or a config file: the sandboxes listen on 127.0.0.1 (port 0) inside the
process, and the accounts exist only while the demo runs, so reopening a demo directory later with
`cockpit --home DIR` shows the stored data without trying to reach servers that are gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.sandbox.blog import BlogSandbox


@dataclass(frozen=True)
class DemoAccount:
    """An account of the running demo, shaped as the sync engine expects (`SyncAccount`)."""

    name: str
    platform: str
    base_url: str | None
    options: Mapping[str, Any] = field(default_factory=dict)


class LiveDemo:
    """Starts the demo's sandbox servers and keeps new posts and comments arriving on them."""

    def __init__(self, *, now: datetime | None = None, seed: int = 7) -> None:
        self.blog = BlogSandbox(now=now, seed=seed)
        self._started = False

    def start(self) -> LiveDemo:
        """Start every sandbox server."""
        self.blog.start()
        self._started = True
        return self

    def stop(self) -> None:
        """Stop every sandbox server."""
        if self._started:
            self.blog.stop()
            self._started = False

    def __enter__(self) -> LiveDemo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def accounts(self) -> list[DemoAccount]:
        """The accounts that sync from the sandboxes; `blogs` is the same account the seeded data uses."""
        settings = self.blog.account_settings()
        return [
            DemoAccount(
                name="blogs",
                platform=str(settings["platform"]),
                base_url=str(settings["base_url"]),
                options=dict(settings["options"]),
            )
        ]

    def secrets(self) -> dict[str, str | None]:
        """Each demo account's secret (sandbox-only credentials, never stored anywhere)."""
        return {"blogs": str(self.blog.account_settings()["secret"])}

    def tick(self, events: int = 1) -> int:
        """Make something happen on the sandboxes (new comments, now and then a post); return how many."""
        return len(self.blog.simulate_activity(events))
