"""The suggestions screen (`n` on People, "Suggestions" in the command palette): who to track, promote, re-engage.

Three sections, read in a thread worker (`services.signals.suggestions` takes seconds on a big store):
authors who keep engaging but are not tracked ("Worth a relationship"), tracked people whose signals propose
the next stage, and people going quiet. Nothing is applied without a key: `t` tracks an author at the first
stage, `p` applies a proposed stage (`u` demotes back), `d` dismisses (remembered), Enter opens.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cockpit.paths import db_path
from cockpit.tui.keymap import SUGGESTIONS_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import age, one_line

if TYPE_CHECKING:
    from cockpit.services.signals import NewStakeholder, Promotion, Slipping, Thresholds
    from cockpit.store import Store
    from cockpit.tui.app import CockpitApp

DAY = 86_400
EXCERPT = 100
"""Characters of an author's latest post shown under their suggestion."""


@dataclass
class NewItem:
    """An untracked author worth a relationship, with their latest post; `person_id` once tracked here."""

    suggestion: NewStakeholder
    excerpt: str
    posted_at: int | None
    conversation_id: int | None
    person_id: int | None = None
    stage_label: str = ""


@dataclass
class PromoteItem:
    """A person proposed for the next stage; `promoted` once `p` applied it here."""

    suggestion: Promotion
    from_key: str
    to_key: str
    promoted: bool = False


@dataclass
class SlipItem:
    """A person going quiet, with their cadence and the usual gap between their touches."""

    suggestion: Slipping
    cadence_days: int | None
    usual_gap_days: int | None


Item = NewItem | PromoteItem | SlipItem


@dataclass
class Found:
    """What the worker read: the three sections, the thresholds they used and the first stage."""

    thresholds: Thresholds
    first_stage: str
    new: list[NewItem] = field(default_factory=list)
    promote: list[PromoteItem] = field(default_factory=list)
    slipping: list[SlipItem] = field(default_factory=list)


def _thresholds(home: Path) -> tuple[Thresholds, str]:
    """The thresholds config.toml sets (defaults, and a one-line problem, when it cannot be read)."""
    from cockpit.config import ConfigError, load_config
    from cockpit.services.signals import Thresholds, thresholds_from

    try:
        return thresholds_from(load_config(home).people), ""
    except ConfigError:
        return Thresholds(), "config.toml could not be read: default thresholds used (run `cockpit check`)"


def usual_gap_days(times: list[int]) -> int | None:
    """The median gap in whole days (at least 1) between consecutive touches, or None with fewer than two."""
    ordered = sorted(times)
    gaps = [later - earlier for earlier, later in pairwise(ordered)]
    if not gaps:
        return None
    return max(1, round(statistics.median(gaps) / DAY))


def read_suggestions(conn: sqlite3.Connection, now: datetime, thresholds: Thresholds) -> Found:
    """Compute the suggestions at `now` and the details each section shows (call off the event loop)."""
    from cockpit.services.signals import suggestions

    found = suggestions(conn, now, thresholds)
    stage_rows = conn.execute("SELECT key, label FROM stages ORDER BY position, key").fetchall()
    key_of = {label: key for key, label in stage_rows}
    at = int(now.timestamp())
    result = Found(thresholds=thresholds, first_stage=stage_rows[0][1] if stage_rows else "")
    for new in found.new_stakeholders:
        # through interactions_by_identity (posts has no index by author: schema MIGRATION_3)
        row = conn.execute(
            "SELECT p.text, p.title, p.created_at, p.conversation_id FROM posts p WHERE p.id = ("
            "SELECT x.post_id FROM interactions x WHERE x.identity_id = ? AND x.direction = 'in' "
            "AND x.post_id IS NOT NULL AND x.occurred_at <= ? ORDER BY x.occurred_at DESC LIMIT 1)",
            (new.identity_id, at),
        ).fetchone()
        if row is None:
            result.new.append(NewItem(new, "", None, None))
        else:
            text, title, created, conversation = row
            result.new.append(NewItem(new, one_line(text or title or "", EXCERPT), created, conversation))
    for promotion in found.promotions:
        result.promote.append(
            PromoteItem(
                promotion,
                key_of.get(promotion.from_stage, promotion.from_stage),
                key_of.get(promotion.to_stage, promotion.to_stage),
            )
        )
    for slip in found.slipping:
        cadence = conn.execute(
            "SELECT coalesce(p.cadence_days, s.cadence_days) FROM people p LEFT JOIN stages s ON s.key = p.stage "
            "WHERE p.id = ?",
            (slip.person_id,),
        ).fetchone()
        times = [
            row[0]
            for row in conn.execute(
                "SELECT occurred_at FROM interactions WHERE person_id = ? AND occurred_at <= ? "
                "ORDER BY occurred_at DESC LIMIT 21",
                (slip.person_id, at),
            )
        ]
        result.slipping.append(SlipItem(slip, cadence[0] if cadence else None, usual_gap_days(times)))
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def new_prompt(item: NewItem, now: float) -> Text:
    """Two lines: who and why, then their latest post (hostile text made inert)."""
    s = item.suggestion
    text = Text()
    name = one_line(s.name or s.handle, 40)
    text.append(f"  {name}", style="bold")
    if s.handle and s.handle != s.name:
        text.append(f" @{one_line(s.handle, 40)}")
    text.append(f" · {one_line(s.platform, 20)} · ")
    if item.person_id is not None:
        text.append(f"✓ tracked as {one_line(item.stage_label, 30)}: Enter opens their page", style="green")
    else:
        text.append(one_line(s.reason, 120))
    text.append("\n")
    if item.excerpt:
        text.append(f"    “{item.excerpt}”", style="italic")
        if item.posted_at is not None:
            text.append(f" · {age(now - item.posted_at)} ago", style="dim")
    else:
        text.append("    (no post of theirs is stored)", style="dim")
    return text


def promote_prompt(item: PromoteItem) -> Text:
    """One line: who, current -> proposed stage, and the signal."""
    s = item.suggestion
    text = Text()
    text.append(f"  {one_line(s.name, 40)}", style="bold")
    text.append(f" · {one_line(s.from_stage, 30)} → {one_line(s.to_stage, 30)} · ")
    if item.promoted:
        text.append(f"✓ promoted to {one_line(s.to_stage, 30)}: u demotes back", style="green")
    else:
        text.append(one_line(s.reason, 120))
    return text


def slip_prompt(item: SlipItem) -> Text:
    """One line: who, their stage, the last touch, and their usual rhythm."""
    s = item.suggestion
    text = Text()
    text.append(f"  {one_line(s.name, 40)}", style="bold")
    last = s.last_touch_at.astimezone().strftime("%d %b %Y")
    text.append(f" · {one_line(s.stage, 30)} · last touch {last} ({s.quiet_days} days ago)")
    rhythm = []
    if item.usual_gap_days is not None:
        rhythm.append(f"usually every {_plural(item.usual_gap_days, 'day')}")
    if item.cadence_days is not None:
        rhythm.append(f"cadence {_plural(item.cadence_days, 'day')}")
    text.append(" · " + (", ".join(rhythm) if rhythm else "no usual rhythm yet"), style="dim")
    return text


def empty_texts(limits: Thresholds) -> dict[str, str]:
    """What would make a suggestion appear in each section, said when it is empty."""
    return {
        "new": (
            f"  Nobody yet. An untracked author appears here after {limits.new_min_interactions}+ interactions "
            f"in {limits.new_window_days} days, or once they start a thread you answer."
        ),
        "promote": (
            f"  Nobody yet. A tracked person appears here after {limits.promote_two_way}+ two-way "
            f"conversations or {limits.promote_mentions}+ unprompted posts in 90 days."
        ),
        "slipping": (
            f"  Nobody. A person past the first stage appears here after {limits.slipping_after_days} days "
            "without a touch either way."
        ),
    }


_DISMISS_UNTIL = {
    "new": "for good (track them from the queue with p if you change your mind)",
    "promote": "until their stage changes",
    "slipping": "until you touch them again",
}

SECTIONS = {
    "new": "Worth a relationship",
    "promote": "Ready for the next stage",
    "slipping": "Slipping away",
}


class SuggestionsScreen(Screen[None], inherit_bindings=False):
    """Authors worth tracking, people ready for the next stage, people slipping away; each acted on by a key."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(SUGGESTIONS_BINDINGS)

    class Loaded(Message):
        """The worker read the suggestions (or failed, with a one-line reason)."""

        def __init__(self, found: Found | None, problem: str = "", note: str = "") -> None:
            super().__init__()
            self.found = found
            self.problem = problem
            self.note = note

    def __init__(self, *, home: Path, now: Callable[[], float]) -> None:
        super().__init__()
        self._home = Path(home)
        self._now = now
        self.found: Found | None = None
        self.items: dict[str, Item] = {}
        """The suggestions shown, by option id ("new:<identity>", "promote:<person>", "slipping:<person>")."""
        self.last_promoted: str | None = None
        """The option id of the latest promotion applied here (what `u` demotes back)."""

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

    @property
    def options(self) -> OptionList:
        """The list of suggestions."""
        return self.query_one("#suggestions-list", OptionList)

    def compose(self) -> ComposeResult:
        """The title line, the list, a hint line and the footer."""
        yield Static(Text(" Suggestions · finding suggestions…"), id="suggestions-title")
        yield OptionList(
            Option(Text("  Finding suggestions…", style="dim"), disabled=True), id="suggestions-list"
        )
        yield Static("", id="suggestions-hint")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the list and start reading."""
        self.options.focus()
        self.refresh_suggestions()

    def on_screen_resume(self) -> None:
        """Keep what is shown when coming back (`r` reads again); the hint follows the cursor."""
        self._show_hint()

    def refresh_suggestions(self) -> None:
        """Read the suggestions again in a worker."""
        self.query_one("#suggestions-title", Static).update(Text(" Suggestions · finding suggestions…"))
        self._read(datetime.fromtimestamp(self._now(), UTC))

    @work(thread=True, exclusive=True, group="suggestions", exit_on_error=False)
    def _read(self, now: datetime) -> None:
        thresholds, note = _thresholds(self._home)
        try:
            conn = sqlite3.connect(str(db_path(self._home)), timeout=10.0)
            try:
                conn.execute("PRAGMA query_only = 1")
                found = read_suggestions(conn, now, thresholds)
            finally:
                conn.close()
        except sqlite3.Error as error:
            self.post_message(
                self.Loaded(None, problem=f"Could not read the suggestions: {error}. Press r to retry.")
            )
            return
        self.post_message(self.Loaded(found, note=note))

    def on_suggestions_screen_loaded(self, message: SuggestionsScreen.Loaded) -> None:
        """Show what the worker found."""
        if message.note:
            self.notify(message.note, title="Suggestions", severity="warning")
        if message.found is None:
            self.query_one("#suggestions-title", Static).update(
                Text(" Suggestions · " + one_line(message.problem))
            )
            self.options.clear_options()
            return
        self.last_promoted = None
        self.show(message.found)

    def show(self, found: Found, highlight: int | None = None) -> None:
        """Fill the list with the three sections (an empty one says what would make a suggestion appear)."""
        self.found = found
        now = self._now()
        self.items = {}
        options: list[Option] = []
        empty = empty_texts(found.thresholds)
        sections: dict[str, list[tuple[str, Item, Text]]] = {
            "new": [(f"new:{i.suggestion.identity_id}", i, new_prompt(i, now)) for i in found.new],
            "promote": [(f"promote:{i.suggestion.person_id}", i, promote_prompt(i)) for i in found.promote],
            "slipping": [(f"slipping:{i.suggestion.person_id}", i, slip_prompt(i)) for i in found.slipping],
        }
        for kind, rows in sections.items():
            options.append(
                Option(Text(f"{SECTIONS[kind]} ({len(rows)})", style="bold underline"), disabled=True)
            )
            if not rows:
                options.append(Option(Text(empty[kind], style="dim"), disabled=True))
            for option_id, item, prompt in rows:
                self.items[option_id] = item
                options.append(Option(prompt, id=option_id))
            options.append(Option(Text(""), disabled=True))
        options.pop()
        listing = self.options
        listing.set_options(options)
        enabled = [index for index, option in enumerate(options) if not option.disabled]
        if highlight is not None:
            enabled = [index for index in enabled if index >= highlight] or enabled[-1:]
        listing.highlighted = enabled[0] if enabled else None
        self._show_title()
        self._show_hint()

    def _show_title(self) -> None:
        found = self.found
        title = Text()
        title.append(" Suggestions", style="bold")
        if found is not None:
            counts = {kind: sum(1 for key in self.items if key.startswith(f"{kind}:")) for kind in SECTIONS}
            title.append(
                f" · {counts['new']} worth a relationship · {counts['promote']} ready for the next stage"
                f" · {counts['slipping']} slipping away · r refreshes"
            )
        self.query_one("#suggestions-title", Static).update(title)

    def current(self) -> tuple[str, Item] | None:
        """The highlighted suggestion and its option id, or None."""
        option = self.options.highlighted_option
        if option is None or option.id is None or option.id not in self.items:
            return None
        return option.id, self.items[option.id]

    def _show_hint(self) -> None:
        chosen = self.current()
        hint = ""
        if chosen is not None:
            _, item = chosen
            if isinstance(item, NewItem):
                hint = (
                    "Enter opens their page"
                    if item.person_id is not None
                    else f"t tracks them at “{one_line(self.found.first_stage if self.found else '', 30)}” · "
                    "Enter opens their latest conversation · d dismisses for good"
                )
            elif isinstance(item, PromoteItem):
                s = item.suggestion
                hint = (
                    f"u demotes back to “{one_line(s.from_stage, 30)}” (or e on their page) · Enter opens their page"
                    if item.promoted
                    else f"p moves them to “{one_line(s.to_stage, 30)}” · Enter opens their page · "
                    "d dismisses until their stage changes"
                )
            else:
                hint = "Enter opens their page to reach out · d dismisses until you touch them again"
        self.query_one("#suggestions-hint", Static).update(Text(" " + hint if hint else ""))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_hint()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    # ------------------------------------------------------------------ actions

    def action_cursor_down(self) -> None:
        """Move to the next suggestion."""
        self.options.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Move to the previous suggestion."""
        self.options.action_cursor_up()

    def action_refresh(self) -> None:
        """Read the suggestions again."""
        self.refresh_suggestions()

    def action_back(self) -> None:
        """Back to where the screen was opened from."""
        self.app.pop_screen()

    def action_open(self) -> None:
        """Open the person (tracked people), or the latest conversation of an untracked author."""
        chosen = self.current()
        if chosen is None:
            return
        _, item = chosen
        if isinstance(item, NewItem) and item.person_id is None:
            if item.conversation_id is None:
                self.notify("No conversation of theirs is stored; t tracks them.", title="Suggestions")
                return
            from cockpit.tui.screens.thread import ThreadScreen

            self.app.push_screen(
                ThreadScreen(item.conversation_id, db_path=self.cockpit.db_path, now=self._now)
            )
            return
        person_id = item.person_id if isinstance(item, NewItem) else item.suggestion.person_id
        assert person_id is not None
        self.open_person(person_id)

    def open_person(self, person_id: int) -> None:
        """Show one person's screen."""
        from cockpit.tui.screens.person import PersonScreen

        self.app.push_screen(PersonScreen(person_id, db_path=self.cockpit.db_path, now=self._now))

    def action_track(self) -> None:
        """Track the highlighted author as a person at the first stage, then offer to open them."""
        from cockpit.services.people import PeopleError, create_person, stages

        option_id, item = self.current() or ("", None)
        if not isinstance(item, NewItem):
            self.notify("t tracks an author from “Worth a relationship”.", title="Suggestions")
            return
        if item.person_id is not None:
            self.notify("Already tracked: Enter opens their page.", title="Suggestions")
            return
        s = item.suggestion
        try:
            person_id = create_person(
                self.store,
                (s.name or s.handle).strip() or s.handle,
                identity_ids=[s.identity_id],
                at=int(self._now()),
            )
        except (PeopleError, sqlite3.Error) as error:
            self.notify(one_line(str(error)), title="Could not track them", severity="error")
            return
        first = stages(self.cockpit.store_conn)
        item.person_id = person_id
        item.stage_label = first[0].label if first else ""
        self.options.replace_option_prompt(option_id, new_prompt(item, self._now()))
        self._show_hint()
        self.notify(
            f"Tracking {one_line(s.name or s.handle, 40)} as “{one_line(item.stage_label, 30)}”. "
            "Enter opens their page.",
            title="Tracked",
        )

    def action_promote(self) -> None:
        """Move the highlighted person to the proposed stage (`u` demotes back)."""
        from cockpit.services.people import PeopleError, update_person

        option_id, item = self.current() or ("", None)
        if not isinstance(item, PromoteItem):
            self.notify("p applies a proposed stage from “Ready for the next stage”.", title="Suggestions")
            return
        if item.promoted:
            self.notify("Already promoted: u demotes back.", title="Suggestions")
            return
        try:
            update_person(self.store, item.suggestion.person_id, stage=item.to_key, at=int(self._now()))
        except (PeopleError, sqlite3.Error) as error:
            self.notify(one_line(str(error)), title="Could not promote", severity="error")
            return
        item.promoted = True
        self.last_promoted = option_id
        self.options.replace_option_prompt(option_id, promote_prompt(item))
        self._show_hint()
        s = item.suggestion
        self.notify(
            f"{one_line(s.name, 40)}: {one_line(s.from_stage, 30)} → {one_line(s.to_stage, 30)}. "
            "u demotes back.",
            title="Promoted",
        )

    def action_undo_promote(self) -> None:
        """Demote back the latest promotion made on this screen."""
        from cockpit.services.people import PeopleError, update_person

        option_id = self.last_promoted
        item = self.items.get(option_id) if option_id else None
        if option_id is None or not isinstance(item, PromoteItem) or not item.promoted:
            self.notify("No promotion to undo here (a person's stage is also edited with e on their page).")
            return
        try:
            update_person(self.store, item.suggestion.person_id, stage=item.from_key, at=int(self._now()))
        except (PeopleError, sqlite3.Error) as error:
            self.notify(one_line(str(error)), title="Could not demote", severity="error")
            return
        item.promoted = False
        self.last_promoted = None
        self.options.replace_option_prompt(option_id, promote_prompt(item))
        self._show_hint()
        s = item.suggestion
        self.notify(f"{one_line(s.name, 40)} is back at {one_line(s.from_stage, 30)}.", title="Demoted")

    def action_dismiss_suggestion(self) -> None:
        """Hide the highlighted suggestion and remember it (a promotion or a slip comes back when things change)."""
        from cockpit.services.signals import dismiss_suggestion

        chosen = self.current()
        if chosen is None:
            return
        option_id, item = chosen
        kind = option_id.split(":", 1)[0]
        subject = item.suggestion.identity_id if isinstance(item, NewItem) else item.suggestion.person_id
        try:
            dismiss_suggestion(self.store, kind, subject, int(self._now()))
        except sqlite3.Error as error:
            self.notify(one_line(str(error)), title="Could not dismiss", severity="error")
            return
        if self.last_promoted == option_id:
            self.last_promoted = None
        found = self.found
        if found is not None:
            found.new = [i for i in found.new if i is not item]
            found.promote = [i for i in found.promote if i is not item]
            found.slipping = [i for i in found.slipping if i is not item]
            self.show(found, highlight=self.options.highlighted)
        self.notify("Dismissed: it stays hidden " + _DISMISS_UNTIL[kind] + ".", title="Suggestions")


class SuggestionsCommands(Provider):
    """The command palette's entry for the suggestions screen."""

    async def search(self, query: str) -> Hits:
        """Match the query against "Suggestions"."""
        action = getattr(self.app, "action_suggestions", None)
        if action is None:
            return
        matcher = self.matcher(query)
        for name in ("Suggestions", "Suggestions: who to track, promote, re-engage"):
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    action,
                    help="Authors worth a relationship, people ready for the next stage, people slipping away",
                )
                return
