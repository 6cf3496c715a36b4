"""Interactive sign-in flows per platform, used by `cockpit accounts login NAME`.

A platform with a flow has a module `cockpit.logins.<platform>` with
`run(home: Path, account: Account, args: argparse.Namespace) -> str | None`: it runs the flow and returns the
secret to store (the caller stores it through `cockpit.credentials` and prints where), or None when the user
chose to paste a secret instead. Platforms without a module store a pasted secret.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def flow_for(platform: str) -> ModuleType | None:
    """The login flow module of a platform, or None when it has none."""
    try:
        return importlib.import_module(f"cockpit.logins.{platform}")
    except ModuleNotFoundError as error:
        if error.name == f"cockpit.logins.{platform}":
            return None
        raise
