"""Rules at sync time: `cockpit sync --once` with the real feed connector against the blog sandbox on loopback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cockpit import cli
from connectors.sandbox.blog import BlogSandbox

RULES = """
[[rules]]
name = "outages"
text = ["outage"]
tags = ["incident"]
priority = 40

[[rules]]
name = "bots"
author = ["*bot"]
done = true
assign = "acme-blog"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.sync"])
    return home


def configure(home: Path, blog: BlogSandbox) -> None:
    feeds = ", ".join(f'"{url}"' for url in blog.feed_urls())
    account = f'[[accounts]]\nname = "acme-blog"\nplatform = "feed"\nfeeds = [{feeds}]\n'
    (home / "config.toml").write_text(account + RULES)


def query(home: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "cockpit.db") as conn:
        return conn.execute(sql, params).fetchall()


def test_sync_applies_rules_to_new_posts_only(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(home, blog)
    assert cli.main(["--home", str(home), "sync", "--once"]) == 0
    capsys.readouterr()
    wordpress = next(b for b in blog.blogs.values() if b.kind == "wordpress")
    post = wordpress.posts[-1]
    blog.add_comment(wordpress.slug, post.id, author="Status Bot", html="<p>Partial OUTAGE in eu-west</p>")
    assert cli.main(["--home", str(home), "sync", "--once"]) == 0
    assert "1 new post" in capsys.readouterr().out
    ((conversation_id, status, boost, assignee),) = query(
        home,
        "SELECT c.id, c.status, c.rule_priority, a.name FROM posts p JOIN conversations c ON c.id = p.conversation_id "
        "LEFT JOIN accounts a ON a.id = c.assigned_account_id WHERE p.text LIKE '%eu-west%'",
    )
    assert (status, boost, assignee) == ("done", 40, "acme-blog")
    assert query(home, "SELECT tag FROM conversation_tags WHERE conversation_id = ?", conversation_id) == [
        ("incident",)
    ]
    assert sorted(query(home, "SELECT rule FROM rule_hits WHERE conversation_id = ?", conversation_id)) == [
        ("bots",),
        ("outages",),
    ]
    posts = query(
        home, "SELECT conversation_id, title, text FROM posts WHERE direction = 'in' AND deleted = 0"
    )
    expected = {row[0] for row in posts if "outage" in f"{row[1]}\n{row[2]}".casefold()}
    tagged = {
        row[0] for row in query(home, "SELECT conversation_id FROM conversation_tags WHERE tag = 'incident'")
    }
    assert tagged == expected, "every stored post, of the first sync too, went through the rules"


def test_a_crash_while_applying_rules_stores_nothing_of_that_page(
    home: Path, blog: BlogSandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cockpit.services import rules

    configure(home, blog)

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk gone while applying rules")

    monkeypatch.setattr(rules, "apply_to_new_posts", crash)
    assert cli.main(["--home", str(home), "sync", "--once"]) == 1
    assert "disk gone while applying rules" in capsys.readouterr().out
    assert query(home, "SELECT count(*) FROM posts") == [(0,)]
    assert query(home, "SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL") == [(0,)]
    monkeypatch.undo()
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["cockpit.commands.sync"])
    assert cli.main(["--home", str(home), "sync", "--once"]) == 0
    stored = query(home, "SELECT count(*) FROM posts")[0][0]
    assert isinstance(stored, int) and stored > 20
