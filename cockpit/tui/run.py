"""Starting the TUI from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cockpit.tui.syncing import SyncSetup


def run_tui(home: Path, *, demo: bool = False, sync: SyncSetup | None = None) -> int:
    """Run the cockpit on a data directory (creating its database if needed); return the exit status.

    Without `sync`, the app reads the directory's config.toml in a worker once its first frame is up (the
    validation imports cost more than the rest of start-up), then syncs the accounts it lists.
    """
    from cockpit.tui.app import CockpitApp

    app = CockpitApp(home, demo=demo, sync=sync, read_config=sync is None and not demo)
    theme = _configured_theme(home) if sync is None and not demo else None
    if theme and theme in app.available_themes:
        app.theme = theme
    app.run()
    return int(app.return_code or 0)


def _configured_theme(home: Path) -> str | None:
    """The `settings.theme` of config.toml, read cheaply so the first frame already has it."""
    import tomllib

    from cockpit.paths import config_path

    try:
        data = tomllib.loads(config_path(home).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the worker reports a broken file properly
    settings = data.get("settings")
    theme = settings.get("theme") if isinstance(settings, dict) else None
    return theme if isinstance(theme, str) else None
