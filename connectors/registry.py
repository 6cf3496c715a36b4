"""Which connector class serves which platform name."""

from __future__ import annotations

import importlib

from connectors.base import Connector

PLATFORMS: dict[str, str] = {
    "feed": "connectors.feed.connector:FeedConnector",
    "discourse": "connectors.discourse.connector:DiscourseConnector",
    "x": "connectors.x.connector:XConnector",
    "linkedin": "connectors.linkedin.connector:LinkedInConnector",
}
"""Platform name -> "module:Class"; classes are imported only when asked for."""


class UnknownPlatform(ValueError):
    """A platform name no connector serves."""


def connector_class(platform: str) -> type[Connector]:
    """Return the connector class for `platform`, e.g. "feed"; an unknown name raises `UnknownPlatform`."""
    target = PLATFORMS.get(platform.strip().lower())
    if target is None:
        known = ", ".join(sorted(PLATFORMS))
        raise UnknownPlatform(f"unknown platform {platform!r}: choose one of {known}")
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise TypeError(f"{target} is not a Connector")
    return cls
