"""What the demo's people talk about: topic bundles and the sentence templates that voice them.

A bundle holds the facts of one topic (a setting and its docs page, a bug with its issue number and fix
version); a template turns a bundle into a post in one platform's register. Templates name their slots with
`{...}`; every slot a template uses is filled from the thread's context (see content.py).
"""

from __future__ import annotations

from typing import Final

Bundle = dict[str, str]

QUESTIONS: Final[tuple[Bundle, ...]] = (
    {
        "ask": "cap how long messages stay in a queue",
        "topic": "per-queue retention",
        "setting": "retention.max_age",
        "example": 'retention.max_age = "72h"',
        "doc": "queues/retention",
    },
    {
        "ask": "replay everything from the dead-letter queue after a bad deploy",
        "topic": "replaying dead letters",
        "setting": "relay dlq replay",
        "example": "relay dlq replay orders --since 2h",
        "doc": "guides/dead-letters",
    },
    {
        "ask": "turn on TLS between brokers",
        "topic": "inter-broker TLS",
        "setting": "cluster.tls.mode",
        "example": 'cluster.tls.mode = "mutual"',
        "doc": "security/tls",
    },
    {
        "ask": "limit how many unacked messages one consumer holds",
        "topic": "prefetch limits",
        "setting": "consumer.prefetch",
        "example": "consumer.prefetch = 32",
        "doc": "clients/flow-control",
    },
    {
        "ask": "delay a message by an hour without a cron job",
        "topic": "delayed delivery",
        "setting": "deliver_after",
        "example": "queue.publish(msg, deliver_after=timedelta(hours=1))",
        "doc": "messages/delayed-delivery",
    },
    {
        "ask": "export broker metrics to Prometheus",
        "topic": "Prometheus metrics",
        "setting": "metrics.prometheus.listen",
        "example": 'metrics.prometheus.listen = ":9464"',
        "doc": "operations/metrics",
    },
    {
        "ask": "shrink a cluster from five nodes to three without losing messages",
        "topic": "scaling down",
        "setting": "relay node drain",
        "example": "relay node drain broker-4 --wait",
        "doc": "operations/scaling-down",
    },
    {
        "ask": "keep ordering per customer while still consuming in parallel",
        "topic": "ordering keys",
        "setting": "ordering_key",
        "example": "publish(msg, ordering_key=customer_id)",
        "doc": "messages/ordering",
    },
    {
        "ask": "trace a message end to end with OpenTelemetry",
        "topic": "tracing",
        "setting": "tracing.otlp.endpoint",
        "example": 'tracing.otlp.endpoint = "http://otel-collector:4317"',
        "doc": "operations/tracing",
    },
    {
        "ask": "back up a broker while it keeps running",
        "topic": "online backups",
        "setting": "relay snapshot create",
        "example": "relay snapshot create --to s3://backups/relay",
        "doc": "operations/backups",
    },
    {
        "ask": "use the Python client from asyncio code",
        "topic": "the asyncio client",
        "setting": "relay.aio",
        "example": "from relay.aio import Client",
        "doc": "clients/python#asyncio",
    },
    {
        "ask": "set a rate limit per tenant",
        "topic": "tenant quotas",
        "setting": "tenants.<name>.max_rate",
        "example": 'tenants.billing.max_rate = "500/s"',
        "doc": "operations/quotas",
    },
)

BUGS: Final[tuple[Bundle, ...]] = (
    {
        "symptom": "consumers stall for about 30 seconds after a broker restart",
        "error": "ERR_LEASE_EXPIRED",
        "version": "2.4.1",
        "previous": "2.4.0",
        "issue": "1873",
        "fixed": "2.4.2",
        "workaround": "lowering consumer.lease_renewal to 5s",
    },
    {
        "symptom": "memory on the leader keeps climbing until the OOM killer steps in",
        "error": "RSS +200 MB/hour, nothing in the logs",
        "version": "2.5.0",
        "previous": "2.4.2",
        "issue": "1911",
        "fixed": "2.5.1",
        "workaround": "setting compaction.eager = false",
    },
    {
        "symptom": "the Go client panics when the connection drops mid-ack",
        "error": "panic: send on closed channel",
        "version": "relay-go 1.8.0",
        "previous": "relay-go 1.7.3",
        "issue": "1894",
        "fixed": "relay-go 1.8.1",
        "workaround": "pinning relay-go to 1.7.3",
    },
    {
        "symptom": "`relay status` reports a healthy cluster while one node is clearly down",
        "error": "status: 3/3 healthy",
        "version": "2.5.0",
        "previous": "2.4.2",
        "issue": "1920",
        "fixed": "2.5.1",
        "workaround": "checking /healthz on each node directly",
    },
    {
        "symptom": "the Helm chart ignores persistence.storageClass",
        "error": "PVCs land on the default storage class",
        "version": "chart 0.14.0",
        "previous": "chart 0.13.2",
        "issue": "1866",
        "fixed": "chart 0.14.1",
        "workaround": "setting the class in a values override for the StatefulSet",
    },
    {
        "symptom": "messages with a TTL never expire when a queue has no consumers",
        "error": "queue depth never goes down",
        "version": "2.4.2",
        "previous": "2.4.1",
        "issue": "1902",
        "fixed": "2.5.1",
        "workaround": "attaching a no-op consumer to the queue",
    },
    {
        "symptom": "the web console shows every timestamp in UTC whatever the browser's time zone",
        "error": "no error, just confusing",
        "version": "2.5.0",
        "previous": "2.4.2",
        "issue": "1925",
        "fixed": "2.5.1",
        "workaround": "hovering a timestamp, which shows local time",
    },
    {
        "symptom": "publishing a message over 1 MB fails with an error that doesn't say what the limit is",
        "error": "ERR_FRAME_TOO_LARGE",
        "version": "2.4.2",
        "previous": "2.4.1",
        "issue": "1840",
        "fixed": "2.5.0",
        "workaround": "raising limits.max_message_size on the broker",
    },
)

WISHES: Final[tuple[Bundle, ...]] = (
    {
        "wish": "priority queues",
        "why": "a few urgent jobs get stuck behind the nightly bulk export",
        "status": "it's on the roadmap for 2.6",
        "issue": "1502",
    },
    {
        "wish": "an official Terraform provider",
        "why": "everything else in our stack is managed in Terraform",
        "status": "there's a community provider and we're talking to its author about adopting it",
        "issue": "1655",
    },
    {
        "wish": "schema validation on publish",
        "why": "one bad producer took down three consumers last week",
        "status": "it's being designed in the open, feedback welcome on the RFC",
        "issue": "1710",
    },
    {
        "wish": "a Ruby client",
        "why": "half of our monolith is still Rails",
        "status": "we're not building it ourselves yet, but we'd gladly support a community client",
        "issue": "1288",
    },
    {
        "wish": "message search in the web console",
        "why": "debugging today means grepping exports",
        "status": "it's already merged and ships in 2.6",
        "issue": "1780",
    },
    {
        "wish": "per-message encryption with our own keys",
        "why": "our compliance team wants bring-your-own-key for everything",
        "status": "it's on the roadmap, no date yet",
        "issue": "1804",
    },
    {
        "wish": "an ARM64 image",
        "why": "our edge boxes are all Raspberry Pis",
        "status": "good news, there's been one since 2.4, it's just missing from the docs (fixing that now)",
        "issue": "1833",
    },
)

PRAISE: Final[tuple[Bundle, ...]] = (
    {
        "workload": "order events",
        "old": "a homegrown Postgres queue",
        "result": "our p99 went from 180 ms to 12 ms",
    },
    {
        "workload": "webhook fan-out",
        "old": "RabbitMQ",
        "result": "we dropped two nodes and the pager went quiet",
    },
    {
        "workload": "IoT telemetry",
        "old": "a pile of cron jobs",
        "result": "two billion messages last month, zero incidents",
    },
    {
        "workload": "transactional email",
        "old": "Redis lists",
        "result": "retries with dead-lettering just work now",
    },
    {
        "workload": "ML feature pipelines",
        "old": "a Kafka cluster that was overkill for a team of four",
        "result": "one binary, one config file, done",
    },
    {
        "workload": "payment notifications",
        "old": "SQS",
        "result": "we finally run the exact same thing on laptops and in prod",
    },
)

EVENTS: Final[tuple[Bundle, ...]] = (
    {
        "event": "RelayConf in Lisbon",
        "talk": "Exactly-once is a lie (and that's fine)",
        "detail": "idempotent consumers",
    },
    {
        "event": "the Berlin Distributed Systems meetup",
        "talk": "Backpressure in practice",
        "detail": "retry storms",
    },
    {
        "event": "KubeCon",
        "talk": "Stateful queues on Kubernetes without tears",
        "detail": "pod disruption budgets",
    },
    {"event": "the Acme Relay community call", "talk": "What's coming in 2.6", "detail": "priority queues"},
    {"event": "PyCon", "talk": "asyncio and message queues, a love story", "detail": "cancellation"},
    {
        "event": "the Lisbon Distributed Systems Meetup",
        "talk": "Dead letters tell stories",
        "detail": "poison messages",
    },
    {
        "event": "DevOpsDays Zürich",
        "talk": "Moving 40 services off a homegrown queue",
        "detail": "dual writes",
    },
)

SHARES: Final[tuple[Bundle, ...]] = (
    {"stack": "Kubernetes", "slug": "relay-on-kubernetes", "detail": "partition sizing"},
    {"stack": "bare metal", "slug": "relay-bare-metal", "detail": "disk layout"},
    {"stack": "Nomad", "slug": "relay-on-nomad", "detail": "rolling upgrades"},
    {"stack": "a three-node Raspberry Pi cluster", "slug": "relay-on-a-pi-cluster", "detail": "power cuts"},
    {"stack": "ECS", "slug": "relay-on-ecs", "detail": "health checks"},
)

STACKS: Final[tuple[str, ...]] = ("Kubernetes", "Nomad", "bare metal", "ECS", "OpenShift", "k3s")
VERSIONS: Final[tuple[str, ...]] = ("2.4.2", "2.5.0", "2.5.1")
HIGHLIGHTS: Final[tuple[str, ...]] = (
    "ordering keys, 30% lower tail latency and a much friendlier web console",
    "message replay from the CLI, OpenTelemetry tracing and ARM64 images",
    "tenant quotas, faster compaction and a new Helm chart",
)

# One template list per (platform, kind); {us} is how the platform names us (@acmerelay on X).
OPENERS: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("x", "question"): (
        "@acmerelay is there a way to {ask}? Couldn't find it in the docs.",
        "Hey @acmerelay, how do you {ask}? Asking for a friend (the friend is me, at 11 pm).",
        "Quick one for the @acmerelay folks: what's the recommended way to {ask}?",
        "Does anyone know how to {ask} in Acme Relay? cc @acmerelay",
    ),
    ("x", "bug"): (
        "@acmerelay since upgrading to {version}, {symptom}. Logs say {error}. Known issue?",
        "Spent the morning on this one: on {version} {symptom}. @acmerelay any ideas?",
        "Is it just us? On {stack} with Relay {version}, {symptom}. @acmerelay",
    ),
    ("x", "feature"): (
        "@acmerelay any plans for {wish}? {Why}.",
        "Dear @acmerelay, my one wish for the next release: {wish}. Reason: {why}.",
        "Would love {wish} in Acme Relay. {Why}. @acmerelay",
    ),
    ("x", "praise"): (
        "Moved our {workload} from {old} to @acmerelay last sprint. {Result}. Not going back.",
        "Shout-out to @acmerelay: {result}. Our {workload} pipeline has never been this boring (compliment).",
        "Six months of Acme Relay in prod for {workload}. {Result}. Thanks @acmerelay team 🙌",
    ),
    ("x", "event"): (
        'Great talk at {event}: "{talk}". The part about {detail} alone was worth the trip. @acmerelay slides?',
        'Just watched the recording of "{talk}" from {event}. Sharing it with the whole team. @acmerelay',
    ),
    ("x", "upcoming"): (
        'Who else is going to {event}? I\'ll be at "{talk}", come say hi 👋 @acmerelay',
        'Booked my ticket for {event}! "{talk}" is top of my list. @acmerelay will you have a booth?',
    ),
    ("x", "share"): (
        "Wrote up how we run @acmerelay on {stack}, mistakes included: https://{blog}/{slug}",
        "New post: what we learned about {detail} running Acme Relay on {stack}. https://{blog}/{slug} @acmerelay",
    ),
    ("discourse", "question"): (
        "Hi all! We're running Relay {version} on {stack} and I'm trying to {ask}.\n\n"
        "I read the docs page on {topic} but I'm not sure it covers our setup. "
        "Has anyone done this in production?",
        "Probably a basic question, sorry: what's the right way to {ask}?\n\n"
        "Context: three brokers on {stack}, about 2k messages/s at peak, Python and Go clients.",
    ),
    ("discourse", "bug"): (
        "After upgrading from {previous} to {version}, {symptom}.\n\n"
        "What we see: {error}. It happens on {stack}, three brokers, default config apart from TLS. "
        "Rolling back to {previous} makes it go away. Happy to share more logs.",
        "We're seeing this on {version}: {symptom}. Steps: start a three-node cluster, publish at ~500 msg/s, "
        "restart one broker.\n\nExpected: consumers carry on. Actual: {error}.",
    ),
    ("discourse", "feature"): (
        "Feature request: {wish}.\n\nOur use case: {why}. Right now we work around it with a separate "
        "queue per class of job and a small scheduler, which is fragile. Would anyone else use this?",
        "Is {wish} on the roadmap? {Why}, and it's the main thing people ask me about when I pitch Relay "
        "internally.",
    ),
    ("discourse", "share"): (
        "Show and tell: we've been running Relay on {stack} for a year and I wrote up what we learned about "
        "{detail}: https://{blog}/{slug}\n\nFeedback welcome, especially if you disagree!",
    ),
    ("discourse", "event"): (
        'Notes from "{talk}" at {event}, for those who couldn\'t make it: the main idea was {detail}, '
        "with a live demo of a cluster losing a node. Recording should be up next week.",
    ),
    ("discourse", "upcoming"): (
        'Anyone going to {event}? There\'s a talk called "{talk}" that looks relevant to this forum. '
        "Would be great to meet up in person.",
    ),
}

TITLES: Final[dict[str, tuple[str, ...]]] = {
    "question": ("How do I {ask}?", "Best way to {ask}", "Question about {topic}"),
    "bug": ("{Symptom} ({version})", "Regression in {version}: {symptom}"),
    "feature": ("Feature request: {wish}", "Any plans for {wish}?"),
    "share": ("Show and tell: Relay on {stack}",),
    "event": ('Notes from "{talk}" ({event})',),
    "upcoming": ("{Event}: who's going?",),
}

CHIMES: Final[dict[str, tuple[str, ...]]] = {
    "question": (
        "Following, we need this too.",
        "+1, we ended up writing a script for this. Would love a proper way.",
        "I think there's a setting for it since 2.5 but I can't remember the name.",
        "Same question here, on {stack}.",
    ),
    "bug": (
        "Same here on {stack}, started right after the upgrade.",
        "We hit this too. Rolling back to {previous} fixed it for us.",
        "Can confirm, happens for us about once a day.",
        "Not seeing it on {stack}, for what it's worth. Which client version are you on?",
    ),
    "feature": (
        "Yes please! This would save us so much glue code.",
        "+1. We'd happily help test it.",
        "Counterpoint: I'd rather the core stayed small. Could this be a plugin?",
    ),
    "praise": (
        "Same experience here, the migration took us a day.",
        "Nice! How many nodes are you running?",
        "Congrats! What did you do about message ordering?",
    ),
    "event": (
        "Was there too, great energy in the room.",
        "Missed it. Any chance of a repeat at a meetup?",
        "Thanks for the summary!",
    ),
    "upcoming": (
        "I'll be there too!",
        "Wish I could make it. Will it be streamed?",
        "See you there, first round is on me.",
    ),
    "share": (
        "Great write-up, bookmarked.",
        "The section on {detail} is gold.",
        "Did you measure the cost difference?",
    ),
}

# Our answer to an opener, each with the follow-ups its author may send after it.
OURS: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "question": (
        (
            "You can: set {setting} ({example}). Docs: https://docs.acme.dev/{doc}. "
            "Shout if it doesn't do what you need!",
            (
                "That did it, thanks!",
                "Perfect, exactly what I needed.",
                "Thanks! Might be worth a line in the FAQ, it took me a while to find.",
                "Hmm, I tried that but nothing changed. Do I need a restart?",
            ),
        ),
        (
            "Good question! {example} does it. Short guide here: https://docs.acme.dev/{doc}",
            ("That did it, thanks!", "Hmm, I tried that but nothing changed. Do I need a restart?"),
        ),
    ),
    "bug": (
        (
            "Sorry about that, {first}! Looks like #{issue}. The fix ships in {fixed}; until then {workaround} "
            "helps.",
            (
                "Workaround confirmed, thanks. Looking forward to {fixed}.",
                "Upgraded to {fixed}, all good now 🎉",
            ),
        ),
        (
            "Thanks for the report. Could you open an issue with the broker logs? We suspect #{issue}.",
            ("Done, opened an issue with the logs attached and linked #{issue}.",),
        ),
    ),
    "feature": (
        (
            "Thanks {first}! {Status}. We track it in #{issue}; your use case would be great context there.",
            ("Commented on the issue, thanks for the pointer!", "Subscribed, thanks!"),
        ),
    ),
    "praise": (
        (
            "This made our day, {first}! Would you be up for a short case study on the blog?",
            ("Sure, happy to! Send me the details.", "Of course, DM me."),
        ),
        ("Thank you! 💙 Passing this on to the whole team.", ("🙌",)),
    ),
    "event": (
        (
            "Glad you liked it! Slides are here: https://acme.dev/talks/{talk_slug}",
            ("Got them, thank you!", "Thanks!"),
        ),
    ),
    "upcoming": (
        (
            "See you there! We'll have stickers and a very patient demo cluster.",
            ("Can't wait!", "Save me a sticker!"),
        ),
    ),
    "share": (
        (
            "Love this write-up, {first}! Mind if we feature it in the next community newsletter?",
            ("Of course, go ahead!", "Please do!"),
        ),
    ),
}

SECOND_ANSWERS: Final[tuple[str, ...]] = (
    "Good catch: it takes effect after a broker restart. We'll make the docs clearer.",
    "Could you paste your config (minus secrets)? Happy to dig in.",
)
THANKS_BACK: Final[tuple[str, ...]] = (
    "Glad it helped, {first}!",
    "Anytime! Shout if anything else comes up.",
)

# LinkedIn: our page's posts and others' posts that mention us, each with comments that fit it.
# A comment is (text, our answer or "" when we leave it be).
LINKEDIN_POSTS: Final[dict[str, str]] = {
    "release": "Acme Relay {version} is out! Highlights: {highlight}. Huge thanks to the {contributors} "
    "contributors who made it happen. Release notes: https://acme.dev/releases/{version}",
    "hiring": "We're hiring a {role} to help build the future of open-source messaging. Remote within Europe, "
    "four-day weeks available. https://acme.dev/jobs",
    "event": 'Join us at {event} for "{talk}": we\'ll share what we learned running Relay at scale, including '
    "the parts that went wrong.",
    "case_study": "Case study: how {company} moved their {workload} from {old} to Acme Relay. {Result}. "
    "Full story: https://acme.dev/customers/{company_slug}",
    "birthday": "Acme Relay turns {age} this month! Thank you to everyone who filed an issue, sent a pull "
    "request or answered a question on the forum. You made this.",
    "mention_migration": "Proud of my team: this quarter we moved our {workload} from {old} to Acme Relay. "
    "{Result}. Sometimes the boring choice is the right one. #platformengineering #opensource",
    "mention_talk": 'I\'ll be speaking at {event} about "{talk}". If you run queues in production, come and '
    "argue with me about {detail}. Thanks to Acme Relay for lending us a demo cluster!",
    "mention_hiring": "Hiring: we're looking for backend engineers who enjoy distributed systems. Bonus points "
    "if you've run Acme Relay or something like it in production. DM me.",
}

LINKEDIN_COMMENTS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "release": (
        ("Congratulations to the whole team!", "Thank you, {first}!"),
        (
            "Great to see {highlight} landing. We've been waiting for this.",
            "Thanks {first}, tell us how it goes!",
        ),
        (
            "Does {version} also include the fix for the lease renewal issue? We're still on 2.4.1.",
            "It does, {first}: the fix went into 2.4.2 and every release since.",
        ),
        (
            "Is there a managed offering, or is it self-hosted only?",
            "Self-hosted only for now, {first}, but several partners run managed clusters: https://acme.dev/partners",
        ),
        ("Upgraded our staging cluster this morning, smooth so far.", ""),
    ),
    "hiring": (
        ("Sharing with my network, great opportunity.", "Thank you, {first}!"),
        ("Is the role open to people based in the UK?", "It is, {first}! Anywhere within two hours of CET."),
        ("Four-day weeks? Now that's a perk.", ""),
    ),
    "event": (
        (
            "Will the talk be recorded? Can't make it in person this time.",
            "Yes! The recording goes up on our YouTube channel a week after the event.",
        ),
        ("See you there!", "See you there, {first}!"),
        ("The bit about what went wrong is always the best part of these talks.", ""),
    ),
    "case_study": (
        (
            "Impressive numbers. How long did the migration take end to end?",
            "About six weeks, most of it on the consumers.",
        ),
        ("We made the same move last year and never looked back.", "Love hearing that, {first}."),
        (
            "Is there a managed offering, or is it self-hosted only?",
            "Self-hosted only for now, {first}, but several partners run managed clusters: https://acme.dev/partners",
        ),
    ),
    "birthday": (
        ("Happy birthday, Relay! 🎂", "Thank you, {first}! 💙"),
        ("Been running it since the 0.x days. What a journey.", "Since 0.x! You deserve a medal, {first}."),
    ),
    "mention_migration": (
        ("Congrats! What did you do about message ordering?", ""),
        ("Great result. Did you keep the old system running in parallel for a while?", ""),
        ("Thanks for the shout-out, and congratulations to the team!", ""),
    ),
    "mention_talk": (
        ("Looking forward to it!", ""),
        ("I'll be in the front row with hard questions about {detail} 😄", ""),
    ),
    "mention_hiring": (
        ("Sharing with my network.", ""),
        ("Sent you a DM!", ""),
    ),
}

COMPANY_ARTICLES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "announcing-relay-2-5",
        "Announcing Acme Relay 2.5",
        "Relay 2.5 brings ordering keys, OpenTelemetry tracing and a new web console. Here is what changed, "
        "what to check before upgrading, and who made it happen.",
    ),
    (
        "dead-letter-queues-explained",
        "Dead-letter queues, explained",
        "What happens to a message nobody can process? A tour of dead-lettering in Relay, with the three "
        "patterns we see most in production and the one we'd avoid.",
    ),
    (
        "cutting-p99-in-half",
        "How we cut p99 latency in half",
        "A profiling story: lock contention in the ack path, a batch size nobody had questioned since 2019, "
        "and the benchmark harness we built to keep it fixed.",
    ),
    (
        "relay-operator",
        "Running Relay on Kubernetes with the new operator",
        "The relay-operator is now an official Acme project. Jonas, its creator, explains the design and how "
        "to migrate from the Helm chart.",
    ),
    (
        "python-client-roadmap",
        "What's next for the Python client",
        "Native asyncio, type hints everywhere and a smaller dependency tree: the plan for the next two "
        "releases of relay-py, and where we would love help.",
    ),
    (
        "exactly-once-what-we-promise",
        "Exactly-once delivery: what we promise and what we don't",
        "Exactly-once is the most requested and most misunderstood guarantee. What Relay actually does, where "
        "idempotent consumers still matter, and how to test yours.",
    ),
    (
        "postmortem-2-5-0-memory",
        "Postmortem: the 2.5.0 memory leak",
        "Between the 2.5.0 release and 2.5.1, some clusters leaked memory on the leader. What happened, why "
        "our tests missed it, and what we changed.",
    ),
    (
        "ordering-keys",
        "Ordering keys: parallelism without chaos",
        "Per-key ordering lets you consume in parallel while keeping each customer's events in order. How it "
        "works under the hood and how to pick a good key.",
    ),
)

EXTERNAL_ARTICLES: Final[tuple[tuple[str, str, str, str], ...]] = (
    (
        "chidi",
        "event-driven-without-buzzwords",
        "Event-driven architecture without the buzzwords",
        "You don't need a platform team of twenty to get the benefits of events. A small setup with Acme "
        "Relay, two services and an outbox table goes a long way.",
    ),
    (
        "zoe",
        "why-we-picked-a-boring-queue",
        "Why we picked a boring queue",
        "We evaluated four message brokers for a healthcare platform. Acme Relay won on operability, not "
        "benchmarks. Here is the scorecard.",
    ),
    (
        "nora",
        "queue-tips-backpressure",
        "Queue Tips #42: backpressure is a feature",
        "This week: why your queue should push back, how prefetch limits in Acme Relay and RabbitMQ compare, "
        "and a reader question about retries.",
    ),
    (
        "tariq",
        "laravel-driver-for-relay",
        "Writing a Laravel queue driver for Acme Relay",
        "I wrote a Laravel driver for Acme Relay over a long weekend. What was easy, what wasn't, and why "
        "delayed jobs took longer than everything else together.",
    ),
    (
        "ingrid",
        "platform-teams-and-their-products",
        "Platform teams and the products they run",
        "A platform team that runs a message queue is a product team. What changed when ours started "
        "treating Acme Relay as a product with users.",
    ),
    (
        "zoe",
        "ordering-is-a-business-decision",
        "Message ordering is a business decision",
        "Global ordering is expensive and rarely needed. How we talked our product managers into per-patient "
        "ordering, and what Acme Relay's ordering keys made easy.",
    ),
)

BLOG_COMMENTS: Final[tuple[tuple[str, str], ...]] = (
    (
        "Great post! Does this also apply when consumers run on {stack}?",
        "Thanks, {first}! Yes, it works the same way there.",
    ),
    ("We hit something similar last month. Glad to see it written up properly.", ""),
    ("Really clear explanation. Bookmarking it for the next new joiner.", ""),
    (
        "I'd push back a little on one point: in our experience it depends a lot on message size.",
        "Fair point, {first}. It does depend on message size; we should have said so.",
    ),
    (
        "Any plans for {wish}? That's the last thing keeping us on {old}.",
        "Not yet, {first}, but it's tracked in #{wish_issue}.",
    ),
    ("This is the kind of post I wish every project wrote. Thank you.", ""),
    (
        "Small typo in the second code sample: the flag is --since, not --from.",
        "Good catch, fixed. Thank you!",
    ),
    (
        "We've been running this setup for six months. Happy to share our numbers if useful.",
        "We'd love to see your numbers, {first}. Maybe a guest post?",
    ),
)

ROLES: Final[tuple[str, ...]] = (
    "senior backend engineer",
    "developer advocate",
    "Rust engineer",
    "technical writer",
)
COMPANIES: Final[tuple[tuple[str, str], ...]] = (
    ("Fretly", "fretly"),
    ("Globex Payments", "globex"),
    ("Kente Pay", "kente-pay"),
    ("Lumen Retail", "lumen-retail"),
)
