"""Typed errors that the sync engine and the outbox understand."""

from __future__ import annotations

from datetime import datetime


class ConnectorError(Exception):
    """Base of every connector error; `fix` tells the user what to do, when we know."""

    retryable: bool = False

    def __init__(self, message: str, *, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class AuthExpired(ConnectorError):
    """The credentials are missing, expired or revoked: the user must log in again."""


class PermissionDenied(ConnectorError):
    """The credentials work but lack a scope or role the request needs."""


class RateLimited(ConnectorError):
    """The platform refuses requests until `until` (UTC); reschedule, never sleep."""

    retryable = True

    def __init__(self, message: str, *, until: datetime, fix: str = "") -> None:
        super().__init__(message, fix=fix)
        self.until = until


class TransientError(ConnectorError):
    """A failure worth retrying later (5xx, connection reset, timeout on a read)."""

    retryable = True


class RequestNotSent(TransientError):
    """A request that never reached the server (refused, no connection in time): safe to send again, even a write."""


class PermanentError(ConnectorError):
    """A failure that retrying will not fix (4xx, malformed request, gone)."""


class DuplicateContent(PermanentError):
    """The platform refused a write as a duplicate of an earlier one."""


class OutcomeUnknown(ConnectorError):
    """A write whose result we could not see; it may have gone out. Never resend blindly."""
