"""The person screen: editable fields, identities, signals and the timeline of one stakeholder.

Every action has a key: `e` edits the fields and Ctrl+S saves them, `a` adds a manual entry, `m` merges
another person into this one and `u` undoes the latest merge, `x` splits the highlighted identity off onto
a person of its own, `y` takes the merge suggestion shown, Enter on a timeline entry opens its conversation.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from cockpit.services import people as svc
from cockpit.tui.keymap import (
    MANUAL_ENTRY_BINDINGS,
    PERSON_EDIT_BINDINGS,
    PERSON_SCREEN_BINDINGS,
    TIMELINE_BINDINGS,
)
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import age, one_line, truncate
from cockpit.tui.widgets.stable_footer import StableFooter
from cockpit.tui.widgets.virtual_list import text_only

if TYPE_CHECKING:
    from cockpit.services.signals import Signals
    from cockpit.store import Store
    from cockpit.tui.app import CockpitApp

TIMELINE_PAGE = 100
"""Timeline entries read at a time (more are read when the cursor reaches the last one)."""
PLATFORM_LABELS = {"x": "X", "linkedin": "in", "discourse": "forum", "feed": "blog", "": "—"}
FIELD_IDS = ("name", "organisation", "role", "stage", "tags", "interests", "cadence", "timezone", "notes")


def _words(items: tuple[str, ...]) -> str:
    return ", ".join(items)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def identity_text(identity: svc.IdentityInfo) -> Text:
    """One identity: platform (and forum host), handle, name and reach."""
    text = Text(no_wrap=True, overflow="ellipsis")
    where = PLATFORM_LABELS.get(identity.platform, one_line(identity.platform, 12))
    if identity.host:
        where = f"{where} {one_line(identity.host, 40)}"
    text.append(f"{where}  ", style="dim")
    text.append("@" + one_line(identity.handle, 60).lstrip("@"), style="bold")
    if identity.name:
        text.append(f"  {one_line(identity.name, 60)}")
    if identity.reach is not None:
        text.append(f"  reach {identity.reach:,}", style="dim")
    return text


def signals_text(signals: Signals | None, now: float) -> Text:
    """The relationship signals in a few lines."""
    text = Text()
    if signals is None:
        text.append("Signals: reading…", style="dim")
        return text
    last = "never"
    if signals.last_touch_at is not None:
        ago = age(now - _seconds(signals.last_touch_at))
        last = "just now" if ago == "now" else f"{ago} ago"
    text.append("Two-way (90 days) ", style="bold")
    text.append(
        f"{signals.inbound_90d} in · {signals.outbound_90d} out · "
        f"{signals.two_way_conversations_90d} two-way conversations\n"
    )
    text.append("Warmth ", style="bold")
    text.append(f"{signals.warmth:.1f}   ")
    text.append("Reach ", style="bold")
    text.append("unknown" if signals.reach is None else f"{signals.reach:,}")
    text.append("   Last touch ", style="bold")
    text.append(last + "\n")
    text.append("Due ", style="bold")
    if signals.due_at is None:
        text.append("no cadence set")
    else:
        due = datetime.fromtimestamp(_seconds(signals.due_at)).strftime("%d %b %Y")
        text.append(due)
        if signals.overdue_days:
            text.append(f"  overdue by {signals.overdue_days} days", style="bold")
    return text


def _seconds(value: Any) -> float:
    """Unix seconds from a datetime or a number."""
    return value.timestamp() if isinstance(value, datetime) else float(value)


def timeline_pieces(entry: svc.TimelineEntry, now: float) -> list[tuple[str, str]]:
    """One timeline line as (component, text) pieces: when, which way, where and what kind, the text (inert)."""
    stamp = entry.occurred_at.astimezone().strftime("%d %b %Y")
    when = age(now - entry.occurred_at.timestamp())
    platform = PLATFORM_LABELS.get(entry.platform, one_line(entry.platform, 8))
    if entry.manual:
        way, what = "✎      ", f"{entry.kind}: "
    elif entry.direction == "in":
        way, what = "← them ", f"{platform} {entry.kind}: "
    else:
        way, what = "→ us   ", f"{platform} {entry.kind}: "
    return [
        ("when", f"{stamp} {when:>4} "),
        ("way", way),
        ("kind", what),
        ("text", one_line(entry.text, 400) or "(no text)"),
    ]


class TimelineView(ScrollView, can_focus=True, inherit_bindings=False):
    """A person's timeline, one line per entry, drawn only where visible (like the queue and threads)."""

    BINDINGS: ClassVar[list[BindingType]] = list(TIMELINE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--cursor",
        "timeline--cursor-blurred",
        "timeline--when",
        "timeline--way",
        "timeline--kind",
        "timeline--text",
        "timeline--empty",
    }

    class Chosen(Message):
        """Enter was pressed on an entry."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class NearEnd(Message):
        """The cursor reached the last entry held (the screen may read the next page)."""

    def __init__(self, *, now: Callable[[], float], id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self.entries: list[svc.TimelineEntry] = []
        self.cursor = 0
        self._styles: dict[str, Style] = {}

    def set_entries(self, entries: list[svc.TimelineEntry]) -> None:
        """Show these entries, cursor on the first."""
        self.entries = list(entries)
        self.cursor = 0
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, len(self.entries))
        self.scroll_to(y=0, animate=False, force=True)
        self.refresh()

    def add_entries(self, entries: list[svc.TimelineEntry]) -> None:
        """Append older entries."""
        self.entries.extend(entries)
        self.virtual_size = Size(self.virtual_size.width, len(self.entries))
        self.refresh()

    def move_to(self, index: int) -> None:
        """Put the cursor on entry `index` (clamped) and keep it in view."""
        if not self.entries:
            return
        old, self.cursor = self.cursor, max(0, min(index, len(self.entries) - 1))
        height = max(1, self.size.height)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)
        self.refresh_line(old - top)
        self.refresh_line(self.cursor - round(self.scroll_offset.y))
        self.refresh()
        if self.cursor == len(self.entries) - 1:
            self.post_message(self.NearEnd())

    def action_cursor_down(self) -> None:
        """Next (older) entry."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous (newer) entry."""
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        """One screenful down."""
        self.move_to(self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        """One screenful up."""
        self.move_to(self.cursor - max(1, self.size.height - 1))

    def action_first(self) -> None:
        """The newest entry."""
        self.move_to(0)

    def action_last(self) -> None:
        """The oldest entry read so far (reaching it reads more)."""
        self.move_to(len(self.entries) - 1)

    def action_choose(self) -> None:
        """Open the entry under the cursor."""
        if self.entries:
            self.post_message(self.Chosen(self.cursor))

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step."""
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, len(self.entries))

    def on_focus(self, event: events.Focus) -> None:
        """Redraw the cursor in its focused style."""
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        """Redraw the cursor in its unfocused style."""
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Select the clicked entry; a double click opens it."""
        index = round(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.entries):
            self.move_to(index)
            if event.chain >= 2:
                self.action_choose()

    def notify_style_update(self) -> None:
        """Drop cached styles when the theme changes."""
        self._styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"timeline--{name}") if name else self.rich_style
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one entry (or the empty-timeline hint)."""
        width = self.scrollable_content_region.width
        base = self._style("")
        index = round(self.scroll_offset.y) + y
        if not self.entries:
            if y == 0:
                text = truncate(" Nothing yet: press a to log a call or a meetup.", width)
                return Strip([Segment(text, base + self._style("empty"))]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.entries):
            return Strip.blank(width, base)
        if index == self.cursor:
            base = base + self._style("cursor" if self.has_focus else "cursor-blurred")
        segments = [Segment(" ", base)]
        room = width - 2
        for name, piece in timeline_pieces(self.entries[index], self._now()):
            if room <= 0:
                break
            piece = truncate(piece, room)
            room -= cell_len(piece)
            segments.append(Segment(piece, base + text_only(self._style(name))))
        return Strip(segments).adjust_cell_length(width, base)


_SUGGESTIONS: dict[Path, tuple[tuple[object, ...], list[svc.MergeSuggestion]]] = {}
_SUGGESTIONS_LOCK = threading.Lock()
_FINGERPRINT = """
SELECT (SELECT count(*) FROM people WHERE merged_into IS NULL), (SELECT max(updated_at) FROM people),
       (SELECT count(*) FROM identities WHERE person_id IS NOT NULL), (SELECT sum(person_id) FROM identities),
       (SELECT coalesce(max(id), 0) + coalesce(sum(undone), 0) FROM person_merges),
       (SELECT max(last_seen_at) FROM identities)
"""


def cached_merge_suggestions(conn: sqlite3.Connection, db_path: Path) -> list[svc.MergeSuggestion]:
    """Every merge suggestion, recomputed only when people, links, merges or profiles changed (any thread).

    Computing them reads every tracked identity (about a second at 50k people); the fingerprint query
    that decides whether to is a few index scans.
    """
    fingerprint = tuple(conn.execute(_FINGERPRINT).fetchone())
    with _SUGGESTIONS_LOCK:
        cached = _SUGGESTIONS.get(db_path)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    found = svc.merge_suggestions(conn, limit=100_000)
    with _SUGGESTIONS_LOCK:
        _SUGGESTIONS[db_path] = (fingerprint, found)
    return found


class ManualEntryDialog(ModalScreen[tuple[str, str, datetime] | None], inherit_bindings=False):
    """Asks for the kind, a note and when; dismisses with (kind, note, when) or None."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(MANUAL_ENTRY_BINDINGS)

    def __init__(self, name: str, now: datetime) -> None:
        super().__init__()
        self._person_name = name
        self._now = now

    def compose(self) -> ComposeResult:
        """Kind, note, when, an error line and a hint."""
        with Vertical():
            yield Static(
                f"Add an entry for {one_line(self._person_name, 40)}", classes="dialog-title", markup=False
            )
            yield Select(
                [(kind, kind) for kind in svc.MANUAL_KINDS], value="call", allow_blank=False, id="entry-kind"
            )
            yield Input(placeholder="what happened (a call about the roadmap…)", id="entry-note")
            yield Input(placeholder="when: YYYY-MM-DD [HH:MM] (empty: now)", id="entry-when")
            yield Static("", classes="dialog-error", id="entry-error")
            yield Static("Enter or Ctrl+S adds · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the note."""
        self.query_one("#entry-note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Check the time and close with the entry."""
        kind = str(self.query_one("#entry-kind", Select).value)
        note = self.query_one("#entry-note", Input).value.strip()
        when_text = self.query_one("#entry-when", Input).value.strip()
        when = self._now
        if when_text:
            try:
                when = datetime.fromisoformat(when_text)
            except ValueError:
                self.query_one("#entry-error", Static).update(
                    "Cannot read that time: write it as 2025-06-14 or 2025-06-14 18:30."
                )
                return
            if when.tzinfo is None:
                when = when.astimezone()
            if when > self._now:
                self.query_one("#entry-error", Static).update("That is in the future: log what has happened.")
                return
        if not note:
            self.query_one("#entry-error", Static).update("Write a short note of what happened.")
            return
        self.dismiss((kind, note, when))

    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)


def values_of(person: svc.Person) -> dict[str, str]:
    """A person's editable fields as the form shows them."""
    return {
        "name": person.name,
        "organisation": person.organisation,
        "role": person.role,
        "stage": person.stage,
        "tags": _words(person.tags),
        "interests": _words(person.interests),
        "cadence": "" if person.cadence_days is None else str(person.cadence_days),
        "timezone": person.timezone,
        "notes": person.notes,
    }


FIELD_LABELS = {
    "name": "Name",
    "organisation": "Organisation",
    "role": "Role",
    "stage": "Stage",
    "tags": "Tags",
    "interests": "Interests",
    "cadence": "Cadence",
    "timezone": "Timezone",
    "notes": "Notes",
}


def card_text(person: svc.Person, stage_labels: dict[str, str]) -> Text:
    """The fields, one per line, label then value (inert); notes wrap under their label."""
    values = values_of(person)
    values["stage"] = stage_labels.get(person.stage, person.stage)
    if person.cadence_days is not None:
        values["cadence"] = f"every {person.cadence_days} days"
    else:
        values["cadence"] = "the stage's default"
    text = Text()
    for field in FIELD_IDS:
        text.append(f"{FIELD_LABELS[field]:<13}", style="dim")
        value = one_line(values[field], 2_000) if field == "notes" else one_line(values[field], 200)
        text.append((value or "–") + "\n")
    text.rstrip()
    return text


class PersonEditDialog(ModalScreen[bool], inherit_bindings=False):
    """The editable fields of a person; Ctrl+S saves (a bad value is explained), Esc cancels."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(PERSON_EDIT_BINDINGS)

    def __init__(
        self,
        person: svc.Person,
        stages: list[svc.Stage],
        save: Callable[[dict[str, Any]], str | None],
    ) -> None:
        super().__init__()
        self._person = person
        self._stages = stages
        self._save = save
        self._warned = False

    def compose(self) -> ComposeResult:
        """A title, a label and a field per line, an error line and a hint."""
        values = values_of(self._person)
        hints = {
            "tags": "comma-separated",
            "interests": "the shared purpose, comma-separated",
            "cadence": "days between touches (empty: the stage's default)",
            "timezone": "e.g. Europe/Paris",
        }
        with Vertical():
            yield Static(Text(f"Edit {one_line(self._person.name, 60)}"), classes="dialog-title")
            with Grid(id="person-fields"):
                for field in FIELD_IDS:
                    yield Label(FIELD_LABELS[field])
                    if field == "stage":
                        yield Select(
                            [(stage.label, stage.key) for stage in self._stages],
                            value=self._person.stage,
                            allow_blank=False,
                            id="field-stage",
                            compact=True,
                        )
                    else:
                        yield Input(
                            values[field],
                            placeholder=hints.get(field, ""),
                            id=f"field-{field}",
                            compact=True,
                            select_on_focus=False,
                        )
            yield Static("", classes="dialog-error", id="person-error")
            yield Static("Ctrl+S saves · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Start in the name field."""
        self.query_one("#field-name", Input).focus()

    def changed_fields(self) -> dict[str, Any]:
        """The fields edited here, as `update_person` takes them."""
        stored = values_of(self._person)
        changes: dict[str, Any] = {}
        for field in FIELD_IDS:
            if field == "stage":
                value = str(self.query_one("#field-stage", Select).value)
            else:
                value = self.query_one(f"#field-{field}", Input).value
            if value.strip() == stored[field].strip():
                continue
            if field in ("tags", "interests"):
                if _split(value) != _split(stored[field]):
                    changes[field] = _split(value)
            elif field == "cadence":
                changes["cadence_days"] = value.strip() or None
            else:
                changes[field] = value.strip()
        return changes

    def action_save(self) -> None:
        """Save and close; a value the tracker refuses is explained and the form stays open."""
        problem = self._save(self.changed_fields())
        if problem is not None:
            self.query_one("#person-error", Static).update(Text(problem))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without saving (asking once when something was edited)."""
        if self.changed_fields() and not self._warned:
            self._warned = True
            self.query_one("#person-error", Static).update(
                "Unsaved changes: Ctrl+S saves them, Esc again discards them."
            )
            return
        self.dismiss(False)


class PersonScreen(Screen[None], inherit_bindings=False):
    """One stakeholder: fields on the left; signals, identities and timeline on the right."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(PERSON_SCREEN_BINDINGS)

    def __init__(self, person_id: int, *, db_path: Path, now: Callable[[], float]) -> None:
        super().__init__()
        self.person_id = person_id
        self._db_path = db_path
        self._now = now
        self.person: svc.Person | None = None
        self.identities: list[svc.IdentityInfo] = []
        self.entries: list[svc.TimelineEntry] = []
        self._more = False
        self.suggestions: list[svc.MergeSuggestion] = []
        self.signals: Signals | None = None
        self._stages: list[svc.Stage] = []

    @property
    def cockpit(self) -> CockpitApp:
        """The app, typed."""
        from cockpit.tui.app import CockpitApp

        assert isinstance(self.app, CockpitApp)
        return self.app

    @property
    def store(self) -> Store:
        """The app's open store."""
        store = self.cockpit.store
        if store is None:
            raise RuntimeError("the store is not open")
        return store

    # -------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        """Title, the fields (read-only; `e` edits them), signals, identities, timeline and the footer.

        Few widgets on purpose: building a screen costs Textual about a millisecond per widget, and a
        person must open in well under 100 ms. The editable form is its own dialog.
        """
        conn = self.cockpit.store_conn
        self._stages = svc.stages(conn)
        self.person = svc.get_person(conn, self.person_id)
        yield Static("", id="person-title")
        with Horizontal(id="person-body"):
            with Vertical(id="person-form"):
                yield Static("", id="person-card")
                yield Static(signals_text(None, 0.0), id="person-signals")
                yield Static("", id="person-suggestion")
            with Vertical(id="person-side"):
                yield Static("Identities · x splits one off", classes="person-heading")
                yield OptionList(id="person-identities")
                yield Static(
                    "Timeline · newest first · Enter opens the conversation", classes="person-heading"
                )
                yield TimelineView(now=self._now, id="person-timeline")
        yield StableFooter()

    def on_mount(self) -> None:
        """Fill every part from the store, focus the timeline, read suggestions in a worker."""
        if self.person is None:
            self.app.pop_screen()
            self.app.notify(f"Person #{self.person_id} no longer exists.", title="People", severity="warning")
            return
        self._fill()

    def _fill(self) -> None:
        """Show `self.person` (already read): card, identities, first timeline page; workers after the frame."""
        self._show_card()
        self._load_rest(signals=False)
        self.query_one("#person-signals", Static).update(signals_text(None, 0.0))
        self.query_one("#person-suggestion", Static).update("")
        self.query_one("#person-timeline", TimelineView).focus()
        # The workers start once the first frame is out: their Python work would otherwise delay it.
        self.call_after_refresh(self._read_signals)
        self.call_after_refresh(self._read_suggestions)

    def show_person(self, person_id: int) -> bool:
        """Show another person on this (installed, not current) screen before it is pushed again.

        Reusing the screen spares building its widgets and, above all, the garbage a closed screen
        leaves (widgets, styles and message queues in reference cycles, about 20,000 objects), which
        made a full garbage collection land in every other opening. Returns False (showing nothing
        new) when the person no longer exists.
        """
        conn = self.cockpit.store_conn
        person = svc.get_person(conn, person_id)
        if person is None:
            return False
        self._stages = svc.stages(conn)
        self.person_id, self.person = person_id, person
        self.signals, self.suggestions = None, []
        self._fill()
        return True

    def _load_rest(self, *, signals: bool = True) -> None:
        """Re-read identities and the first timeline page (and the signals, in a worker)."""
        conn = self.cockpit.store_conn
        self.identities = svc.identities_of(conn, self.person_id)
        identities = self.query_one("#person-identities", OptionList)
        identities.clear_options()
        identities.add_options(Option(identity_text(identity)) for identity in self.identities)
        if self.identities:
            identities.highlighted = 0
        else:
            identities.add_option(Option(Text("No identities (manual only).", style="dim"), disabled=True))
        self.entries = svc.timeline(conn, self.person_id, limit=TIMELINE_PAGE)
        self._more = len(self.entries) == TIMELINE_PAGE
        self.query_one("#person-timeline", TimelineView).set_entries(self.entries)
        if signals:
            self._read_signals()
        self._show_title()

    @work(thread=True, exclusive=True, group="person-signals", exit_on_error=False)
    def _read_signals(self) -> None:
        """Compute the signals off the event loop (a long history takes a while) and show them."""
        from cockpit.services.signals import signals_for

        conn = sqlite3.connect(str(self._db_path), timeout=10.0)
        try:
            conn.execute("PRAGMA query_only = 1")
            person_id = self.person_id
            signals = signals_for(conn, person_id, self._clock())
        finally:
            conn.close()
        self.app.call_from_thread(self._show_signals, person_id, signals)

    def _show_signals(self, person_id: int, signals: Signals) -> None:
        if not self._open() or person_id != self.person_id:
            return  # the screen was closed (or shows someone else) while the worker ran
        self.signals = signals
        self.query_one("#person-signals", Static).update(signals_text(signals, self._now()))

    def _open(self) -> bool:
        """Whether this screen is still on the stack (a worker's result may arrive after it closed)."""
        return self.is_mounted and self in self.app.screen_stack

    def _clock(self) -> datetime:
        return datetime.fromtimestamp(self._now(), UTC)

    def _show_title(self) -> None:
        person = self.person
        if person is None:
            return
        labels = {stage.key: stage.label for stage in self._stages}
        text = Text()
        text.append(" " + one_line(person.name, 80), style="bold")
        text.append(f" · {labels.get(person.stage, one_line(person.stage, 30))}")
        if person.organisation:
            text.append(f" · {one_line(person.organisation, 60)}")
        if person.role:
            text.append(f" · {one_line(person.role, 60)}")
        self.query_one("#person-title", Static).update(text)

    def _show_card(self) -> None:
        """Show the stored fields."""
        if self.person is not None:
            labels = {stage.key: stage.label for stage in self._stages}
            self.query_one("#person-card", Static).update(card_text(self.person, labels))

    # ---------------------------------------------------------- suggestions

    @work(thread=True, exclusive=True, group="person-suggestions", exit_on_error=False)
    def _read_suggestions(self) -> None:
        person_id = self.person_id
        conn = sqlite3.connect(str(self._db_path), timeout=10.0)
        try:
            every = cached_merge_suggestions(conn, self._db_path)
        finally:
            conn.close()
        found = [s for s in every if person_id in (s.keep_id, s.other_id)]
        self.app.call_from_thread(self._show_suggestions, person_id, found)

    def _show_suggestions(self, person_id: int, found: list[svc.MergeSuggestion]) -> None:
        if not self._open() or person_id != self.person_id:
            return
        self.suggestions = found
        widget = self.query_one("#person-suggestion", Static)
        if not found:
            widget.update("")
            return
        first = found[0]
        other = first.other_name if first.keep_id == self.person_id else first.keep_name
        text = Text()
        text.append("Possibly the same person: ", style="bold")
        text.append(f"{one_line(other, 40)} ({one_line(first.reason, 60)}). y merges them into this one.")
        if len(found) > 1:
            text.append(f" (+{len(found) - 1} more)")
        widget.update(text)

    # -------------------------------------------------------------- actions

    def _fail(self, error: Exception) -> None:
        self.notify(str(error), title="People", severity="error")

    def action_edit(self) -> None:
        """Open the edit form; Ctrl+S there saves."""
        if self.person is None:
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify("Saved.", title="People", timeout=3)

        self.app.push_screen(PersonEditDialog(self.person, self._stages, self.save_fields), done)

    def save_fields(self, changes: dict[str, Any]) -> str | None:
        """Save edited fields in one write; return why they were not saved, or None when they were."""
        if not changes:
            return None
        try:
            svc.update_person(self.store, self.person_id, at=int(self._now()), **changes)
        except svc.PeopleError as problem:
            return f"Not saved: {problem}"
        self.person = svc.get_person(self.cockpit.store_conn, self.person_id)
        self._show_card()
        self._read_signals()
        self._show_title()
        return None

    def action_focus_timeline(self) -> None:
        """Move to the timeline."""
        self.query_one("#person-timeline", TimelineView).focus()

    def action_focus_identities(self) -> None:
        """Move to the identities."""
        self.query_one("#person-identities", OptionList).focus()

    def action_back(self) -> None:
        """Back to where the person was opened from."""
        self.app.pop_screen()

    @on(TimelineView.Chosen)
    def _open_entry(self, event: TimelineView.Chosen) -> None:
        event.stop()
        if not 0 <= event.index < len(self.entries):
            return
        entry = self.entries[event.index]
        if entry.conversation_id is None:
            self.notify("A manual entry has no conversation to open.", title="Timeline")
            return
        from cockpit.tui.screens.thread import ThreadScreen

        self.app.push_screen(ThreadScreen(entry.conversation_id, db_path=self._db_path, now=self._now))

    @on(TimelineView.NearEnd)
    def _read_more(self, event: TimelineView.NearEnd) -> None:
        """Read the next page of older entries when the cursor reaches the last one."""
        event.stop()
        if not self._more or not self.entries:
            return
        last = self.entries[-1]
        if last.interaction_id is None:
            return
        page = svc.timeline(
            self.cockpit.store_conn,
            self.person_id,
            before=(int(last.occurred_at.timestamp()), last.interaction_id),
            limit=TIMELINE_PAGE,
        )
        self._more = len(page) == TIMELINE_PAGE
        self.entries.extend(page)
        self.query_one("#person-timeline", TimelineView).add_entries(page)

    def action_add_entry(self) -> None:
        """Log a call, a meetup, an email or a gift."""
        if self.person is None:
            return

        def add(chosen: tuple[str, str, datetime] | None) -> None:
            if chosen is None:
                return
            kind, note, when = chosen
            try:
                svc.add_manual_entry(self.store, self.person_id, kind, note, when)
            except svc.PeopleError as error:
                self._fail(error)
                return
            self._load_rest()
            self.notify(f"Added: {kind}.", title="Timeline", timeout=3)

        self.app.push_screen(ManualEntryDialog(self.person.name, self._clock()), add)

    def action_merge(self) -> None:
        """Pick another person and fold them into this one."""
        from cockpit.tui.screens.link_person import PersonPicker, Picked

        def chosen(picked: Picked | None) -> None:
            if picked is None or picked.person_id is None:
                return
            self.merge_in(picked.person_id)

        self.app.push_screen(
            PersonPicker(
                title=f"Merge another person into {one_line(self.person.name if self.person else '', 40)}",
                db_path=self._db_path,
                exclude=self.person_id,
                allow_create=False,
                stage_labels={stage.key: stage.label for stage in self._stages},
            ),
            chosen,
        )

    def merge_in(self, other_id: int) -> None:
        """Fold `other_id` into this person and show the result."""
        conn = self.cockpit.store_conn
        other = svc.get_person(conn, other_id)
        try:
            svc.merge(self.store, self.person_id, other_id, at=int(self._now()))
        except svc.PeopleError as error:
            self._fail(error)
            return
        self._reload_person()
        name = one_line(other.name, 40) if other else f"#{other_id}"
        self.notify(f"Merged {name} into this person · u undoes", title="People", timeout=5)

    def _reload_person(self) -> None:
        self.person = svc.get_person(self.cockpit.store_conn, self.person_id)
        self._show_card()
        self._load_rest()
        self._read_suggestions()

    def action_undo_merge(self) -> None:
        """Undo the latest merge into this person."""
        merge_id = svc.last_merge(self.cockpit.store_conn, self.person_id)
        if merge_id is None:
            self.notify("No merge into this person to undo.", title="People")
            return
        try:
            svc.undo_merge(self.store, merge_id)
        except svc.PeopleError as error:
            self._fail(error)
            return
        self._reload_person()
        self.notify("Merge undone: the other person is back.", title="People", timeout=4)

    def action_accept_suggestion(self) -> None:
        """Merge the suggested look-alike into this person."""
        if not self.suggestions:
            self.notify("No merge suggestion for this person.", title="People")
            return
        first = self.suggestions[0]
        self.merge_in(first.other_id if first.keep_id == self.person_id else first.keep_id)

    def action_split_identity(self) -> None:
        """Move the highlighted identity onto a new person of its own."""
        identities = self.query_one("#person-identities", OptionList)
        index = identities.highlighted
        if index is None or not 0 <= index < len(self.identities):
            self.notify("Highlight an identity first (i moves to the identities).", title="People")
            return
        if len(self.identities) == 1:
            self.notify("This is the person's only identity: nothing to split off.", title="People")
            return
        identity = self.identities[index]
        try:
            new_id = svc.split_identity(self.store, identity.id, at=int(self._now()))
        except svc.PeopleError as error:
            self._fail(error)
            return
        self._load_rest()
        self.notify(
            f"@{one_line(identity.handle, 40)} is now a person of their own (#{new_id}).",
            title="People",
            timeout=5,
        )
