"""Fixtures that start loopback sandboxes for the connector tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from connectors.feed import FeedConnector
from connectors.http import HttpClient, RetryPolicy
from connectors.sandbox.blog import APP_PASSWORD, APP_USER, BlogSandbox

FIXED_NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def blog_sandbox() -> Iterator[BlogSandbox]:
    """A running blog sandbox (four blogs) with seeded content dated before 2025-06-02 12:00 UTC."""
    with BlogSandbox(now=FIXED_NOW) as sandbox:
        yield sandbox


@pytest.fixture
async def http(blog_sandbox: BlogSandbox) -> AsyncIterator[HttpClient]:
    """An HTTP client for account "acme-blog" pointed at the sandbox, with instant retries."""
    client = HttpClient(
        account="acme-blog",
        base_url=blog_sandbox.url,
        retry=RetryPolicy(attempts=3, initial_wait=0, max_wait=0),
    )
    yield client
    await client.aclose()


def make_feed_connector(sandbox: BlogSandbox, **options: object) -> FeedConnector:
    """A feed connector for every sandbox blog, replying as the tideline WordPress user."""
    settings: dict[str, object] = {
        "feeds": sandbox.feed_urls(),
        "wordpress_user": APP_USER,
        "retry_wait_seconds": 0,
        "timeout_seconds": 5,
    }
    settings.update(options)
    return FeedConnector(
        account="acme-blog", base_url=sandbox.site_url("tideline"), secret=APP_PASSWORD, options=settings
    )


@pytest.fixture
async def feed_connector(blog_sandbox: BlogSandbox) -> AsyncIterator[FeedConnector]:
    """A feed connector over all the sandbox blogs (closed after the test)."""
    connector = make_feed_connector(blog_sandbox)
    yield connector
    await connector.aclose()
