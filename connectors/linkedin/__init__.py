"""The LinkedIn connector (Community Management API): organisation page comments, mentions and replies."""

from __future__ import annotations

from connectors.linkedin.connector import LinkedInConnector

__all__ = ["LinkedInConnector"]
