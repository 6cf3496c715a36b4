"""The rules engine: match new inbound posts against the `[[rules]]` of config.toml and act on their conversations.

Matching is pure Python over a post's facts (text, title, author, platform, account, source). Rules are
compiled once per sync round: phrases are case-folded, author globs become anchored patterns, and a `regex`
is compiled with RE2 (google-re2), whose running time is linear in the text, so no pattern can hang a sync
on a hostile post (Python's `re` backtracks: `.*a.*b` takes seconds on 2,000 characters). The regex sees at
most the first `MAX_REGEX_TEXT` characters of a post.

At sync time `RuleSet.hook(account)` is handed to `ingest.write_page`, which calls it inside the page's
transaction with the id of the first post it inserted: a crash never leaves a post stored without its rules
applied. Rules act only on new posts (never again on an edit), in file order; `stop = true` ends the
evaluation for that post.

`dry_run` evaluates the same rules over the stored inbound posts of the last N days and writes nothing.
"""

from __future__ import annotations

import fnmatch
import re
import sqlite3
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from cockpit.rules_config import PRIORITY_RANGE, Rule, compile_regex

MAX_REGEX_TEXT = 100_000
"""Characters of a post's title and text a regex is searched in."""
DAY = 86_400
EXCERPT_LENGTH = 100

_NEW_POSTS_SQL = """
SELECT p.id, p.conversation_id, p.text, p.title, p.author_handle, p.author_name, p.created_at
FROM posts p WHERE p.id >= ? AND p.direction = 'in' AND p.deleted = 0
ORDER BY p.id
"""
# The conversation's source is read only when a rule asks for it (one lookup per post).
_NEW_POSTS_WITH_SOURCE_SQL = """
SELECT p.id, p.conversation_id, p.text, p.title, p.author_handle, p.author_name, p.created_at, c.source
FROM posts p JOIN conversations c ON c.id = p.conversation_id
WHERE p.id >= ? AND p.direction = 'in' AND p.deleted = 0
ORDER BY p.id
"""

_RECENT_POSTS_SQL = """
SELECT p.id, p.conversation_id, p.text, p.title, p.author_handle, p.author_name, a.platform, c.source,
       p.created_at, a.name
FROM conversations c
JOIN posts p ON p.conversation_id = c.id
JOIN accounts a ON a.id = c.account_id
WHERE c.last_activity_at >= ?1 AND p.created_at >= ?1 AND p.created_at <= ?2
  AND p.direction = 'in' AND p.deleted = 0
ORDER BY p.created_at DESC, p.id DESC
"""


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What a rule can look at in one inbound post."""

    post_id: int
    conversation_id: int
    text: str
    title: str = ""
    author_handle: str = ""
    author_name: str = ""
    platform: str = ""
    account: str = ""
    source: str = "mention"
    created_at: int = 0


class _Haystack:
    """A post's title and text, case-folded once and only when a rule asks for it."""

    __slots__ = ("_encoded", "_folded", "_names", "facts")

    def __init__(self, facts: PostFacts) -> None:
        self.facts = facts
        self._folded: str | None = None
        self._encoded: bytes | None = None
        self._names: tuple[str, str] | None = None

    @property
    def names(self) -> tuple[str, str]:
        """The author's handle (without @) and name, case-folded."""
        if self._names is None:
            self._names = (_bare_handle(self.facts.author_handle), self.facts.author_name.casefold())
        return self._names

    @property
    def raw(self) -> str:
        facts = self.facts
        return f"{facts.title}\n{facts.text}" if facts.title else facts.text

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = self.raw.casefold()
        return self._folded

    @property
    def encoded(self) -> bytes:
        """The first MAX_REGEX_TEXT characters as UTF-8: RE2 searches bytes without converting them each time."""
        if self._encoded is None:
            self._encoded = self.raw[:MAX_REGEX_TEXT].encode("utf-8", "replace")
        return self._encoded


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _find_word(haystack: str, term: str) -> bool:
    """Whether `term` occurs in `haystack` with no letter, digit or _ right before or after it."""
    start = haystack.find(term)
    size = len(term)
    while start >= 0:
        end = start + size
        before_ok = start == 0 or not _is_word_char(haystack[start - 1]) or not _is_word_char(term[0])
        after_ok = end >= len(haystack) or not _is_word_char(haystack[end]) or not _is_word_char(term[-1])
        if before_ok and after_ok:
            return True
        start = haystack.find(term, start + 1)
    return False


def _bare_handle(value: str) -> str:
    return value.casefold().lstrip("@")


def _regex_test(pattern: str) -> Callable[[bytes], bool]:
    """Whether the RE2 pattern occurs in UTF-8 text.

    google-re2's `search` converts offsets back to str positions, a third of a search's cost on a short post;
    its compiled program is asked directly when that interface is there and answers as `search` does on a
    probe, else `search` is used.
    """
    compiled = compile_regex(pattern)

    def search(data: bytes) -> bool:
        return compiled.search(data) is not None

    program = getattr(compiled, "_regexp", None)
    anchor = getattr(getattr(sys.modules.get("re2"), "_Anchor", None), "UNANCHORED", None)
    if program is None or anchor is None or not hasattr(program, "Match"):
        return search

    def direct(data: bytes) -> bool:
        return bool(program.Match(anchor, data, 0, len(data))[0][0] >= 0)

    try:
        probes = (b"", b"v1.2.3 outage", pattern.encode("utf-8", "replace"))
        if all(direct(probe) == search(probe) for probe in probes):
            return direct
    except Exception:  # a different binding: the public interface will do
        pass
    return search


def _glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A test of a case-folded value against a glob: plain string methods for the common shapes."""
    if "?" in pattern or "[" in pattern or pattern.count("*") > 2:
        compiled = re.compile(fnmatch.translate(pattern), re.DOTALL)
        return lambda value: compiled.match(value) is not None
    core = pattern.strip("*")
    if "*" in core:  # one star inside, maybe more at the ends
        compiled = re.compile(fnmatch.translate(pattern), re.DOTALL)
        return lambda value: compiled.match(value) is not None
    starts, ends = pattern.startswith("*"), pattern.endswith("*") and len(pattern) > 1
    if starts and ends:
        return lambda value: core in value
    if starts:
        return lambda value: value.endswith(core)
    if ends:
        return lambda value: value.startswith(core)
    return lambda value: value == core


class CompiledRule:
    """One rule, ready to match: case-folded phrases, compiled globs and regex, sets of allowed values."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.name = rule.name
        self.terms = tuple(term.casefold() for term in rule.text)
        self.whole_words = rule.whole_words
        self.regex: Callable[[bytes], bool] | None = _regex_test(rule.regex) if rule.regex else None
        self.authors = tuple(_glob_matcher(_bare_handle(pattern)) for pattern in rule.author)
        self.platforms = frozenset(rule.platform)
        self.accounts = frozenset(rule.account)
        self.sources = frozenset(rule.source)

    def __repr__(self) -> str:
        return f"CompiledRule({self.name!r})"

    def matches(self, facts: PostFacts, haystack: _Haystack | None = None) -> bool:
        """Whether every condition of the rule holds for the post (cheap conditions first)."""
        if self.platforms and facts.platform not in self.platforms:
            return False
        if self.accounts and facts.account not in self.accounts:
            return False
        if self.sources and facts.source not in self.sources:
            return False
        hay = haystack if haystack is not None else _Haystack(facts)
        if self.authors:
            handle, name = hay.names
            if not any(glob(handle) or (name and glob(name)) for glob in self.authors):
                return False
        if self.terms:
            folded = hay.folded
            for term in self.terms:
                if _find_word(folded, term) if self.whole_words else term in folded:
                    break
            else:
                return False
        return self.regex is None or self.regex(hay.encoded)


@dataclass
class Outcome:
    """What the rules that matched one post do, in order."""

    rules: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    priority: int | None = None
    done: bool = False
    assign: str | None = None


class RuleSet:
    """The enabled rules of a config, compiled once, in file order."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = [CompiledRule(rule) for rule in rules if rule.enabled]

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def matching(self, facts: PostFacts) -> list[CompiledRule]:
        """The rules that match the post, in order, up to and including the first matching one with stop."""
        hay = _Haystack(facts)
        found: list[CompiledRule] = []
        for compiled in self.rules:
            if compiled.matches(facts, hay):
                found.append(compiled)
                if compiled.rule.stop:
                    break
        return found

    def evaluate(self, facts: PostFacts) -> Outcome:
        """The combined actions of the rules that match the post."""
        return combine(self.matching(facts))

    def hook(self, account: str) -> Callable[[sqlite3.Connection, int], object]:
        """The `on_new_posts` callback of `ingest.write_page` for one account's pages."""

        def apply(conn: sqlite3.Connection, first_post_id: int) -> AppliedRules:
            return apply_to_new_posts(conn, self, account, first_post_id)

        return apply


def combine(matched: Sequence[CompiledRule]) -> Outcome:
    """Merge the actions of matched rules: tags add up, priorities add up (clamped), the last assign wins."""
    outcome = Outcome()
    boost: int | None = None
    for compiled in matched:
        rule = compiled.rule
        outcome.rules.append(rule.name)
        for tag in rule.tags:
            if tag not in outcome.tags:
                outcome.tags.append(tag)
        if rule.priority:
            boost = (boost or 0) + rule.priority
        outcome.done = outcome.done or rule.done
        if rule.assign:
            outcome.assign = rule.assign
    if boost is not None:
        outcome.priority = max(PRIORITY_RANGE[0], min(PRIORITY_RANGE[1], boost))
    return outcome


@dataclass
class AppliedRules:
    """What the rules did to one page's new posts."""

    hits: Counter[str] = field(default_factory=Counter)
    """Matched posts per rule name."""
    conversation_ids: set[int] = field(default_factory=set)


@dataclass
class _ConversationPlan:
    tags: dict[str, None] = field(default_factory=dict)
    priority: int | None = None
    done: bool = False
    assign: str | None = None


def apply_to_new_posts(
    conn: sqlite3.Connection, rules: RuleSet, account: str, first_post_id: int, *, at: int | None = None
) -> AppliedRules:
    """Apply the rules to the inbound posts with ids from `first_post_id` on; call inside the page's write.

    Per conversation, posts are taken oldest first: tags accumulate; the boost, the assignment and done
    follow the latest post that a rule with that action matched, except that a later post no done rule
    matched leaves the conversation in the Inbox (a new post brings a done conversation back).
    """
    applied = AppliedRules()
    if not rules:
        return applied
    plans: dict[int, _ConversationPlan] = {}
    hits: list[tuple[int, str, int, int]] = []
    stamp = at if at is not None else _now()
    needs_source = any(compiled.sources for compiled in rules.rules)
    rows = conn.execute(_NEW_POSTS_WITH_SOURCE_SQL if needs_source else _NEW_POSTS_SQL, (first_post_id,))
    found = conn.execute(
        "SELECT a.platform FROM posts p JOIN accounts a ON a.id = p.account_id WHERE p.id >= ? LIMIT 1",
        (first_post_id,),
    ).fetchone()
    platform = str(found[0]) if found else ""
    ordered = sorted(rows, key=lambda row: (row[6], row[0]))
    for row in ordered:
        source = row[7] if needs_source else ""
        facts = PostFacts(row[0], row[1], row[2], row[3], row[4], row[5], platform, account, source, row[6])
        matched = rules.matching(facts)
        plan = plans.get(facts.conversation_id)
        if not matched:
            if plan is not None:
                plan.done = False
            continue
        outcome = combine(matched)
        if plan is None:
            plan = plans[facts.conversation_id] = _ConversationPlan()
        plan.tags.update(dict.fromkeys(outcome.tags))
        if outcome.priority is not None:
            plan.priority = outcome.priority
        if outcome.assign:
            plan.assign = outcome.assign
        plan.done = outcome.done
        for name in outcome.rules:
            applied.hits[name] += 1
            hits.append((facts.post_id, name, facts.conversation_id, stamp))
    if not plans:
        return applied
    _write_plans(conn, plans, hits)
    applied.conversation_ids = set(plans)
    return applied


def _write_plans(
    conn: sqlite3.Connection, plans: dict[int, _ConversationPlan], hits: list[tuple[int, str, int, int]]
) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO rule_hits (post_id, rule, conversation_id, hit_at) VALUES (?, ?, ?, ?)", hits
    )
    tags = [(conversation_id, tag) for conversation_id, plan in plans.items() for tag in plan.tags]
    if tags:
        conn.executemany("INSERT OR IGNORE INTO conversation_tags (conversation_id, tag) VALUES (?, ?)", tags)
    boosts = [(plan.priority, cid) for cid, plan in plans.items() if plan.priority is not None]
    if boosts:
        # The boost is part of `priority` (the score plus adjustments): move it by the change of the boost.
        conn.executemany(
            "UPDATE conversations SET priority = priority - rule_priority + ?1, rule_priority = ?1 "
            "WHERE id = ?2 AND rule_priority != ?1",
            boosts,
        )
    done = [(cid,) for cid, plan in plans.items() if plan.done]
    if done:
        conn.executemany(
            "UPDATE conversations SET status = 'done', snooze_until = NULL "
            "WHERE id = ? AND status IN ('inbox', 'snoozed')",
            done,
        )
    assigned = [(plan.assign, cid) for cid, plan in plans.items() if plan.assign]
    if assigned:
        # An account name no account row carries (never synced) assigns nothing.
        conn.executemany(
            "UPDATE conversations SET assigned_account_id = a.id FROM accounts a "
            "WHERE a.name = ?1 AND conversations.id = ?2",
            assigned,
        )


def _now() -> int:
    import time

    return int(time.time())


# --- the dry run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One post a rule matched in the dry run, as plain one-line text (control characters removed)."""

    post_id: int
    conversation_id: int
    created_at: int
    platform: str
    account: str
    author: str
    excerpt: str


@dataclass
class RuleReport:
    """What one rule matched over the stored posts of the window."""

    name: str
    enabled: bool
    count: int = 0
    conversations: set[int] = field(default_factory=set)
    samples: list[Sample] = field(default_factory=list)


def inert(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """One line of plain text: control, format and separator characters become spaces; cut to `limit`."""
    cleaned = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co") else char
        for char in text[: limit * 4]
    )
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def dry_run(
    conn: sqlite3.Connection,
    rules: Sequence[Rule],
    *,
    now: int,
    days: int = 30,
    samples: int = 3,
    only: Collection[str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[RuleReport]:
    """What `rules` would have matched among the inbound posts of the last `days` days; writes nothing.

    Enabled rules are evaluated as sync applies them (in order, `stop` honoured); a disabled rule is
    evaluated on its own. `only` limits the report to the rules with those names. Samples are the newest
    matches first. `cancelled()` is asked every 1,000 posts; when it says yes, the counts so far are returned.
    """
    if days < 1:
        raise ValueError("the dry run needs at least one day")
    active = RuleSet(rules)
    standalone = [CompiledRule(rule) for rule in rules if not rule.enabled]
    reports = {rule.name: RuleReport(rule.name, rule.enabled) for rule in rules}
    wanted = set(reports) if only is None else set(only) & set(reports)
    if not wanted:
        return []
    cutoff = now - days * DAY
    for seen, row in enumerate(conn.execute(_RECENT_POSTS_SQL, (cutoff, now))):
        if cancelled is not None and seen % 1000 == 999 and cancelled():
            break
        facts = PostFacts(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[9], row[7], row[8])
        hay = _Haystack(facts)
        matched: list[CompiledRule] = []
        for compiled in active.rules:
            if compiled.matches(facts, hay):
                matched.append(compiled)
                if compiled.rule.stop:
                    break
        matched.extend(compiled for compiled in standalone if compiled.matches(facts, hay))
        for compiled in matched:
            if compiled.name not in wanted:
                continue
            report = reports[compiled.name]
            report.count += 1
            report.conversations.add(facts.conversation_id)
            if len(report.samples) < samples:
                report.samples.append(_sample(facts))
    return [reports[rule.name] for rule in rules if rule.name in wanted]


def preview(
    conn: sqlite3.Connection,
    rule: Rule,
    *,
    now: int,
    days: int = 30,
    samples: int = 5,
    cancelled: Callable[[], bool] | None = None,
) -> RuleReport:
    """What one rule alone (enabled or not, other rules aside) would have matched in the last `days` days."""
    alone = rule.model_copy(update={"enabled": True, "stop": False})
    return dry_run(conn, [alone], now=now, days=days, samples=samples, cancelled=cancelled)[0]


def _sample(facts: PostFacts) -> Sample:
    author = facts.author_handle or facts.author_name or "?"
    if facts.author_name and facts.author_handle and facts.author_name != facts.author_handle:
        author = f"{facts.author_name} ({facts.author_handle})"
    text = f"{facts.title}: {facts.text}" if facts.title else facts.text
    return Sample(
        facts.post_id,
        facts.conversation_id,
        facts.created_at,
        facts.platform,
        facts.account,
        inert(author, 60),
        inert(text),
    )


def rule_hits(conn: sqlite3.Connection, conversation_id: int) -> list[tuple[str, int]]:
    """The rules that acted on a conversation's posts, with how many posts each matched (most first)."""
    rows = conn.execute(
        "SELECT rule, count(*) FROM rule_hits WHERE conversation_id = ? GROUP BY rule ORDER BY 2 DESC, 1",
        (conversation_id,),
    )
    return [(str(name), int(count)) for name, count in rows]
