"""Reply templates in the TUI: a picker that inserts one (type a prefix, pick), and a screen to manage them.

Templates live in the database (`cockpit.services.templates`); `{first_name}`, `{handle}` and `{topic}` are
filled in from the conversation when inserted.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from cockpit.services.templates import (
    Template,
    TemplateError,
    TemplateVariables,
    add_template,
    delete_template,
    list_templates,
    matching,
    render,
    update_template,
)
from cockpit.store import Store
from cockpit.tui.keymap import TEMPLATE_EDITOR_BINDINGS, TEMPLATE_PICKER_BINDINGS, TEMPLATES_BINDINGS
from cockpit.tui.screens.styles import SCREENS_CSS
from cockpit.tui.text import one_line

VARIABLES_HINT = (
    "Variables: {first_name} (author's first name) · {handle} (their handle) · {topic} (title or first words)"
)


def _label(template: Template, width: int = 60) -> Text:
    line = Text()
    line.append(f"{one_line(template.name, 30):<24}", style="bold")
    line.append(" " + one_line(template.body, width))
    return line


class TemplatePicker(ModalScreen[str | None], inherit_bindings=False):
    """Type a prefix of a template's name and pick one; dismisses with its filled-in text, or None."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(TEMPLATE_PICKER_BINDINGS)

    def __init__(self, templates: list[Template], variables: TemplateVariables) -> None:
        super().__init__()
        self._templates = templates
        self._variables = variables
        self._shown: list[Template] = list(templates)

    def compose(self) -> ComposeResult:
        """The prefix input, the matching templates, and a preview of the highlighted one."""
        with Vertical():
            yield Static("Insert a template", classes="dialog-title")
            yield Input(placeholder="type the start of a template's name", id="prefix")
            yield OptionList(id="matches")
            yield Static("", id="preview", classes="dialog-hint")
            yield Static(
                "Enter inserts · ↑↓ choose · Esc cancels · Ctrl+O in the composer manages templates",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        """Show every template and focus the prefix input."""
        self._fill("")
        self.query_one("#prefix", Input).focus()

    def _fill(self, prefix: str) -> None:
        self._shown = matching(self._templates, prefix)
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        if not self._templates:
            matches.add_option(Option("No templates yet: Ctrl+O in the composer adds one.", disabled=True))
        elif not self._shown:
            matches.add_option(Option(f"No template name contains {one_line(prefix, 30)!r}.", disabled=True))
        else:
            matches.add_options(Option(_label(t), id=str(index)) for index, t in enumerate(self._shown))
            matches.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        chosen = self._highlighted()
        preview = self.query_one("#preview", Static)
        preview.update(Text(render(chosen.body, self._variables)) if chosen else "")

    def _highlighted(self) -> Template | None:
        matches = self.query_one("#matches", OptionList)
        index = matches.highlighted
        if index is None or not self._shown or index >= len(self._shown):
            return None
        return self._shown[index]

    @on(Input.Changed, "#prefix")
    def _prefix_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(OptionList.OptionHighlighted, "#matches")
    def _highlight_changed(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._preview()

    @on(Input.Submitted, "#prefix")
    @on(OptionList.OptionSelected, "#matches")
    def _picked(self, event: Input.Submitted | OptionList.OptionSelected) -> None:
        event.stop()
        chosen = self._highlighted()
        if chosen is None:
            self.notify("No template matches: type less, or Esc.", title="Templates")
            return
        self.dismiss(render(chosen.body, self._variables))

    def action_cursor_down(self) -> None:
        """Highlight the next template."""
        self.query_one("#matches", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Highlight the previous template."""
        self.query_one("#matches", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Close without inserting."""
        self.dismiss(None)


class TemplateEditor(ModalScreen[bool], inherit_bindings=False):
    """Adds or edits one template; dismisses True when saved."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(TEMPLATE_EDITOR_BINDINGS)

    def __init__(self, store: Store, template: Template | None = None) -> None:
        super().__init__()
        self._store = store
        self._template = template

    def compose(self) -> ComposeResult:
        """The name, the text, the variables and a line for errors."""
        template = self._template
        with Vertical():
            yield Static("Edit template" if template else "New template", classes="dialog-title")
            yield Input(template.name if template else "", placeholder="name, e.g. thanks", id="name")
            yield TextArea(template.body if template else "", id="body", soft_wrap=True)
            yield Static(VARIABLES_HINT, classes="dialog-hint")
            yield Static("", classes="dialog-error", id="error")
            yield Static("Ctrl+S saves · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the name."""
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _name_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#body", TextArea).focus()

    def action_save(self) -> None:
        """Save the template (or say what is wrong)."""
        name = self.query_one("#name", Input).value
        body = self.query_one("#body", TextArea).text
        try:
            if self._template is None:
                add_template(self._store, name, body)
            else:
                update_template(self._store, self._template.id, name, body)
        except TemplateError as error:
            self.query_one("#error", Static).update(str(error))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(False)


class TemplatesScreen(Screen[None], inherit_bindings=False):
    """Every template: add, edit, delete."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = list(TEMPLATES_BINDINGS)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self._templates: list[Template] = []

    def compose(self) -> ComposeResult:
        """A title, the list, the highlighted template in full, and the footer."""
        yield Static("Templates", id="templates-title")
        yield OptionList(id="templates")
        yield Static("", id="template-body")
        yield Static(VARIABLES_HINT, id="templates-hint")
        yield Footer()

    def on_mount(self) -> None:
        """Read the templates and focus the list."""
        self.reload()
        self.query_one("#templates", OptionList).focus()

    def reload(self, select: int | None = None) -> None:
        """Read the templates again, keeping the highlight on `select` (an id) or where it was."""
        listing = self.query_one("#templates", OptionList)
        before = listing.highlighted
        self._templates = list_templates(self._store)
        listing.clear_options()
        if not self._templates:
            listing.add_option(Option("No templates yet: press a to add one.", disabled=True))
            self._show_body()
            return
        listing.add_options(Option(_label(t, 80), id=str(t.id)) for t in self._templates)
        ids = [t.id for t in self._templates]
        if select in ids:
            listing.highlighted = ids.index(select)
        else:
            listing.highlighted = min(before or 0, len(ids) - 1)
        self._show_body()

    @property
    def current(self) -> Template | None:
        """The highlighted template."""
        index = self.query_one("#templates", OptionList).highlighted
        if index is None or index >= len(self._templates):
            return None
        return self._templates[index]

    def _show_body(self) -> None:
        current = self.current
        self.query_one("#template-body", Static).update(Text(current.body) if current else "")

    @on(OptionList.OptionHighlighted, "#templates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_body()

    @on(OptionList.OptionSelected, "#templates")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        """Write a new template."""
        self.app.push_screen(TemplateEditor(self._store), self._edited)

    def action_edit(self) -> None:
        """Edit the highlighted template."""
        current = self.current
        if current is None:
            self.notify("No template to edit: press a to add one.", title="Templates")
            return
        self.app.push_screen(TemplateEditor(self._store, current), self._edited)

    def _edited(self, saved: bool | None) -> None:
        if saved:
            newest = max(list_templates(self._store), key=lambda t: t.updated_at * 10**9 + t.id, default=None)
            self.reload(select=newest.id if newest else None)
            self.notify("Template saved.", title="Templates", timeout=3)

    def action_delete(self) -> None:
        """Delete the highlighted template."""
        current = self.current
        if current is None:
            self.notify("No template to delete.", title="Templates")
            return
        delete_template(self._store, current.id)
        self.reload()
        self.notify(f"Deleted {one_line(current.name, 40)!r}.", title="Templates", timeout=3)

    def action_close(self) -> None:
        """Go back."""
        self.dismiss(None)
