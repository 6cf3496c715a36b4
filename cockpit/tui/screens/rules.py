"""The Rules screen: config.toml's rules with their 30-day match counts; add, edit, delete, reorder, enable.

Reading config.toml, counting matches and saving run in thread workers; saving goes through
`rules_config.save_rule` & co. (tomlkit: the user's comments and layout stay), then the app's sync uses the
new rules at once. The editor previews, as you type, what the rule alone would have matched in 30 days.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Static
from textual.worker import get_current_worker

from cockpit.tui.keymap import RULE_EDITOR_BINDINGS, RULES_BINDINGS
from cockpit.tui.text import one_line

if TYPE_CHECKING:
    from cockpit.rules_config import Rule
    from cockpit.services.rules import RuleReport

DAYS = 30
PREVIEW_DELAY = 0.25
"""Seconds of quiet typing before the editor's preview is recomputed."""

_LIST_FIELDS = ("text", "author", "platform", "account", "source", "tags")
_FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "text": "Text",
    "regex": "Regex",
    "author": "Author",
    "platform": "Platform",
    "account": "Account",
    "source": "Source",
    "tags": "Tag",
    "priority": "Priority",
    "assign": "Assign to",
}
_PLACEHOLDERS: dict[str, str] = {
    "name": "a name for the rule",
    "text": "phrases, comma-separated (any one matches)",
    "regex": r"RE2 regex, case-insensitive, e.g. \bv\d+\.\d+",
    "author": "handles or names, * and ? globs, e.g. *bot",
    "platform": "x, linkedin, discourse, feed",
    "account": "your account names",
    "source": "mention, search, reply, feed, notification, watch",
    "tags": "tags to add, comma-separated",
    "priority": "boost from -100 to 100",
    "assign": "one of your account names",
}
_CHECKS: dict[str, str] = {
    "whole_words": "whole words",
    "done": "mark done",
    "stop": "stop here",
    "enabled": "enabled",
}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def form_to_data(values: dict[str, str], checks: dict[str, bool]) -> dict[str, Any]:
    """The editor's fields as the data of a `[[rules]]` table (empty fields left out)."""
    data: dict[str, Any] = {"name": values.get("name", "").strip()}
    for key in _LIST_FIELDS:
        items = _split(values.get(key, ""))
        if items:
            data[key] = items
    for key in ("regex", "assign"):
        text = values.get(key, "").strip()
        if text:
            data[key] = text
    priority = values.get("priority", "").strip()
    if priority:
        data["priority"] = priority
    data.update(checks)
    return data


def validate_form(values: dict[str, str], checks: dict[str, bool]) -> Rule:
    """The rule the editor describes; raise ValueError with one readable line naming the field."""
    from pydantic import ValidationError

    from cockpit.rules_config import Rule

    try:
        return Rule.model_validate(form_to_data(values, checks))
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        loc = [part for part in first["loc"] if not isinstance(part, int)]
        where = _FIELD_LABELS.get(str(loc[0]), str(loc[0])) if loc else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ValueError(f"{where}: {message}" if where else message) from None


def preview_text(report: RuleReport | None, problem: str = "") -> Text:
    """The editor's preview: the count over 30 days and the newest matches, drawn inert."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if problem:
        text.append(problem, style="bold red")
        return text
    if report is None:
        text.append("Counting matches of the last 30 days…", style="dim")
        return text
    conversations = len(report.conversations)
    text.append(
        f"Last {DAYS} days: {report.count} post{'s' if report.count != 1 else ''} "
        f"in {conversations} conversation{'s' if conversations != 1 else ''}",
        style="bold",
    )
    for sample in report.samples:
        text.append("\n")
        text.append(f"{sample.platform:<9} ", style="dim")
        text.append(one_line(sample.author, 28), style="bold")
        text.append("  " + one_line(sample.excerpt, 90))
    if not report.count:
        text.append("\nNo stored post of that period matches.", style="dim")
    return text


class RuleEditor(ModalScreen["Rule | None"], inherit_bindings=False):
    """Edits one rule (or a new one) with a live dry-run preview; dismisses with the rule or None."""

    BINDINGS: ClassVar[list[BindingType]] = list(RULE_EDITOR_BINDINGS)
    preview_delay: ClassVar[float] = PREVIEW_DELAY
    DEFAULT_CSS = """
    RuleEditor { align: center middle; background: $background 60%; }
    RuleEditor > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; background: $panel; border: round $primary;
    }
    RuleEditor .dialog-title { text-style: bold; }
    RuleEditor .rule-row { height: 1; }
    RuleEditor .rule-row Label { width: 11; color: $text-muted; }
    RuleEditor Input { border: none; height: 1; padding: 0 1; width: 1fr; }
    RuleEditor Input:focus { border: none; background: $boost; }
    RuleEditor #rule-checks { height: 1; margin-top: 1; }
    RuleEditor Checkbox { border: none; padding: 0; height: 1; width: auto; margin-right: 2; background: $panel; }
    RuleEditor #rule-error { color: $text-error; height: auto; display: none; }
    RuleEditor #rule-preview { text-wrap: nowrap; text-overflow: ellipsis; }
    RuleEditor #rule-preview-box { height: auto; max-height: 8; margin-top: 1; border-top: solid $primary-darken-2; }
    RuleEditor .dialog-hint { color: $text-muted; height: 1; }
    """

    def __init__(
        self,
        rule: Rule | None,
        *,
        preview: Callable[[Rule, Callable[[], bool]], RuleReport],
        taken: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self._rule = rule
        self._preview = preview
        self._taken = {name.casefold() for name in taken}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """The fields, one per line, the switches, the error line, the preview and the hint."""
        rule = self._rule
        with Vertical():
            title = "New rule" if rule is None else f"Rule: {one_line(rule.name, 60)}"
            yield Static(title, classes="dialog-title", markup=False)
            for key, label in _FIELD_LABELS.items():
                with Horizontal(classes="rule-row"):
                    yield Label(label)
                    yield Input(
                        value=self._initial(key),
                        placeholder=_PLACEHOLDERS[key],
                        id=f"rule-{key}",
                        select_on_focus=False,
                    )
            with Horizontal(id="rule-checks"):
                for key, label in _CHECKS.items():
                    default = key == "enabled"
                    value = bool(getattr(rule, key)) if rule is not None else default
                    yield Checkbox(label, value=value, id=f"rule-{key}", compact=True)
            yield Static("", id="rule-error", markup=False)
            with VerticalScroll(id="rule-preview-box"):
                yield Static(preview_text(None), id="rule-preview")
            yield Static("Ctrl+S saves · Esc cancels · Tab next field", classes="dialog-hint", markup=False)

    def _initial(self, key: str) -> str:
        rule = self._rule
        if rule is None:
            return ""
        value = getattr(rule, key)
        if isinstance(value, list):
            return ", ".join(value)
        return "" if value is None else str(value)

    def on_mount(self) -> None:
        """Focus the name and show the first preview."""
        self.query_one("#rule-name", Input).focus()
        self._schedule_preview(0.0)

    def _values(self) -> tuple[dict[str, str], dict[str, bool]]:
        values = {key: self.query_one(f"#rule-{key}", Input).value for key in _FIELD_LABELS}
        checks = {key: self.query_one(f"#rule-{key}", Checkbox).value for key in _CHECKS}
        return values, checks

    def _build(self) -> Rule:
        values, checks = self._values()
        if not values["name"].strip():
            values = {**values, "name": "(unnamed)"}
        return validate_form(values, checks)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#rule-error", Static)
        error.update(message)
        error.display = bool(message)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self._show_error("")
        self._schedule_preview(self.preview_delay)

    def _schedule_preview(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(max(delay, 0.001), self._start_preview)

    def _start_preview(self) -> None:
        self._timer = None
        try:
            rule = self._build()
        except ValueError as problem:
            self.query_one("#rule-preview", Static).update(preview_text(None, str(problem)))
            return
        self._count(rule)

    @work(thread=True, exclusive=True, group="rule-preview", exit_on_error=False)
    def _count(self, rule: Rule) -> None:
        """Count what the rule alone would have matched (off the event loop); a newer edit cancels it."""
        worker = get_current_worker()
        report = self._preview(rule, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_preview, report)

    def _show_preview(self, report: RuleReport) -> None:
        if self.is_attached:
            self.query_one("#rule-preview", Static).update(preview_text(report))

    def action_save(self) -> None:
        """Validate and close with the rule."""
        values, checks = self._values()
        try:
            rule = validate_form(values, checks)
        except ValueError as problem:
            self._show_error(str(problem))
            return
        original = self._rule.name.casefold() if self._rule is not None else None
        if rule.name.casefold() in self._taken and rule.name.casefold() != original:
            self._show_error(f"Name: another rule is called {rule.name!r}")
            return
        self.dismiss(rule)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class RulesScreen(Screen[None], inherit_bindings=False):
    """Lists the rules in order with their 30-day counts; a to add, Enter to edit, d d to delete, space to toggle."""

    BINDINGS: ClassVar[list[BindingType]] = list(RULES_BINDINGS)
    DEFAULT_CSS = """
    RulesScreen #rules-title { padding: 0 1; text-style: bold; }
    RulesScreen #rules-table { height: 1fr; }
    RulesScreen #rules-status { padding: 0 1; height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[Rule] = []
        self.counts: dict[str, int] = {}
        self.loaded = False
        self._pending_delete: int | None = None

    @property
    def _config_path(self) -> Any:
        from cockpit.paths import config_path

        return config_path(self._home)

    @property
    def _home(self) -> Any:
        return self.app.home  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        """The title, the table of rules, a status line and the footer."""
        yield Static("Rules: applied in order to new inbound posts at sync time", id="rules-title")
        table: DataTable[Any] = DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Reading config.toml…", id="rules-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Set the columns and read the rules."""
        table = self.query_one("#rules-table", DataTable)
        table.add_column("On", key="on", width=3)
        table.add_column("Rule", key="name", width=22)
        table.add_column(f"{DAYS} days", key="count", width=8)
        table.add_column("When", key="when")
        table.add_column("Then", key="then")
        self._load()

    # ------------------------------------------------------------ workers

    @work(thread=True, exclusive=True, group="rules-load", exit_on_error=False)
    def _load(self) -> None:
        """Read config.toml and count each rule's matches over the last 30 days."""
        from cockpit.config import ConfigError, load_config

        try:
            rules = list(load_config(self._home).rules)
        except ConfigError as error:
            self.app.call_from_thread(self._show_problem, f"Fix config.toml first: {error}")
            return
        self.app.call_from_thread(self._show_rules, rules, None)
        self.app.call_from_thread(self._show_rules, rules, self._count_all(rules))

    def _count_all(self, rules: Sequence[Rule]) -> dict[str, int]:
        from cockpit.services.rules import dry_run
        from cockpit.store import open_store

        if not rules:
            return {}
        store = open_store(self.app.db_path)  # type: ignore[attr-defined]
        try:
            now = int(self.app.now())  # type: ignore[attr-defined]
            return {r.name: r.count for r in dry_run(store.conn, rules, now=now, days=DAYS, samples=0)}
        finally:
            store.close()

    def preview(self, rule: Rule, cancelled: Callable[[], bool]) -> RuleReport:
        """What `rule` alone would have matched in the last 30 days (runs in a worker thread)."""
        from cockpit.services.rules import preview
        from cockpit.store import open_store

        store = open_store(self.app.db_path)  # type: ignore[attr-defined]
        try:
            now = int(self.app.now())  # type: ignore[attr-defined]
            return preview(store.conn, rule, now=now, days=DAYS, cancelled=cancelled)
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="rules-save", exit_on_error=False)
    def _save(self, change: Callable[[], list[Rule]], done: str) -> None:
        """Write config.toml (keeping its comments), then recount."""
        from cockpit.rules_config import RulesFileError

        try:
            rules = change()
        except (RulesFileError, OSError) as error:
            self.app.call_from_thread(self._save_failed, str(error))
            return
        self.app.call_from_thread(self._saved, rules, done)
        self.app.call_from_thread(self._show_rules, rules, self._count_all(rules))

    # ------------------------------------------------------------ state

    def _show_problem(self, message: str) -> None:
        self.loaded = False
        self.query_one("#rules-status", Static).update(message)

    def _show_rules(self, rules: list[Rule], counts: dict[str, int] | None) -> None:
        self.rules = rules
        self.loaded = True
        if counts is not None:
            self.counts = counts
        table = self.query_one("#rules-table", DataTable)
        row = table.cursor_row
        table.clear()
        for rule in rules:
            count = self.counts.get(rule.name) if counts is not None else None
            table.add_row(
                Text("✓" if rule.enabled else "·", style="green" if rule.enabled else "dim"),
                Text(one_line(rule.name, 40), style="" if rule.enabled else "dim"),
                Text("…" if count is None else f"{count:,}", justify="right"),
                Text(one_line(rule.conditions(), 200)),
                Text(one_line(rule.actions(), 200)),
            )
        if rules:
            table.move_cursor(row=min(row, len(rules) - 1))
        status = (
            f"{len(rules)} rule{'s' if len(rules) != 1 else ''} in config.toml · counts: "
            f"inbound posts of the last {DAYS} days, rules in order (a disabled rule on its own)"
            if rules
            else "No rules yet in config.toml: press a to add one."
        )
        self.query_one("#rules-status", Static).update(status)

    def _saved(self, rules: list[Rule], done: str) -> None:
        setup = getattr(self.app, "sync_setup", None)
        if setup is not None:
            self.app.sync_setup = replace(setup, rules=tuple(rules))  # type: ignore[attr-defined]
        self.notify(done, title="Rules")

    def _save_failed(self, message: str) -> None:
        self.notify(message, title="Rules: not saved", severity="error", timeout=15)

    def _current(self) -> int | None:
        if not self.loaded or not self.rules:
            return None
        row = self.query_one("#rules-table", DataTable).cursor_row
        return row if 0 <= row < len(self.rules) else None

    # ------------------------------------------------------------ actions

    def action_add(self) -> None:
        """Open the editor on a new rule."""
        if not self.loaded:
            return
        from cockpit.rules_config import save_rule

        path = self._config_path

        def added(rule: Rule | None) -> None:
            if rule is not None:
                self._save(lambda: save_rule(path, rule), f"Added rule {rule.name!r}")

        editor = RuleEditor(None, preview=self.preview, taken=[r.name for r in self.rules])
        self.app.push_screen(editor, added)

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_edit()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._pending_delete = None  # a delete question is about the row it was asked on

    def action_edit(self) -> None:
        """Open the editor on the highlighted rule."""
        index = self._current()
        if index is None:
            return
        from cockpit.rules_config import save_rule

        path = self._config_path
        original = self.rules[index]

        def edited(rule: Rule | None) -> None:
            if rule is not None and rule != original:
                change = lambda: save_rule(path, rule, index=index, expected=original.name)  # noqa: E731
                self._save(change, f"Saved rule {rule.name!r}")

        editor = RuleEditor(original, preview=self.preview, taken=[r.name for r in self.rules])
        self.app.push_screen(editor, edited)

    def action_toggle_rule(self) -> None:
        """Enable or disable the highlighted rule."""
        index = self._current()
        if index is None:
            return
        from cockpit.rules_config import save_rule

        rule = self.rules[index]
        flipped = rule.model_copy(update={"enabled": not rule.enabled})
        path = self._config_path
        state = "enabled" if flipped.enabled else "disabled"
        self._save(
            lambda: save_rule(path, flipped, index=index, expected=rule.name), f"{rule.name!r} {state}"
        )

    def action_delete(self) -> None:
        """Delete the highlighted rule (press twice: the first press asks)."""
        index = self._current()
        if index is None:
            return
        rule = self.rules[index]
        if self._pending_delete != index:
            self._pending_delete = index
            self.query_one("#rules-status", Static).update(
                f"Delete rule {one_line(rule.name, 40)!r}? Press d again."
            )
            return
        self._pending_delete = None
        from cockpit.rules_config import delete_rule

        path = self._config_path
        self._save(lambda: delete_rule(path, index, rule.name), f"Deleted rule {rule.name!r}")

    def action_move(self, offset: int) -> None:
        """Move the highlighted rule up (-1) or down (1): rules apply in order."""
        index = self._current()
        if index is None or not 0 <= index + offset < len(self.rules):
            return
        from cockpit.rules_config import move_rule

        path = self._config_path
        name = self.rules[index].name
        self.query_one("#rules-table", DataTable).move_cursor(row=index + offset)
        self._save(lambda: move_rule(path, index, offset, name), f"Moved rule {name!r}")

    def action_close(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()


class RulesCommands(Provider):
    """The command palette's entry for the Rules screen."""

    async def search(self, query: str) -> Hits:
        """Match the query against "Rules"."""
        action = getattr(self.app, "action_rules", None)
        if action is None:
            return
        matcher = self.matcher(query)
        for name in ("Rules", "Rules: dry run and edit"):
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), action, help="Tag, boost, mark done or assign at sync"
                )
                return
