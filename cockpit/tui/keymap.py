"""Every key binding of the cockpit, in one place, each with an id so users can remap it.

Remap keys with `App.set_keymap({"queue.cursor_down": "down,n"})`; ids are stable, keys are defaults.
The help screen and docs/keys.md list these groups, so a binding added here is documented there.
"""

from __future__ import annotations

from textual.binding import Binding

from cockpit.tui.views import VIEWS

APP_BINDINGS: list[Binding] = [
    Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit the cockpit."),
    Binding("ctrl+q", "quit", "Quit", id="app.quit_ctrl", show=False, priority=True),
    Binding("ctrl+c", "help_quit", "How to quit", id="app.help_quit", show=False, system=True),
    Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show every key, by screen."),
    Binding(
        "ctrl+r", "sync_now", "Sync now", id="app.sync_now", tooltip="Fetch new posts from every account now."
    ),
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        id="app.command_palette",
        show=False,
        priority=True,
        tooltip="Open the command palette.",
    ),
]
"""Keys that work on every screen."""

QUEUE_SCREEN_BINDINGS: list[Binding] = [
    Binding("tab", "app.focus_next", "Next pane", id="queue.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", id="queue.focus_previous", show=False),
    Binding("e", "done", "Done", id="triage.done", tooltip="Mark done: it leaves the Inbox."),
    Binding("s", "snooze", "Snooze", id="triage.snooze", tooltip="Hide until a chosen time."),
    Binding("m", "mute", "Mute", id="triage.mute", show=False),
    Binding("t", "tags", "Tags", id="triage.tags", show=False),
    Binding("u", "undo", "Undo", id="triage.undo"),
    Binding("U", "history", "Undo history", id="triage.history", show=False),
    Binding("x", "toggle_select", "Select", id="triage.select", show=False),
    Binding("X", "select_all", "Select all", id="triage.select_all", show=False),
    Binding("escape", "clear_selection", "Clear selection", id="triage.clear_selection", show=False),
    Binding("o", "open_browser", "Open in browser", id="triage.open_browser", show=False),
    Binding("l", "like", "Like", id="triage.like", show=False),
    Binding("p", "link_person", "Link to stakeholder", id="triage.link_person", show=False),
    Binding("r", "reply", "Reply", id="triage.reply", show=False),
    *(
        Binding(
            str(number % 10), f"view({number - 1})", f"View: {view.name}", id=f"view.{number}", show=False
        )
        for number, view in enumerate(VIEWS, start=1)
    ),
    Binding(
        "f", "filter", "Filter", id="view.filter", tooltip="Filter by platform, status, tag, account, age."
    ),
    Binding("backslash,f2", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False),
]
"""Keys of the queue screen itself (moving between the list and the detail pane)."""

QUEUE_LIST_BINDINGS: list[Binding] = [
    Binding("down,j", "cursor_down", "Next", id="queue.cursor_down", show=False),
    Binding("up,k", "cursor_up", "Previous", id="queue.cursor_up", show=False),
    Binding("pagedown", "page_down", "Page down", id="queue.page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="queue.page_up", show=False),
    Binding("home,g", "first", "First conversation", id="queue.first", show=False),
    Binding("end,G", "last", "Last conversation", id="queue.last", show=False),
    Binding("enter", "open", "Open thread", id="queue.open"),
]
"""Keys of the conversation list."""

THREAD_VIEW_BINDINGS: list[Binding] = [
    Binding("down,j", "scroll_lines(1)", "Scroll down", id="thread.scroll_down", show=False),
    Binding("up,k", "scroll_lines(-1)", "Scroll up", id="thread.scroll_up", show=False),
    Binding("pagedown,space", "scroll_pages(1)", "Page down", id="thread.page_down", show=False),
    Binding("pageup,b", "scroll_pages(-1)", "Page up", id="thread.page_up", show=False),
    Binding("home,g", "scroll_edge(0)", "Top of thread", id="thread.top", show=False),
    Binding("end,G", "scroll_edge(1)", "End of thread", id="thread.bottom", show=False),
]
"""Keys of a thread view (the detail pane when focused, and the full-screen thread)."""

THREAD_SCREEN_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back to queue", id="thread.back"),
]
"""Keys of the full-screen thread."""

HELP_SCREEN_BINDINGS: list[Binding] = [
    Binding("escape,question_mark", "close", "Close help", id="help.close"),
    Binding("down,j", "scroll_down", "Scroll down", id="help.scroll_down", show=False),
    Binding("up,k", "scroll_up", "Scroll up", id="help.scroll_up", show=False),
    Binding("pagedown,space", "page_down", "Page down", id="help.page_down", show=False),
    Binding("pageup,b", "page_up", "Page up", id="help.page_up", show=False),
]
"""Keys of the help screen."""

SNOOZE_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="snooze.cancel"),
    Binding("tab", "app.focus_next", "Next field", id="snooze.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="snooze.focus_previous", show=False),
]
"""Keys of the snooze dialog (Up/Down choose a preset, Enter takes it or the typed time)."""

TAGS_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="tags.cancel"),
]
"""Keys of the tags dialog (Right takes the suggested completion, Enter applies)."""

FILTER_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="filter.cancel"),
]
"""Keys of the filter bar (Enter applies)."""

HISTORY_BINDINGS: list[Binding] = [
    Binding("escape,U", "close", "Close history", id="history.close"),
]
"""Keys of the undo history screen."""

FIRST_RUN_BINDINGS: list[Binding] = []
"""The first-run screen has only the keys that work everywhere."""
