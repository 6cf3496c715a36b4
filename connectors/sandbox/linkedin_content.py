"""Seed content of the LinkedIn sandbox: the Acme Relay page, members, posts, comments and a mention.

Hand-written for the sandbox; no recorded LinkedIn responses exist publicly.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_ID = "4242"
ORG_URN = f"urn:li:organization:{ORG_ID}"
ORG_NAME = "Acme Relay"
ORG_VANITY = "acme-relay"


@dataclass(frozen=True)
class SeedMember:
    """A LinkedIn member of the sandbox."""

    id: str
    first: str
    last: str
    headline: str
    vanity: str


@dataclass(frozen=True)
class SeedComment:
    """A comment (`reply_to` None) or a reply to the comment at that index of the same post."""

    actor: str
    """A member id, or "page" for the organisation."""
    text: str
    hours_ago: float
    reply_to: int | None = None


@dataclass(frozen=True)
class SeedPost:
    """A post with its comments; `author` is "page" or a member id (then the post mentions the page)."""

    author: str
    text: str
    hours_ago: float
    comments: tuple[SeedComment, ...] = ()


MEMBERS = (
    SeedMember("aB3xK9-mQ", "Priya", "Raman", "Platform lead at Northwind | Kafka refugee", "priya-raman"),
    SeedMember("Zt7_p2LwE", "Jonas", "Berg", "CTO, Fjord Logistics", "jonasberg"),
    SeedMember(
        "q8RvN1cTy", "Amara", "Okafor", "Developer advocate. Queues, streams, coffee.", "amara-okafor"
    ),
    SeedMember("Lm4Hs0-Db", "Tomás", "Ruiz", "SRE @ Carta Health", "tomas-ruiz-sre"),
    SeedMember("Wc9Fg6Uo2", "Mei", "Tanaka", "VP Engineering, Kumo Retail", "meitanaka"),
    SeedMember("Ex2Pq7Yh1", "Dana", "Whitfield", "Head of Community at Acme Relay", "danawhitfield"),
)
EXECUTIVE = "Ex2Pq7Yh1"
"""The member who replies in person in the sandbox (an Acme Relay employee and page admin)."""

POSTS = (
    SeedPost(
        "page",
        "Acme Relay 2.5 is out: exactly-once delivery for fan-out queues, and a 40% smaller footprint.",
        50,
        (
            SeedComment("aB3xK9-mQ", "Huge. Does exactly-once hold across region failover?", 46),
            SeedComment(
                "page", "It does, as long as the dedup window covers the failover time. Docs soon!", 44, 0
            ),
            SeedComment("Zt7_p2LwE", "We upgraded this morning, smooth so far (and 🚀 fast).", 30),
            SeedComment(
                "q8RvN1cTy", "Would love a migration guide from 2.4 with ACLs, commas, (and) colons: ok?", 20
            ),
            SeedComment("Lm4Hs0-Db", "+1 to the migration guide.", 18, 3),
        ),
    ),
    SeedPost(
        "page",
        "We're hiring a developer advocate in Berlin or remote (EU). Come build the community with us!",
        30,
        (
            SeedComment("Wc9Fg6Uo2", "Shared with my network. Great team.", 26),
            SeedComment("aB3xK9-mQ", "Is this open to people in the UK?", 10),
        ),
    ),
    SeedPost(
        "Wc9Fg6Uo2",
        "How we cut our order pipeline's p99 by 60% after moving to @Acme Relay. Thread below.",
        12,
        (SeedComment("Zt7_p2LwE", "Numbers like these are why we switched too.", 8),),
    ),
)
"""Seed posts: the first two are the page's own; the last is a member's post mentioning the page."""

NEW_COMMENTS = (
    "Any plans for a managed offering?",
    "The new dashboard is so much clearer, thank you.",
    "Is there a recording of last week's webinar?",
    "Our team is evaluating Relay vs. Kafka: any benchmarks?",
    "Congrats on the release, folks!",
)
"""Comments `simulate_activity` adds on the page's posts, in turn."""
