"""Key remapping from config.toml's `[keys]` table: binding id -> keys, checked against the keymap's ids."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from cockpit.config import ConfigError, ConfigProblem, line_of, load_config, toml_key_lines
from cockpit.paths import config_path
from cockpit.tui import keymap


def binding_ids() -> set[str]:
    """Every binding id of the cockpit (the lists in cockpit/tui/keymap.py)."""
    ids: set[str] = set()
    for value in vars(keymap).values():
        if isinstance(value, list):
            ids.update(item.id for item in value if isinstance(item, Binding) and item.id)
    return ids


def load_keymap(home: Path) -> dict[str, str]:
    """Read `[keys]` from config.toml; raise ConfigError naming file, line and id for an unknown binding id."""
    config = load_config(home)
    known = binding_ids()
    unknown = [name for name in config.keys if name not in known]
    if unknown:
        path = config_path(home)
        lines = toml_key_lines(path.read_text(encoding="utf-8"))
        raise ConfigError(
            path,
            [
                ConfigProblem(
                    line_of(lines, ("keys", name)),
                    f"keys.{name[:60]}",
                    "no binding has this id: docs/keys.md lists every id (e.g. triage.done)",
                )
                for name in unknown
            ],
        )
    return dict(config.keys)
