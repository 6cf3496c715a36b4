"""Every key binding of the cockpit, in one place, each with an id so users can remap it.

Remap keys with `App.set_keymap({"queue.cursor_down": "down,n"})`; ids are stable, keys are defaults.
The help screen and docs/keys.md list these groups, so a binding added here is documented there.
"""

from __future__ import annotations

from textual.binding import Binding

from cockpit.tui.views import NUMBERED, VIEWS

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
    Binding("O", "outbox", "Outbox", id="queue.outbox", show=False),
    Binding("P", "app.people", "People", id="queue.people", show=False, tooltip="The stakeholders."),
    Binding("M", "app.momentum", "Momentum", id="queue.momentum", show=False),
    Binding("R", "app.rules", "Rules", id="queue.rules", show=False, tooltip="Rules applied at sync time."),
    *(
        Binding(
            str(number % 10), f"view({number - 1})", f"View: {view.name}", id=f"view.{number}", show=False
        )
        for number, view in enumerate(VIEWS[:NUMBERED], start=1)
    ),
    Binding("slash", "search", "Search", id="view.search", show=False, tooltip="Search posts and authors."),
    Binding("v", "pick_view", "Views", id="view.pick", show=False, tooltip="Go to any view or saved one."),
    Binding("ctrl+s", "save_view", "Save view", id="view.save", show=False),
    Binding("S", "cycle_sort", "Sort", id="view.sort", show=False, tooltip="Newest, oldest, priority."),
    Binding("w", "explain", "Why this priority", id="view.explain", show=False),
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
    Binding("r", "reply", "Reply", id="thread.reply", show=False),
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

RULES_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Back", id="rules.close"),
    Binding("a", "add", "Add rule", id="rules.add"),
    Binding("e", "edit", "Edit", id="rules.edit", tooltip="Edit the highlighted rule (Enter too)."),
    Binding("space", "toggle_rule", "On/off", id="rules.toggle", tooltip="Enable or disable the rule."),
    Binding("d,delete", "delete", "Delete", id="rules.delete", tooltip="Press twice to delete the rule."),
    Binding("K", "move(-1)", "Move up", id="rules.move_up", show=False),
    Binding("J", "move(1)", "Move down", id="rules.move_down", show=False),
]
"""Keys of the Rules screen (Up/Down move the cursor, Enter edits)."""

RULE_EDITOR_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save rule", id="rule_editor.save", priority=True),
    Binding("escape", "cancel", "Cancel", id="rule_editor.cancel"),
    Binding("tab", "app.focus_next", "Next field", id="rule_editor.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="rule_editor.focus_previous", show=False),
]
"""Keys of the rule editor (typing goes to the fields; the preview follows)."""

SEARCH_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="search.cancel"),
]
"""Keys of the search box (Enter searches)."""

VIEW_PICKER_BINDINGS: list[Binding] = [
    Binding("escape,v", "cancel", "Close", id="views.close"),
    Binding("n", "rename", "Rename saved view", id="views.rename"),
    Binding("d,delete", "delete", "Delete saved view", id="views.delete"),
]
"""Keys of the views list (Enter shows the highlighted view)."""

NAME_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="name.cancel"),
]
"""Keys of the dialog asking for a view's name (Enter saves)."""

EXPLAIN_BINDINGS: list[Binding] = [
    Binding("escape,w", "close", "Close", id="explain.close"),
]
"""Keys of the priority explanation."""

FIRST_RUN_BINDINGS: list[Binding] = []
"""The first-run screen has only the keys that work everywhere."""

COMPOSER_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "send_now", "Send now", id="composer.send_now", priority=True),
    Binding("ctrl+l", "schedule", "Send later…", id="composer.schedule", priority=True),
    Binding("ctrl+t", "insert_template", "Insert template", id="composer.insert_template", priority=True),
    Binding("ctrl+o", "manage_templates", "Templates", id="composer.templates", priority=True),
    Binding("ctrl+n", "next_account", "Next reply-as account", id="composer.next_account", priority=True),
    Binding("escape", "close", "Close (draft kept)", id="composer.close"),
    Binding("tab", "app.focus_next", "Next field", id="composer.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="composer.focus_previous", show=False),
]
"""Keys of the reply composer (typing goes to the editor; these keys work while it has focus)."""

SCHEDULE_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="schedule.cancel"),
    Binding("tab", "app.focus_next", "Next field", id="schedule.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="schedule.focus_previous", show=False),
    Binding("ctrl+u", "cycle_condition", "Condition", id="schedule.condition", priority=True),
]
"""Keys of the schedule picker (Up/Down choose, Enter takes the choice or the typed time)."""

TEMPLATE_PICKER_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="template_picker.cancel"),
    Binding("down", "cursor_down", "Next template", id="template_picker.down", show=False, priority=True),
    Binding("up", "cursor_up", "Previous template", id="template_picker.up", show=False, priority=True),
]
"""Keys of the template picker (type a prefix, Enter inserts the highlighted template)."""

TEMPLATES_BINDINGS: list[Binding] = [
    Binding("a", "add", "Add", id="templates.add"),
    Binding("e,enter", "edit", "Edit", id="templates.edit"),
    Binding("d,delete", "delete", "Delete", id="templates.delete"),
    Binding("escape", "close", "Close", id="templates.close"),
]
"""Keys of the templates screen."""

TEMPLATE_EDITOR_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save", id="template_editor.save", priority=True),
    Binding("escape", "cancel", "Cancel", id="template_editor.cancel"),
    Binding("tab", "app.focus_next", "Next field", id="template_editor.focus_next", show=False),
    Binding(
        "shift+tab", "app.focus_previous", "Previous field", id="template_editor.focus_previous", show=False
    ),
]
"""Keys of the template editor."""

OUTBOX_BINDINGS: list[Binding] = [
    Binding("f", "cycle_filter", "Filter by state", id="outbox.filter"),
    Binding("e", "edit", "Edit", id="outbox.edit"),
    Binding("R", "reschedule", "Reschedule", id="outbox.reschedule"),
    Binding("c", "cancel_item", "Cancel item", id="outbox.cancel"),
    Binding("y", "retry", "Retry", id="outbox.retry"),
    Binding("S", "mark_sent", "It was sent", id="outbox.mark_sent"),
    Binding("A", "send_again", "Send again", id="outbox.send_again"),
    Binding("o", "open_link", "Open posted reply", id="outbox.open"),
    Binding("escape,O", "close", "Back to queue", id="outbox.close"),
]
"""Keys of the Outbox view (Up/Down move between items)."""

PEOPLE_LIST_BINDINGS: list[Binding] = [
    Binding("down,j", "cursor_down", "Next person", id="people.cursor_down", show=False),
    Binding("up,k", "cursor_up", "Previous person", id="people.cursor_up", show=False),
    Binding("pagedown", "page_down", "Page down", id="people.page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="people.page_up", show=False),
    Binding("home,g", "first", "First person", id="people.first", show=False),
    Binding("end,G", "last", "Last person", id="people.last", show=False),
    Binding("enter", "open", "Open person", id="people.open_person"),
]
"""Keys of the people list."""

PEOPLE_SCREEN_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back to queue", id="people.back"),
    Binding("s", "next_sort", "Sort", id="people.sort", tooltip="Cycle the sort order."),
    Binding("S", "previous_sort", "Sort back", id="people.sort_back", show=False),
    Binding("f,slash", "filter", "Filter", id="people.filter", tooltip="Filter by text, stage, overdue."),
    Binding("o", "toggle_overdue", "Overdue only", id="people.overdue"),
    Binding("c", "clear_filter", "Clear filter", id="people.clear_filter", show=False),
    Binding("M", "app.momentum", "Momentum", id="people.momentum"),
    Binding(
        "n",
        "app.suggestions",
        "Suggestions",
        id="people.suggestions",
        tooltip="Who to track, promote, re-engage.",
    ),
    Binding("t", "stages", "Stages", id="people.stages", tooltip="Rename, reorder, set cadences."),
]
"""Keys of the People screen (the list's own keys move the cursor)."""

PEOPLE_FILTER_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="people_filter.cancel"),
    Binding("ctrl+s", "apply", "Apply", id="people_filter.apply", priority=True),
]
"""Keys of the people filter dialog (Enter in the text field applies too)."""

STAGES_BINDINGS: list[Binding] = [
    Binding("escape", "close", "Close", id="stages.close"),
    Binding("r", "rename", "Rename", id="stages.rename"),
    Binding("K,shift+up", "move_up", "Move up", id="stages.move_up"),
    Binding("J,shift+down", "move_down", "Move down", id="stages.move_down"),
    Binding("c", "cadence", "Cadence", id="stages.cadence"),
]
"""Keys of the Stages dialog (`t` on the People screen; Enter on a stage renames it too)."""

PERSON_SCREEN_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back", id="person.back"),
    Binding("tab", "app.focus_next", "Next pane", id="person.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", id="person.focus_previous", show=False),
    Binding("e", "edit", "Edit", id="person.edit"),
    Binding("t", "focus_timeline", "Timeline", id="person.timeline", show=False),
    Binding("i", "focus_identities", "Identities", id="person.identities", show=False),
    Binding("a", "add_entry", "Add entry", id="person.add_entry"),
    Binding("m", "merge", "Merge with…", id="person.merge"),
    Binding("u", "undo_merge", "Undo merge", id="person.undo_merge"),
    Binding("x", "split_identity", "Split identity off", id="person.split"),
    Binding("y", "accept_suggestion", "Merge suggested", id="person.accept_suggestion", show=False),
]
"""Keys of the person screen (Enter on a timeline entry opens its conversation)."""

TIMELINE_BINDINGS: list[Binding] = [
    Binding("down,j", "cursor_down", "Older entry", id="timeline.cursor_down", show=False),
    Binding("up,k", "cursor_up", "Newer entry", id="timeline.cursor_up", show=False),
    Binding("pagedown", "page_down", "Page down", id="timeline.page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="timeline.page_up", show=False),
    Binding("home,g", "first", "Newest entry", id="timeline.first", show=False),
    Binding("end,G", "last", "Oldest entry", id="timeline.last", show=False),
    Binding("enter", "choose", "Open conversation", id="timeline.open"),
]
"""Keys of a person's timeline (reaching the last entry reads older ones)."""

PERSON_EDIT_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save", id="person_edit.save", priority=True),
    Binding("escape", "cancel", "Cancel", id="person_edit.cancel"),
    Binding("tab", "app.focus_next", "Next field", id="person_edit.focus_next", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", id="person_edit.focus_previous", show=False),
]
"""Keys of the person's edit form."""

MANUAL_ENTRY_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="manual_entry.cancel"),
    Binding("ctrl+s", "save", "Add", id="manual_entry.save", priority=True),
]
"""Keys of the manual entry dialog (Enter in the note field adds it too)."""

PERSON_PICKER_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="person_picker.cancel"),
    Binding("down", "cursor_down", "Next match", id="person_picker.down", show=False, priority=True),
    Binding("up", "cursor_up", "Previous match", id="person_picker.up", show=False, priority=True),
]
"""Keys of the person picker (`p` on the queue, `m` on a person): type to search, Enter takes the match."""

MOMENTUM_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back", id="momentum.back"),
    Binding("c", "export_csv", "Export CSV", id="momentum.export"),
    Binding("w", "cycle_weeks", "Weeks shown", id="momentum.weeks"),
    Binding("r", "refresh", "Refresh", id="momentum.refresh", show=False),
]
"""Keys of the momentum view."""

SUGGESTIONS_BINDINGS: list[Binding] = [
    Binding("escape", "back", "Back", id="suggestions.back"),
    Binding("down,j", "cursor_down", "Next suggestion", id="suggestions.cursor_down", show=False),
    Binding("up,k", "cursor_up", "Previous suggestion", id="suggestions.cursor_up", show=False),
    Binding(
        "enter",
        "open",
        "Open",
        id="suggestions.open",
        tooltip="Open the person, or the author's conversation.",
    ),
    Binding(
        "t",
        "track",
        "Track",
        id="suggestions.track",
        tooltip="Track the author as a person at the first stage.",
    ),
    Binding(
        "p", "promote", "Promote", id="suggestions.promote", tooltip="Move the person to the proposed stage."
    ),
    Binding(
        "u",
        "undo_promote",
        "Undo promotion",
        id="suggestions.undo",
        tooltip="Demote back the last promotion made here.",
    ),
    Binding(
        "d",
        "dismiss_suggestion",
        "Dismiss",
        id="suggestions.dismiss",
        tooltip="Hide this suggestion (remembered).",
    ),
    Binding("r", "refresh", "Refresh", id="suggestions.refresh"),
]
"""Keys of the suggestions screen (`n` on People, or "Suggestions" in the command palette)."""
