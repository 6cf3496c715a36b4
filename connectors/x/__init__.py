"""The X (API v2) connector: mentions, recent searches, threads, replies and likes; X's character count."""

from __future__ import annotations

from connectors.x.connector import Budget, XConnector, XCursor, budget_summary
from connectors.x.text import MAX_TWEET_LENGTH, x_length

__all__ = ["MAX_TWEET_LENGTH", "Budget", "XConnector", "XCursor", "budget_summary", "x_length"]
