"""The start-up path stays lean: what the first frame does not need is imported later, on first use."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "sqlite_utils",
    "pydantic",
    "httpx",
    "dateparser",
    "cockpit.services.triage",
    "cockpit.config",
    "keyring",
]


def test_opening_the_queue_imports_none_of_the_heavy_modules() -> None:
    code = (
        "import json, sys\n"
        "import cockpit.cli, cockpit.tui.run, cockpit.tui.app, cockpit.tui.screens.queue\n"
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == []
