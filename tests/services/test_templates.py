"""Reply templates: stored in the database, names unique (any case), variables filled from the conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.services.templates import (
    TemplateError,
    TemplateVariables,
    add_template,
    delete_template,
    get_template,
    list_templates,
    matching,
    render,
    update_template,
    variables_for,
)
from cockpit.store import open_store
from cockpit.store.schema import MIGRATIONS


def test_templates_are_stored_listed_by_name_edited_and_deleted(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    assert store.schema_version() == len(MIGRATIONS)
    thanks = add_template(store, "  thanks   a lot ", "Thanks {first_name}!", now=100)
    intro = add_template(store, "Intro", "Hi, I'm with Acme.", now=200)
    assert [t.name for t in list_templates(store)] == ["Intro", "thanks a lot"]
    update_template(store, thanks, "thanks", "Thank you {first_name}!", now=300)
    changed = get_template(store, thanks)
    assert changed is not None
    assert (changed.name, changed.body, changed.created_at, changed.updated_at) == (
        "thanks",
        "Thank you {first_name}!",
        100,
        300,
    )
    assert delete_template(store, intro)
    assert not delete_template(store, intro)
    assert [t.id for t in list_templates(store)] == [thanks]
    store.close()
    reopened = open_store(tmp_path / "cockpit.db")
    assert [t.name for t in list_templates(reopened)] == ["thanks"], "kept across restarts"
    reopened.close()


def test_bad_templates_are_refused_with_a_reason(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    first = add_template(store, "thanks", "Thanks!")
    with pytest.raises(TemplateError, match="exists"):
        add_template(store, "THANKS", "Thanks again!")
    with pytest.raises(TemplateError, match="name"):
        add_template(store, "   ", "text")
    with pytest.raises(TemplateError, match="text"):
        add_template(store, "empty", " \n ")
    with pytest.raises(TemplateError, match="at most"):
        add_template(store, "x" * 61, "text")
    other = add_template(store, "other", "Other")
    with pytest.raises(TemplateError, match="exists"):
        update_template(store, other, "Thanks", "x")
    delete_template(store, first)
    with pytest.raises(TemplateError, match="deleted"):
        update_template(store, first, "thanks", "x")
    store.close()


def test_matching_puts_prefixes_first_then_names_containing_the_text(tmp_path: Path) -> None:
    store = open_store(tmp_path / "cockpit.db")
    for name in ("release date", "thanks", "big thanks", "Thank you note"):
        add_template(store, name, "x")
    everything = list_templates(store)
    assert [t.name for t in matching(everything, "than")] == ["Thank you note", "thanks", "big thanks"]
    assert [t.name for t in matching(everything, "")] == [t.name for t in everything]
    assert matching(everything, "zzz") == []
    store.close()


def test_variables_come_from_the_author_and_the_title_or_first_words() -> None:
    x = variables_for("x", "Ada Lovelace", "ada", "", "one two three four five six seven eight nine ten")
    assert x == TemplateVariables(
        first_name="Ada", handle="@ada", topic="one two three four five six seven eight…"
    )
    forum = variables_for("discourse", "", "kat", "SSO  with Okta", "How do I configure it?")
    assert forum == TemplateVariables(first_name="kat", handle="kat", topic="SSO with Okta")
    body = "Hi {first_name} ({handle}), re {topic}. {unknown} {first_name"
    assert render(body, forum) == "Hi kat (kat), re SSO with Okta. {unknown} {first_name"
