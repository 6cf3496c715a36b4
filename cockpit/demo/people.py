"""The demo's stakeholders: a handful of recurring authors tracked at various stages, with a few manual entries."""

from __future__ import annotations

from datetime import datetime, timedelta

from cockpit.demo.cast import EVERYONE, RECURRING, Persona
from cockpit.services import people, signals
from cockpit.store.db import Store

# persona key -> (stage, organisation, role, timezone, interests, tags)
_TRACKED: dict[str, tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]] = {
    "priya": (
        "advocate",
        "Globex Payments",
        "Staff engineer",
        "Asia/Kolkata",
        ("exactly-once delivery",),
        ("speaker",),
    ),
    "jonas": (
        "supporter",
        "",
        "Maintainer, relay-operator",
        "Europe/Oslo",
        ("Kubernetes operators",),
        ("contributor",),
    ),
    "chidi": (
        "in_conversation",
        "Stackline",
        "Developer relations",
        "Africa/Lagos",
        ("event-driven design",),
        (),
    ),
    "lea": ("engaged", "Fretly", "CTO", "Europe/Paris", ("boring technology",), ("customer",)),
    "zoe": ("spotted", "Hooli Health", "Platform lead", "", (), ()),
}
LAPSED_STAGE = "in_conversation"
"""The stage of the one person the demo lets slip (its cadence is shorter than their silence)."""
DEMO_OUTREACH_LIMIT = 5
"""Outreach items the demo plans a day (config.toml's `daily_outreach_limit` default)."""

# persona key -> (kind, days ago, note)
_MANUAL: dict[str, tuple[str, int, str]] = {
    "jonas": ("meetup", 20, "Coffee at KubeCon: he wants a Helm chart review"),
    "lea": ("call", 40, "Call about Fretly's migration off their old queue"),
}


def _identities(store: Store, persona: Persona) -> list[int]:
    wanted = [
        ("x", persona.x),
        ("linkedin", persona.linkedin),
        ("discourse", persona.forum),
        ("feed", persona.name),
    ]
    found: list[int] = []
    for platform, handle in wanted:
        if handle:
            found += [
                row[0]
                for row in store.conn.execute(
                    "SELECT id FROM identities WHERE platform = ? AND handle = ? AND person_id IS NULL AND is_own = 0",
                    (platform, handle),
                )
            ]
    return found


def seed_people(store: Store, moment: datetime) -> int:
    """Track the demo's recurring authors (once: nothing when people exist already); return how many were added."""
    if store.conn.execute("SELECT 1 FROM people LIMIT 1").fetchone():
        return 0
    added = 0
    created_at = int((moment - timedelta(days=60)).timestamp())
    for persona in RECURRING:
        if persona.key not in _TRACKED:
            continue
        identity_ids = _identities(store, persona)
        if not identity_ids:
            continue
        stage, organisation, role, timezone, interests, tags = _TRACKED[persona.key]
        person_id = people.create_person(
            store,
            persona.name,
            identity_ids=identity_ids,
            stage=stage,
            organisation=organisation,
            role=role,
            timezone=timezone,
            interests=list(interests),
            tags=list(tags),
            at=created_at,
        )
        added += 1
        if persona.key in _MANUAL:
            kind, days, note = _MANUAL[persona.key]
            people.add_manual_entry(store, person_id, kind, note, moment - timedelta(days=days))
    if _track_lapsed(store, moment, created_at):
        added += 1
    signals.people_upkeep(store, moment, daily_limit=DEMO_OUTREACH_LIMIT)
    return added


def _track_lapsed(store: Store, moment: datetime, created_at: int) -> bool:
    """Track the untracked author heard from longest ago, so an outreach item is due on the first start.

    They are put at `LAPSED_STAGE` with an older call in their log: we talked, then nothing since.
    """
    quietest: tuple[int, Persona, list[int]] | None = None
    for persona in EVERYONE:
        if persona.key in _TRACKED:
            continue
        identity_ids = _identities(store, persona)
        if not identity_ids:
            continue
        marks = ",".join("?" * len(identity_ids))
        row = store.conn.execute(
            f"SELECT max(created_at) FROM posts WHERE identity_id IN ({marks})", identity_ids
        ).fetchone()
        if row[0] is not None and (quietest is None or int(row[0]) < quietest[0]):
            quietest = (int(row[0]), persona, identity_ids)
    if quietest is None:
        return False
    last_post, persona, identity_ids = quietest
    person_id = people.create_person(
        store, persona.name, identity_ids=identity_ids, stage=LAPSED_STAGE, at=created_at
    )
    first_call = min(moment - timedelta(days=45), datetime.fromtimestamp(last_post, moment.tzinfo))
    people.add_manual_entry(
        store, person_id, "call", "Intro call: keen to try Relay for their event pipeline", first_call
    )
    return True
