"""Cockpit: a terminal cockpit for community managers."""

__version__ = "0.1.0"
