"""The sync engine: fetch every account concurrently and store each page with its cursor, atomically.

Each account runs in its own task with its own connector (and so its own `httpx.AsyncClient`) under a time
budget; whatever one account does (hang, fail, get rate limited) ends up in that account's `AccountResult` and
never delays or stops the others. All SQLite work runs on one dedicated writer thread that owns its own
connection (`StoreWriter`), so the event loop never blocks on the database. A page and its cursor are stored in
one transaction before the next page is requested: a crash never advances a cursor past data it did not store.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar
from urllib.parse import quote, quote_plus

from cockpit.services.scheduler import plan_sync, retry_after_failure
from cockpit.store.db import Store, open_store
from cockpit.store.ingest import IngestResult, ensure_account, read_cursors, write_page
from cockpit.store.sync_state import AccountStatus, read_status, read_statuses, record_sync
from connectors.base import Connector
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermissionDenied,
    RateLimited,
    TransientError,
)
from connectors.models import Page

if TYPE_CHECKING:
    from cockpit.rules_config import Rule
    from cockpit.services.rules import RuleSet

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = timedelta(seconds=300)
"""Time between syncs of one account when the settings say nothing."""

DEFAULT_TIMEOUT = 120.0
"""Seconds one account may take to sync before it is stopped (its stored pages stay)."""

CLOSE_TIMEOUT = 5.0
"""Seconds a connector may take to release its connections."""

MAX_MESSAGE_LENGTH = 400

Outcome = Literal[
    "ok", "rate_limited", "auth_expired", "permission_denied", "transient", "timeout", "permanent", "error"
]
"""How one account's sync ended: ok, rescheduled by a rate limit, or one kind of failure."""

P = ParamSpec("P")
T = TypeVar("T")


class SyncAccount(Protocol):
    """What the engine needs to know of an account (`cockpit.config.Account` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def platform(self) -> str: ...

    @property
    def base_url(self) -> str | None: ...

    @property
    def options(self) -> Mapping[str, Any]: ...


ConnectorFactory = Callable[[SyncAccount, "str | None"], Connector]
"""Builds the connector for one account from the account and its secret."""


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def account_base_url(account: SyncAccount) -> str:
    """The API base URL a connector gets: the config's effective URL when it has one, else `base_url`."""
    effective = getattr(account, "effective_base_url", None)
    if isinstance(effective, str) and effective:
        return effective
    return account.base_url or ""


def default_connector_factory(account: SyncAccount, secret: str | None) -> Connector:
    """Build the registered connector for the account's platform."""
    from connectors.registry import connector_class

    cls = connector_class(account.platform)
    return cls(
        account=account.name, base_url=account_base_url(account), secret=secret, options=account.options
    )


# --- the writer thread -------------------------------------------------------------------------------


class StoreWriter:
    """The process's SQLite writer: one thread that owns one Store connection; `await call(fn, ...)`.

    Open one per process (the TUI and the daemon keep theirs for their lifetime) and close it at the end.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cockpit-store-writer")
        self._store: Store | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"StoreWriter({str(self.path)!r})"

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        if self._store is None:
            self._store = open_store(self.path)
        return fn(self._store, *args, **kwargs)

    async def call(self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(store, *args, **kwargs)` on the writer thread and return its result."""
        if self._closed:
            raise RuntimeError("this StoreWriter is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self._run, fn, args, kwargs))

    def close(self) -> None:
        """Finish pending work, close the connection on its own thread and stop the thread."""
        if self._closed:
            return
        self._closed = True

        def close_store() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._executor.submit(close_store).result()
        self._executor.shutdown(wait=True)

    async def aclose(self) -> None:
        """Close without blocking the event loop."""
        await asyncio.to_thread(self.close)

    async def __aenter__(self) -> StoreWriter:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountResult:
    """How one account's sync went: its counts, and a one-line message naming what to do when it failed."""

    account: str
    outcome: Outcome
    message: str = ""
    new_posts: int = 0
    new_conversations: int = 0
    updated_posts: int = 0
    deleted_posts: int = 0
    reopened_conversations: int = 0
    conversation_ids: frozenset[int] = frozenset()
    next_sync_at: datetime | None = None
    note: str = ""
    """The connector's own word on the account after the sync (e.g. X's remaining request budget)."""

    @property
    def ok(self) -> bool:
        """Whether the account synced completely."""
        return self.outcome == "ok"

    @property
    def failed(self) -> bool:
        """Whether the sync failed (a rate limit is a reschedule, not a failure)."""
        return self.outcome not in ("ok", "rate_limited")

    @property
    def label(self) -> str:
        """One word for the outcome: ok, waiting (rate limited) or error."""
        return {"ok": "ok", "rate_limited": "waiting"}.get(self.outcome, "error")

    def counts(self) -> str:
        """What was stored, e.g. "12 new posts, 3 new conversations", or "nothing new"."""
        parts = []
        for count, singular, plural in (
            (self.new_posts, "new post", "new posts"),
            (self.new_conversations, "new conversation", "new conversations"),
            (self.updated_posts, "edited post", "edited posts"),
            (self.deleted_posts, "deleted post", "deleted posts"),
            (self.reopened_conversations, "reopened conversation", "reopened conversations"),
        ):
            if count:
                parts.append(f"{count} {singular if count == 1 else plural}")
        return ", ".join(parts) or "nothing new"

    def summary(self) -> str:
        """The counts when the sync went well, else the message (with what was stored before it stopped)."""
        if self.ok:
            return self.counts()
        if self.new_posts or self.updated_posts or self.deleted_posts:
            return f"{self.message} ({self.counts()} stored)"
        return self.message


def format_result(result: AccountResult, *, name_width: int = 0, label_width: int = 0) -> str:
    """One line for an account: its name, ok/waiting/error and the summary, padded to the given widths."""
    note = f" ({result.note})" if result.note else ""
    return f"{result.account:<{name_width}}  {result.label:<{label_width}}  {result.summary()}{note}"


# --- messages ----------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


class _Redactor:
    """Removes an account's secret (and the pieces of a JSON token set) from text, and makes it inert."""

    def __init__(self, secret: str | None) -> None:
        needles: set[str] = set()
        if secret:
            needles |= {secret, quote(secret, safe=""), quote_plus(secret)}
            try:
                parsed = json.loads(secret)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                needles |= {str(v) for v in parsed.values() if isinstance(v, str | int) and len(str(v)) >= 6}
        self._needles = sorted((n for n in needles if n), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for needle in self._needles:
            text = text.replace(needle, "***")
        text = _ANSI.sub("", text)
        text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
        text = " ".join(text.split())
        if len(text) > MAX_MESSAGE_LENGTH:
            text = text[: MAX_MESSAGE_LENGTH - 1] + "…"
        return text


def _when(moment: datetime, now: datetime) -> str:
    """A moment in UTC, with the date only when it is not today."""
    moment = moment.astimezone(UTC)
    if moment.date() == now.astimezone(UTC).date():
        return f"{moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _error_text(error: BaseException, account: str) -> str:
    text = str(error) or type(error).__name__
    prefix = f"{account}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


# --- the engine --------------------------------------------------------------------------------------


@dataclass
class _Run:
    """The settings of one call of `sync_accounts`, shared by its account tasks."""

    writer: StoreWriter
    secrets: Mapping[str, str | None]
    now: Callable[[], datetime]
    interval: timedelta
    timeout: float
    connector_factory: ConnectorFactory
    on_result: Callable[[AccountResult], None] | None
    save_secret: Callable[[str, str], None] | None = None
    rules: RuleSet | None = None


async def sync_accounts(
    store: Path | str | StoreWriter,
    accounts: Sequence[SyncAccount],
    *,
    secrets: Mapping[str, str | None],
    now: Callable[[], datetime] = utc_now,
    interval: timedelta = DEFAULT_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    connector_factory: ConnectorFactory | None = None,
    on_result: Callable[[AccountResult], None] | None = None,
    save_secret: Callable[[str, str], None] | None = None,
    outreach_limit: int | None = None,
    rules: Sequence[Rule] = (),
) -> list[AccountResult]:
    """Sync `accounts` concurrently into the store (a database path or the process's writer).

    Returns one result per account, in the order given; `on_result` is called as each account finishes.
    `connector_factory` defaults to the registered connector of each account's platform.
    `save_secret(account, secret)` stores a secret a connector rotated (a refreshed OAuth token set) before the
    connector uses it; without it, connectors that must rotate to go on report that a new login is needed.
    Accounts still inside a platform's rate limit are not contacted. Never raises for an account's failure.
    After the round, the people upkeep runs (`services.signals.people_upkeep`): new log entries are
    attributed, stored signals refreshed, and up to `outreach_limit` outreach items a day planned (None: none).
    """
    writer = store if isinstance(store, StoreWriter) else StoreWriter(store)
    factory = connector_factory or default_connector_factory
    run = _Run(writer, secrets, now, interval, timeout, factory, on_result, save_secret)
    if rules:  # `rules`: config.toml's [[rules]], applied to new inbound posts inside each page's transaction
        from cockpit.services.rules import RuleSet

        run.rules = RuleSet(rules) or None
    try:
        results = list(await asyncio.gather(*(_sync_one(run, account) for account in accounts)))
        await _people_upkeep(writer, now(), outreach_limit)
        return results
    finally:
        if writer is not store:
            await writer.aclose()


async def _people_upkeep(writer: StoreWriter, moment: datetime, outreach_limit: int | None) -> None:
    """Keep people's signals and outreach items up to date after a round; a failure is logged, never raised."""
    from cockpit.services.signals import people_upkeep

    try:
        await writer.call(people_upkeep, moment, daily_limit=outreach_limit)
    except Exception as error:
        log.warning("the people upkeep after a sync round failed: %s", repr(error)[:500])


async def _sync_one(run: _Run, account: SyncAccount) -> AccountResult:
    redact = _Redactor(run.secrets.get(account.name))
    try:
        result = await _sync_account(run, account, redact)
    except Exception as error:  # the store itself failed (disk full, locked too long): report, go on
        log.warning("syncing %s failed in the store: %s", account.name, redact(repr(error)))
        result = AccountResult(
            account.name,
            "error",
            redact(f"could not store what was fetched: {type(error).__name__}: {error}"),
        )
    if run.on_result is not None:
        try:
            run.on_result(result)
        except Exception as error:  # a failing listener must not cost the other accounts their results
            log.warning("the sync listener failed for %s: %s", account.name, redact(repr(error)))
    return result


def _prepare(store: Store, name: str, platform: str) -> tuple[int, AccountStatus | None, dict[str, str]]:
    """The account's row id (created on first sync), its last status and its stored cursors."""
    account_id = ensure_account(store, name, platform)
    return account_id, read_status(store, account_id), read_cursors(store, account_id)


async def _sync_account(run: _Run, account: SyncAccount, redact: _Redactor) -> AccountResult:
    writer = run.writer
    account_id, previous, cursors = await writer.call(_prepare, account.name, account.platform)
    started = run.now()
    limited = previous.rate_limited_until if previous is not None else None
    if limited is not None and limited > started:
        return AccountResult(
            account.name,
            "rate_limited",
            f"rate limited until {_when(limited, started)}; will retry then",
            next_sync_at=limited,
        )

    totals = IngestResult()
    notes: list[str] = []
    outcome, message, until = await _fetch_and_store(run, account, account_id, cursors, totals, redact, notes)
    finished = run.now()
    if outcome == "ok":
        next_at = finished + run.interval
    elif outcome == "rate_limited" and until is not None:
        next_at = max(until, finished)
        message = f"rate limited until {_when(next_at, finished)}; will retry then"
    elif outcome in ("auth_expired", "permission_denied"):
        next_at = finished + run.interval
    else:
        next_at = retry_after_failure(previous, now=finished, interval=run.interval)
        if outcome in ("transient", "timeout"):
            message = f"{message}; will retry at {_when(next_at, finished)}"
    message = redact(message)
    await writer.call(
        record_sync,
        account_id,
        finished_at=finished,
        next_sync_at=next_at,
        rate_limited_until=next_at if outcome == "rate_limited" else None,
        error=message if outcome != "ok" else "",
    )
    return AccountResult(
        account.name,
        outcome,
        message,
        new_posts=totals.new_posts,
        new_conversations=totals.new_conversations,
        updated_posts=totals.updated_posts,
        deleted_posts=totals.deleted_posts,
        reopened_conversations=totals.reopened_conversations,
        conversation_ids=frozenset(totals.conversation_ids),
        next_sync_at=next_at,
        note=" ".join(note for note in notes if note),
    )


_Failure = tuple[Outcome, str, "datetime | None"]

_SEVERITY: dict[Outcome, int] = {
    "auth_expired": 0,
    "permission_denied": 1,
    "permanent": 2,
    "error": 3,
    "timeout": 4,
    "transient": 5,
    "rate_limited": 6,
}


def _classify(error: BaseException, name: str) -> _Failure:
    """Map a typed connector error to an outcome, a message and (for rate limits) when to come back."""
    if isinstance(error, AuthExpired):
        return (
            "auth_expired",
            f"token for {name} expired or missing: run `cockpit accounts login {name}`",
            None,
        )
    if isinstance(error, RateLimited):
        return "rate_limited", _error_text(error, name), error.until
    if isinstance(error, PermissionDenied):
        return "permission_denied", _error_text(error, name), None
    if isinstance(error, TransientError):
        return "transient", _error_text(error, name), None
    if isinstance(error, ConnectorError):
        return "permanent", _error_text(error, name), None
    return "error", f"unexpected error: {type(error).__name__}: {error} (please report this)", None


def _worst(failures: Sequence[_Failure]) -> _Failure:
    """The failure that matters most for the account; rate limits wait for the latest of their ends."""
    outcome, message, _ = min(failures, key=lambda failure: _SEVERITY[failure[0]])
    if len(failures) > 1:
        message = f"{message} (and {len(failures) - 1} more problem{'s' if len(failures) > 2 else ''})"
    untils = [until for kind, _, until in failures if kind == "rate_limited" and until is not None]
    return outcome, message, max(untils) if outcome == "rate_limited" and untils else None


def _has_data(page: Page) -> bool:
    return bool(
        page.posts or page.deleted_ext_ids or page.cursor is not None or page.etag or page.last_modified
    )


async def _fetch_and_store(
    run: _Run,
    account: SyncAccount,
    account_id: int,
    cursors: dict[str, str],
    totals: IngestResult,
    redact: _Redactor,
    notes: list[str],
) -> _Failure:
    """Fetch page after page, storing each before asking for the next; map what went wrong to an outcome.

    A page may carry one stream's error (that stream failed, the others went on): its data is stored and
    the error becomes the account's outcome once every stream is done.
    """
    name = account.name
    connector: Connector | None = None
    pages: AsyncIterator[Page] | None = None
    stream_failures: list[_Failure] = []
    budget = asyncio.timeout(run.timeout)
    try:
        async with budget:
            connector = run.connector_factory(account, run.secrets.get(name))
            if run.save_secret is not None:
                connector.on_new_secret = functools.partial(run.save_secret, name)
            pages = aiter(connector.fetch(cursors))
            async for page in pages:
                if _has_data(page):
                    hook = run.rules.hook(name) if run.rules is not None else None
                    totals.add(await run.writer.call(write_page, account_id, page, on_new_posts=hook))
                if page.error is not None:
                    stream_failures.append(_classify(page.error.to_exception(), name))
        return _worst(stream_failures) if stream_failures else ("ok", "", None)
    except TimeoutError:
        if budget.expired():
            return _worst([("timeout", f"no answer within {run.timeout:g} s", None), *stream_failures])
        return _worst([("transient", "timed out", None), *stream_failures])
    except Exception as error:  # a bug or hostile data in one connector must not stop the others
        if connector is None:
            log.warning("no connector for %s: %s", name, redact(repr(error)))
            message = f"cannot sync platform {account.platform!r}: {type(error).__name__}: {error}"
            return "permanent", message, None
        if not isinstance(error, ConnectorError):
            log.warning("syncing %s failed: %s", name, redact(repr(error)))
        return _worst([_classify(error, name), *stream_failures])
    finally:
        if connector is not None:
            notes.append(redact(_safe_note(connector)))
        await _close(name, pages, connector, redact)


def _safe_note(connector: Connector) -> str:
    try:
        return connector.status_note()
    except Exception:  # a note is a nicety: it never fails a sync
        return ""


async def _close(
    name: str, pages: AsyncIterator[Any] | None, connector: Connector | None, redact: _Redactor
) -> None:
    """Close the page iterator (running its clean-up) and the connector, briefly and quietly."""
    closers: list[Callable[[], Awaitable[object]]] = []
    page_close = getattr(pages, "aclose", None)
    if callable(page_close):
        closers.append(page_close)
    if connector is not None:
        closers.append(connector.aclose)
    for closer in closers:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await closer()
        except Exception as error:
            log.debug("closing %s's connector failed: %s", name, redact(repr(error)))


# --- the loop ----------------------------------------------------------------------------------------


async def sync_forever(
    store: Path | str | StoreWriter,
    accounts: Sequence[SyncAccount],
    *,
    secrets: Mapping[str, str | None],
    stop: asyncio.Event,
    now: Callable[[], datetime] = utc_now,
    interval: timedelta = DEFAULT_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    connector_factory: ConnectorFactory | None = None,
    on_result: Callable[[AccountResult], None] | None = None,
    wait: Callable[[float], Awaitable[None]] | None = None,
    save_secret: Callable[[str, str], None] | None = None,
    outreach_limit: int | None = None,
    rules: Sequence[Rule] = (),
) -> int:
    """Sync each account whenever it is due until `stop` is set; return the number of rounds run.

    `wait(seconds)` sleeps between rounds (by default: until the time passes or `stop` is set).
    """

    async def wait_or_stop(seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await stop.wait()
        except TimeoutError:
            pass

    pause = wait or wait_or_stop
    writer = store if isinstance(store, StoreWriter) else StoreWriter(store)
    rounds = 0
    try:
        while not stop.is_set():
            statuses: dict[str, AccountStatus] = await writer.call(read_statuses)
            plan = plan_sync(accounts, statuses, now=now(), interval=interval)
            if plan.due:
                rounds += 1
                await sync_accounts(
                    writer,
                    plan.due,
                    secrets=secrets,
                    now=now,
                    interval=interval,
                    timeout=timeout,
                    connector_factory=connector_factory,
                    on_result=on_result,
                    save_secret=save_secret,
                    outreach_limit=outreach_limit,
                    rules=rules,
                )
                statuses = await writer.call(read_statuses)
                plan = plan_sync(accounts, statuses, now=now(), interval=interval)
            if stop.is_set():
                break
            next_at = plan.next_due_at
            seconds = interval.total_seconds() if next_at is None else (next_at - now()).total_seconds()
            await pause(max(1.0, seconds))
    finally:
        if writer is not store:
            await writer.aclose()
    return rounds
