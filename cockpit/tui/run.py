"""Starting the TUI from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.tui.syncing import SyncSetup


def run_tui(home: Path, *, demo: bool = False, sync: SyncSetup | None = None) -> int:
    """Run the cockpit on a data directory (creating its database if needed); return the exit status.

    Without `sync`, the accounts and settings come from the directory's config.toml; a broken file is
    reported (file, line, field) before anything starts.
    """
    from cockpit.config import ConfigError, load_config
    from cockpit.tui.app import CockpitApp

    theme: str | None = None
    if sync is None and not demo:
        try:
            config = load_config(home)
        except ConfigError as error:
            print(f"cockpit: {error}", file=sys.stderr)
            return 2
        sync = _setup_from_config(home, config)
        theme = config.settings.theme
    app = CockpitApp(home, demo=demo, sync=sync)
    if theme:
        if theme in app.available_themes:
            app.theme = theme
        else:
            print(f"cockpit: unknown theme {theme!r} in config.toml; using the default", file=sys.stderr)
    app.run()
    return int(app.return_code or 0)


def _setup_from_config(home: Path, config: object) -> SyncSetup:
    from cockpit.config import Config
    from cockpit.credentials import get_secret
    from cockpit.tui.syncing import SyncSetup

    assert isinstance(config, Config)
    return SyncSetup(
        accounts=config.enabled_accounts,
        secret=lambda name: get_secret(home, name),
        interval=float(config.settings.sync_interval),
    )
