"""`[[rules]]` in config.toml: valid tables load, mistakes name file:line:field, and saving keeps the rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cockpit.config import ConfigError, dump_config, load_config
from cockpit.paths import config_path

ACCOUNTS = """\
[[accounts]]
name = "acme-x"
platform = "x"

[[accounts]]
name = "forum"
platform = "discourse"
base_url = "https://forum.example.com"
api_username = "system"
"""


def write_config(home: Path, rules: str, accounts: str = ACCOUNTS) -> Path:
    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(accounts + "\n" + textwrap.dedent(rules))
    return path


def problems(home: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(home)
    return str(caught.value).splitlines()


def test_rules_load_with_single_values_as_lists(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        """
        [[rules]]
        name = "Outages"
        text = "outage"
        platform = "x"
        tags = "incident"
        priority = 30
        assign = "forum"
        stop = true
        """,
    )
    config = load_config(tmp_path)
    (outage,) = config.rules
    assert outage.text == ["outage"] and outage.platform == ["x"] and outage.tags == ["incident"]
    assert outage.conditions() == "text outage · platform x"
    assert outage.actions() == "tag incident · priority +30 · assign forum · stop"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            '[[rules]]\nname = "a"\ntext = "x"\ntag = ["t"]\n',
            ":14: rules[0].tag: unknown key (did you mean 'tags'?)",
        ),
        (
            '[[rules]]\nname = "a"\nregex = "(a)\\\\1"\ndone = true\n',
            ":13: rules[0].regex: not a valid regex",
        ),
        (
            '[[rules]]\nname = "a"\nplatform = "myspace"\ndone = true\n',
            ":13: rules[0].platform[0]: Input should be",
        ),
        ('[[rules]]\nname = "a"\ndone = true\n', ":11: rules[0]: a rule needs at least one condition"),
        ('[[rules]]\nname = "a"\ntext = "x"\n', ":11: rules[0]: a rule needs at least one action"),
        (
            '[[rules]]\nname = "a"\ntext = "x"\npriority = 500\n',
            ":14: rules[0].priority: Input should be less than",
        ),
        (
            '[[rules]]\nname = "a"\ntext = "x"\ndone = true\n\n[[rules]]\nname = "A"\ntext = "y"\ndone = true\n',
            ":17: rules[1].name: rule name 'A' is already used by rules[0]",
        ),
        (
            '[[rules]]\nname = "a"\ntext = "x"\nassign = "acme-li"\n',
            ":14: rules[0].assign: no account named 'acme-li' in [[accounts]] (known: acme-x, forum)",
        ),
        (
            '[[rules]]\nname = "a"\naccount = ["acme-x", "nope"]\ndone = true\n',
            ":13: rules[0].account[1]: no account named 'nope'",
        ),
    ],
)
def test_mistakes_name_file_line_and_field(tmp_path: Path, rules: str, expected: str) -> None:
    path = write_config(tmp_path, rules)
    (line,) = problems(tmp_path)
    assert line.startswith(f"{path}{expected}"), line


def test_account_names_are_checked_only_when_the_file_lists_accounts(tmp_path: Path) -> None:
    write_config(tmp_path, '[[rules]]\nname = "a"\ntext = "x"\nassign = "demo-x"\n', accounts="")
    assert load_config(tmp_path).rules[0].assign == "demo-x"


def test_saving_the_config_keeps_the_rules(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        '[[rules]]\nname = "Bots"\nauthor = ["*bot"]\ndone = true\nenabled = false\n',
    )
    config = load_config(tmp_path)
    text = dump_config(config)
    assert "[[rules]]" in text
    config_path(tmp_path).write_text(text)
    assert load_config(tmp_path).rules == config.rules
