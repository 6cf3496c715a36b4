"""Where the cockpit keeps its data: `--home`, then `COCKPIT_HOME`, then the platform's data directory."""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "cockpit.db"
CONFIG_NAME = "config.toml"


def resolve_home(cli_home: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory to use, without creating it."""
    if cli_home:
        return Path(cli_home).expanduser().resolve()
    env = os.environ.get("COCKPIT_HOME")
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("cockpit", appauthor=False))


def db_path(home: Path) -> Path:
    """The SQLite database inside a data directory."""
    return home / DB_NAME


def config_path(home: Path) -> Path:
    """The TOML config file inside a data directory."""
    return home / CONFIG_NAME
