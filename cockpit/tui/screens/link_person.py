"""Picking a person: `p` on the queue links a conversation's author to a stakeholder; `m` on a person merges.

The picker searches people as you type (`services.people.find_people`, in a thread worker), offers to
create a person from the author (name prefilled) and, when the author is already linked, to unlink them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.services import people as svc
from cockpit.tui.keymap import PERSON_PICKER_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import one_line

if TYPE_CHECKING:
    from cockpit.tui.app import CockpitApp
    from cockpit.tui.screens.queue import QueueScreen

RESULTS = 20
"""Matches shown at a time."""


@dataclass(frozen=True)
class Picked:
    """What the picker was closed with: an existing person, a person to create, or "unlink"."""

    person_id: int | None = None
    create_name: str | None = None
    unlink: bool = False


def person_option_text(person: svc.Person, labels: dict[str, str]) -> Text:
    """One match: name, organisation and stage (inert)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(one_line(person.name, 60) or "(no name)", style="bold")
    if person.organisation:
        text.append(f" · {one_line(person.organisation, 40)}")
    text.append(f" · {labels.get(person.stage, one_line(person.stage, 30))}", style="dim")
    return text


class PersonPicker(ModalScreen[Picked | None], inherit_bindings=False):
    """Search people as you type; Enter takes the highlighted choice, Esc cancels."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(PERSON_PICKER_BINDINGS)

    def __init__(
        self,
        *,
        title: str,
        db_path: Path,
        create_name: str = "",
        allow_create: bool = True,
        linked_to: svc.Person | None = None,
        exclude: int | None = None,
        stage_labels: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._db_path = db_path
        self._create_name = create_name
        self._allow_create = allow_create
        self._linked_to = linked_to
        self._exclude = exclude
        self._labels = stage_labels or {}
        self.choices: list[Picked] = []
        """What each option of the list stands for, in order."""
        self._query = ""

    def compose(self) -> ComposeResult:
        """Title, search field, the choices, a hint."""
        with Vertical():
            yield Static(Text(self._title), classes="dialog-title")
            yield Input(placeholder="type a name, organisation or handle", id="picker-search")
            yield OptionList(id="picker-options")
            yield Static("↑↓ choose · Enter takes it · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the search and show the first choices."""
        self.query_one("#picker-search", Input).focus()
        self._search("")

    @on(Input.Changed, "#picker-search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def _search(self, text: str) -> None:
        self._query = text
        self._find(text)

    @work(thread=True, exclusive=True, group="person-picker", exit_on_error=False)
    def _find(self, text: str) -> None:
        conn = sqlite3.connect(str(self._db_path), timeout=10.0)
        try:
            found = svc.find_people(conn, text, RESULTS + 1)
        finally:
            conn.close()
        self.app.call_from_thread(self._show, text, found)

    def _show(self, text: str, found: list[svc.Person]) -> None:
        if text != self._query:
            return  # an older search finishing late
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        self.choices = []
        name = self._create_name or text.strip()  # the author's own name, whatever is being searched
        if self._allow_create and name:
            options.add_option(Option(Text(f"+ New person “{one_line(name, 60)}” from this author")))
            self.choices.append(Picked(create_name=name))
        if self._linked_to is not None:
            options.add_option(
                Option(
                    Text(
                        f"− Unlink from {one_line(self._linked_to.name, 60)} (the author is untracked again)"
                    )
                )
            )
            self.choices.append(Picked(unlink=True))
        people = [person for person in found if person.id != self._exclude][:RESULTS]
        for person in people:
            options.add_option(Option(person_option_text(person, self._labels)))
            self.choices.append(Picked(person_id=person.id))
        if not self.choices:
            options.add_option(Option(Text("No one matches.", style="dim"), disabled=True))
        else:
            # With a search typed, the best match is the likely choice; without one, creating is.
            first_match = len(self.choices) - len(people)
            options.highlighted = first_match if text.strip() and people else 0

    @on(Input.Submitted, "#picker-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._take(self.query_one("#picker-options", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(event.option_index)

    def _take(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.choices):
            return
        self.dismiss(self.choices[index])

    def action_cursor_down(self) -> None:
        """Highlight the next choice."""
        self.query_one("#picker-options", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Highlight the previous choice."""
        self.query_one("#picker-options", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


def link_author(screen: QueueScreen, conversation_id: int) -> None:
    """Ask which stakeholder the conversation's author is, then link, create or unlink (the queue's `p`)."""
    app: CockpitApp = screen.cockpit
    store = app.store
    if store is None:
        return
    conn = store.conn
    identity = svc.identity_of_conversation(conn, conversation_id)
    if identity is None:
        app.notify("This conversation has no author to link (only our own posts).", title="Stakeholder")
        return
    linked = svc.get_person(conn, identity.person_id) if identity.person_id is not None else None
    handle = "@" + one_line(identity.handle, 40).lstrip("@")
    author = one_line(identity.name, 40) or handle
    labels = {stage.key: stage.label for stage in svc.stages(conn)}
    # A blog commenter's handle is their name: say it once.
    who = author if handle.lstrip("@").casefold() == author.casefold() else f"{author} ({handle})"
    title = f"Link {who} to a stakeholder"
    if linked is not None:
        title = f"{who} is {one_line(linked.name, 40)}: link to someone else, or unlink"

    def chosen(picked: Picked | None) -> None:
        if picked is None:
            return
        try:
            if picked.unlink:
                svc.unlink_identity(store, identity.id)
                message = (
                    f"{handle} is no longer linked to {one_line(linked.name, 40) if linked else 'anyone'}."
                )
            elif picked.create_name is not None:
                new_id = svc.create_person(store, picked.create_name, identity_ids=(identity.id,))
                message = (
                    f"New stakeholder “{one_line(picked.create_name, 40)}” (#{new_id}) · p again unlinks"
                )
            elif picked.person_id is not None:
                svc.link_identity(store, identity.id, picked.person_id)
                person = svc.get_person(conn, picked.person_id)
                name = one_line(person.name, 40) if person else f"#{picked.person_id}"
                message = f"{handle} linked to {name} · p again unlinks"
            else:
                return
        except svc.PeopleError as error:
            app.notify(str(error), title="Stakeholder", severity="error")
            return
        app.notify(message, title="Stakeholder", timeout=5)
        screen.queue.reload()

    app.push_screen(
        PersonPicker(
            title=title,
            db_path=app.db_path,
            create_name=identity.name or identity.handle,
            linked_to=linked,
            exclude=linked.id if linked is not None else None,
            stage_labels=labels,
        ),
        chosen,
    )
