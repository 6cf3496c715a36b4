"""The composer's templates (insert with completion, manage from the composer) and its reply-as account."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Select, Static, TextArea

from cockpit.paths import db_path
from cockpit.services import templates
from cockpit.store import open_store
from cockpit.store.ingest import ensure_account
from cockpit.tui.screens.templates import TemplateEditor, TemplatePicker, TemplatesScreen

from .conftest import make_app, settle
from .test_composer import _items, _open_composer


async def test_ctrl_t_inserts_a_template_with_its_variables_filled_in(small_home: Path) -> None:
    store = open_store(db_path(small_home))
    templates.add_template(store, "thanks", "Thanks {first_name} ({handle}), about {topic}: ")
    templates.add_template(store, "release", "The release ships Friday.")
    store.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, TemplatePicker)
        assert picker.query_one("#matches", OptionList).option_count == 2
        await pilot.press("t", "h")
        assert picker.query_one("#matches", OptionList).option_count == 1
        assert "Thanks Ada (@ada)" in str(picker.query_one("#preview", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        # No title: the topic is the first eight words.
        assert screen.text == "Thanks Ada (@ada), about Is the new release out yet? Asking for…: "
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("down", "up", "enter")  # by name: release, thanks
        await settle(pilot)
        assert screen.text.endswith("The release ships Friday."), (
            "the second template, picked with the arrows"
        )
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.text.endswith("Friday.")


async def test_ctrl_o_manages_templates_from_the_composer(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TemplateEditor)
        await pilot.press(*"hello", "enter", *"Hello {first_name}!", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+t", "enter")
        await settle(pilot)
        assert screen.text == "Hello Ada!"


async def test_ctrl_n_switches_the_account_to_reply_as(small_home: Path) -> None:
    store = open_store(db_path(small_home))
    second = ensure_account(store, "ceo-x", "x", "theceo")
    store.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_composer(pilot)
        assert [a.name for a in screen.context.accounts] == ["acme-x", "ceo-x"]
        first = screen.account_id
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.account_id == second != first
        assert screen.query_one("#reply-as", Select).value == second
        await pilot.press(*"From the CEO", "ctrl+s")
        await settle(pilot)
        (item,) = _items(small_home)
        assert item.account_name == "ceo-x"


async def test_ctrl_n_with_one_account_says_there_is_no_other(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_composer(pilot)
        await pilot.press("ctrl+n")
        assert any("no other account" in n.message for n in app._notifications)


async def test_the_templates_screen_adds_edits_and_deletes(small_home: Path) -> None:
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.show_templates()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplatesScreen)
        assert "No templates yet" in str(
            screen.query_one("#templates", OptionList).get_option_at_index(0).prompt
        )
        await pilot.press("e")
        assert any("press a to add one" in n.message for n in app._notifications)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, TemplateEditor)
        assert "name" in str(editor.query_one("#error", Static).render()), "an empty template is refused"
        await pilot.press(*"thanks", "enter", *"Thanks {first_name}!", "ctrl+s")
        await settle(pilot)
        assert screen.is_current and screen.current is not None
        assert (screen.current.name, screen.current.body) == ("thanks", "Thanks {first_name}!")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end", *"-a-lot", "tab", "escape")
        await settle(pilot)
        assert screen.is_current and screen.current.name == "thanks", "Esc drops the change"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", *" again", "ctrl+s")
        await settle(pilot)
        assert screen.current is not None and screen.current.name == "thanks again"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Thanks again", "tab", "x", "ctrl+s")
        await settle(pilot)
        assert "exists" in str(app.screen.query_one("#error", Static).render()), (
            "names are unique in any case"
        )
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        store = open_store(db_path(small_home))
        assert templates.list_templates(store) == []
        store.close()
        await pilot.press("d")
        assert any(n.message == "No template to delete." for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_tab_moves_between_fields_and_delete_removes_a_template(small_home: Path) -> None:
    store = open_store(db_path(small_home))
    templates.add_template(store, "thanks", "Thanks!")
    store.close()
    app = make_app(small_home)
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await _open_composer(pilot)
        assert isinstance(app.focused, TextArea)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Select), "Shift+Tab goes to Reply as"
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea), "Tab comes back to the editor"
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TemplatesScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        store = open_store(db_path(small_home))
        assert templates.list_templates(store) == []
        store.close()
        await pilot.press("escape")
        await settle(pilot)
        assert composer.is_current
