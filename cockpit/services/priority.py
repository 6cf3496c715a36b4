"""The priority score of a conversation and the question flag, kept in indexed columns (docs/triage.md formula).

A conversation's score is the sum of these terms, each read in SQL from what is stored:

- stakeholder stage: the newest inbound post's author, when linked to a tracked person: 10 points for the
  first stage (position 0 in `stages`), 10 more per later stage, at most 50; a stage not in `stages` counts
  as the first;
- reach of that author (`identities.reach`): 100+ → 5, 1,000+ → 10, 10,000+ → 15, 100,000+ → 20;
- how it reached us: a direct mention or notification 20, a comment on a followed blog 10, a search hit 0;
- question: 15 when an inbound post asks something (`QUESTION_SQL`);
- replied: -30 once we have answered.

Age is not a term: the priority order breaks ties by last activity, newest first, so among equal scores the
freshest comes first and the stored score never goes stale with the clock.

`conversations.priority_score` holds the computed score and `conversations.priority` the score plus any
adjustment set by hand or by a rule (`triage.set_priority`): a refresh moves `priority` by the change of the
score, so an adjustment survives. The queue sorts by `priority` through the index
(status, priority, last_activity_at, id). Ingest refreshes the conversations a page touched
(`refresh`); triggers of schema migration 8 refresh an author's conversations when their person's stage
changes or the author is linked to a person.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

QUESTION_WORDS: tuple[str, ...] = (
    # English
    "how", "what", "why", "when", "where", "who", "whom", "whose", "which", "can", "could", "does", "do",
    "did", "is", "are", "should", "would", "will", "anyone", "anybody",
    # French
    "comment", "pourquoi", "quand", "où", "quel", "quelle", "quels", "quelles", "combien", "est-ce",
    # German
    "wie", "warum", "wann", "wo", "wer", "welche", "welcher", "welches", "weshalb", "gibt",
    # Spanish, Portuguese, Italian (only words that are not also common non-questions)
    "cómo", "qué", "cuándo", "dónde", "quién", "cuál", "quando", "onde", "quem", "qual", "perché", "dove",
    # Dutch
    "hoe", "waarom", "wanneer", "waar", "welke",
)  # fmt: skip
"""First words that make a post a question even without a question mark (compared in lower case)."""

QUESTION_MARKS: tuple[str, ...] = ("?", "？", "¿", "؟")
"""Question marks: ASCII, full-width (CJK), Spanish opening, Arabic."""

_FIRST_WORD = "rtrim(lower(substr(ltrim({t}), 1, instr(ltrim({t}) || ' ', ' ') - 1)), ',.:;!')"


def question_sql(text: str = "p.text") -> str:
    """An SQL condition true when the text in column `text` asks something (marks or a first question word).

    Schema migration 8 holds this condition in the `priority_terms` view; a test checks they agree.
    """
    marks = " OR ".join(f"instr({text}, '{mark}') > 0" for mark in QUESTION_MARKS)
    words = ", ".join(f"'{word}'" for word in QUESTION_WORDS)
    return f"({marks} OR {_FIRST_WORD.format(t=text)} IN ({words}))"


QUESTION_POINTS = 15
"""Points of the question term."""

# The view's `question` and `score` both expand to its question subquery, so selecting both ran it twice per
# conversation; the materialized rows below run it once (same result, about half the time at ingest).
_REFRESH = f"""
WITH s AS MATERIALIZED (
    SELECT id, question, stage_points + reach_points + source_points + replied_points
        + {QUESTION_POINTS} * question AS score
    FROM priority_terms WHERE id IN (SELECT value FROM json_each(?)))
UPDATE conversations SET question = s.question, priority = priority - priority_score + s.score,
    priority_score = s.score
FROM s
WHERE conversations.id = s.id
AND (conversations.question IS NOT s.question OR conversations.priority_score IS NOT s.score)
"""


def refresh(conn: sqlite3.Connection, conversation_ids: Iterable[int]) -> int:
    """Recompute the question flag and score of these conversations (inside a write); return how many changed."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return 0
    conn.execute(_REFRESH, (json.dumps(ids),))
    return int(conn.execute("SELECT changes()").fetchone()[0])  # rowcount is -1 for a statement led by WITH


@dataclass(frozen=True)
class Term:
    """One line of a score's explanation: what it is, its points, and why."""

    name: str
    points: int
    reason: str


@dataclass(frozen=True)
class Explanation:
    """Why a conversation has its priority: the terms, any manual or rule adjustment, and the total."""

    conversation_id: int
    terms: tuple[Term, ...]
    adjustment: int
    total: int


def explain(conn: sqlite3.Connection, conversation_id: int) -> Explanation | None:
    """Explain one conversation's priority term by term; None when it does not exist."""
    row = conn.execute(
        """
        SELECT t.stage_points, t.reach_points, t.source_points, t.question_points, t.replied_points,
            c.priority, c.priority_score, c.source, c.answered, i.reach, coalesce(pe.stage, ''),
            coalesce(i.handle, '')
        FROM priority_terms t
        JOIN conversations c ON c.id = t.id
        LEFT JOIN identities i ON i.id = t.author_id
        LEFT JOIN people pe ON pe.id = i.person_id
        WHERE t.id = ?
        """,
        (conversation_id,),
    ).fetchone()
    if row is None:
        return None
    stage_pts, reach_pts, source_pts, question_pts, replied_pts = (int(value) for value in row[:5])
    priority, stored_score, source, answered, reach, stage, handle = row[5:]
    author = f"@{handle[:24]}" if handle else "the author"
    sources = {"mention": "a direct mention", "notification": "a notification", "feed": "a blog comment"}
    terms = (
        Term(
            "Stakeholder stage",
            stage_pts,
            f"{author}: stage {stage}" if stage else f"{author}: not tracked",
        ),
        Term("Reach", reach_pts, f"{reach:,} followers" if reach is not None else "reach not known"),
        Term("Source", source_pts, sources.get(source, f"a {source} hit")),
        Term(
            "Question",
            question_pts,
            "an inbound post asks something" if question_pts else "no inbound post asks anything",
        ),
        Term("Replied", replied_pts, "we already replied" if answered else "not answered yet"),
    )
    return Explanation(
        conversation_id=conversation_id,
        terms=terms,
        adjustment=int(priority) - int(stored_score),
        total=int(priority),
    )
