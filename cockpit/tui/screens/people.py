"""The People screen: every tracked stakeholder in a fast list, sorted and filtered; Enter opens a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from cockpit.store import people_list as pl
from cockpit.tui.keymap import PEOPLE_FILTER_BINDINGS, PEOPLE_SCREEN_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import one_line
from cockpit.tui.widgets.people_list import PeopleList, header_text
from cockpit.tui.widgets.stable_footer import StableFooter

if TYPE_CHECKING:
    from cockpit.tui.app import CockpitApp
    from cockpit.tui.screens.person import PersonScreen

SORT_ORDER: tuple[pl.PeopleSort, ...] = (
    pl.PeopleSort.NAME,
    pl.PeopleSort.LAST_TOUCH,
    pl.PeopleSort.WARMTH,
    pl.PeopleSort.REACH,
    pl.PeopleSort.OVERDUE,
    pl.PeopleSort.STAGE,
)
"""The order `s` cycles through."""

SORT_NAMES: dict[pl.PeopleSort, str] = {
    pl.PeopleSort.NAME: "name",
    pl.PeopleSort.LAST_TOUCH: "last touch",
    pl.PeopleSort.WARMTH: "warmth",
    pl.PeopleSort.REACH: "reach",
    pl.PeopleSort.OVERDUE: "overdue",
    pl.PeopleSort.STAGE: "stage",
}


def describe_filter(flt: pl.PeopleFilter, labels: dict[str, str]) -> str:
    """The filter in words for the title line ("all people" when there is none)."""
    parts: list[str] = []
    if flt.stages:
        parts.append("stage " + " or ".join(labels.get(stage, stage) for stage in flt.stages))
    if flt.overdue_only:
        parts.append("overdue only")
    if flt.text:
        parts.append(f"matching “{one_line(flt.text, 40)}”")
    return ", ".join(parts) or "all people"


class InfoLine(Widget):
    """One line of text that changes often (the position): a repaint, never a new layout of the screen."""

    DEFAULT_CSS = "InfoLine { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def show(self, text: Text) -> None:
        """Show new text (repainting this line only)."""
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        """The text."""
        return self._text


class PeopleFilterDialog(ModalScreen[pl.PeopleFilter | None], inherit_bindings=False):
    """Asks for a text, a stage and whether to show only the overdue; dismisses with the filter or None."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(PEOPLE_FILTER_BINDINGS)

    def __init__(self, flt: pl.PeopleFilter, stages: list[tuple[str, str]]) -> None:
        super().__init__()
        self._flt = flt
        self._stages = stages

    def compose(self) -> ComposeResult:
        """A text field, a stage choice, an overdue box and a hint."""
        with Vertical():
            yield Static("Filter people", classes="dialog-title")
            yield Input(value=self._flt.text, placeholder="name, organisation or handle", id="people-text")
            options = [(label, key) for key, label in self._stages]
            current = self._flt.stages[0] if self._flt.stages else Select.NULL
            yield Select(options, value=current, prompt="any stage", id="people-stage")
            yield Checkbox("Overdue follow-ups only", value=self._flt.overdue_only, id="people-overdue")
            yield Static("Enter or Ctrl+S applies · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the text field."""
        self.query_one("#people-text", Input).focus()

    @on(Input.Submitted, "#people-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        """Close with the filter as set."""
        stage = self.query_one("#people-stage", Select).value
        self.dismiss(
            pl.PeopleFilter(
                stages=(str(stage),) if isinstance(stage, str) else (),
                overdue_only=self.query_one("#people-overdue", Checkbox).value,
                text=self.query_one("#people-text", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)


class PeopleScreen(Screen[None], inherit_bindings=False):
    """The stakeholders: a virtual list with a title line, column headers and a status line."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(PEOPLE_SCREEN_BINDINGS)

    def __init__(
        self,
        *,
        db_path: Path,
        now: Callable[[], float],
        flt: pl.PeopleFilter | None = None,
        sort: pl.PeopleSort = pl.PeopleSort.NAME,
    ) -> None:
        super().__init__()
        self._db_path = db_path
        self._now = now
        self._flt = self._timed(flt or pl.PeopleFilter())
        self._sort = sort
        self._stages: list[tuple[str, str]] = []
        self._away = False
        self._person_screen: PersonScreen | None = None
        self._left_at: tuple[int, int] = (0, 0)

    @property
    def cockpit(self) -> CockpitApp:
        """The app, typed."""
        from cockpit.tui.app import CockpitApp

        assert isinstance(self.app, CockpitApp)
        return self.app

    @property
    def people(self) -> PeopleList:
        """The list."""
        return self.query_one(PeopleList)

    def compose(self) -> ComposeResult:
        """The title line, the column headers, the list, a status line and the footer."""
        from cockpit.services.people import stages

        conn = self.cockpit.store_conn
        self._stages = [(stage.key, stage.label) for stage in stages(conn)]
        yield Static("", id="people-title")
        yield Static("", id="people-header")
        yield PeopleList(
            conn,
            self._db_path,
            now=self._now,
            flt=self._flt,
            sort=self._sort,
            rest_delay=self.cockpit.detail_debounce,
            id="people",
        )
        yield InfoLine(id="people-status")
        yield StableFooter()

    def on_mount(self) -> None:
        """Read the first page, focus the list and read landmarks after the first paint."""
        people = self.people
        people.load()
        people.focus()
        self._show_title()
        self.call_after_refresh(people.start_background_reads)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the column headers aligned with the rows."""
        self._show_header()

    def _show_header(self) -> None:
        width = self.people.scrollable_content_region.width or self.size.width
        self.query_one("#people-header", Static).update(Text(header_text(width)))

    def _show_title(self) -> None:
        labels = dict(self._stages)
        text = Text()
        text.append(" People", style="bold")
        text.append(f" · sorted by {SORT_NAMES[self._sort]} · {describe_filter(self._flt, labels)}")
        self.query_one("#people-title", Static).update(text)
        self._show_header()
        self._show_status()

    def _show_status(self) -> None:
        people = self.people
        if people.total and not people.counted:
            status = " counting…"
        elif people.total:
            status = f" {people.cursor + 1:,} of {people.total:,}"
        else:
            status = " 0 people"
        self.query_one("#people-status", InfoLine).show(Text(status))

    @on(PeopleList.CursorRested)
    def _rested(self, message: PeopleList.CursorRested) -> None:
        message.stop()
        self._show_status()

    @on(PeopleList.OpenRequested)
    def _open(self, message: PeopleList.OpenRequested) -> None:
        message.stop()
        self.open_person(message.row.id)

    def open_person(self, person_id: int) -> None:
        """Show one person's screen (one screen per People screen, installed and reused for each person)."""
        from cockpit.tui.screens.person import PersonScreen

        screen = self._person_screen
        if screen is None:
            screen = PersonScreen(person_id, db_path=self._db_path, now=self._now)
            self._person_screen = screen
            self.app.install_screen(screen, f"person-of-people-{id(self)}")
        elif not screen.show_person(person_id):
            self.notify(f"Person #{person_id} no longer exists.", title="People", severity="warning")
            self.people.reload()
            return
        self.app.push_screen(screen)

    def on_unmount(self) -> None:
        """Let the reused person screen go with this one."""
        screen, self._person_screen = self._person_screen, None
        if screen is not None and screen not in self.app.screen_stack:
            self.app.uninstall_screen(screen)
            screen.remove()

    def on_screen_suspend(self) -> None:
        """Note that another screen is on top (a person may change meanwhile) and how the database stood."""
        self._away = True
        self._left_at = self._data_stamp()

    def _data_stamp(self) -> tuple[int, int]:
        """Changes made on the app's connection, and the version other connections' commits move."""
        conn = self.cockpit.store_conn
        return conn.total_changes, int(conn.execute("PRAGMA data_version").fetchone()[0])

    def on_screen_resume(self) -> None:
        """Re-read the rows when coming back, if anything was written meanwhile (an edit, a merge, a sync).

        When nothing was (a person only looked at), the rows and their drawn lines are kept: re-reading
        would cost a count and leave thousands of drawn lines as garbage for the cyclic collector. After a
        minute away the rows are re-read anyway (who is overdue depends on the time).
        """
        if self._away:
            self._away = False
            fresh = int(self._now()) - (self._flt.now or 0) < 60
            if fresh and self._data_stamp() == self._left_at:
                return
            from cockpit.services.people import stages

            self._stages = [(stage.key, stage.label) for stage in stages(self.cockpit.store_conn)]
            self._apply(self._flt, self._sort)  # the rows at once, the count in a worker

    def _timed(self, flt: pl.PeopleFilter) -> pl.PeopleFilter:
        """The filter judged at the app's clock (who is overdue depends on it)."""
        return replace(flt, now=int(self._now()))

    def _apply(self, flt: pl.PeopleFilter, sort: pl.PeopleSort) -> None:
        flt = self._timed(flt)
        self._flt, self._sort = flt, sort
        self.people.set_view(flt, sort)
        self._show_title()

    def action_next_sort(self) -> None:
        """Sort by the next key (name, last touch, warmth, reach, overdue, stage)."""
        index = SORT_ORDER.index(self._sort)
        self._apply(self._flt, SORT_ORDER[(index + 1) % len(SORT_ORDER)])

    def action_previous_sort(self) -> None:
        """Sort by the previous key."""
        index = SORT_ORDER.index(self._sort)
        self._apply(self._flt, SORT_ORDER[(index - 1) % len(SORT_ORDER)])

    def action_toggle_overdue(self) -> None:
        """Show only people whose follow-up is overdue, or everyone again."""
        flt = self._flt
        self._apply(replace(flt, overdue_only=not flt.overdue_only), self._sort)

    def action_clear_filter(self) -> None:
        """Show everyone."""
        self._apply(pl.PeopleFilter(), self._sort)

    def action_filter(self) -> None:
        """Ask for a text, a stage and the overdue switch."""

        def chosen(flt: pl.PeopleFilter | None) -> None:
            if flt is not None:
                self._apply(flt, self._sort)

        self.app.push_screen(PeopleFilterDialog(self._flt, self._stages), chosen)

    def action_stages(self) -> None:
        """List the stages to rename, reorder or give a cadence; re-read labels and rows after a change."""
        from cockpit.tui.screens.stages import StagesDialog

        def closed(changed: bool | None) -> None:
            if changed:
                from cockpit.services.people import stages

                self._stages = [(stage.key, stage.label) for stage in stages(self.cockpit.store_conn)]
                self._apply(
                    self._flt, self._sort
                )  # labels and stage order changed: rows now, count in a worker

        self.app.push_screen(StagesDialog(), closed)

    def action_back(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
