"""The help screen lists every key of every screen, read from the bindings themselves."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.widgets import Static

from cockpit.tui.app import CockpitApp
from cockpit.tui.screens.help import HelpScreen, binding_sources
from cockpit.tui.screens.queue import QueueScreen

from .conftest import make_app, screen_lines, settle


def every_binding(app: CockpitApp) -> list[Binding]:
    """All bindings the app, its screens and its widgets declare (one Binding per key)."""
    bindings = [binding for _key, binding in app._bindings]
    for _title, classes in binding_sources():
        for cls in classes:
            merged = cls._merged_bindings
            assert merged is not None
            bindings.extend(binding for _key, binding in merged)
    return bindings


async def test_help_lists_every_key_with_its_description(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-keys", Static).render())
        bindings = every_binding(app)
        assert len(bindings) >= 30
        for binding in bindings:
            assert binding.id, f"binding {binding.key} -> {binding.action} has no id"
            assert binding.description, f"binding {binding.id} has no description"
            rows = [
                line.strip()
                for line in shown.splitlines()
                if line.rstrip().endswith("  " + binding.description)
            ]
            assert rows, f"{binding.description!r} is not in the help"
            keys = [key for row in rows for key in row[: -len(binding.description)].strip().split(", ")]
            assert app.get_key_display(binding) in keys, (
                f"{binding.key!r} ({binding.id}) is not listed: {rows}"
            )
        for title in ("Everywhere", "Queue", "Thread (full screen)", "Help"):
            assert title + "\n" in shown
        assert "Everywhere" in "\n".join(screen_lines(app))
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("question_mark", "question_mark")
        assert isinstance(app.screen, QueueScreen)


async def test_every_binding_id_is_unique_per_key(small_home: Path) -> None:
    app = make_app(small_home)
    ids: dict[str, set[str]] = {}
    for binding in every_binding(app):
        assert binding.id is not None
        ids.setdefault(binding.id, set()).add(binding.action)
    for ident, actions in ids.items():
        assert len(actions) == 1, f"{ident} is bound to different actions: {actions}"


def test_docs_keys_names_every_binding_id(small_home: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    app = make_app(small_home)
    for binding in every_binding(app):
        assert f"`{binding.id}`" in doc, f"docs/keys.md does not mention {binding.id}"
