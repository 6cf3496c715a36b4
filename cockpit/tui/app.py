"""The cockpit's Textual application: opens the store, shows the queue (or the first-run screen).

Hooks for other parts of the cockpit (post from any thread with `app.post_message`):
- `DataChanged(conversation_ids=())`: new or changed conversations are in the store; the queue refreshes its
  count and visible rows without moving the cursor off its conversation, and an open thread reloads.
- `SyncStatus(account, text, level="info"|"busy"|"warning"|"error")`: per-account sync state for the
  status bar; empty text removes the account. On the event loop, `set_sync_status(...)` does the same.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.timer import Timer

from cockpit.paths import db_path
from cockpit.store import Store, StoreError, open_store
from cockpit.tui.keymap import APP_BINDINGS
from cockpit.tui.lazy import LazyModule
from cockpit.tui.messages import DataChanged, SyncStatus

# The triage services are imported on first use (after the first frame), not on the start-up path.
triage = LazyModule("cockpit.services.triage")
DEFAULT_UNDO_DEPTH = 100
"""Undo steps kept unless config.toml says otherwise (the same default as `Settings.undo_depth`)."""

if TYPE_CHECKING:
    from cockpit.services.sync import AccountResult
    from cockpit.tui.screens.queue import QueueScreen
    from cockpit.tui.sending import RepliesSent
    from cockpit.tui.syncing import SyncSetup


class CockpitApp(App[None], inherit_bindings=False):
    """One keyboard queue of conversations from every account, with threads and a status bar."""

    CSS_PATH = "cockpit.tcss"
    TITLE = "Cockpit"
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    COMMANDS = (
        App.COMMANDS
        | {lambda: _reply_commands()}
        | {lambda: _rules_commands()}
        | {lambda: _suggestions_commands()}
    )
    AGE_REFRESH_SECONDS = 60.0
    WAKE_CHECK_SECONDS = 300.0
    """The longest the wake timer sleeps before looking again (clock changes, suspend)."""

    detail_debounce = 0.06
    """Seconds the cursor must rest on a row before its thread is read (0 reads at once)."""

    def __init__(
        self,
        home: Path,
        *,
        now: Callable[[], float] = time.time,
        demo: bool = False,
        sync: SyncSetup | None = None,
        read_config: bool = False,
    ) -> None:
        super().__init__()
        self.home = Path(home)
        self.db_path = db_path(self.home)
        self.now = now
        self.demo = demo
        self.sync_setup = sync
        """The accounts synced in the background; None or no accounts means no background sync."""
        self.read_config = read_config
        """Read config.toml (in a worker, after the first frame) for the accounts to sync."""
        self.sync_running = False
        self.store: Store | None = None
        self.sync_state: dict[str, tuple[str, str]] = {}
        """Per-account sync text and level, as the status bars show it."""
        self.undo_depth = DEFAULT_UNDO_DEPTH
        """Undo steps kept (config.toml `undo_depth` once read)."""
        self.tz: tzinfo = datetime.now().astimezone().tzinfo or UTC
        """The zone snooze times are read in (config.toml `timezone` once read, else the system's)."""
        self._wake_timer: Timer | None = None
        self._send_timer: Timer | None = None
        self.send_running = False
        """Whether a pass of the outbox sender is running (one at a time)."""
        self._send_again = False
        self._reconciled = False
        if demo:
            self.sub_title = "demo"

    @property
    def store_conn(self) -> sqlite3.Connection:
        """The event loop's SQLite connection."""
        if self.store is None:
            raise RuntimeError("the store is not open yet")
        return self.store.conn

    def on_mount(self) -> None:
        """Open (creating if needed) the database and show the queue, or the first-run screen."""
        try:
            self.store = open_store(self.db_path)
        except StoreError as error:
            self.exit(return_code=2, message=Text(f"cockpit: {error}"))
            return
        if self.is_first_run():
            from cockpit.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.home))
        else:
            self.push_screen(self._queue_screen())
        self.set_interval(self.AGE_REFRESH_SECONDS, self._refresh_ages)
        from cockpit.tui.gc_policy import apply_gc_policy

        self.call_after_refresh(apply_gc_policy)  # freeze start-up objects once the first frame is out
        self.call_after_refresh(self.wake_snoozed)
        if self.read_config:
            self.call_after_refresh(self._load_config)
        else:
            self.call_after_refresh(self._begin_syncing)

    def _begin_syncing(self) -> None:
        """Start the first round now (the first frame is up) and the rest on the interval."""
        self.call_after_refresh(self._begin_sending)
        if self.sync_setup is not None and self.sync_setup.accounts:
            self.start_sync()
            self.set_interval(self.sync_setup.interval, self.start_sync)

    @work(thread=True, group="config", exit_on_error=False)
    def _load_config(self) -> None:
        """Read config.toml off the event loop; a broken file turns sync off and says where it is broken."""
        from cockpit.config import ConfigError
        from cockpit.tui.syncing import setup_from_config

        try:
            setup = setup_from_config(self.home)
        except ConfigError as error:
            self.call_from_thread(self._config_failed, str(error))
        else:
            self.call_from_thread(self._config_loaded, setup)
            self._load_keymap()

    def _load_keymap(self) -> None:
        """Apply config.toml's `[keys]` (call from the config worker); an unknown binding id is reported."""
        from cockpit.config import ConfigError
        from cockpit.tui.remap import load_keymap

        try:
            keys = load_keymap(self.home)
        except ConfigError as error:
            self.call_from_thread(self.notify, str(error), title="config.toml", severity="error", timeout=30)
        else:
            if keys:
                self.call_from_thread(self.set_keymap, keys)

    def _config_loaded(self, setup: SyncSetup) -> None:
        from cockpit.services.snooze_times import zone

        self.sync_setup = setup
        if setup.undo_depth is not None:
            self.undo_depth = setup.undo_depth
        if setup.timezone:
            try:
                self.tz = zone(setup.timezone)
            except ValueError as error:
                self.notify(str(error), title="config.toml", severity="warning")
        for problem in setup.problems:  # e.g. a [people] cadence for an unknown stage
            self.notify(problem, title="config.toml", severity="warning", timeout=30)
        self._begin_syncing()

    def _config_failed(self, message: str) -> None:
        self.set_sync_status("config", "✗ broken config.toml: sync is off until it is fixed", "info")
        self.notify(message, title="config.toml", severity="error", timeout=30)

    def _queue_screen(self) -> QueueScreen:
        from cockpit.tui.screens.queue import QueueScreen

        return QueueScreen(db_path=self.db_path, now=self.now)

    def is_first_run(self) -> bool:
        """True when the store holds no accounts and no conversations."""
        row = self.store_conn.execute(
            "SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM conversations)"
        ).fetchone()
        return not row[0]

    def on_unmount(self) -> None:
        """Close the database."""
        if self.store is not None:
            self.store.close()
            self.store = None

    # ---------------------------------------------------------------- hooks

    def on_data_changed(self, message: DataChanged) -> None:
        """Refresh whatever shows the changed data; leave the first-run screen once there is some."""
        from cockpit.tui.screens.first_run import FirstRunScreen
        from cockpit.tui.screens.queue import QueueScreen
        from cockpit.tui.screens.thread import ThreadScreen

        if self.store is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, QueueScreen):
                screen.data_changed(message)
            elif isinstance(screen, ThreadScreen) and (
                not message.conversation_ids or screen.conversation_id in message.conversation_ids
            ):
                screen.reload()
        if isinstance(self.screen, FirstRunScreen) and not self.is_first_run():
            self.switch_screen(self._queue_screen())

    def on_sync_status(self, message: SyncStatus) -> None:
        """Show one account's sync state in the status bars."""
        self.set_sync_status(message.account, message.text, message.level)

    def set_sync_status(self, account: str, text: str, level: str = "info") -> None:
        """Show (or, with empty text, clear) one account's sync state; call on the event loop."""
        previous = self.sync_state.get(account)
        if level in ("warning", "error") and (previous is None or previous[0] != text):
            # The status bar has room for a glimpse; the notification carries the whole message and its fix.
            self.notify(
                f"{account}: {text.lstrip('✗⏸ ')}", severity="error" if level == "error" else "warning"
            )
        if text:
            self.sync_state[account] = (text, level)
        else:
            self.sync_state.pop(account, None)
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_sync", None)
            if callable(refresh):
                refresh()

    # ---------------------------------------------------------------- snooze

    def clock(self) -> datetime:
        """The app's clock as an aware datetime."""
        return datetime.fromtimestamp(self.now(), UTC)

    def wake_snoozed(self) -> list[int]:
        """Return every snoozed conversation whose time has come to the Inbox, then wait for the next one."""
        if self.store is None:
            return []
        woken = triage.wake_due(self.store, self.clock())
        if woken:
            self.post_message(DataChanged(woken))
        self.schedule_wake()
        return woken

    def schedule_wake(self) -> None:
        """(Re)start the timer that wakes the next snoozed conversation at its time."""
        if self._wake_timer is not None:
            self._wake_timer.stop()
            self._wake_timer = None
        if self.store is None:
            return
        due = triage.next_wake(self.store)
        if due is None:
            return
        delay = max(0.001, due.timestamp() - self.now())  # Textual's timers need a positive delay
        self._wake_timer = self.set_timer(min(delay, self.WAKE_CHECK_SECONDS), self.wake_snoozed)

    # ----------------------------------------------------------------- sync

    def start_sync(self, force: bool = False) -> bool:
        """Start a background sync round of the accounts that are due (all with `force`); False if none ran."""
        if self.sync_setup is None or not self.sync_setup.accounts or self.sync_running:
            return False
        self.sync_running = True
        self._sync_round(force)
        return True

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync_round(self, force: bool) -> None:
        """One sync round, off the event loop; everything it learns comes back as messages."""
        from cockpit.tui.syncing import run_round

        assert self.sync_setup is not None
        try:
            run_round(
                self.db_path,
                self.sync_setup,
                force=force,
                post_status=lambda account, text, level: self.post_message(
                    SyncStatus(account, text, level=level)
                ),
                post_result=self._post_sync_result,
            )
        finally:
            self.call_from_thread(self._sync_finished)

    def _post_sync_result(self, result: AccountResult) -> None:
        """Turn one account's result into status-bar text and, when data arrived, a refresh (any thread)."""
        from datetime import UTC, datetime

        from cockpit.tui.syncing import describe

        text, level = describe(result, datetime.now(UTC))
        self.post_message(SyncStatus(result.account, text, level=level))
        if result.conversation_ids:
            self.post_message(DataChanged(sorted(result.conversation_ids)))

    @work(thread=True, group="thread-fetch", exclusive=True, exit_on_error=False)
    def fetch_whole_thread(self, conversation_id: int) -> None:
        """Fetch a conversation's whole thread from its platform (off the event loop) and refresh what shows it."""
        import asyncio

        from cockpit.services.threads import refresh_thread, thread_of

        setup = self.sync_setup
        located = thread_of(self.db_path, conversation_id) if setup is not None else None
        if setup is None or located is None:
            return
        account = next((a for a in setup.accounts if a.name == located[0]), None)
        if account is None:
            return  # an account that is not configured (any more): what is stored is all there is
        result = asyncio.run(
            refresh_thread(
                self.db_path,
                conversation_id,
                account,
                setup.secret(account.name),
                save_secret=setup.save_secret,
            )
        )
        if result.new_posts or result.updated_posts:
            self.post_message(DataChanged([conversation_id]))
        elif result.actionable:
            self.call_from_thread(
                self.notify,
                f"{account.name}: could not fetch the whole thread: {result.error}",
                severity="warning",
            )

    def _sync_finished(self) -> None:
        self.sync_running = False

    def action_sync_now(self) -> None:
        """Sync every account now (the `ctrl+r` key)."""
        if self.sync_setup is None or not self.sync_setup.accounts:
            self.notify(
                "No accounts to sync. Add one with `cockpit accounts add NAME --platform feed --feed URL`.",
                title="Sync",
            )
        elif not self.start_sync(force=True):
            self.notify("A sync is already running.", title="Sync")

    # ---------------------------------------------------------------- outbox

    def outbox_changed(self, *, send_now: bool = False) -> bool:
        """The outbox changed (a reply queued, rescheduled, retried): send now, or wait for the next one.

        Returns False when nothing in this session can send (no accounts configured).
        """
        if send_now:
            return self.start_send()
        self.schedule_send()
        return self.sync_setup is not None and bool(self.sync_setup.accounts)

    def _begin_sending(self) -> None:
        """Reconcile what a previous run left sending or unknown, and send what is due; else wait for it."""
        if self.store is None:
            return
        row = self.store_conn.execute(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE state IN ('sending', 'unknown'))"
        ).fetchone()
        if row[0]:
            self.start_send()
        else:
            self._reconciled = True  # nothing to reconcile in this session's first pass
            self.schedule_send()

    def schedule_send(self) -> None:
        """(Re)start the timer that runs the sender when the next scheduled reply is due (real time)."""
        from cockpit.services import outbox

        if self._send_timer is not None:
            self._send_timer.stop()
            self._send_timer = None
        if self.store is None or self.send_running:
            return
        due = outbox.next_due(self.store)
        if due is None:
            return
        delay = max(0.001, due.timestamp() - time.time())
        self._send_timer = self.set_timer(min(delay, self.WAKE_CHECK_SECONDS), self.start_send)

    def start_send(self) -> bool:
        """Run a pass of the sender in a worker (after the running one, if any); False when it cannot run."""
        if self.sync_setup is None or not self.sync_setup.accounts:
            return False
        if self.send_running:
            self._send_again = True
            return True
        self.send_running = True
        self._send_pass(reconcile_first=not self._reconciled)
        self._reconciled = True
        return True

    @work(thread=True, group="send", exit_on_error=False)
    def _send_pass(self, reconcile_first: bool) -> None:
        """One pass of the outbox sender, off the event loop; the results come back as a message."""
        from cockpit.tui.sending import RepliesSent, run_send_pass

        assert self.sync_setup is not None
        try:
            results = run_send_pass(self.db_path, self.sync_setup, reconcile_first=reconcile_first)
        except Exception as error:  # a pass that cannot run must not stop later ones
            self.post_message(RepliesSent([], error=f"sending stopped: {error}"))
        else:
            self.post_message(RepliesSent(results))

    def on_replies_sent(self, message: RepliesSent) -> None:
        """Say what was sent or failed, refresh what shows replies, and wait for the next due one."""
        from cockpit.services.outbox import OutboxState
        from cockpit.tui.screens.outbox import OutboxScreen
        from cockpit.tui.sending import summary

        self.send_running = False
        if message.error:
            self.notify(message.error, title="Outbox", severity="error")
        results = [result for result in message.results if result.changed]
        for result in results:
            severity = {OutboxState.FAILED: "error", OutboxState.UNKNOWN: "warning"}.get(
                result.state, "information"
            )
            self.notify(result.message, title="Reply", severity=severity)  # type: ignore[arg-type]
        text, _level = summary(results)
        if text:
            self.set_sync_status("outbox", text, "info")
        if results:
            self.post_message(DataChanged())
            for screen in self.screen_stack:
                if isinstance(screen, OutboxScreen):
                    screen.reload()
        if self._send_again:
            self._send_again = False
            self.start_send()
        else:
            self.schedule_send()

    def show_outbox(self) -> None:
        """Show the Outbox view."""
        from cockpit.tui.screens.outbox import OutboxScreen

        if not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen(db_path=self.db_path, tz=self.tz))

    def show_templates(self) -> None:
        """Show the reply templates screen."""
        from cockpit.tui.screens.templates import TemplatesScreen

        if self.store is not None and not isinstance(self.screen, TemplatesScreen):
            self.push_screen(TemplatesScreen(self.store))

    # -------------------------------------------------------------- actions

    def action_people(self) -> None:
        """Show the People screen (the stakeholders you track)."""
        from cockpit.tui.screens.people import PeopleScreen

        if not isinstance(self.screen, PeopleScreen):
            self.push_screen(PeopleScreen(db_path=self.db_path, now=self.now))

    def action_suggestions(self) -> None:
        """Show the suggestions: authors worth tracking, people ready for the next stage, people slipping away."""
        from cockpit.tui.screens.suggestions import SuggestionsScreen

        if not isinstance(self.screen, SuggestionsScreen):
            self.push_screen(SuggestionsScreen(home=self.home, now=self.now))

    def action_momentum(self) -> None:
        """Show the momentum view (charts of the outreach rhythm)."""
        from cockpit.tui.screens.momentum import MomentumScreen

        if not isinstance(self.screen, MomentumScreen):
            self.push_screen(MomentumScreen(home=self.home, now=self.now))

    def action_rules(self) -> None:
        """Show the Rules screen (config.toml's rules with their 30-day match counts)."""
        from cockpit.tui.screens.rules import RulesScreen

        if not isinstance(self.screen, RulesScreen):
            self.push_screen(RulesScreen())

    def action_help(self) -> None:
        """Show the help screen (or close it when it is open)."""
        from cockpit.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def _refresh_ages(self) -> None:
        """Redraw the visible rows so ages such as "5m" stay true."""
        from cockpit.tui.widgets.queue_list import QueueList

        for screen in self.screen_stack:
            for queue in screen.query(QueueList):
                queue.refresh_ages()


def _suggestions_commands() -> type:
    """The command palette's Suggestions entry, imported when the palette opens."""
    from cockpit.tui.screens.suggestions import SuggestionsCommands

    return SuggestionsCommands


def _rules_commands() -> type:
    """The command palette's Rules entry, imported when the palette opens."""
    from cockpit.tui.screens.rules import RulesCommands

    return RulesCommands


def _reply_commands() -> type:
    """The command palette's reply commands (Outbox, Templates), imported when the palette opens."""
    from cockpit.tui.screens.outbox import ReplyCommands

    return ReplyCommands
