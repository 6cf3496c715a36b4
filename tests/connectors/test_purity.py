"""connectors/ stands alone: importing and running it never touches cockpit, Textual or SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, importlib, importlib.abc, json, pkgutil, sys

    BLOCKED = {"textual", "sqlite3", "_sqlite3", "sqlite_utils", "cockpit"}
    attempts = []

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED:
                attempts.append(name)
                raise ImportError(f"connectors must not import {name}")
            return None

    preloaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    sys.meta_path.insert(0, Block())

    import connectors

    modules = [info.name for info in pkgutil.walk_packages(connectors.__path__, "connectors.")]
    for name in modules:
        importlib.import_module(name)

    async def exercise():
        from connectors.feed import FeedConnector, parse_feed
        from connectors.models import ReplyTarget
        from connectors.registry import connector_class
        from connectors.sandbox import APP_PASSWORD, APP_USER, BlogSandbox

        parse_feed(b"<RSS><CHANNEL><TITLE>t</TITLE><ITEM><TITLE>a</TITLE></ITEM></CHANNEL></RSS>")  # feedparser
        parse_feed(b"<rss><channel><item><title>x</title><pubDate>yesterday</pubDate></item></channel></rss>")
        with BlogSandbox() as sandbox:
            cls = connector_class("feed")
            connector = cls(account="a", base_url=sandbox.site_url("tideline"), secret=APP_PASSWORD,
                            options={"feeds": sandbox.feed_urls(), "wordpress_user": APP_USER})
            pages = [page async for page in connector.fetch({})]
            post = sandbox.blog("tideline").posts[0]
            guid = sandbox.post_guid("tideline", post)
            await connector.reply(ReplyTarget(thread_key=guid), "hello", key="k")
            await connector.aclose()
        return len(pages)

    pages = asyncio.run(exercise())
    print(json.dumps({"modules": modules, "attempts": attempts, "preloaded": preloaded, "pages": pages}))
    """
)


def test_connectors_import_and_run_without_cockpit_textual_or_sqlite() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [], f"connectors/ tried to import {report['attempts']}"
    assert report["preloaded"] == []
    assert report["pages"] > 4
    expected = {
        "connectors.http",
        "connectors.registry",
        "connectors.feed.connector",
        "connectors.feed.parse",
        "connectors.feed.opml",
        "connectors.sandbox.server",
        "connectors.sandbox.blog",
    }
    assert expected <= set(report["modules"])


def test_the_blocker_really_blocks() -> None:
    """The check above could pass vacuously if blocking did not work: prove that it does."""
    code = CHILD.split("import connectors")[0] + "\ntry:\n    import sqlite3\nexcept ImportError:\n    pass\n"
    code += "print(json.dumps(attempts))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["sqlite3"]
