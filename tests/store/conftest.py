"""Helpers for building small, deterministic stores on disk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.store import Store, open_store
from connectors.models import Author, Post

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def author(n: int, platform: str = "x", host: str = "") -> Author:
    """An author with a stable id."""
    return Author(platform=platform, host=host, ext_id=f"u{n}", handle=f"user{n}", name=f"User Number {n}")


def post(
    ext_id: str,
    thread: str,
    minutes: int,
    *,
    who: int = 1,
    text: str | None = None,
    reply_to: str | None = None,
    platform: str = "x",
) -> Post:
    """A post `minutes` after T0."""
    return Post(
        ext_id=ext_id,
        thread_key=thread,
        author=author(who, platform),
        text=text if text is not None else f"post {ext_id} in {thread}",
        created_at=T0 + timedelta(minutes=minutes),
        in_reply_to=reply_to,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store on disk."""
    opened = open_store(tmp_path / "cockpit.db")
    yield opened
    opened.close()
