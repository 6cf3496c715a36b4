"""Imports point down only: connectors/ and cockpit/services/ work with Textual unavailable, and the store and
services never import the TUI."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules_under(*packages: str) -> list[str]:
    """Every importable module name in the given package directories."""
    names = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__main__":
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(parts))
    return names


def imported_names(path: Path) -> set[str]:
    """Every module an `import` or `from ... import` names anywhere in a file, lazy imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


CHILD = textwrap.dedent(
    """
    import asyncio, importlib, importlib.abc, json, sys, tempfile
    from pathlib import Path

    BLOCKED = {"textual", "rich"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ImportError(f"{name} is unavailable in this test")
            return None

    sys.meta_path.insert(0, Blocker())
    try:
        import textual  # noqa: F401
        blocker_works = False
    except ImportError:
        blocker_works = True

    failures = {}
    for name in json.loads(sys.argv[1]):
        try:
            importlib.import_module(name)
        except Exception as error:
            failures[name] = f"{type(error).__name__}: {error}"

    # Exercise the engine too: a sync of one account through a minimal connector.
    from connectors.base import Connector
    from connectors.models import Author, Page, Post
    from cockpit.services.sync import sync_accounts

    class OnePage(Connector):
        platform = "fake"

        async def fetch(self, cursors):
            author = Author(platform="fake", ext_id="u1", handle="u1")
            yield Page(cursor="1", posts=[Post(ext_id="1", thread_key="t", author=author, text="hi",
                                               created_at="2026-01-01T00:00:00Z")])

    class Account:
        name, platform, base_url, options = "a", "fake", "", {}

    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(sync_accounts(
            Path(tmp) / "cockpit.db", [Account()], secrets={},
            connector_factory=lambda account, secret: OnePage(account="a", base_url="", secret=None, options={}),
        ))
    loaded = sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED or m.startswith("cockpit.tui"))
    print(json.dumps({
        "blocker_works": blocker_works,
        "failures": failures,
        "synced": [(r.outcome, r.new_posts) for r in results],
        "loaded": loaded,
    }))
    """
)


def test_connectors_and_services_import_and_sync_without_textual_or_rich() -> None:
    modules = modules_under("connectors", "cockpit/services", "cockpit/store")
    assert "cockpit.services.sync" in modules and "connectors.base" in modules
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(modules)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["blocker_works"]
    assert report["failures"] == {}
    assert report["synced"] == [["ok", 1]]
    assert report["loaded"] == []


def test_the_store_and_services_never_import_the_tui() -> None:
    offenders = {}
    for package in ("cockpit/store", "cockpit/services"):
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = sorted(
                n for n in imported_names(path) if n == "cockpit.tui" or n.startswith("cockpit.tui.")
            )
            bad += sorted(n for n in imported_names(path) if n.partition(".")[0] in ("textual", "rich"))
            if bad:
                offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_connectors_import_nothing_from_the_cockpit() -> None:
    offenders = {}
    for path in sorted((ROOT / "connectors").rglob("*.py")):
        bad = sorted(n for n in imported_names(path) if n.partition(".")[0] in ("cockpit", "textual", "rich"))
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}
