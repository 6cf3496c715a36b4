"""Per-account sync status (last and next sync, rate limit, last error) and per-stream HTTP validators.

`last_sync_at` is when the last sync attempt ended, whatever its outcome; `last_error` is empty when that attempt
succeeded. `next_sync_at` is when the engine plans the next attempt (the interval, a backoff after a failure, or
the end of a rate limit); `rate_limited_until` is set only while a platform asked us to wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cockpit.store.db import Store


def _from_ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), tz=UTC)


def to_ts(value: datetime) -> int:
    """Return an aware datetime as integer Unix seconds (how the store keeps times)."""
    return int(value.timestamp())


@dataclass(frozen=True)
class AccountStatus:
    """What the store knows about one account's syncing, for the scheduler and the status bar."""

    account_id: int
    name: str
    platform: str
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    rate_limited_until: datetime | None
    last_error: str

    @property
    def failing(self) -> bool:
        """Whether the last attempt ended in an error."""
        return bool(self.last_error)


@dataclass(frozen=True)
class StreamValidators:
    """The conditional-GET validators stored with one stream's cursor."""

    etag: str | None
    last_modified: str | None


_STATUS_COLUMNS = "id, name, platform, last_sync_at, next_sync_at, rate_limited_until, last_error"


def _status(row: tuple[int, str, str, int | None, int | None, int | None, str]) -> AccountStatus:
    return AccountStatus(
        account_id=int(row[0]),
        name=row[1],
        platform=row[2],
        last_sync_at=_from_ts(row[3]),
        next_sync_at=_from_ts(row[4]),
        rate_limited_until=_from_ts(row[5]),
        last_error=row[6] or "",
    )


def read_statuses(store: Store) -> dict[str, AccountStatus]:
    """Return the sync status of every account the store knows, by account name."""
    rows = store.conn.execute(f"SELECT {_STATUS_COLUMNS} FROM accounts ORDER BY name")
    return {row[1]: _status(row) for row in rows}


def read_status(store: Store, account_id: int) -> AccountStatus | None:
    """Return one account's sync status, or None when there is no such account."""
    row = store.conn.execute(f"SELECT {_STATUS_COLUMNS} FROM accounts WHERE id = ?", (account_id,)).fetchone()
    return None if row is None else _status(row)


def record_sync(
    store: Store,
    account_id: int,
    *,
    finished_at: datetime,
    next_sync_at: datetime,
    rate_limited_until: datetime | None = None,
    error: str = "",
) -> None:
    """Store the outcome of one sync attempt (an empty `error` means it succeeded)."""
    with store.write() as conn:
        conn.execute(
            """
            UPDATE accounts SET last_sync_at = ?, next_sync_at = ?, rate_limited_until = ?, last_error = ?
            WHERE id = ?
            """,
            (
                to_ts(finished_at),
                to_ts(next_sync_at),
                None if rate_limited_until is None else to_ts(rate_limited_until),
                error,
                account_id,
            ),
        )


def read_validators(store: Store, account_id: int) -> dict[str, StreamValidators]:
    """Return the ETag and Last-Modified stored for each stream of one account."""
    rows = store.conn.execute(
        """
        SELECT stream, etag, last_modified FROM sync_state
        WHERE account_id = ? AND (etag IS NOT NULL OR last_modified IS NOT NULL)
        """,
        (account_id,),
    )
    return {stream: StreamValidators(etag, last_modified) for stream, etag, last_modified in rows}
