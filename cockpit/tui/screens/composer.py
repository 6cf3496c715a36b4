"""The reply composer: the post being answered, an editor, who to reply as, the platform's count, and sending.

Drafts are saved as you type (debounced, in a worker, `outbox.save_draft`) so a crash loses nothing; Esc
closes and keeps the draft, and `r` on the same conversation brings it back. Sending now or later goes through
the outbox (`outbox.schedule`); the app's sender does the rest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Select, Static, TextArea

from cockpit.services.reply_context import ReplyContext, outsiders
from cockpit.services.reply_limits import count_reply
from cockpit.tui.keymap import COMPOSER_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import inert, one_line, timestamp

if TYPE_CHECKING:
    from cockpit.services.outbox import Condition, OutboxItem
    from cockpit.tui.screens.schedule import ScheduleChoice

PLATFORM_NAMES = {"x": "X", "linkedin": "LinkedIn", "discourse": "forum", "feed": "blog"}
QUOTE_LIMIT = 4_000
"""The most characters of the answered post shown above the editor (it scrolls)."""
DRAFT_DELAY = 0.5
"""Seconds of quiet typing before the draft is saved."""


@dataclass(frozen=True)
class ReplyJob:
    """What the composer hands to the outbox when the user sends (now or later)."""

    conversation_id: int
    account_id: int
    reply_to_post_id: int | None
    text: str
    send_at: datetime | None
    condition: Condition
    item_id: int | None = None
    """Set when an outbox item is being edited (not a new reply)."""


class DraftKeeper:
    """Saves drafts off the event loop, newest text last, and turns a draft into an outbox item.

    Every save and send runs in a thread worker under one lock; a save older than the newest one started is
    skipped, so a slow save can never overwrite newer text or bring back a draft that was just sent.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._newest = 0
        self._sent = False

    def next_number(self) -> int:
        """A number for the next save (call on the event loop)."""
        self._newest += 1
        return self._newest

    def save(
        self, number: int, conversation_id: int, account_id: int, reply_to: int | None, text: str
    ) -> bool:
        """Save (or, for empty text, discard) the draft unless newer text came meanwhile; True if stored."""
        from cockpit.services import outbox
        from cockpit.store import open_store

        with self._lock:
            if number != self._newest or self._sent:
                return False
            store = open_store(self.db_path)
            try:
                if text.strip():
                    outbox.save_draft(
                        store,
                        conversation_id=conversation_id,
                        account_id=account_id,
                        reply_to_post_id=reply_to,
                        text=text,
                    )
                else:
                    outbox.discard_draft(store, conversation_id)
            finally:
                store.close()
            return True

    def edit_text(self, item_id: int, text: str) -> None:
        """Change the text of a scheduled or failed outbox item; raises OutboxError in another state."""
        from cockpit.services import outbox
        from cockpit.store import open_store

        with self._lock:
            store = open_store(self.db_path)
            try:
                outbox.edit(store, item_id, text)
            finally:
                store.close()

    def send(self, job: ReplyJob) -> int:
        """Put the reply in the outbox (or change the edited item); returns the item id; raises OutboxError."""
        from cockpit.services import outbox
        from cockpit.store import open_store

        with self._lock:
            self._sent = True
            store = open_store(self.db_path)
            try:
                if job.item_id is not None:
                    item = outbox.get(store, job.item_id)
                    if item is not None and item.text != job.text:
                        outbox.edit(store, job.item_id, job.text)
                    outbox.reschedule(store, job.item_id, job.send_at)
                    return job.item_id
                return outbox.schedule(
                    store,
                    conversation_id=job.conversation_id,
                    account_id=job.account_id,
                    reply_to_post_id=job.reply_to_post_id,
                    text=job.text,
                    send_at=job.send_at,
                    condition=job.condition,
                )
            finally:
                store.close()


class ComposerScreen(Screen[None], inherit_bindings=False):
    """Writes one reply to one conversation (or edits a scheduled or failed outbox item)."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(COMPOSER_BINDINGS)
    draft_delay = DRAFT_DELAY
    """Seconds of quiet typing before the draft is saved."""

    def __init__(
        self,
        context: ReplyContext,
        *,
        db_path: Path,
        now: datetime,
        tz: tzinfo,
        item: OutboxItem | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.item = item
        """The outbox item being edited, or None for a new reply."""
        self._db_path = db_path
        self._now = now
        self._tz = tz
        self.keeper = DraftKeeper(db_path)
        self._save_timer: Timer | None = None
        self._pending = False
        start = item or context.draft
        self.account_id = start.account_id if start is not None else self._default_account()
        self._initial_text = start.text if start is not None else ""
        self.has_draft = context.draft is not None and item is None

    def _default_account(self) -> int:
        ids = [account.id for account in self.context.accounts]
        return self.context.account_id if self.context.account_id in ids or not ids else ids[0]

    @property
    def editor(self) -> TextArea:
        """The reply editor."""
        return self.query_one("#reply", TextArea)

    @property
    def text(self) -> str:
        """The reply as typed."""
        return self.editor.text

    def compose(self) -> ComposeResult:
        """The answered post, the reply-as picker, the editor, the count, warnings and hints."""
        context = self.context
        where = PLATFORM_NAMES.get(context.platform, one_line(context.platform, 20))
        verb = "Edit scheduled reply" if self.item is not None else "Reply"
        who = one_line(context.reply_to_author or context.reply_to_handle or "the conversation", 60)
        title = f" · {one_line(context.title, 60)}" if context.title else ""
        yield Static(Text(f"{verb} to {who} on {where}{title}"), id="composer-title")
        with VerticalScroll(id="composer-quote"):
            yield Static(self._quote(), id="quote")
        options = [
            (f"{one_line(a.name, 40)}" + (f" (@{one_line(a.handle, 30)})" if a.handle else ""), a.id)
            for a in context.accounts
        ]
        with Horizontal(id="composer-as"):
            yield Static("Reply as ", classes="label")
            yield Select(
                options,
                value=self.account_id if options else Select.BLANK,
                allow_blank=not options,
                prompt="no account on this platform",
                id="reply-as",
                compact=True,
            )
        yield TextArea(self._initial_text, id="reply", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="composer-count")
        yield Static("", id="composer-warning")
        yield Static(
            "Esc closes and keeps the draft (r brings it back) · Tab moves to “Reply as”",
            id="composer-hint",
        )
        yield Footer()

    def _quote(self) -> Text:
        context = self.context
        if context.reply_to_post_id is None:
            return Text("(no post stored in this conversation)", style="italic")
        head = Text()
        author = one_line(context.reply_to_author, 60)
        handle = one_line(context.reply_to_handle, 40)
        head.append(author or handle, style="bold")
        if handle and author:
            head.append(f" @{handle}", style="dim")
        if context.reply_to_at:
            head.append(f" · {timestamp(context.reply_to_at)}", style="dim")
        body = context.reply_to_text
        cut = len(body) > QUOTE_LIMIT
        head.append("\n")
        head.append(inert(body[:QUOTE_LIMIT]) + ("…" if cut else ""))
        return head

    def on_mount(self) -> None:
        """Focus the editor with the cursor at the end, and show the count."""
        editor = self.editor
        editor.focus()
        editor.move_cursor(editor.document.end)
        self._update_count()
        if self.has_draft:
            self.notify("Your draft is back.", title="Reply", timeout=3)

    # ------------------------------------------------------------ typing

    @on(TextArea.Changed, "#reply")
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._update_count()
        if self.item is None:
            self._pending = True
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(self.draft_delay, self.save_draft)

    @on(Select.Changed, "#reply-as")
    def _account_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int):
            self.account_id = event.value
            if self.item is None and self.text.strip():
                self._pending = True
                self.save_draft()

    def _update_count(self) -> None:
        text = self.text
        length = count_reply(self.context.platform, text)
        count = self.query_one("#composer-count", Static)
        count.set_class(length.over, "-over")
        over = f" · {-length.left:,} over the limit" if length.over else ""
        count.update(f"{length.used:,} / {length.limit:,}{over}   ({length.how})")
        strangers = outsiders(text, self.context)
        warning = self.query_one("#composer-warning", Static)
        if strangers:
            names = ", ".join("@" + one_line(name, 40) for name in strangers[:5])
            verb = "is" if len(strangers) == 1 else "are"
            warning.update(Text(f"⚠ {names} {verb} not in this thread: they will be notified."))
        else:
            warning.update("")

    def save_draft(self) -> None:
        """Save the draft now (in a worker) if it changed since the last save."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self._pending or self.item is not None:
            return
        self._pending = False
        keeper = self.keeper
        number = keeper.next_number()
        context = self.context
        text = self.text
        account_id = self.account_id
        had_draft = self.has_draft
        self.has_draft = bool(text.strip())
        app = self.app

        def save() -> None:
            stored = keeper.save(number, context.conversation_id, account_id, context.reply_to_post_id, text)
            if stored and had_draft != bool(text.strip()):
                from cockpit.tui.messages import DataChanged

                app.post_message(DataChanged([context.conversation_id]))

        # On the app, not the screen: a save started just before Esc must finish after the screen is gone.
        app.run_worker(save, thread=True, group="draft-save", exit_on_error=False)

    # ----------------------------------------------------------- actions

    def action_close(self) -> None:
        """Close the composer; the draft is kept (saved now if typing had not paused yet).

        Editing an outbox item, the changed text is kept the same way (its time stays as it was).
        """
        if self.item is not None and self.text != self.item.text and self.text.strip():
            self._keep_item_text()
        else:
            self.save_draft()
        self.dismiss(None)

    def _keep_item_text(self) -> None:
        from cockpit.services.outbox import OutboxError

        assert self.item is not None
        keeper, item_id, text, app = self.keeper, self.item.id, self.text, self.app

        def keep() -> None:
            try:
                keeper.edit_text(item_id, text)
            except OutboxError as error:
                app.call_from_thread(app.notify, f"Not changed: {error}", title="Reply", severity="error")
            else:
                app.call_from_thread(app.notify, "Reply changed.", title="Reply", timeout=3)
                app.call_from_thread(refresh_outbox_views, app)

        app.run_worker(keep, thread=True, group="reply-submit", exit_on_error=False)

    def action_insert_template(self) -> None:
        """Pick a template by typing the start of its name; its filled-in text goes in at the cursor."""
        from cockpit.services.templates import list_templates
        from cockpit.tui.screens.templates import TemplatePicker

        store = getattr(self.app, "store", None)
        if store is None:
            return

        def insert(text: str | None) -> None:
            editor = self.editor
            if text:
                start, end = editor.selection
                editor.replace(text, start, end)
            editor.focus()

        self.app.push_screen(TemplatePicker(list_templates(store), self.context.variables), insert)

    def action_manage_templates(self) -> None:
        """Open the templates screen (add, edit, delete); Esc comes back here."""
        from cockpit.tui.screens.templates import TemplatesScreen

        store = getattr(self.app, "store", None)
        if store is not None:
            self.app.push_screen(TemplatesScreen(store), self._back_from_templates)

    def _back_from_templates(self, _result: None) -> None:
        self.editor.focus()

    def action_next_account(self) -> None:
        """Reply as the next of our accounts on this platform."""
        accounts = self.context.accounts
        if len(accounts) < 2:
            self.notify("There is no other account on this platform to reply as.", title="Reply as")
            return
        ids = [account.id for account in accounts]
        index = ids.index(self.account_id) if self.account_id in ids else -1
        self.query_one("#reply-as", Select).value = ids[(index + 1) % len(ids)]

    def _problem(self) -> str | None:
        """Why the reply cannot be sent as it is, or None."""
        if not self.text.strip():
            return "Write something first."
        if not self.context.accounts:
            return "No account on this platform to reply as: add one with `cockpit accounts add`."
        length = count_reply(self.context.platform, self.text)
        if length.over:
            return f"Too long by {-length.left:,}: the limit here is {length.limit:,}."
        return None

    def action_send_now(self) -> None:
        """Send the reply as soon as possible (through the outbox)."""
        from cockpit.services.outbox import Condition

        self._send(None, Condition.NONE)

    def action_schedule(self) -> None:
        """Pick when to send (and on what condition), then put the reply in the outbox."""
        from cockpit.tui.screens.schedule import ScheduleDialog

        problem = self._problem()
        if problem is not None:
            self.notify(problem, title="Reply", severity="warning")
            return

        def chosen(choice: ScheduleChoice | None) -> None:
            if choice is not None:
                self._send(choice.send_at, choice.condition)

        self.app.push_screen(
            ScheduleDialog(
                now=self._now,
                tz=self._tz,
                recipient_timezone=self.context.timezone,
                recipient_note=self.context.timezone_note,
            ),
            chosen,
        )

    def _send(self, send_at: datetime | None, condition: Condition) -> None:
        problem = self._problem()
        if problem is not None:
            self.notify(problem, title="Reply", severity="warning")
            return
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self._pending = False
        context = self.context
        job = ReplyJob(
            conversation_id=context.conversation_id,
            account_id=self.account_id,
            reply_to_post_id=context.reply_to_post_id if self.item is None else self.item.reply_to_post_id,
            text=self.text,
            send_at=send_at,
            condition=condition,
            item_id=None if self.item is None else self.item.id,
        )
        submit_reply(self.app, self.keeper, job)
        self.dismiss(None)


def submit_reply(app: App[Any], keeper: DraftKeeper, job: ReplyJob) -> None:
    """Put a reply in the outbox in a worker; the app then sends it (now) or waits for its time."""

    def run() -> None:
        from cockpit.services.outbox import OutboxError

        try:
            keeper.send(job)
        except OutboxError as error:
            app.call_from_thread(app.notify, f"Not queued: {error}", title="Reply", severity="error")
            return
        app.call_from_thread(_queued, app, job)

    app.run_worker(run, thread=True, group="reply-submit", exit_on_error=False)


def refresh_outbox_views(app: App[Any]) -> None:
    """Read the items again in every open Outbox view (on the event loop)."""
    from cockpit.tui.screens.outbox import OutboxScreen

    for screen in app.screen_stack:
        if isinstance(screen, OutboxScreen):
            screen.reload()


def _queued(app: App[Any], job: ReplyJob) -> None:
    """On the event loop: say what happens next, refresh the queue, and wake the sender."""
    from cockpit.tui.messages import DataChanged

    app.post_message(DataChanged([job.conversation_id]))
    refresh_outbox_views(app)
    sender = getattr(app, "outbox_changed", None)
    can_send = bool(sender(send_now=job.send_at is None)) if callable(sender) else False
    if not can_send:
        app.notify(
            "In the Outbox, but no account is configured in this session to send it: "
            "check config.toml, or run `cockpit send-due`.",
            title="Reply",
            severity="warning",
        )
    elif job.send_at is None:
        app.notify("Sending…", title="Reply", timeout=3)
    else:
        local = job.send_at.astimezone(getattr(app, "tz", None))
        app.notify(f"Scheduled for {local.strftime('%a %d %b %H:%M')}.", title="Reply", timeout=4)


def open_composer(app: App[Any], conversation_id: int, *, item: OutboxItem | None = None) -> None:
    """Read the conversation in a worker, then show the composer on it (restoring its draft)."""
    from cockpit.services.reply_context import load_context
    from cockpit.tui.app import CockpitApp

    assert isinstance(app, CockpitApp)
    db_path = app.db_path

    def load() -> None:
        context = load_context(db_path, conversation_id)
        app.call_from_thread(show, context)

    def show(context: ReplyContext | None) -> None:
        if context is None:
            app.notify("That conversation is gone.", title="Reply", severity="warning")
            return
        setup = app.sync_setup
        if setup is not None and setup.accounts:
            # Only accounts the configuration still has can send (the store remembers removed ones too).
            configured = {account.name for account in setup.accounts}
            accounts = tuple(account for account in context.accounts if account.name in configured)
            context = replace(context, accounts=accounts)
        if not context.accounts:
            app.notify(
                f"No account on {PLATFORM_NAMES.get(context.platform, context.platform)} to reply as.",
                title="Reply",
                severity="warning",
            )
            return
        app.push_screen(ComposerScreen(context, db_path=db_path, now=app.clock(), tz=app.tz, item=item))

    app.run_worker(load, thread=True, group="composer-open", exclusive=True, exit_on_error=False)
