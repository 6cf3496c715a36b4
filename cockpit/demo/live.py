"""The live part of the demo: loopback sandboxes of the platforms, accounts that sync from them, new activity.

Nothing here needs the internet or a config file: the sandboxes listen on 127.0.0.1 (port 0) inside the
process, and the accounts exist only while the demo runs, so reopening a demo directory later with
`cockpit --home DIR` shows the stored data without trying to reach servers that are gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.models import Post
from connectors.sandbox.blog import BlogSandbox
from connectors.sandbox.discourse import DiscourseSandbox
from connectors.sandbox.linkedin import SANDBOX_TOKEN as LINKEDIN_TOKEN
from connectors.sandbox.linkedin import LinkedInSandbox
from connectors.sandbox.x import SANDBOX_TOKEN, XSandbox

FORUM_PUBLIC_URL = "https://forum.acme.dev"
"""The address the seeded forum data uses; the forum sandbox's links and identities use it too."""


def _forum_people() -> dict[str, tuple[int, str]]:
    """The demo cast's forum usernames with the user ids and names the seeded data gives them."""
    from cockpit.demo.cast import EVERYONE
    from cockpit.demo.content import OUR_AUTHORS, author_for

    people: dict[str, tuple[int, str]] = {}
    for persona in EVERYONE:
        if persona.forum:
            author = author_for(persona, "discourse")
            people[persona.forum] = (int(author.ext_id), author.name)
    ours = OUR_AUTHORS["discourse"]
    people[ours.handle] = (int(ours.ext_id), ours.name)
    return people


def _x_people() -> dict[str, tuple[str, str]]:
    """The demo cast's X handles with the user ids and names the seeded data gives them (and ours)."""
    from cockpit.demo.cast import EVERYONE
    from cockpit.demo.content import OUR_AUTHORS, author_for

    people = {p.x: (author_for(p, "x").ext_id, p.name) for p in EVERYONE if p.x}
    ours = OUR_AUTHORS["x"]
    people[ours.handle] = (ours.ext_id, ours.name)
    return people


@dataclass(frozen=True)
class DemoAccount:
    """An account of the running demo, shaped as the sync engine expects (`SyncAccount`)."""

    name: str
    platform: str
    base_url: str | None
    options: Mapping[str, Any] = field(default_factory=dict)


class LiveDemo:
    """Starts the demo's sandbox servers and keeps new posts and comments arriving on them."""

    def __init__(
        self, *, now: datetime | None = None, seed: int = 7, content_seed: int | None = None
    ) -> None:
        self.blog = BlogSandbox(now=now, seed=seed)
        self.forum = DiscourseSandbox(now=now, seed=seed, known_users=_forum_people())
        self.x = XSandbox(now=now, seed=seed, known_users=_x_people())
        self.linkedin = LinkedInSandbox(now=now)
        self._started = False
        self._turn = 0
        self.loaded = self._load_seeded(now, content_seed)
        """How many seeded posts each sandbox holds, by account name."""

    def _load_seeded(self, now: datetime | None, content_seed: int | None) -> dict[str, int]:
        """Put the seeded conversations on the X, LinkedIn and forum sandboxes, under the ids the seed gave them.

        Replies, likes and thread reads on a seeded conversation then reach a post the sandbox knows. The blog
        threads stay off: their ids are public https addresses that a loopback blog cannot answer for.
        """
        from cockpit.demo.content import DEFAULT_SEED, build_threads

        moment = now or datetime.now(UTC)
        posts: dict[str, list[Post]] = {"acme-x": [], "acme-linkedin": [], "forum": []}
        for thread in build_threads(DEFAULT_SEED if content_seed is None else content_seed):
            if thread.account in posts:
                posts[thread.account] += thread.to_posts(moment)
        return {
            "acme-x": self.x.load_posts(posts["acme-x"]),
            "acme-linkedin": self.linkedin.load_posts(posts["acme-linkedin"]),
            "forum": self.forum.load_posts(posts["forum"]),
        }

    def start(self) -> LiveDemo:
        """Start every sandbox server."""
        self.blog.start()
        self.forum.start()
        self.x.start()
        self.linkedin.start()
        self._started = True
        return self

    def stop(self) -> None:
        """Stop every sandbox server."""
        if self._started:
            self.blog.stop()
            self.forum.stop()
            self.x.stop()
            self.linkedin.stop()
            self._started = False

    def __enter__(self) -> LiveDemo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def accounts(self) -> list[DemoAccount]:
        """The accounts that sync from the sandboxes: `blogs`, `forum`, `acme-x`, `acme-linkedin` (as in the seeded data)."""
        settings = self.blog.account_settings()
        forum = self.forum.account_settings()
        x = self.x.account_settings()
        return [
            DemoAccount(
                name="blogs",
                platform=str(settings["platform"]),
                base_url=str(settings["base_url"]),
                options=dict(settings["options"]),
            ),
            DemoAccount(
                name="forum",
                platform=str(forum["platform"]),
                base_url=str(forum["base_url"]),
                options={**forum["options"], "public_url": FORUM_PUBLIC_URL},
            ),
            DemoAccount(name="acme-x", platform="x", base_url=str(x["base_url"]), options=dict(x["options"])),
            DemoAccount(
                name="acme-linkedin",
                platform="linkedin",
                base_url=self.linkedin.url,
                options=dict(self.linkedin.account_settings()["options"]),
            ),
        ]

    def secrets(self) -> dict[str, str | None]:
        """Each demo account's secret (sandbox-only credentials, never stored anywhere)."""
        return {
            "blogs": str(self.blog.account_settings()["secret"]),
            "forum": str(self.forum.account_settings()["secret"]),
            "acme-x": SANDBOX_TOKEN,
            "acme-linkedin": LINKEDIN_TOKEN,
        }

    def tick(self, events: int = 1) -> int:
        """Make `events` things happen, taking turns between the blogs, the forum, X and LinkedIn; return how many."""
        made = 0
        sandboxes: tuple[BlogSandbox | DiscourseSandbox | XSandbox | LinkedInSandbox, ...] = (
            self.blog,
            self.forum,
            self.x,
            self.linkedin,
        )
        for _ in range(events):
            sandbox = sandboxes[self._turn % len(sandboxes)]
            self._turn += 1
            made += len(sandbox.simulate_activity(1))
        return made
