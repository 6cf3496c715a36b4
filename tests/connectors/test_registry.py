"""Platform names resolve to connector classes; an unknown name says which ones exist."""

from __future__ import annotations

import pytest

from connectors.feed import FeedConnector
from connectors.registry import PLATFORMS, UnknownPlatform, connector_class


def test_feed_is_registered() -> None:
    assert "feed" in PLATFORMS
    assert connector_class("feed") is FeedConnector
    assert connector_class(" Feed ") is FeedConnector


def test_an_unknown_platform_is_a_clear_error() -> None:
    with pytest.raises(UnknownPlatform) as caught:
        connector_class("myspace")
    assert str(caught.value) == "unknown platform 'myspace': choose one of " + ", ".join(sorted(PLATFORMS))
    assert isinstance(caught.value, ValueError)
