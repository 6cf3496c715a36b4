"""The `[[rules]]` tables of config.toml: what a rule matches and what it does, validated with pydantic.

The engine that applies rules lives in `cockpit.services.rules`; this module only describes and checks them,
so `cockpit.config` can load them without importing the services.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

RulePlatform = Literal["feed", "x", "linkedin", "discourse"]
RuleSource = Literal["mention", "reply", "search", "feed", "notification", "watch", "own"]
"""How a conversation reached us (the source of its first post), as connectors report it."""

MAX_RULES = 500
MAX_TERM_LENGTH = 200
MAX_TERMS = 100
MAX_PATTERN_LENGTH = 300
MAX_TAG_LENGTH = 64
PRIORITY_RANGE = (-100, 100)
MATCH_FIELDS = ("text", "regex", "author", "platform", "account", "source")
"""The condition keys of a rule; a rule needs at least one."""
ACTION_FIELDS = ("tags", "priority", "done", "assign", "stop")
"""The action keys of a rule; a rule needs at least one."""

_ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NESTED_HINT = "RE2 syntax: no backreferences or lookarounds"


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-item list (`text = "outage"`)."""
    return [value] if isinstance(value, str) else value


def _check_name(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("a rule needs a name")
    if not text.isprintable():
        raise ValueError("a rule name cannot hold control characters")
    return text


def _check_term(value: str) -> str:
    if not value.strip():
        raise ValueError("an empty text to match would match everything: remove it")
    if len(value) > MAX_TERM_LENGTH:
        raise ValueError(f"longer than {MAX_TERM_LENGTH} characters: use a shorter phrase")
    return value


def _check_glob(value: str) -> str:
    if not value.strip():
        raise ValueError("an empty author pattern: write a handle, a name or a glob like '*bot'")
    if len(value) > MAX_TERM_LENGTH:
        raise ValueError(f"longer than {MAX_TERM_LENGTH} characters")
    return value


def _check_account_ref(value: str) -> str:
    if not _ACCOUNT_NAME.fullmatch(value) or len(value) > 64:
        raise ValueError(f"not an account name: {value[:80]!r} (lower-case letters, digits, '-' and '_')")
    return value


def _check_tag(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("a tag cannot be empty")
    if len(text) > MAX_TAG_LENGTH:
        raise ValueError(f"a tag is at most {MAX_TAG_LENGTH} characters")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise ValueError(f"tag {text!r} has spaces or control characters: use - or _")
    return text


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a rule's regex (too long, or not RE2 syntax), or None when it can."""
    if not pattern.strip():
        return "an empty regex would match everything: remove it"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"a regex is at most {MAX_PATTERN_LENGTH} characters"
    try:
        compile_regex(pattern)
    except ValueError as error:
        return str(error)
    return None


def compile_regex(pattern: str) -> Any:
    """Compile `pattern` with RE2 (linear time, case-insensitive); raise ValueError with a readable reason."""
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # RE2 would print its own message on stderr
    options.max_mem = 8 << 20
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0] if error.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(f"not a valid regex: {reason} ({_NESTED_HINT})") from None


def _check_regex(value: str) -> str:
    problem = regex_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Term = Annotated[str, AfterValidator(_check_term)]
Glob = Annotated[str, AfterValidator(_check_glob)]
AccountRef = Annotated[str, AfterValidator(_check_account_ref)]
Tag = Annotated[str, AfterValidator(_check_tag)]


class Rule(BaseModel):
    """One `[[rules]]` table: when every given condition matches a new inbound post, do the actions."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_check_name)]
    """Shown in lists and the dry run; unique among rules."""
    enabled: bool = True
    """A disabled rule is kept in the file but never applied."""
    text: Annotated[list[Term], BeforeValidator(_as_list), Field(max_length=MAX_TERMS)] = Field(
        default_factory=list
    )
    """Case-insensitive phrases; any one found in the post's text or title matches."""
    whole_words: bool = False
    """With `text`: a phrase matches only between word boundaries ("api" not in "rapid")."""
    regex: Annotated[str, AfterValidator(_check_regex)] | None = None
    """A case-insensitive RE2 regular expression searched in the post's text and title."""
    author: Annotated[list[Glob], BeforeValidator(_as_list), Field(max_length=MAX_TERMS)] = Field(
        default_factory=list
    )
    """Author handles or names, with * and ? globs, case-insensitive; any one matches."""
    platform: Annotated[list[RulePlatform], BeforeValidator(_as_list)] = Field(default_factory=list)
    """Platforms (feed, x, linkedin, discourse); any one matches."""
    account: Annotated[list[AccountRef], BeforeValidator(_as_list)] = Field(default_factory=list)
    """Names of your accounts (from `[[accounts]]`) the post arrived through; any one matches."""
    source: Annotated[list[RuleSource], BeforeValidator(_as_list)] = Field(default_factory=list)
    """How the conversation reached you: mention, search, reply, feed, notification, watch."""
    tags: Annotated[list[Tag], BeforeValidator(_as_list), Field(max_length=20)] = Field(default_factory=list)
    """Tags added to the conversation."""
    priority: int | None = Field(default=None, ge=PRIORITY_RANGE[0], le=PRIORITY_RANGE[1])
    """A boost (-100..100) stored with the conversation and added to its priority score."""
    done: bool = False
    """Mark the conversation done (a later post that no rule marks done brings it back)."""
    assign: AccountRef | None = None
    """Assign the conversation to one of your accounts, by name."""
    stop: bool = False
    """When this rule matches, the rules after it are not evaluated for the post."""

    @model_validator(mode="after")
    def _has_condition_and_action(self) -> Rule:
        if not any(getattr(self, key) for key in MATCH_FIELDS):
            raise PydanticCustomError(
                "rule_without_condition",
                "a rule needs at least one condition: " + ", ".join(MATCH_FIELDS),
            )
        if self.whole_words and not self.text:
            raise PydanticCustomError(
                "whole_words_without_text", "whole_words needs text phrases to apply to"
            )
        if not (self.tags or self.priority or self.done or self.assign or self.stop):
            raise PydanticCustomError(
                "rule_without_action",
                "a rule needs at least one action: tags, priority (not 0), done, assign or stop",
            )
        return self

    def conditions(self) -> str:
        """The conditions in one short line, e.g. `text ~ outage|down · platform x`."""
        parts: list[str] = []
        if self.text:
            parts.append(("words " if self.whole_words else "text ") + "|".join(self.text))
        if self.regex:
            parts.append(f"regex /{self.regex}/")
        for key in ("author", "platform", "account", "source"):
            values: list[str] = getattr(self, key)
            if values:
                parts.append(f"{key} " + "|".join(values))
        return " · ".join(parts)

    def actions(self) -> str:
        """The actions in one short line, e.g. `tag incident · priority +20 · stop`."""
        parts: list[str] = []
        if self.tags:
            parts.append("tag " + ", ".join(self.tags))
        if self.priority:
            parts.append(f"priority {self.priority:+d}")
        if self.done:
            parts.append("done")
        if self.assign:
            parts.append(f"assign {self.assign}")
        if self.stop:
            parts.append("stop")
        return " · ".join(parts)


def check_rules(rules: Sequence[Rule], account_names: Sequence[str]) -> None:
    """Raise a pydantic custom error for a duplicate rule name or (when accounts are listed) an unknown account."""
    seen: dict[str, int] = {}
    known = set(account_names)
    for index, rule in enumerate(rules):
        key = rule.name.casefold()
        if key in seen:
            raise PydanticCustomError(
                "duplicate_rule_name",
                "rule name '{name}' is already used by rules[{first}]",
                {"name": rule.name, "index": index, "first": seen[key], "field": "name"},
            )
        seen[key] = index
        if not known:
            continue  # no [[accounts]] in the file (a fresh home, the demo): names are checked at sync time
        for field, names in (("account", rule.account), ("assign", [rule.assign] if rule.assign else [])):
            for position, name in enumerate(names):
                if name not in known:
                    raise PydanticCustomError(
                        "unknown_rule_account",
                        "no account named '{name}' in [[accounts]] (known: {known})",
                        {
                            "name": name,
                            "known": ", ".join(sorted(known)),
                            "index": index,
                            "field": field,
                            "position": position if field == "account" else None,
                        },
                    )
    if len(rules) > MAX_RULES:
        raise PydanticCustomError("too_many_rules", f"at most {MAX_RULES} rules")


def rule_error_loc(ctx: dict[str, Any]) -> tuple[str | int, ...]:
    """Where a `check_rules` error points: `rules[i].field` (and the list position for `account`)."""
    loc: tuple[str | int, ...] = ("rules", int(ctx["index"]), str(ctx["field"]))
    if ctx.get("position") is not None:
        loc = (*loc, int(ctx["position"]))
    return loc


# --- editing config.toml ---------------------------------------------------------------------------------


class RulesFileError(Exception):
    """The rules could not be saved: the file changed meanwhile, or the result would not be a valid config."""


def rule_table(rule: Rule) -> dict[str, Any]:
    """The keys a rule's TOML table needs: its name and every field that differs from the default."""
    data = rule.model_dump(mode="json")
    table: dict[str, Any] = {"name": data.pop("name")}
    for key, value in data.items():
        if value != Rule.model_fields[key].get_default(call_default_factory=True):
            table[key] = value
    return table


def _fill(table: Any, rule: Rule) -> None:
    """Make a tomlkit table hold exactly `rule`'s keys, updating keys in place so their comments stay."""
    wanted = rule_table(rule)
    for key in [key for key in table if key not in wanted]:
        del table[key]
    for key, value in wanted.items():
        if key not in table or table[key] != value:
            table[key] = value


def _blank_line() -> Any:
    import tomlkit

    return tomlkit.nl()


def _expect(tables: Any, index: int, name: str) -> None:
    if index >= len(tables) or tables[index].get("name") != name:
        raise RulesFileError("config.toml changed since it was read: close and reopen the Rules screen")


def save_rule(path: Path, rule: Rule, *, index: int | None = None, expected: str | None = None) -> list[Rule]:
    """Replace the rule at `index` (whose name was `expected`) or, with no index, append it; return the rules."""

    def change(tables: Any, table_factory: Callable[[], Any]) -> None:
        if index is None:
            table = table_factory()
            _fill(table, rule)
            table.add(_blank_line())
            tables.append(table)
        else:
            _expect(tables, index, expected or rule.name)
            _fill(tables[index], rule)

    return _edit(path, change)


def delete_rule(path: Path, index: int, expected: str) -> list[Rule]:
    """Remove the rule at `index` (whose name was `expected`); return the rules left."""

    def change(tables: Any, table_factory: Callable[[], Any]) -> None:
        _expect(tables, index, expected)
        del tables[index]

    return _edit(path, change)


def move_rule(path: Path, index: int, offset: int, expected: str) -> list[Rule]:
    """Move the rule at `index` by `offset` places (rules apply in order); return the rules."""

    def change(tables: Any, table_factory: Callable[[], Any]) -> None:
        _expect(tables, index, expected)
        target = index + offset
        if not 0 <= target < len(tables):
            return
        moving = tables[index]
        items = list(tables)
        items.pop(index)
        items.insert(target, moving)
        while len(tables):
            del tables[0]
        for item in items:
            tables.append(item)

    return _edit(path, change)


def _edit(path: Path, change: Callable[[Any, Callable[[], Any]], None]) -> list[Rule]:
    """Apply `change` to the `[[rules]]` of config.toml with tomlkit, validate the result, write it atomically."""
    import tomllib

    import tomlkit
    from pydantic import ValidationError

    from cockpit.config import Config, format_loc, normalize_error, write_config_text

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise RulesFileError(f"cannot read {path}: {error}") from None
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as error:
        raise RulesFileError(f"{path} is not valid TOML ({error}): fix it first") from None
    tables = document.get("rules")
    if tables is None:
        tables = tomlkit.aot()
        document.append("rules", tables)
    elif not isinstance(tables, tomlkit.items.AoT):
        raise RulesFileError(f"{path}: rules must be [[rules]] tables")
    change(tables, tomlkit.table)
    if not len(tables):
        document.remove("rules")
    new_text = tomlkit.dumps(document)
    try:
        config = Config.model_validate(tomllib.loads(new_text))
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        loc, message = normalize_error(first)
        raise RulesFileError(f"not saved: {format_loc(loc)}: {message}") from None
    except tomllib.TOMLDecodeError as error:
        raise RulesFileError(f"not saved: the result would not be valid TOML ({error})") from None
    write_config_text(path, new_text)
    return list(config.rules)
