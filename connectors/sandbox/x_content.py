"""Invented content for the X sandbox: people talking about Acme Relay, the open-source message queue."""

from __future__ import annotations

from dataclasses import dataclass

OUR_HANDLE = "acmerelay"
OUR_ID = "4815162342"


@dataclass(frozen=True)
class SeedUser:
    """One X user."""

    handle: str
    name: str
    bio: str
    followers: int
    protected: bool = False


@dataclass(frozen=True)
class SeedTweet:
    """One tweet of a seeded conversation; `reply_to` is the index of the tweet it answers."""

    author: str
    text: str
    hours_ago: float
    reply_to: int | None = None


USERS: tuple[SeedUser, ...] = (
    SeedUser(
        OUR_HANDLE,
        "Acme Relay",
        "The open-source message queue that stays out of your way. Docs: docs.acme.dev",
        24_800,
    ),
    SeedUser("priyaraman", "Priya Raman", "Staff engineer. Queues, backpressure and bad puns.", 8_400),
    SeedUser("jonasoberg", "Jonas Öberg", "SRE in Malmö. I page so you don't have to.", 2_150),
    SeedUser("chidicodes", "Chidi Okafor", "Building payments infra in Lagos. Rust and Go.", 5_600),
    SeedUser("learousseau", "Léa Rousseau", "Dev advocate, Lyon. Talks about event-driven things.", 12_300),
    SeedUser("kenji_wtnb", "Kenji Watanabe", "分散システムが好き. Distributed systems in Tokyo.", 3_900),
    SeedUser("zoeadler", "Zoe Adler", "Platform team lead. Writes about migrations.", 1_700),
    SeedUser("mateus_araujo", "Mateus Araújo", "Backend dev, São Paulo.", 640),
    SeedUser("siobhan_nb", "Siobhán Ní Bhriain", "Observability nerd, Dublin.", 2_900),
    SeedUser("ahmedhsn", "Ahmed Hassan", "Startup CTO. Shipping fast, breaking less.", 4_100),
    SeedUser("olga_smirnova", "Olga Smirnova", "Data engineer. Kafka survivor.", 1_250),
    SeedUser("devops_dan", "Dan", "automate all the things. opinions: loud.", 1_010),
    SeedUser("quiet_quinn", "Quinn", "protected account", 90, protected=True),
)

THREADS: tuple[tuple[SeedTweet, ...], ...] = (
    (
        SeedTweet(
            "priyaraman",
            "@acmerelay is there a way to cap a consumer group's in-flight messages? Couldn't find it in the docs.",
            30,
        ),
        SeedTweet(
            OUR_HANDLE,
            "@priyaraman yes: set max_inflight on the group (docs.acme.dev/consumers#inflight). Defaults to 1000.",
            29,
            0,
        ),
        SeedTweet("priyaraman", "@acmerelay perfect, that was it. Thanks!", 28.5, 1),
        SeedTweet(
            "jonasoberg", "@priyaraman @acmerelay we run it at 200 for the billing workers, works well", 27, 0
        ),
    ),
    (
        SeedTweet(
            "chidicodes",
            "Upgraded our cluster to Acme Relay 3.2 today, zero downtime. @acmerelay you folks rock",
            22,
        ),
        SeedTweet(
            "learousseau", "@chidicodes @acmerelay how long did the rolling restart take for you?", 21, 0
        ),
        SeedTweet("chidicodes", "@learousseau about 12 minutes for 9 brokers", 20.5, 1),
    ),
    (
        SeedTweet(
            "kenji_wtnb", "@acmerelay 3.2で遅延が増えました。dead letter queue の設定を変えましたか？", 16
        ),
        SeedTweet(
            "siobhan_nb", "@kenji_wtnb @acmerelay seeing the same p99 bump here since the upgrade", 15, 0
        ),
    ),
    (
        SeedTweet(
            "zoeadler",
            "Writing up our migration from a homegrown queue to Acme Relay. Anything you'd want covered, @acmerelay?",
            10,
        ),
    ),
    (
        SeedTweet(
            "devops_dan",
            "hot take: #acmerelay's retry defaults are too polite. give me exponential backoff with jitter by default",
            8,
        ),
        SeedTweet("olga_smirnova", "@devops_dan agree, we had to tune it on day one", 7, 0),
    ),
    (
        SeedTweet(
            "mateus_araujo",
            "Anyone benchmarked Acme Relay against NATS for small payloads? Curious before we pick one.",
            5,
        ),
        SeedTweet(
            "ahmedhsn",
            "@mateus_araujo we did last year, Acme Relay won on tail latency, NATS on throughput",
            4,
            0,
        ),
    ),
    (
        SeedTweet(
            "ahmedhsn",
            "@acmerelay any plans for a managed offering in eu-central? Asking for our compliance team",
            3,
        ),
    ),
    (SeedTweet("quiet_quinn", "@acmerelay is the broker safe to expose without TLS inside a VPC?", 2.5),),
)
"""Seeded conversations, each oldest first."""

NEW_MENTIONS: tuple[str, ...] = (
    "@acmerelay how do I replay a dead-lettered message without a script?",
    "@acmerelay the new dashboard is lovely, thank you",
    "@acmerelay is there an ETA for the 3.3 release notes?",
    "Hey @acmerelay, consumer lag metrics vanish after a broker restart. Known issue?",
    "@acmerelay does the Helm chart support pod disruption budgets yet?",
)
NEW_SEARCH_HITS: tuple[str, ...] = (
    "Trying Acme Relay for our event bus this week, first impressions are good",
    "#acmerelay meetup in Berlin next month, who's coming?",
    "Acme Relay docs on exactly-once delivery are the clearest I've read",
)
NEW_REPLIES: tuple[str, ...] = (
    "Same here, following this thread",
    "+1, would love an answer to this",
    "We worked around it with a sidecar for now",
    "Did you try the 3.2.1 patch? It fixed it for us",
)
