"""Bringing a whole conversation in when the user opens it: the connector's thread, stored like a sync page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cockpit.services.sync import ConnectorFactory, SyncAccount, default_connector_factory
from cockpit.store import open_store
from cockpit.store.ingest import IngestResult, write_page
from connectors.errors import AuthExpired, ConnectorError, PermissionDenied, RateLimited
from connectors.models import Capability, Page


@dataclass(frozen=True)
class ThreadRefresh:
    """What opening a thread fetched: how many posts were new, or why nothing could be fetched."""

    conversation_id: int
    new_posts: int = 0
    updated_posts: int = 0
    error: str = ""
    supported: bool = True
    actionable: bool = False
    """Whether the error asks something of the user (log in, get a permission, wait); a thread gone from the
    platform (404) or a passing network fault does not, and the stored posts are still shown."""


def thread_of(db_path: Path, conversation_id: int) -> tuple[str, str] | None:
    """The account name and platform thread key of a stored conversation, or None if it is gone."""
    store = open_store(db_path, create=False)
    try:
        row = store.conn.execute(
            "SELECT a.name, c.thread_key FROM conversations c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
    finally:
        store.close()
    return (str(row[0]), str(row[1])) if row else None


async def refresh_thread(
    db_path: Path,
    conversation_id: int,
    account: SyncAccount,
    secret: str | None,
    *,
    save_secret: Callable[[str, str], None] | None = None,
    connector_factory: ConnectorFactory | None = None,
) -> ThreadRefresh:
    """Fetch every post of one conversation from its platform and store what is new or edited.

    Runs in a worker (it opens its own connection). The posts are written through `write_page` without a
    cursor, so the account's sync position never moves. Errors come back as text (secrets removed by the
    connector's typed errors), never as exceptions.
    """
    located = thread_of(db_path, conversation_id)
    if located is None:
        return ThreadRefresh(conversation_id, error="the conversation is no longer stored")
    name, thread_key = located
    connector = (connector_factory or default_connector_factory)(account, secret)
    if save_secret is not None:
        connector.on_new_secret = functools.partial(save_secret, account.name)
    try:
        if not connector.can(Capability.THREAD):
            return ThreadRefresh(conversation_id, supported=False)
        try:
            posts = await connector.fetch_thread(thread_key)
        except ConnectorError as error:
            actionable = isinstance(error, AuthExpired | PermissionDenied | RateLimited)
            return ThreadRefresh(conversation_id, error=str(error), actionable=actionable)
    finally:
        await connector.aclose()
    if not posts:
        return ThreadRefresh(conversation_id)
    store = open_store(db_path)
    try:
        store.prepare_for_bulk_writes()
        account_id = int(store.conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()[0])
        result: IngestResult = write_page(store, account_id, Page(stream=f"thread:{thread_key}", posts=posts))
    finally:
        store.close()
    return ThreadRefresh(conversation_id, new_posts=result.new_posts, updated_posts=result.updated_posts)
