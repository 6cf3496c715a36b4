"""Filling a demo data directory through the same write path sync uses (`write_page`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cockpit.demo.cast import RECURRING
from cockpit.demo.content import ACCOUNTS, DEFAULT_SEED, build_threads
from cockpit.demo.people import seed_people
from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account, write_page
from connectors.models import Page

DEMO_STREAM = "demo"
"""The sync stream demo pages are written under (no cursor is stored)."""


class DemoError(Exception):
    """The directory cannot hold demo data (it holds something else)."""


@dataclass(frozen=True)
class AccountSummary:
    """What one demo account holds."""

    name: str
    platform: str
    conversations: int
    posts: int


@dataclass(frozen=True)
class DemoSummary:
    """What a demo directory holds after seeding, and what this run added."""

    home: Path
    accounts: tuple[AccountSummary, ...]
    new_posts: int
    stakeholders: tuple[str, ...] = field(default=())

    @property
    def conversations(self) -> int:
        """Conversations across all demo accounts."""
        return sum(account.conversations for account in self.accounts)

    @property
    def posts(self) -> int:
        """Posts across all demo accounts."""
        return sum(account.posts for account in self.accounts)

    def describe(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"Demo data in {self.home}: {len(self.accounts)} accounts, {self.conversations:,} conversations, "
            f"{self.posts:,} posts ({self.new_posts:,} new)."
        ]
        for account in self.accounts:
            lines.append(
                f"  {account.name:<14} {account.platform:<10} {account.conversations:>4} conversations "
                f"{account.posts:>5} posts"
            )
        lines.append(f"People who turn up on several platforms: {', '.join(self.stakeholders)}.")
        return "\n".join(lines)


def check_home(home: Path) -> None:
    """Refuse a directory that holds anything but nothing or an earlier demo."""
    if not home.exists():
        return
    if not home.is_dir():
        raise DemoError(f"{home} is not a directory: choose a new or empty directory for the demo")
    database = db_path(home)
    if not database.exists():
        if any(home.iterdir()):
            raise DemoError(f"{home} is not empty and holds no cockpit data: choose a new or empty directory")
        return
    store = open_store(database, create=False)
    try:
        names = {row[0] for row in store.conn.execute("SELECT name FROM accounts")}
    finally:
        store.close()
    foreign = names - {account.name for account in ACCOUNTS}
    if foreign:
        raise DemoError(
            f"{home} holds real accounts ({', '.join(sorted(foreign))}), not a demo: "
            "choose a new or empty directory for the demo"
        )


def seed(home: Path, now: datetime | None = None, *, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Create or top up the demo data in `home`, with dates relative to `now`; running it twice adds nothing."""
    moment = now or datetime.now(UTC)
    check_home(home)
    store = open_store(db_path(home))
    try:
        threads = build_threads(seed)
        new_posts = 0
        for account in ACCOUNTS:
            account_id = ensure_account(store, account.name, account.platform, account.handle)
            posts = [
                post
                for thread in threads
                if thread.account == account.name
                for post in thread.to_posts(moment)
            ]
            page = Page(stream=DEMO_STREAM, posts=posts)
            new_posts += write_page(store, account_id, page, own_handles=account.own_handles).new_posts
        seed_people(store, moment)
        summaries = []
        for account in ACCOUNTS:
            row = store.conn.execute(
                """
                SELECT a.platform,
                       (SELECT count(*) FROM conversations c WHERE c.account_id = a.id),
                       (SELECT count(*) FROM posts p WHERE p.account_id = a.id)
                FROM accounts a WHERE a.name = ?
                """,
                (account.name,),
            ).fetchone()
            summaries.append(AccountSummary(account.name, row[0], int(row[1]), int(row[2])))
    finally:
        store.close()
    return DemoSummary(
        home=home,
        accounts=tuple(summaries),
        new_posts=new_posts,
        stakeholders=tuple(person.name for person in RECURRING),
    )
