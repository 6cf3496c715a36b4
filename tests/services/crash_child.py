"""A sync that stops at a known point so the test can kill it with SIGKILL: `python -m ... DB MODE`.

MODE "between": page 1 is stored, the connector is asked for page 2 and says READY, then waits forever.
MODE "inside": page 2's transaction has started inserting its posts when the writer thread says READY and
blocks, so the kill lands inside an open write transaction.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from cockpit.services.sync import StoreWriter, SyncAccount, sync_accounts
from cockpit.store import Store
from connectors.base import Connector
from connectors.models import Page
from tests.services.conftest import FakeAccount, Script, ScriptedConnector, pages, post

PAGES = pages([post("1", "a", 0), post("2", "b", 1)], [post("3", "a", 2), post("4", "c", 3)])


def ready() -> None:
    sys.stdout.write("READY\n")
    sys.stdout.flush()


class PausingConnector(ScriptedConnector):
    """Serves page 1, then (in "between" mode) announces it is stored and never serves page 2."""

    mode = "between"
    page_one_stored = threading.Event()

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        """Yield page 1, then pause or go on as the mode says."""
        async for page in super().fetch(cursors):
            yield page
            self.page_one_stored.set()  # asked for the next page: page 1 is committed
            if self.mode == "between":
                ready()
                await asyncio.Event().wait()


async def main(db: Path, mode: str) -> None:
    PausingConnector.mode = mode

    def factory(account: SyncAccount, secret: str | None) -> Connector:
        return PausingConnector(account=account.name, base_url="", secret=secret, script=Script(pages=PAGES))

    def trace(statement: str) -> None:
        if PausingConnector.page_one_stored.is_set() and statement.lstrip().startswith("INSERT INTO posts"):
            ready()
            time.sleep(60)  # hold page 2's transaction open on the writer thread until killed

    def install_trace(store: Store) -> None:
        store.conn.set_trace_callback(trace)

    async with StoreWriter(db) as writer:
        if mode == "inside":
            await writer.call(install_trace)
        await sync_accounts(writer, [FakeAccount("acme-blog")], secrets={}, connector_factory=factory)
    sys.stdout.write("FINISHED\n")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
