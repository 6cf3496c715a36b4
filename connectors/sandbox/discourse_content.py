"""Invented content of the forum sandbox: the Acme Relay community forum (a message queue project).

Posts are written as Discourse's `cooked` HTML. `reply_to` is the post number answered (None: the topic).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeedUser:
    """A forum member."""

    username: str
    name: str
    trust_level: int
    bio: str = ""
    admin: bool = False


@dataclass(frozen=True)
class SeedCategory:
    """A category."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class SeedPost:
    """One post of a seeded topic."""

    author: str
    cooked: str
    hours_ago: float
    reply_to: int | None = None


@dataclass(frozen=True)
class SeedTopic:
    """A seeded topic and its posts, first post first."""

    title: str
    category: str
    posts: tuple[SeedPost, ...]
    archetype: str = "regular"
    participants: tuple[str, ...] = field(default_factory=tuple)


OUR_USERNAME = "maya_acme"

USERS: tuple[SeedUser, ...] = (
    SeedUser("maya_acme", "Maya Okafor", 4, "Community at Acme.", admin=True),
    SeedUser("system", "system", 4, admin=True),
    SeedUser("priya", "Priya Raman", 3, "Staff engineer at Globex Payments."),
    SeedUser("jonas", "Jonas Weber", 2, "Platform team, Hamburg."),
    SeedUser("kenji", "Kenji Watanabe", 2, "SRE. Queues, queues everywhere."),
    SeedUser("helga", "Helga Sørensen", 1, "Ops at a logistics startup in Aarhus."),
    SeedUser("fatou", "Fatou Diallo", 3, "Backend lead, Dakar."),
    SeedUser("tomasz", "Tomasz Nowak", 1, ""),
    SeedUser("lan_nguyen", "Lan Nguyễn", 2, "Data pipelines."),
    SeedUser("rafa", "Rafael Ortega", 0, "New here!"),
    SeedUser("olga", "Olga Petrova", 2, "Kubernetes operator author."),
    SeedUser("aarav", "Aarav Shah", 1, ""),
)

CATEGORIES: tuple[SeedCategory, ...] = (
    SeedCategory(5, "support", "Support"),
    SeedCategory(6, "announcements", "Announcements"),
    SeedCategory(7, "feature-requests", "Feature requests"),
    SeedCategory(8, "show-and-tell", "Show and tell"),
)

HOSTILE_COOKED = (
    '<p>Our dashboard shows this <script>alert("pwned")</script> when the broker restarts: '
    "\x1b[1;31mFATAL\x1b[0m [bold red]not markup[/bold red] \x1b]8;;https://evil.invalid\x1b\\link\x1b]8;;\x1b\\ "
    "\u202etxet desrever\u202c</p>"
    '<p><img src="x" onerror="alert(1)" alt="broken chart"> <a href="javascript:alert(1)">see logs</a> '
    '<iframe src="https://evil.invalid/frame"></iframe><style>body{display:none}</style></p>'
    "<p>" + "<b>" * 50 + "deeply nested" + "</b>" * 50 + "</p>"
)
"""A post with every kind of hostile markup a renderer must keep inert."""


def _long_topic() -> SeedTopic:
    """A support thread with 27 posts, so its first page (20 posts) is not all of it."""
    voices = ["priya", "jonas", "kenji", "fatou", "lan_nguyen", "olga", "tomasz", OUR_USERNAME]
    lines = [
        "Same here on 2.4.1, partitions rebalance every few minutes.",
        "Could it be the heartbeat interval? Ours is 3 s.",
        "We raised <code>session.timeout</code> to 45 s and it calmed down a bit.",
        "Does it happen with the in-memory store too, or only with the disk log?",
        "Only with the disk log here.",
        "I can reproduce it with <code>relay bench --consumers 64</code>.",
        "Attaching a flame graph would help the core team.",
        "The fsync path shows up at 40 % in our profile.",
        "Is the group coordinator on the same node as the busiest partition?",
        "Moving it helped us, rebalances went from 30/h to 4/h.",
        "We see it on ARM nodes only.",
        "Interesting, we are on x86 and see it too.",
        "Could the clock skew between nodes matter?",
        "Chrony is fine on our side.",
        "Any news from the core team?",
        "Filed as RELAY-2291 with a reproducer.",
        "Thanks all, this thread is gold.",
        "Tried the nightly build: no rebalances in 12 hours.",
        "Confirmed, nightly fixes it here as well.",
        "When is 2.4.2 due?",
        "Following.",
        "Same question about 2.4.2.",
        "Our staging cluster has been quiet since the nightly too.",
        "Is there a workaround for those who cannot run nightlies?",
        "Pinning the coordinator with <code>coordinator.prefer = local</code> works as a stopgap.",
    ]
    posts = [
        SeedPost(
            "helga",
            "<p>Since upgrading to Relay 2.4.1 our consumer groups rebalance every few minutes, "
            "with nothing in the broker log. Anyone else?</p>",
            200,
        )
    ]
    for index, line in enumerate(lines):
        reply_to = 1 if index % 5 == 0 else None
        if index == 17:
            reply_to = 17  # the nightly report answers "Filed as RELAY-2291"
        posts.append(SeedPost(voices[index % len(voices)], f"<p>{line}</p>", 200 - 7 * (index + 1), reply_to))
    posts.append(
        SeedPost(
            OUR_USERNAME,
            "<p>2.4.2 ships on Thursday with the fix. Thanks for the reproducer "
            '<a class="mention" href="/u/helga">@helga</a> and everyone who tested.</p>',
            6,
            1,
        )
    )
    return SeedTopic("Consumer groups rebalance every few minutes after 2.4.1", "support", tuple(posts))


TOPICS: tuple[SeedTopic, ...] = (
    _long_topic(),
    SeedTopic(
        "How do I set up dead-letter queues with retries?",
        "support",
        (
            SeedPost(
                "rafa",
                "<p>Hi all, new to Relay. I want failed messages retried 3 times and then moved to a "
                "dead-letter queue. My config:</p>"
                '<pre><code class="lang-yaml">queues:\n  orders:\n    max_retries: 3\n</code></pre>'
                "<p>What am I missing?</p>",
                30,
            ),
            SeedPost(
                "fatou",
                '<aside class="quote no-group" data-username="rafa" data-post="1" data-topic="0">'
                '<div class="title"><img alt="" src="/a/rafa.png"> rafa:</div>'
                "<blockquote><p>What am I missing?</p></blockquote></aside>"
                "<p>You need <code>dead_letter: orders.dlq</code> next to <code>max_retries</code>. "
                '<a class="mention" href="/u/maya_acme">@maya_acme</a> is this in the docs yet?</p>',
                26,
                1,
            ),
            SeedPost(
                OUR_USERNAME,
                "<p>It is, though well hidden:</p>"
                '<aside class="onebox allowlistedgeneric" data-onebox-src="https://docs.acme.dev/relay/dlq">'
                '<header class="source"><a href="https://docs.acme.dev/relay/dlq">docs.acme.dev</a></header>'
                '<article class="onebox-body"><h3><a href="https://docs.acme.dev/relay/dlq">Dead-letter queues'
                "</a></h3><p>Route messages that keep failing to a queue of their own.</p></article></aside>"
                "<p>We will link it from the retries page.</p>",
                20,
                2,
            ),
            SeedPost(
                "rafa",
                '<p>Works now, thank you both! <img class="emoji" alt=":tada:" src="/e.png"></p>',
                18,
                3,
            ),
        ),
    ),
    SeedTopic(
        "Broker dashboard shows garbage after restart",
        "support",
        (
            SeedPost("tomasz", HOSTILE_COOKED, 12),
            SeedPost(
                "olga",
                "<p>Looks like raw terminal escapes in the log viewer. Which version?</p>"
                '<div class="lightbox-wrapper"><a class="lightbox" href="/uploads/default/dash.png">'
                '<img src="/uploads/default/dash.png" alt="dashboard screenshot"><div class="meta">'
                '<span class="filename">dash.png</span><span class="informations">1280×720 88 KB</span>'
                "</div></a></div>",
                10,
                1,
            ),
        ),
    ),
    SeedTopic(
        "Feature request: priority lanes per consumer group",
        "feature-requests",
        (
            SeedPost(
                "priya",
                "<p>We would love per-group priority lanes: payments first, analytics later. "
                "Today we run two clusters for that.</p>",
                70,
            ),
            SeedPost("kenji", "<p>+1, we fake it with two queues and a weighted poller.</p>", 60, 1),
            SeedPost(
                OUR_USERNAME,
                "<p>Thanks Priya, this is on the 2.6 roadmap. Would you join a design call?</p>",
                50,
                1,
            ),
            SeedPost(
                "priya", '<p>Happy to, <a class="mention" href="/u/maya_acme">@maya_acme</a>!</p>', 44, 3
            ),
        ),
    ),
    SeedTopic(
        "Show and tell: Relay on a Raspberry Pi cluster",
        "show-and-tell",
        (
            SeedPost(
                "lan_nguyen",
                "<p>Six Pis, 40k msg/s with the disk log on USB SSDs. Write-up here: "
                '<a href="https://lan.example/relay-pi">lan.example/relay-pi</a></p>'
                '<p><img src="/uploads/pi.jpg" alt="six Raspberry Pis in a rack"></p>',
                90,
            ),
            SeedPost("jonas", "<p>Love it. What about power draw?</p>", 80, 1),
            SeedPost("lan_nguyen", "<p>About 30 W for the whole cluster.</p>", 78, 2),
        ),
    ),
    SeedTopic(
        "Relay 2.4.1 released",
        "announcements",
        (
            SeedPost(
                OUR_USERNAME,
                "<h2>What's new</h2><ul><li>Faster acks on the disk log</li><li>Metrics for rebalances</li></ul>",
                300,
            ),
            SeedPost("aarav", "<p>Upgraded three clusters, smooth so far.</p>", 290, 1),
        ),
    ),
    SeedTopic(
        "Licensing question for our on-prem deployment",
        "",
        (
            SeedPost(
                "fatou",
                "<p>Hi Maya, quick private question about the enterprise licence for on-prem clusters.</p>",
                5,
            ),
        ),
        archetype="private_message",
    ),
)

NEW_TOPIC_TITLES: tuple[str, ...] = (
    "Exactly-once delivery with the Go client?",
    "Prometheus metrics missing after upgrade",
    "Best practice for message TTLs",
    "Helm chart: how to set resource limits?",
    "Consumer lag alerting recipes",
)

REPLIES: tuple[str, ...] = (
    "<p>We hit the same thing last week, upgrading the client fixed it.</p>",
    "<p>Could you share your broker config? Hard to tell otherwise.</p>",
    "<p>Thanks, that explains the spikes we saw.</p>",
    "<p>Is there an issue to follow for this?</p>",
    "<p>Works for me on 2.4.2, see the snippet:</p><pre><code>relay consume --group billing</code></pre>",
    "<p>Bumping this, still seeing it in production.</p>",
)
