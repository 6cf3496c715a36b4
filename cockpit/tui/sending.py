"""Sending the outbox inside the TUI: one pass of due replies in a worker thread, and how to say what happened.

A pass runs in a thread worker with its own asyncio loop and SQLite connections (like a sync round), with the
accounts and secrets the app syncs with (`SyncSetup`). The first pass of a session reconciles first: replies
left "sending" by a process that died become "unknown" and are looked for on their platform.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cockpit.services.outbox import SendResult
    from cockpit.tui.syncing import SyncSetup


class RepliesSent(Message):
    """A send pass finished; `results` says what happened to each reply it touched."""

    def __init__(self, results: Sequence[SendResult], error: str = "") -> None:
        super().__init__()
        self.results = list(results)
        self.error = error
        """Why the pass could not run at all (empty when it ran)."""


class LazySecrets(Mapping[str, "str | None"]):
    """Account secrets looked up on first use only (a pass with nothing to send asks the keyring nothing)."""

    def __init__(self, lookup: Callable[[str], str | None], names: Sequence[str]) -> None:
        self._lookup = lookup
        self._names = list(names)
        self._found: dict[str, str | None] = {}

    def __getitem__(self, name: str) -> str | None:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._found:
            self._found[name] = self._lookup(name)
        return self._found[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def run_send_pass(db_path: Path, setup: SyncSetup, *, reconcile_first: bool) -> list[SendResult]:
    """Reconcile (when asked) and send every due reply; runs in a worker thread."""
    from cockpit.services import outbox

    accounts = list(setup.accounts)
    secrets = LazySecrets(setup.secret, [account.name for account in accounts])

    async def run() -> list[SendResult]:
        results: list[SendResult] = []
        if reconcile_first:
            results.extend(
                await outbox.reconcile(db_path, accounts, secrets=secrets, save_secret=setup.save_secret)
            )
        results.extend(
            await outbox.send_due(db_path, accounts, secrets=secrets, save_secret=setup.save_secret)
        )
        return results

    return asyncio.run(run())


def summary(results: Sequence[SendResult]) -> tuple[str, str]:
    """Status-bar text and level for a pass: "sent 2", "failed 1: why", or "" when nothing happened."""
    from cockpit.services.outbox import OutboxState

    sent = [r for r in results if r.state is OutboxState.SENT]
    failed = [r for r in results if r.state is OutboxState.FAILED]
    unknown = [r for r in results if r.state is OutboxState.UNKNOWN]
    parts = []
    if sent:
        parts.append(f"✓ sent {len(sent)}")
    if failed:
        parts.append(f"✗ failed {len(failed)}: {failed[-1].message}")
    if unknown:
        parts.append(f"? {len(unknown)} unknown: check the Outbox (O)")
    level = "error" if failed else "warning" if unknown else "info"
    return " · ".join(parts), level
