"""The help screen: every key of every screen, read from the live bindings (so remaps show up)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer, Static

from cockpit.tui.keymap import HELP_SCREEN_BINDINGS

KeyRow = tuple[str, str, str]
"""(keys as displayed, description, binding id)."""


def binding_sources() -> list[tuple[str, list[type[DOMNode]]]]:
    """Which classes' bindings make up each help section, in display order."""
    from cockpit.tui.screens.composer import ComposerScreen
    from cockpit.tui.screens.explain import ExplainScreen
    from cockpit.tui.screens.filter import FilterDialog
    from cockpit.tui.screens.first_run import FirstRunScreen
    from cockpit.tui.screens.history import HistoryScreen
    from cockpit.tui.screens.link_person import PersonPicker
    from cockpit.tui.screens.momentum import MomentumScreen
    from cockpit.tui.screens.outbox import OutboxScreen
    from cockpit.tui.screens.people import PeopleFilterDialog, PeopleScreen
    from cockpit.tui.screens.person import ManualEntryDialog, PersonEditDialog, PersonScreen, TimelineView
    from cockpit.tui.screens.queue import QueueScreen
    from cockpit.tui.screens.rules import RuleEditor, RulesScreen
    from cockpit.tui.screens.schedule import ScheduleDialog
    from cockpit.tui.screens.search import SearchDialog
    from cockpit.tui.screens.snooze import SnoozeDialog
    from cockpit.tui.screens.stages import StagesDialog
    from cockpit.tui.screens.suggestions import SuggestionsScreen
    from cockpit.tui.screens.tags import TagsDialog
    from cockpit.tui.screens.templates import TemplateEditor, TemplatePicker, TemplatesScreen
    from cockpit.tui.screens.thread import ThreadScreen
    from cockpit.tui.screens.view_picker import NameDialog, ViewPicker
    from cockpit.tui.widgets.people_list import PeopleList
    from cockpit.tui.widgets.queue_list import QueueList
    from cockpit.tui.widgets.thread_view import ThreadView

    return [
        ("Queue", [QueueScreen, QueueList]),
        ("Queue: detail pane (Tab to focus it)", [ThreadView]),
        ("Thread (full screen)", [ThreadScreen, ThreadView]),
        ("Snooze dialog", [SnoozeDialog]),
        ("Tags dialog", [TagsDialog]),
        ("Filter bar", [FilterDialog]),
        ("Search box", [SearchDialog]),
        ("Views list", [ViewPicker]),
        ("View name", [NameDialog]),
        ("Priority explanation", [ExplainScreen]),
        ("Undo history", [HistoryScreen]),
        ("Reply composer", [ComposerScreen]),
        ("Schedule picker", [ScheduleDialog]),
        ("Template picker", [TemplatePicker]),
        ("Templates", [TemplatesScreen]),
        ("Template editor", [TemplateEditor]),
        ("Outbox", [OutboxScreen]),
        ("People", [PeopleScreen, PeopleList]),
        ("People filter", [PeopleFilterDialog]),
        ("Stages", [StagesDialog]),
        ("Person", [PersonScreen, TimelineView]),
        ("Person: edit form", [PersonEditDialog]),
        ("Manual entry", [ManualEntryDialog]),
        ("Person picker (link an author, merge)", [PersonPicker]),
        ("Momentum", [MomentumScreen]),
        ("Suggestions", [SuggestionsScreen]),
        ("Rules", [RulesScreen]),
        ("Rule editor", [RuleEditor]),
        ("Help", [HelpScreen]),
        ("First run", [FirstRunScreen]),
    ]


def live_bindings(app: App[object], source: DOMNode | type[DOMNode]) -> list[Binding]:
    """The bindings of a class or node with the app's keymap applied, in declaration order."""
    if isinstance(source, DOMNode):
        bindings_map = source._bindings.copy()
    else:
        merged = source._merged_bindings
        if merged is None:
            return []
        bindings_map = merged.copy()
    if app._keymap:
        bindings_map.apply_keymap(app._keymap)
    return [binding for _key, binding in bindings_map]


def key_groups(app: App[object]) -> list[tuple[str, list[KeyRow]]]:
    """Every section of the help: its title and one row per binding id (all of its keys together)."""
    sections: list[tuple[str, list[DOMNode | type[DOMNode]]]] = [("Everywhere", [app])]
    sections.extend((title, list(classes)) for title, classes in binding_sources())
    groups: list[tuple[str, list[KeyRow]]] = []
    for title, sources in sections:
        rows: dict[str, tuple[list[str], str]] = {}
        for source in sources:
            for binding in live_bindings(app, source):
                ident = binding.id or f"{binding.action}:{binding.description}"
                keys, _text = rows.setdefault(ident, ([], binding.description or _describe(binding)))
                shown = app.get_key_display(binding)
                if shown not in keys:
                    keys.append(shown)
        if rows:
            groups.append((title, [(", ".join(keys), text, ident) for ident, (keys, text) in rows.items()]))
    return groups


def _describe(binding: Binding) -> str:
    """A readable description for a binding that has none."""
    return binding.action.replace("app.", "").replace("_", " ").capitalize()


class HelpScreen(Screen[None], inherit_bindings=False):
    """Lists every key by screen; Esc or ? closes it, and the keys that work everywhere still do."""

    BINDINGS: ClassVar[list[BindingType]] = list(HELP_SCREEN_BINDINGS)

    def compose(self) -> ComposeResult:
        """A framed, scrollable list of key tables."""
        with Vertical(id="help-frame"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            with VerticalScroll(id="help-body", can_focus=False):
                yield Static(self.render_keys(), id="help-keys")
            yield Static(
                Text("Esc or ? closes this help. Keys can be remapped by id (see docs/keys.md)."),
                id="help-hint",
            )
        yield Footer()

    def render_keys(self) -> Text:
        """The key tables as plain text with light styling (no markup is parsed)."""
        groups = key_groups(self.app)
        width = max((len(keys) for _title, rows in groups for keys, _text, _id in rows), default=8)
        text = Text()
        for number, (title, rows) in enumerate(groups):
            if number:
                text.append("\n")
            text.append(title + "\n", style="bold underline")
            for keys, description, _ident in rows:
                text.append("  " + keys.ljust(width + 2), style="bold")
                text.append(description + "\n")
        text.rstrip()
        return text

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        """Scroll the key list down."""
        self.query_one("#help-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """Scroll the key list up."""
        self.query_one("#help-body", VerticalScroll).scroll_up(animate=False)

    def action_page_down(self) -> None:
        """Scroll the key list a page down."""
        self.query_one("#help-body", VerticalScroll).scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """Scroll the key list a page up."""
        self.query_one("#help-body", VerticalScroll).scroll_page_up(animate=False)
