"""Discourse forums: notifications, watched categories and searches as conversations; replies and likes."""

from __future__ import annotations

from connectors.discourse.connector import (
    DiscourseConnector,
    DiscourseCursor,
    DiscourseOptions,
    discourse_error_hook,
    rate_limit_until,
)
from connectors.discourse.text import cooked_to_text
from connectors.discourse.user_api_key import UserApiKeyError, UserApiKeyRequest

__all__ = [
    "DiscourseConnector",
    "DiscourseCursor",
    "DiscourseOptions",
    "UserApiKeyError",
    "UserApiKeyRequest",
    "cooked_to_text",
    "discourse_error_hook",
    "rate_limit_until",
]
