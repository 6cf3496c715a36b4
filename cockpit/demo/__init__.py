"""The demo: invented but realistic conversations about Acme Relay, seeded into a data directory.

`seed(home, now)` writes them through the same path sync uses; a later version will also start the loopback
sandbox servers and sync from them (see connectors/sandbox).
"""

from __future__ import annotations

from cockpit.demo.seeding import DemoError, DemoSummary, seed

__all__ = ["DemoError", "DemoSummary", "seed"]
