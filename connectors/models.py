"""Normalised shapes every connector yields and accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _as_utc(value: datetime) -> datetime:
    """Return an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Capability(StrEnum):
    """What a connector can do beyond reading."""

    REPLY = "reply"
    LIKE = "like"
    SEARCH = "search"
    THREAD = "thread"
    NATIVE_SCHEDULE = "native_schedule"
    IDEMPOTENT_WRITES = "idempotent_writes"


Direction = Literal["in", "out"]
Source = Literal["mention", "reply", "search", "feed", "notification", "watch", "own"]


class Author(BaseModel):
    """A person or organisation as one platform shows them."""

    model_config = ConfigDict(frozen=True)

    platform: str
    host: str = ""
    """Where the handle is scoped (a forum's or blog's host); empty for global platforms like X."""
    ext_id: str
    """The platform's stable id for the author; the handle where the platform has none."""
    handle: str
    name: str = ""
    bio: str = ""
    url: str = ""
    reach: int | None = None
    """Audience size the platform reports (followers), when known."""
    extra: dict[str, Any] = Field(default_factory=dict)


class Post(BaseModel):
    """One post, comment or reply, normalised."""

    model_config = ConfigDict(frozen=True)

    ext_id: str
    thread_key: str
    """Groups posts into a conversation within one account (X conversation_id, topic id, post URL)."""
    author: Author
    text: str
    created_at: datetime
    url: str = ""
    title: str = ""
    in_reply_to: str | None = None
    """The ext_id of the post this one answers, when known."""
    direction: Direction = "in"
    source: Source = "mention"
    thread_title: str = ""
    thread_url: str = ""
    edited_at: datetime | None = None
    deleted: bool = False
    metrics: dict[str, int] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)

    @field_validator("created_at", "edited_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)


StreamErrorKind = Literal["auth_expired", "permission_denied", "rate_limited", "transient", "permanent"]


class StreamError(BaseModel):
    """Why one stream of a fetch (one feed of a blog account, say) could not be read; the others go on."""

    model_config = ConfigDict(frozen=True)

    kind: StreamErrorKind
    message: str
    fix: str = ""
    until: datetime | None = None
    """For `rate_limited`: when the stream may be asked again."""

    @classmethod
    def from_exception(cls, error: Exception) -> StreamError:
        """Describe a connector error (anything else counts as transient) for a `Page`."""
        from connectors import errors

        kinds: list[tuple[type[Exception], StreamErrorKind]] = [
            (errors.AuthExpired, "auth_expired"),
            (errors.PermissionDenied, "permission_denied"),
            (errors.RateLimited, "rate_limited"),
            (errors.PermanentError, "permanent"),
        ]
        kind: StreamErrorKind = next((k for t, k in kinds if isinstance(error, t)), "transient")
        if isinstance(error, errors.ConnectorError):
            return cls(kind=kind, message=error.message, fix=error.fix, until=getattr(error, "until", None))
        return cls(kind=kind, message=f"unexpected {type(error).__name__}")

    def to_exception(self) -> Exception:
        """Rebuild the typed `connectors.errors` error this describes."""
        from connectors import errors

        if self.kind == "rate_limited":
            return errors.RateLimited(self.message, until=self.until or datetime.now(UTC), fix=self.fix)
        error_type: type[errors.ConnectorError] = {
            "auth_expired": errors.AuthExpired,
            "permission_denied": errors.PermissionDenied,
            "permanent": errors.PermanentError,
        }.get(self.kind, errors.TransientError)
        return error_type(self.message, fix=self.fix)

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class Page(BaseModel):
    """One page of a fetch: posts to store and the cursor to store with them, atomically."""

    model_config = ConfigDict(frozen=True)

    stream: str = "default"
    """Which incremental stream this page belongs to (mentions, a search, one feed...)."""
    posts: list[Post] = Field(default_factory=list)
    cursor: str | None = None
    """The stream's cursor once this page is stored; None leaves the stored cursor as it is."""
    deleted_ext_ids: list[str] = Field(default_factory=list)
    """Posts the platform reports as deleted."""
    etag: str | None = None
    last_modified: str | None = None
    error: StreamError | None = None
    """Set when (part of) this stream could not be read. With `cursor` None nothing of the stream was
    read; with a cursor, the posts and cursor are still good to store and the error is worth showing."""


class ReplyTarget(BaseModel):
    """What a reply answers: a thread and, optionally, one post in it."""

    model_config = ConfigDict(frozen=True)

    thread_key: str
    ext_id: str | None = None
    url: str = ""
    extra: dict[str, Any] = Field(default_factory=dict)


class PostRef(BaseModel):
    """The platform's reference to a post we created."""

    model_config = ConfigDict(frozen=True)

    ext_id: str
    url: str = ""
