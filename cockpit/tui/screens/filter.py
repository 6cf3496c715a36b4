"""The filter bar: a typed filter (`platform:x status:done tag:bug account:forum since:7d stakeholders`)."""

from __future__ import annotations

import re
import sqlite3
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cockpit.store.queue import QueueFilter
from cockpit.tui.keymap import FILTER_BINDINGS

PLATFORMS = {
    "x": "x",
    "linkedin": "linkedin",
    "li": "linkedin",
    "forum": "discourse",
    "discourse": "discourse",
}
PLATFORMS |= {"blog": "feed", "blogs": "feed", "feed": "feed"}
STATUSES = ("inbox", "snoozed", "done", "muted")
SOURCES = ("mention", "search", "notification", "feed")
_AGE = re.compile(r"^(\d{1,5})([hdw])$")
_SECONDS = {"h": 3600, "d": 86_400, "w": 604_800}
HELP = (
    "platform:x,linkedin,forum,blog  status:inbox,snoozed,done,muted  source:mention,search  "
    "tag:NAME  account:NAME  stage:STAGE  since:7d until:2d (h, d, w)  stakeholders  questions"
)


def parse_filter(text: str, conn: sqlite3.Connection, now: float) -> QueueFilter:
    """Read a typed filter into a QueueFilter; raise ValueError with a message for the user."""
    platforms: list[str] = []
    statuses: list[str] = []
    sources: list[str] = []
    tags: list[str] = []
    accounts: list[str] = []
    since: int | None = None
    until: int | None = None
    stakeholders = False
    questions = False
    stages: list[str] = []
    for word in text.split():
        name, sep, value = word.partition(":")
        name = name.lower()
        values = [part for part in value.split(",") if part] if sep else []
        if not sep and name in ("stakeholders", "stakeholder", "people"):
            stakeholders = True
            continue
        if not sep and name in ("questions", "question"):
            questions = True
            continue
        if not sep or not values:
            raise ValueError(f"{word[:40]!r} is not a filter: write name:value, e.g. platform:x")
        if name == "platform":
            for item in values:
                if item.lower() not in PLATFORMS:
                    raise ValueError(f"unknown platform {item[:20]!r}: use x, linkedin, forum or blog")
                platforms.append(PLATFORMS[item.lower()])
        elif name == "status":
            for item in values:
                if item.lower() not in STATUSES:
                    raise ValueError(f"unknown status {item[:20]!r}: use {', '.join(STATUSES)}")
                statuses.append(item.lower())
        elif name == "source":
            for item in values:
                if item.lower() not in SOURCES:
                    raise ValueError(f"unknown source {item[:20]!r}: use {', '.join(SOURCES)}")
                sources.append(item.lower())
        elif name == "tag":
            tags.extend(item.lstrip("#") for item in values)
        elif name == "account":
            accounts.extend(values)
        elif name in ("since", "until"):
            match = _AGE.match(value.lower())
            if match is None:
                raise ValueError(
                    f"{name}:{value[:20]} is not an age: write {name}:24h, {name}:7d or {name}:2w"
                )
            moment = int(now) - int(match.group(1)) * _SECONDS[match.group(2)]
            if name == "since":
                since = moment
            else:
                until = moment
        elif name == "stage":
            stages.extend(item.lower() for item in values)
        else:
            raise ValueError(
                f"unknown filter {name[:20]!r}: use platform, status, source, tag, account, stage, since or until"
            )
    account_ids: list[int] = []
    if accounts:
        marks = ",".join("?" * len(accounts))
        found = dict(
            conn.execute(f"SELECT name, id FROM accounts WHERE name IN ({marks})", accounts).fetchall()
        )
        missing = [name for name in accounts if name not in found]
        if missing:
            raise ValueError(f"no account named {missing[0][:40]!r}: see `cockpit accounts list`")
        account_ids = [found[name] for name in accounts]
    if stages:
        stages = [_stage_key(conn, stage) for stage in stages]
    return QueueFilter(
        statuses=tuple(dict.fromkeys(statuses)) or ("inbox",),
        platforms=tuple(dict.fromkeys(platforms)),
        account_ids=tuple(dict.fromkeys(account_ids)),
        sources=tuple(dict.fromkeys(sources)),
        tags=tuple(dict.fromkeys(tags)),
        stakeholders_only=stakeholders,
        since=since,
        until=until,
        questions_only=questions,
        stages=tuple(dict.fromkeys(stages)),
    )


def _stage_key(conn: sqlite3.Connection, typed: str) -> str:
    """The stage key for a typed stage (its key or its label, any case); ValueError naming the known ones."""
    rows = conn.execute("SELECT key, label FROM stages ORDER BY position").fetchall()
    wanted = typed.replace("_", " ").strip().lower()
    for key, label in rows:
        if wanted in (key.replace("_", " ").lower(), label.lower()):
            return str(key)
    known = ", ".join(key for key, _ in rows)
    raise ValueError(f"unknown stage {typed[:30]!r}: use {known}")


class FilterDialog(ModalScreen[tuple[str, QueueFilter] | None], inherit_bindings=False):
    """Asks for a filter; dismisses with (text, filter), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = list(FILTER_BINDINGS)

    def __init__(self, *, conn: sqlite3.Connection, now: float, text: str = "") -> None:
        super().__init__()
        self._conn = conn
        self._now = now
        self._text = text

    def compose(self) -> ComposeResult:
        """A title, the filter input, a line for errors and the syntax."""
        with Vertical():
            yield Static("Filter the queue", classes="dialog-title")
            yield Input(value=self._text, placeholder="platform:x tag:bug since:7d", id="filter")
            yield Static("", classes="dialog-error", id="error")
            yield Static(
                HELP + "\nEnter applies · empty shows the Inbox · Esc cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one("#filter", Input).focus()

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            flt = parse_filter(event.value, self._conn, self._now)
        except ValueError as problem:
            self.query_one("#error", Static).update(str(problem))
            return
        self.dismiss((" ".join(event.value.split()), flt))

    def action_cancel(self) -> None:
        """Close without filtering."""
        self.dismiss(None)
