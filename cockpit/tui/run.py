"""Starting the TUI from the command line."""

from __future__ import annotations

from pathlib import Path


def run_tui(home: Path, *, demo: bool = False) -> int:
    """Run the cockpit on a data directory (creating its database if needed); return the exit status."""
    from cockpit.tui.app import CockpitApp

    app = CockpitApp(home, demo=demo)
    app.run()
    return int(app.return_code or 0)
