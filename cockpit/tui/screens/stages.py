"""The Stages dialog (`t` on the People screen): the funnel in order; rename a stage, move it, set its cadence.

config.toml's `[people]` table can set the same things (`services.people.apply_settings`, run at every
start): `stages` (labels in order) is re-applied whenever that list is edited, and `cadence_days` is
re-applied at every start. So the dialog never edits what the config sets: with a `stages` list, labels
and order are read-only here (renaming a stage here would make the list's line match no stage when it is
re-applied, and a duplicate stage would appear); a stage whose cadence the config sets shows "config.toml"
and `c` on it says to change it there. The dialog reads config.toml and writes in thread workers.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.services import people as svc
from cockpit.tui.keymap import STAGES_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import one_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from cockpit.store import Store
    from cockpit.tui.app import CockpitApp

LABEL_WIDTH = 24


@dataclass(frozen=True)
class ConfigPins:
    """What config.toml's `[people]` table sets, so the dialog leaves it alone."""

    stages: bool = False
    """A `stages` list is set: labels and order come from it."""
    cadences: frozenset[str] = frozenset()
    """Keys of the stages whose cadence `cadence_days` sets."""
    problem: str = ""
    """Why config.toml could not be read (then nothing is editable: the dialog cannot tell what it sets)."""


def read_pins(home: Path, db: Path) -> ConfigPins:
    """Read config.toml's `[people]` stages and cadences (call off the event loop)."""
    from cockpit.config import ConfigError, load_config

    try:
        people = load_config(home).people
    except ConfigError as error:
        return ConfigPins(problem=f"config.toml has problems ({one_line(str(error), 120)}): fix it first.")
    keys: set[str] = set()
    if people.cadence_days:
        conn = sqlite3.connect(str(db), timeout=10.0)
        try:
            for name in people.cadence_days:
                try:
                    keys.add(svc.stage_key(conn, name))
                except svc.PeopleError:
                    continue  # an unknown stage: the app already reported it at start
        finally:
            conn.close()
    return ConfigPins(stages=bool(people.stages), cadences=frozenset(keys))


def stage_line(position: int, stage: svc.Stage, pinned_cadence: bool) -> Text:
    """One stage: its place in the funnel, its label (inert) and its default cadence."""
    label = one_line(stage.label, LABEL_WIDTH)
    cadence = "no cadence" if stage.cadence_days is None else f"every {stage.cadence_days} days"
    number = f"{position + 1}. "
    plain = f"{number}{label}{' ' * max(1, LABEL_WIDTH + 1 - cell_len(label))}{cadence}"
    if pinned_cadence:
        plain += "  (config.toml)"
    text = Text(plain, no_wrap=True, overflow="ellipsis")
    text.stylize("dim", 0, len(number))
    text.stylize("bold", len(number), len(plain) - len(cadence) - (15 if pinned_cadence else 0))
    if pinned_cadence:
        text.stylize("dim", len(plain) - len("(config.toml)"))
    return text


class StagesDialog(ModalScreen[bool], inherit_bindings=False):
    """The stages in funnel order: `r` renames, `K`/`J` move up/down, `c` sets the cadence; Esc closes.

    Dismisses with whether anything was changed (the People screen then re-reads its labels and rows).
    """

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(STAGES_BINDINGS)
    SCOPED_CSS = False  # the rules name this screen itself (its align and dimmed background: cockpit.tcss)
    DEFAULT_CSS = """
    StagesDialog > Vertical {
        width: 72; height: auto; max-height: 90%; padding: 1 2; background: $panel; border: round $primary;
    }
    StagesDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    StagesDialog OptionList { height: auto; max-height: 22; margin-bottom: 1; }
    StagesDialog #stages-note, StagesDialog .dialog-hint { color: $text-muted; height: auto; }
    StagesDialog #stages-edit { display: none; }
    StagesDialog #stages-edit.editing { display: block; }
    StagesDialog #stages-error { color: $text-error; height: auto; }
    """

    class PinsRead(Message):
        """The config worker read what config.toml sets."""

        def __init__(self, pins: ConfigPins) -> None:
            super().__init__()
            self.pins = pins

    class Written(Message):
        """A write worker finished: the stage to highlight, and the problem to show (empty when it worked)."""

        def __init__(self, key: str, problem: str) -> None:
            super().__init__()
            self.key = key
            self.problem = problem

    def __init__(self) -> None:
        super().__init__()
        self.stages: list[svc.Stage] = []
        self.pins: ConfigPins | None = None
        self.changed = False
        self.editing: str = ""
        """What the edit line is for: "label", "cadence" or "" (closed)."""
        self.busy = False

    @property
    def cockpit(self) -> CockpitApp:
        """The app, typed."""
        from cockpit.tui.app import CockpitApp

        assert isinstance(self.app, CockpitApp)
        return self.app

    def compose(self) -> ComposeResult:
        """The title, the stages, a note on config.toml, the edit line, an error line and a hint."""
        with Vertical():
            yield Static("Stages of the funnel", classes="dialog-title")
            yield OptionList(id="stages-list")
            yield Static("Reading config.toml…", id="stages-note")
            yield Input(id="stages-edit")
            yield Static("", id="stages-error")
            yield Static(
                "r renames · K / J move up / down · c sets the cadence · Esc closes", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        """Show the stages, focus them and read config.toml in a worker."""
        self._show(None)
        self.query_one("#stages-list", OptionList).focus()
        home, db = self.cockpit.home, self.cockpit.db_path

        def read() -> None:
            self.post_message(self.PinsRead(read_pins(home, db)))

        self.run_worker(read, thread=True, exclusive=True, group="stages-config", exit_on_error=False)

    # ------------------------------------------------------------ showing

    def _show(self, key: str | None) -> None:
        """Re-read the stages (a few rows) and list them, highlighting `key` (else the current one)."""
        listing = self.query_one("#stages-list", OptionList)
        if key is None:
            current = self.current
            key = current.key if current is not None else None
        self.stages = svc.stages(self.cockpit.store_conn)
        cadences = self.pins.cadences if self.pins is not None else frozenset()
        listing.clear_options()
        listing.add_options(
            Option(stage_line(index, stage, stage.key in cadences), id=stage.key)
            for index, stage in enumerate(self.stages)
        )
        keys = [stage.key for stage in self.stages]
        if keys:
            listing.highlighted = keys.index(key) if key in keys else 0

    @property
    def current(self) -> svc.Stage | None:
        """The highlighted stage."""
        index = self.query_one("#stages-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.stages):
            return None
        return self.stages[index]

    def _error(self, message: str) -> None:
        self.query_one("#stages-error", Static).update(Text(message))

    @on(PinsRead)
    def _pins_read(self, message: PinsRead) -> None:
        message.stop()
        self.pins = message.pins
        if message.pins.problem:
            note = message.pins.problem
        elif message.pins.stages:
            note = (
                "config.toml [people] stages sets the labels and their order: change them there "
                "(cadences can be set here unless the config sets them too)."
            )
        elif message.pins.cadences:
            note = "Cadences marked config.toml are set by [people] cadence_days: change those there."
        else:
            note = "Changes apply at once; people keep their stage when it is renamed or moved."
        self.query_one("#stages-note", Static).update(Text(note))
        self._show(None)

    # ------------------------------------------------------------ editing

    def _editable(self, what: str) -> svc.Stage | None:
        """The highlighted stage if `what` ("label", "order" or "cadence") may be changed here, else None."""
        stage = self.current
        if stage is None or self.busy:
            return None
        pins = self.pins
        if pins is None:
            self._error("Still reading config.toml: try again in a moment.")
            return None
        if pins.problem:
            self._error(pins.problem)
            return None
        if what in ("label", "order") and pins.stages:
            self._error("config.toml [people] stages sets the labels and their order: change them there.")
            return None
        if what == "cadence" and stage.key in pins.cadences:
            self._error(
                f"The cadence of {one_line(stage.label, 30)} is set by config.toml [people] cadence_days "
                "(re-applied at every start): change it there."
            )
            return None
        self._error("")
        return stage

    def _open_editor(self, what: str, value: str, placeholder: str) -> None:
        editor = self.query_one("#stages-edit", Input)
        self.editing = what
        editor.value = value
        editor.placeholder = placeholder
        editor.add_class("editing")
        editor.focus()

    def _close_editor(self) -> None:
        editor = self.query_one("#stages-edit", Input)
        self.editing = ""
        editor.remove_class("editing")
        self.query_one("#stages-list", OptionList).focus()

    def action_rename(self) -> None:
        """Edit the highlighted stage's label."""
        stage = self._editable("label")
        if stage is not None:
            self._open_editor("label", stage.label, "a new label (1 to 60 characters)")

    def action_cadence(self) -> None:
        """Edit the highlighted stage's default cadence in days (empty: none)."""
        stage = self._editable("cadence")
        if stage is not None:
            value = "" if stage.cadence_days is None else str(stage.cadence_days)
            self._open_editor("cadence", value, "days between touches, 1 to 3650 (empty: no cadence)")

    def action_move_up(self) -> None:
        """Move the highlighted stage one place earlier in the funnel."""
        self._move(-1)

    def action_move_down(self) -> None:
        """Move the highlighted stage one place later in the funnel."""
        self._move(1)

    def _move(self, step: int) -> None:
        stage = self._editable("order")
        if stage is None:
            return
        index = self.stages.index(stage)
        if not 0 <= index + step < len(self.stages):
            return
        self._write(stage.key, lambda store: svc.move_stage(store, stage.key, index + step))

    @on(OptionList.OptionSelected, "#stages-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_rename()

    @on(Input.Submitted, "#stages-edit")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        stage = self.current
        if stage is None:
            return
        value = event.value.strip()
        if self.editing == "label":
            if not value or len(value) > 60:
                self._error("A stage label needs 1 to 60 characters.")
                return
            self._write(stage.key, lambda store: svc.rename_stage(store, stage.key, value))
        elif self.editing == "cadence":
            days: int | None = None
            if value:
                if not value.isdigit() or not 1 <= int(value) <= 3650:
                    self._error("Write a number of days from 1 to 3650, or leave it empty for no cadence.")
                    return
                days = int(value)
            self._write(stage.key, lambda store: svc.set_stage_cadence(store, stage.key, days))
        self._close_editor()

    def _write(self, key: str, change: Callable[[Store], None]) -> None:
        """Run one change in a worker on its own connection (a cadence refreshes every person at that stage)."""
        from cockpit.store import StoreError, open_store

        path = self.cockpit.db_path
        self.busy = True
        self._error("Saving…")

        def work() -> None:
            problem = ""
            try:
                store = open_store(path)
                try:
                    change(store)
                finally:
                    store.close()
            except (svc.PeopleError, StoreError, sqlite3.Error) as error:
                problem = f"Not saved: {error}"
            self.post_message(self.Written(key, problem))

        self.run_worker(work, thread=True, group="stages-write", exit_on_error=False)

    @on(Written)
    def _written(self, message: Written) -> None:
        message.stop()
        self.busy = False
        self._error(message.problem)
        if not message.problem:
            self.changed = True
        self._show(message.key)

    def action_close(self) -> None:
        """Close the edit line, or the dialog."""
        if self.editing:
            self._close_editor()
            self._error("")
            return
        self.dismiss(self.changed or self.busy)  # a write still running counts as a change
