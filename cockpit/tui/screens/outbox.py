"""The Outbox view: replies scheduled, being sent, sent, failed, or of unknown outcome, with what to do next.

Items are read in a worker; the actions (edit, reschedule, cancel, retry, resolve an unknown outcome) are
one small write each through `cockpit.services.outbox`, and the app's sender is woken when something should
go out now.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cockpit.services.outbox import OutboxError, OutboxItem, OutboxState
from cockpit.tui.keymap import OUTBOX_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import inert, one_line

if TYPE_CHECKING:
    from cockpit.tui.app import CockpitApp
    from cockpit.tui.screens.schedule import ScheduleChoice

SHOWN_STATES = (
    OutboxState.SCHEDULED,
    OutboxState.SENDING,
    OutboxState.SENT,
    OutboxState.FAILED,
    OutboxState.UNKNOWN,
)
"""The states the Outbox lists (drafts live in the composer, cancelled items are history)."""
FILTERS: list[tuple[str, tuple[OutboxState, ...]]] = [
    ("all", SHOWN_STATES),
    *((state.value, (state,)) for state in SHOWN_STATES),
    ("cancelled", (OutboxState.CANCELLED,)),
]
STATE_MARKS = {
    OutboxState.SCHEDULED: "◷ scheduled",
    OutboxState.SENDING: "↗ sending",
    OutboxState.SENT: "✓ sent",
    OutboxState.FAILED: "✗ failed",
    OutboxState.UNKNOWN: "? unknown",
    OutboxState.CANCELLED: "– cancelled",
    OutboxState.DRAFT: "✎ draft",
}


class OutboxLoaded(Message):
    """A worker read the outbox items of one filter and the counts per state."""

    def __init__(self, items: list[OutboxItem], counts: dict[OutboxState, int]) -> None:
        super().__init__()
        self.items = items
        self.counts = counts


def read_outbox(
    db_path: Path, states: tuple[OutboxState, ...]
) -> tuple[list[OutboxItem], dict[OutboxState, int]]:
    """The items in `states` (newest first) and the counts of every state, on a connection of its own."""
    from cockpit.services import outbox
    from cockpit.store import open_store

    store = open_store(db_path)
    try:
        return outbox.list_items(store, states), outbox.counts(store)
    finally:
        store.close()


class OutboxScreen(Screen[None], inherit_bindings=False):
    """Every reply on its way or gone, by state."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(OUTBOX_BINDINGS)

    def __init__(self, *, db_path: Path, tz: tzinfo) -> None:
        super().__init__()
        self._db_path = db_path
        self._tz = tz
        self.filter_index = 0
        self.items: list[OutboxItem] = []
        self.state_counts: dict[OutboxState, int] = {}

    @property
    def cockpit(self) -> CockpitApp:
        """The app, typed."""
        from cockpit.tui.app import CockpitApp

        assert isinstance(self.app, CockpitApp)
        return self.app

    def compose(self) -> ComposeResult:
        """Counts per state, the items, the selected item in full, and the footer."""
        yield Static("Outbox", id="outbox-title")
        table: DataTable[str | Text] = DataTable(id="outbox-items", cursor_type="row", zebra_stripes=True)
        table.add_columns("State", "When", "As", "Conversation", "Reply")
        yield table
        yield Static("", id="outbox-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Read the items and focus the list."""
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Read the items again (in a worker)."""
        self._read(FILTERS[self.filter_index][1])

    @work(thread=True, group="outbox-read", exclusive=True, exit_on_error=False)
    def _read(self, states: tuple[OutboxState, ...]) -> None:
        items, counts = read_outbox(self._db_path, states)
        self.post_message(OutboxLoaded(items, counts))

    def on_outbox_loaded(self, message: OutboxLoaded) -> None:
        """Show freshly read items, keeping the cursor on the same item when it is still listed."""
        table = self.query_one(DataTable)
        before = self.current.id if self.current else None
        self.items = message.items
        self.state_counts = message.counts
        table.clear()
        for item in self.items:
            table.add_row(*self._cells(item), key=str(item.id))
        ids = [item.id for item in self.items]
        if before in ids:
            table.move_cursor(row=ids.index(before))
        self._show_title()
        self._show_detail()

    def _when(self, item: OutboxItem) -> str:
        moment: datetime | None
        if item.state is OutboxState.SCHEDULED:
            moment = item.send_at
            if moment is None:
                return "as soon as possible"
        else:
            moment = item.updated_at
        return moment.astimezone(self._tz).strftime("%a %d %b %H:%M") if moment else ""

    def _cells(self, item: OutboxItem) -> tuple[str | Text, ...]:
        state = Text(STATE_MARKS.get(item.state, item.state.value), style=f"outbox-{item.state.value}")
        state.stylize("bold red" if item.state is OutboxState.FAILED else "")
        return (
            state,
            self._when(item),
            one_line(item.account_name, 20),
            one_line(item.conversation_title, 30),
            one_line(item.text, 50),
        )

    def _show_title(self) -> None:
        name = FILTERS[self.filter_index][0]
        counts = " · ".join(f"{state.value} {self.state_counts.get(state, 0)}" for state in SHOWN_STATES)
        self.query_one("#outbox-title", Static).update(
            Text(f"Outbox · {counts}   showing: {name} (f changes)")
        )

    @property
    def current(self) -> OutboxItem | None:
        """The item under the cursor."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        if not self.items or row is None or not 0 <= row < len(self.items):
            return None
        return self.items[row]

    def _show_detail(self) -> None:
        item = self.current
        detail = self.query_one("#outbox-detail", Static)
        if item is None:
            detail.update("Nothing here. Replies you send or schedule (r on the queue) show up here.")
            return
        text = Text()
        text.append(f"{STATE_MARKS.get(item.state, item.state.value)}", style="bold")
        text.append(f" · as {one_line(item.account_name, 30)} on {one_line(item.platform, 12)}")
        if item.attempts:
            text.append(f" · {item.attempts} attempt{'s' if item.attempts != 1 else ''}")
        if item.condition:
            text.append(f" · condition: {item.condition.value.replace('_', ' ')}")
        text.append("\n")
        text.append(inert(item.text[:2000]))
        if item.error:
            text.append("\n")
            text.append(f"Why: {one_line(item.error, 300)}", style="red")
        if item.remote_url:
            text.append("\n")
            text.append(f"Posted: {one_line(item.remote_url, 200)}  (o opens it)", style="underline")
        text.append("\n")
        text.append(self._hint(item), style="dim")
        detail.update(text)

    @staticmethod
    def _hint(item: OutboxItem) -> str:
        return {
            OutboxState.SCHEDULED: "e edit · R reschedule · c cancel",
            OutboxState.FAILED: "y retry · e edit · R reschedule · c cancel",
            OutboxState.UNKNOWN: "It may have gone out: check on the platform, then S it was sent · A send again · c cancel",
            OutboxState.SENT: "o opens the posted reply",
            OutboxState.SENDING: "Being sent now.",
        }.get(item.state, "")

    @on(DataTable.RowHighlighted)
    def _row_changed(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # ------------------------------------------------------------ actions

    def action_cycle_filter(self) -> None:
        """Show the next state (all, scheduled, sending, sent, failed, unknown, cancelled)."""
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.reload()

    def _act(self, verb: str, change: object, *, send_now: bool = False) -> None:
        """Run one outbox change on the current item, then refresh and (maybe) wake the sender."""
        from collections.abc import Callable

        assert callable(change)
        action: Callable[[], None] = change
        try:
            action()
        except OutboxError as error:
            self.notify(str(error), title="Outbox", severity="error")
            return
        self.notify(verb, title="Outbox", timeout=3)
        self.reload()
        self.cockpit.outbox_changed(send_now=send_now)

    def _item_or_say(self) -> OutboxItem | None:
        item = self.current
        if item is None:
            self.notify("No item here.", title="Outbox")
        return item

    def action_edit(self) -> None:
        """Reopen the composer on the item's text (scheduled or failed items)."""
        from cockpit.services.outbox import EDITABLE
        from cockpit.tui.screens.composer import open_composer

        item = self._item_or_say()
        if item is None:
            return
        if item.state not in EDITABLE or item.conversation_id is None:
            self.notify(
                f"Only scheduled or failed replies can be edited; this one is {item.state.value}.",
                title="Outbox",
                severity="warning",
            )
            return
        open_composer(self.app, item.conversation_id, item=item)

    def action_reschedule(self) -> None:
        """Pick a new time for the item."""
        from cockpit.services import outbox
        from cockpit.tui.screens.schedule import ScheduleDialog

        item = self._item_or_say()
        if item is None:
            return
        if item.state not in outbox.EDITABLE:
            self.notify(
                f"Only scheduled or failed replies can be rescheduled; this one is {item.state.value}.",
                title="Outbox",
                severity="warning",
            )
            return
        store = self.cockpit.store
        assert store is not None

        def chosen(choice: ScheduleChoice | None) -> None:
            if choice is None:
                return
            when = (
                "as soon as possible"
                if choice.send_at is None
                else choice.send_at.astimezone(self._tz).strftime("%a %d %b %H:%M")
            )
            self._act(
                f"Rescheduled: {when}.",
                lambda: outbox.reschedule(store, item.id, choice.send_at),
                send_now=choice.send_at is None,
            )

        self.app.push_screen(
            ScheduleDialog(
                now=self.cockpit.clock(), tz=self._tz, title="Reschedule the reply…", with_condition=False
            ),
            chosen,
        )

    def action_cancel_item(self) -> None:
        """Cancel the item: it will never be sent."""
        from cockpit.services import outbox

        item = self._item_or_say()
        store = self.cockpit.store
        if item is not None and store is not None:
            self._act("Cancelled: it will not be sent.", lambda: outbox.cancel(store, item.id))

    def action_retry(self) -> None:
        """Send a failed item again now."""
        from cockpit.services import outbox

        item = self._item_or_say()
        store = self.cockpit.store
        if item is not None and store is not None:
            self._act("Sending again…", lambda: outbox.retry(store, item.id), send_now=True)

    def action_mark_sent(self) -> None:
        """Answer for an unknown item: it was sent (it is on the platform)."""
        from cockpit.services import outbox

        item = self._item_or_say()
        store = self.cockpit.store
        if item is not None and store is not None:
            self._act("Marked as sent.", lambda: outbox.resolve_unknown(store, item.id, sent=True))

    def action_send_again(self) -> None:
        """Answer for an unknown item: it was not sent; send it again now."""
        from cockpit.services import outbox

        item = self._item_or_say()
        store = self.cockpit.store
        if item is not None and store is not None:
            self._act(
                "Sending again…", lambda: outbox.resolve_unknown(store, item.id, sent=False), send_now=True
            )

    def action_open_link(self) -> None:
        """Open the posted reply in the web browser."""
        item = self._item_or_say()
        if item is None:
            return
        if not item.remote_url.startswith(("https://", "http://")):
            self.notify("This item has no link to a posted reply.", title="Outbox")
            return
        self._open(item.remote_url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open(self, url: str) -> None:
        import webbrowser

        if not webbrowser.open(url):
            self.app.call_from_thread(
                self.notify, "No web browser found: set the BROWSER variable to open links.", title="Outbox"
            )

    def action_close(self) -> None:
        """Go back to the queue."""
        self.dismiss(None)


class ReplyCommands(Provider):
    """Command palette entries for replies: the Outbox and the templates."""

    async def search(self, query: str) -> Hits:
        """Match the query against the reply commands."""
        from cockpit.tui.app import CockpitApp

        app = self.app
        if not isinstance(app, CockpitApp):
            return
        matcher = self.matcher(query)
        commands = [
            ("Outbox", "Scheduled, sent, failed and unknown replies", app.show_outbox),
            ("Templates", "Saved replies: add, edit, delete", app.show_templates),
        ]
        for name, help_text, callback in commands:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
