"""The demo's conversations, built deterministically from a seed: the same seed gives the same threads.

Times are kept as ages (seconds before "now") so the data always looks recent, while ext_ids depend only
on the seed and the order of generation: seeding the same directory again days later stores nothing twice.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cockpit.demo import phrases
from cockpit.demo.cast import (
    COMMUNITY_MANAGER,
    EVERYONE,
    OUR_FORUM_USER,
    OUR_LINKEDIN,
    OUR_X_HANDLE,
    RECURRING,
    Persona,
    on_platform,
)
from connectors.models import Author, Post, Source

DEFAULT_SEED = 2026
MINUTE = 60
HOUR = 3600
DAY = 86_400
WINDOW = 28 * DAY
"""Conversations start within the last four weeks."""
FORUM_HOST = "forum.acme.dev"
BLOG_HOST = "blog.acme.dev"
OUR_BLOG_HANDLE = "acme-team"
OUR_BLOG_COMMENTER = "maya-acme"


@dataclass(frozen=True)
class DemoAccount:
    """One demo account: its name in the cockpit, platform, our handle(s) there."""

    name: str
    platform: str
    handle: str
    own_handles: tuple[str, ...]
    host: str = ""


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("acme-x", "x", OUR_X_HANDLE, (OUR_X_HANDLE,)),
    DemoAccount("acme-linkedin", "linkedin", OUR_LINKEDIN, (OUR_LINKEDIN,)),
    DemoAccount("forum", "discourse", OUR_FORUM_USER, (OUR_FORUM_USER,), host=FORUM_HOST),
    DemoAccount("blogs", "feed", OUR_BLOG_HANDLE, (OUR_BLOG_HANDLE, OUR_BLOG_COMMENTER), host=BLOG_HOST),
)
ACCOUNT_BY_PLATFORM = {account.platform: account for account in ACCOUNTS}

X_THREADS = 110
FORUM_TOPICS = 60
X_KINDS = {"question": 28, "bug": 18, "feature": 14, "praise": 18, "event": 7, "upcoming": 5, "share": 10}
FORUM_KINDS = {"question": 40, "bug": 30, "feature": 15, "share": 7, "event": 4, "upcoming": 4}
LINKEDIN_THREADS = (
    ("release", 3),
    ("hiring", 2),
    ("event", 3),
    ("case_study", 3),
    ("birthday", 1),
    ("mention_migration", 5),
    ("mention_talk", 4),
    ("mention_hiring", 3),
)


@dataclass(frozen=True)
class DemoPost:
    """One post of a demo thread, dated by its age relative to now."""

    ext_id: str
    author: Author
    text: str
    age: int
    """Seconds before now."""
    url: str
    in_reply_to: str | None = None
    title: str = ""


@dataclass
class DemoThread:
    """One conversation: where it lives and its posts, oldest first."""

    account: str
    thread_key: str
    kind: str
    source: Source
    title: str = ""
    url: str = ""
    posts: list[DemoPost] = field(default_factory=list)

    def to_posts(self, now: datetime) -> list[Post]:
        """The thread as connector models, dated relative to `now`."""
        return [
            Post(
                ext_id=post.ext_id,
                thread_key=self.thread_key,
                author=post.author,
                text=post.text,
                created_at=now - timedelta(seconds=post.age),
                url=post.url,
                title=post.title,
                in_reply_to=post.in_reply_to,
                source=self.source,
                thread_title=self.title,
                thread_url=self.url,
            )
            for post in self.posts
        ]


def capitalised(text: str) -> str:
    """The text with its first letter upper-cased (the rest kept as is)."""
    return text[:1].upper() + text[1:]


def slugify(text: str) -> str:
    """A URL slug: ASCII letters and digits joined by dashes."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "topic"


def _stable_number(text: str, digits: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**digits


def author_for(persona: Persona, platform: str, host: str = "") -> Author:
    """How `persona` appears as an author on `platform` (host: the blog a comment is left on)."""
    if platform == "x":
        assert persona.x is not None
        return Author(
            platform="x",
            ext_id=str(10_000_000 + _stable_number(persona.key, 9)),
            handle=persona.x,
            name=persona.name,
            bio=persona.bio,
            url=f"https://x.com/{persona.x}",
            reach=persona.followers,
        )
    if platform == "linkedin":
        assert persona.linkedin is not None
        return Author(
            platform="linkedin",
            ext_id=f"urn:li:person:{hashlib.sha256(persona.key.encode()).hexdigest()[:10]}",
            handle=persona.linkedin,
            name=persona.name,
            bio=persona.bio,
            url=f"https://www.linkedin.com/in/{persona.linkedin}",
            reach=persona.connections,
        )
    if platform == "discourse":
        assert persona.forum is not None
        return Author(
            platform="discourse",
            host=FORUM_HOST,
            ext_id=str(100 + EVERYONE.index(persona)),
            handle=persona.forum,
            name=persona.name,
            bio=persona.bio,
            url=f"https://{FORUM_HOST}/u/{persona.forum}",
        )
    handle = slugify(persona.name) if persona.name.isascii() else persona.key
    site = f"https://{persona.blog}" if persona.blog else ""
    return Author(platform="feed", host=host, ext_id=handle, handle=handle, name=persona.name, url=site)


OUR_AUTHORS: dict[str, Author] = {
    "x": Author(
        platform="x",
        ext_id="4815162342",
        handle=OUR_X_HANDLE,
        name="Acme Relay",
        bio="The open-source message queue that stays out of your way. Docs: docs.acme.dev",
        url=f"https://x.com/{OUR_X_HANDLE}",
        reach=24_800,
    ),
    "linkedin": Author(
        platform="linkedin",
        ext_id="urn:li:organization:4242",
        handle=OUR_LINKEDIN,
        name="Acme Relay",
        bio="Open-source messaging for teams who'd rather sleep at night.",
        url=f"https://www.linkedin.com/company/{OUR_LINKEDIN}",
        reach=9_300,
    ),
    "discourse": Author(
        platform="discourse",
        host=FORUM_HOST,
        ext_id="2",
        handle=OUR_FORUM_USER,
        name=COMMUNITY_MANAGER,
        bio="Community at Acme. Ask me anything about Relay (I'll find the person who knows).",
        url=f"https://{FORUM_HOST}/u/{OUR_FORUM_USER}",
    ),
}


def _our_blog_author(host: str, *, article: bool) -> Author:
    if article:
        return Author(
            platform="feed", host=host, ext_id=OUR_BLOG_HANDLE, handle=OUR_BLOG_HANDLE, name="The Acme team"
        )
    return Author(
        platform="feed",
        host=host,
        ext_id=OUR_BLOG_COMMENTER,
        handle=OUR_BLOG_COMMENTER,
        name=COMMUNITY_MANAGER,
    )


class _Builder:
    """Draws every thread from one seeded random generator, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counter = 0
        self.used: set[str] = set()
        """Openers and titles already written: nobody posts the very same words twice."""

    def topic(self, platform: str, kinds: dict[str, int]) -> tuple[str, Persona, dict[str, str], str, str]:
        """Draw a kind, an author, the facts and the opening words (and a title) not used before."""
        for _ in range(50):
            kind = self.kind(kinds)
            op = self.somebody(platform)
            ctx = self.context(op, _bundle_for(kind, self))
            text = _fill(self.pick(phrases.OPENERS[(platform, kind)]), ctx)
            title = _fill(self.pick(phrases.TITLES[kind]), ctx) if platform == "discourse" else ""
            if text not in self.used and title not in self.used:
                break
        self.used.update({text, title} - {""})
        return kind, op, ctx, text, title

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def people(self, platform: str, *, exclude: Sequence[Persona] = ()) -> list[Persona]:
        return [p for p in on_platform(platform) if p not in exclude]

    def somebody(self, platform: str, *, exclude: Sequence[Persona] = ()) -> Persona:
        """Anyone on the platform; the recurring stakeholders turn up three times as often."""
        candidates = self.people(platform, exclude=exclude)
        weights = [3 if p in RECURRING else 1 for p in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def kind(self, table: dict[str, int]) -> str:
        return self.rng.choices(list(table), weights=list(table.values()))[0]

    def start_age(self) -> int:
        """How long ago a thread started: anywhere in the last four weeks, more of them recently."""
        return int(WINDOW * self.rng.random() ** 1.4) + 10 * MINUTE

    def later(self, age: int, mean_gap: int) -> int:
        """The age of the next post, some time after a post of age `age` (may be <= 0: not yet)."""
        return age - (int(self.rng.expovariate(1 / mean_gap)) + 2 * MINUTE)

    def context(self, op: Persona, bundle: dict[str, str]) -> dict[str, str]:
        """Every slot a template may use: random facts of each family, then the thread's own bundle."""
        rng = self.rng
        wish = rng.choice(phrases.WISHES)
        event = rng.choice(phrases.EVENTS)
        company, company_slug = rng.choice(phrases.COMPANIES)
        ctx: dict[str, str] = {}
        for family in (phrases.QUESTIONS, phrases.BUGS, phrases.PRAISE, phrases.SHARES, phrases.WISHES):
            ctx.update(rng.choice(family))
        ctx.update(event)
        ctx.update(
            {
                "wish_issue": wish["issue"],
                "stack": rng.choice(phrases.STACKS),
                "version": rng.choice(phrases.VERSIONS),
                "highlight": rng.choice(phrases.HIGHLIGHTS),
                "contributors": str(rng.randint(23, 61)),
                "role": rng.choice(phrases.ROLES),
                "company": company,
                "company_slug": company_slug,
                "age": rng.choice(("five", "six")),
                "blog": op.blog or f"{slugify(op.name)}.dev",
            }
        )
        ctx.update(bundle)
        ctx["first"] = op.first_name
        ctx["talk_slug"] = slugify(ctx["talk"])
        for key in list(ctx):
            ctx[capitalised(key)] = capitalised(ctx[key])
        return ctx


def _fill(template: str, ctx: dict[str, str]) -> str:
    return template.format(**ctx)


def _bundle_for(kind: str, builder: _Builder) -> dict[str, str]:
    families: dict[str, Sequence[dict[str, str]]] = {
        "question": phrases.QUESTIONS,
        "bug": phrases.BUGS,
        "feature": phrases.WISHES,
        "praise": phrases.PRAISE,
        "event": phrases.EVENTS,
        "upcoming": phrases.EVENTS,
        "share": phrases.SHARES,
    }
    return dict(builder.rng.choice(list(families[kind])))


def _x_post(builder: _Builder, author: Author, text: str, age: int, reply_to: str | None) -> DemoPost:
    ext_id = str(1_858_000_000_000_000_000 + builder.next_number() * 7_919)
    return DemoPost(ext_id, author, text, age, f"https://x.com/{author.handle}/status/{ext_id}", reply_to)


def _x_thread(builder: _Builder) -> DemoThread:
    rng = builder.rng
    kind, op, ctx, text, _ = builder.topic("x", X_KINDS)
    op_author = author_for(op, "x")
    age = builder.start_age()
    first = _x_post(builder, op_author, text, age, None)
    thread = DemoThread("acme-x", first.ext_id, kind, "mention", url=first.url, posts=[first])
    _converse(builder, thread, kind, ctx, op, "x", age, mean_gap=2 * HOUR)
    if rng.random() < 0.08:
        thread.source = "search"
    return thread


def _forum_post(
    builder: _Builder,
    topic: int,
    slug: str,
    number: int,
    author: Author,
    text: str,
    age: int,
    reply_to: str | None,
    title: str = "",
) -> DemoPost:
    ext_id = str(52_000 + builder.next_number())
    url = f"https://{FORUM_HOST}/t/{slug}/{topic}/{number}"
    return DemoPost(ext_id, author, text, age, url, reply_to, title)


def _forum_thread(builder: _Builder, topic: int) -> DemoThread:
    kind, op, ctx, text, title = builder.topic("discourse", FORUM_KINDS)
    slug = slugify(title)
    age = builder.start_age()
    first = _forum_post(builder, topic, slug, 1, author_for(op, "discourse"), text, age, None, title)
    thread = DemoThread(
        "forum",
        str(topic),
        kind,
        "watch",
        title=title,
        url=f"https://{FORUM_HOST}/t/{slug}/{topic}",
        posts=[first],
    )
    _converse(builder, thread, kind, ctx, op, "discourse", age, mean_gap=5 * HOUR, topic=(topic, slug))
    return thread


def _converse(
    builder: _Builder,
    thread: DemoThread,
    kind: str,
    ctx: dict[str, str],
    op: Persona,
    platform: str,
    age: int,
    *,
    mean_gap: int,
    topic: tuple[int, str] | None = None,
) -> None:
    """Add replies: others chiming in, maybe our answer, maybe the author's follow-up and our second answer."""
    rng = builder.rng
    opener = thread.posts[0]
    op_author = opener.author

    def add(author: Author, text: str, reply_to: str) -> bool:
        nonlocal age
        next_age = builder.later(age, mean_gap)
        if next_age < MINUTE:
            return False  # the conversation has not got this far yet
        age = next_age
        if platform == "x":
            post = _x_post(builder, author, text, age, reply_to)
        else:
            assert topic is not None
            number = len(thread.posts) + 1
            post = _forum_post(builder, topic[0], topic[1], number, author, text, age, reply_to)
        thread.posts.append(post)
        return True

    def mention(handle: str, text: str) -> str:
        return f"@{handle} {text}" if platform == "x" else text

    chimes = list(phrases.CHIMES[kind])
    rng.shuffle(chimes)
    chimers = rng.sample(builder.people(platform, exclude=[op]), k=rng.choice((0, 0, 1, 1, 2, 3)))
    for person, chime in zip(chimers, chimes, strict=False):
        if not add(author_for(person, platform), mention(op_author.handle, _fill(chime, ctx)), opener.ext_id):
            return
    if rng.random() >= 0.55:
        return  # still waiting for us: this is what the queue is for
    ours = OUR_AUTHORS[platform]
    answer, follow_ups = rng.choice(phrases.OURS[kind])
    if not add(ours, mention(op_author.handle, _fill(answer, ctx)), opener.ext_id):
        return
    if rng.random() >= 0.6:
        return
    follow_up = _fill(builder.pick(follow_ups), ctx)
    if not add(op_author, mention(ours.handle, follow_up), thread.posts[-1].ext_id):
        return
    if follow_up.startswith("Hmm"):
        add(ours, mention(op_author.handle, builder.pick(phrases.SECOND_ANSWERS)), thread.posts[-1].ext_id)
    elif rng.random() < 0.25 and kind in ("question", "bug"):
        thanks = _fill(builder.pick(phrases.THANKS_BACK), ctx)
        add(ours, mention(op_author.handle, thanks), thread.posts[-1].ext_id)


RELEASE_AGES = {"2.4.2": 26 * DAY, "2.5.0": 17 * DAY, "2.5.1": 4 * DAY}


def _linkedin_thread(builder: _Builder, kind: str, index: int) -> DemoThread:
    rng = builder.rng
    number = builder.next_number()
    activity = f"urn:li:activity:{7_260_000_000_000_000_000 + number * 104_729}"
    url = f"https://www.linkedin.com/feed/update/{activity}"
    ours = kind in ("release", "hiring", "event", "case_study", "birthday")
    op = builder.somebody("linkedin")
    bundle = _bundle_for("praise", builder) if kind in ("case_study", "mention_migration") else {}
    ctx = builder.context(op, bundle)
    author = OUR_AUTHORS["linkedin"] if ours else author_for(op, "linkedin")
    age = builder.start_age() + DAY
    if kind == "release":
        ctx["version"] = phrases.VERSIONS[index % len(phrases.VERSIONS)]
        age = RELEASE_AGES.get(ctx["version"], age) + builder.rng.randint(0, 8 * HOUR)
    text = _fill(phrases.LINKEDIN_POSTS[kind], ctx)
    thread = DemoThread(
        "acme-linkedin",
        activity,
        kind,
        "notification" if ours else "mention",
        url=url,
        posts=[DemoPost(activity, author, text, age, url)],
    )
    comments = list(phrases.LINKEDIN_COMMENTS[kind])
    rng.shuffle(comments)
    people = rng.sample(builder.people("linkedin", exclude=[] if ours else [op]), k=len(comments))
    for (comment, answer), person in zip(comments, people, strict=True):
        age = builder.later(age, 7 * HOUR)
        if age < MINUTE or rng.random() < 0.2:
            continue
        commenter = author_for(person, "linkedin")
        comment_ctx = dict(ctx, first=person.first_name)
        comment_urn = f"urn:li:comment:({activity},{7_260_500_000_000_000_000 + builder.next_number()})"
        thread.posts.append(
            DemoPost(
                comment_urn,
                commenter,
                _fill(comment, comment_ctx),
                age,
                f"{url}?commentUrn={comment_urn}",
                activity,
            )
        )
        if answer and ours and rng.random() < 0.7:
            reply_age = builder.later(age, 3 * HOUR)
            if reply_age >= MINUTE:
                reply_urn = f"urn:li:comment:({activity},{7_260_500_000_000_000_000 + builder.next_number()})"
                thread.posts.append(
                    DemoPost(
                        reply_urn,
                        OUR_AUTHORS["linkedin"],
                        _fill(answer, comment_ctx),
                        reply_age,
                        f"{url}?commentUrn={reply_urn}",
                        comment_urn,
                    )
                )
    if not ours and rng.random() < 0.5:
        age = builder.later(age, 5 * HOUR)
        if age >= MINUTE:
            urn = f"urn:li:comment:({activity},{7_260_500_000_000_000_000 + builder.next_number()})"
            thanks = f"Thanks for sharing this, {op.first_name}! 💙"
            thread.posts.append(
                DemoPost(urn, OUR_AUTHORS["linkedin"], thanks, age, f"{url}?commentUrn={urn}", activity)
            )
    thread.posts.sort(key=lambda post: -post.age)
    return thread


def _blog_thread(
    builder: _Builder, host: str, slug: str, title: str, summary: str, writer: Persona | None
) -> DemoThread:
    rng = builder.rng
    url = f"https://{host}/{slug}/"
    article_author = (
        _our_blog_author(host, article=True) if writer is None else author_for(writer, "feed", host)
    )
    age = builder.start_age() + 2 * DAY
    thread = DemoThread(
        "blogs",
        url,
        "article",
        "feed",
        title=title,
        url=url,
        posts=[DemoPost(url, article_author, summary, age, url, None, title)],
    )
    comments = list(phrases.BLOG_COMMENTS)
    rng.shuffle(comments)
    exclude = [writer] if writer else []
    for comment, answer in comments[: rng.randint(2, 6)]:
        age = builder.later(age, 14 * HOUR)
        if age < MINUTE:
            break
        person = builder.somebody("feed", exclude=exclude)
        exclude.append(person)
        ctx = builder.context(person, {})
        comment_id = 300 + builder.next_number()
        anchor = f"{url}#comment-{comment_id}"
        thread.posts.append(
            DemoPost(anchor, author_for(person, "feed", host), _fill(comment, ctx), age, anchor, url)
        )
        if answer and rng.random() < 0.6:
            reply_age = builder.later(age, 6 * HOUR)
            if reply_age < MINUTE:
                continue
            age = reply_age
            reply_id = 300 + builder.next_number()
            reply_anchor = f"{url}#comment-{reply_id}"
            if writer is None:
                responder = _our_blog_author(host, article=False)
            else:
                responder = author_for(writer, "feed", host)
            thread.posts.append(
                DemoPost(reply_anchor, responder, _fill(answer, ctx), age, reply_anchor, anchor)
            )
    if writer is not None and rng.random() < 0.6:
        age = builder.later(age, 10 * HOUR)
        if age >= MINUTE:
            anchor = f"{url}#comment-{300 + builder.next_number()}"
            text = f"Thanks for writing this, {writer.first_name}! Mind if we link it from the next community newsletter?"
            thread.posts.append(
                DemoPost(anchor, _our_blog_author(host, article=False), text, age, anchor, url)
            )
    return thread


def _hostile_threads(builder: _Builder) -> list[DemoThread]:
    """Posts that carry markup and terminal escapes, as people really paste them; they must show as plain text."""
    dan = next(p for p in EVERYONE if p.key == "devops_dan")
    helga = next(p for p in EVERYONE if p.key == "helga")
    tweet = _x_post(
        builder,
        author_for(dan, "x"),
        '@acmerelay why does log.format = "[bold]{level}[/bold] {msg}" print the tags literally?? '
        "docs say [link=https://docs.acme.dev/logging]this works[/link]. [blink]help[/blink] [/]",
        int(3.5 * HOUR),
        None,
    )
    x_thread = DemoThread("acme-x", tweet.ext_id, "bug", "mention", url=tweet.url, posts=[tweet])

    log_lines = "\n".join(
        f"{6 + i // 60:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{(i * 131) % 1000:03d} \x1b[3{1 + i % 6}m{level}\x1b[0m broker-{i % 3}: "
        f"lease for consumer c-{i:04d} {event}"
        for i, (level, event) in enumerate(
            [("INFO", "renewed"), ("WARN", "renewal late by 812 ms"), ("ERROR", "expired: ERR_LEASE_EXPIRED")]
            * 40
        )
    )
    body = (
        "Our web console and `relay logs` look fine, but when I pipe the broker log into our ticketing tool the "
        "colours come through as junk. Pasting the raw output below, escapes and all:\n\n"
        "\x1b]0;owned by a log line\x07\x1b[1;31mFATAL\x1b[0m \x1b]8;;https://example.invalid/phish\x1b\\click "
        "here\x1b]8;;\x1b\\ \u202etxet desrever\u202c\n\n"
        + log_lines
        + "\n\nIs there a flag to turn colour off?"
    )
    topic = 1400 + builder.next_number()
    slug = "colour-escapes-in-broker-logs"
    title = "Colour escapes in broker logs break our ticketing tool"
    forum_first = _forum_post(
        builder, topic, slug, 1, author_for(helga, "discourse"), body, int(9 * HOUR), None, title
    )
    forum_thread = DemoThread(
        "forum",
        str(topic),
        "bug",
        "watch",
        title=title,
        url=f"https://{FORUM_HOST}/t/{slug}/{topic}",
        posts=[forum_first],
    )
    answer = _forum_post(
        builder,
        topic,
        slug,
        2,
        OUR_AUTHORS["discourse"],
        'Thanks Helga! Set log.color = "never" (or NO_COLOR=1 in the environment) and the broker writes plain text. '
        "We'll make that the default when stdout isn't a terminal.",
        int(7 * HOUR),
        forum_first.ext_id,
    )
    forum_thread.posts.append(answer)

    url = f"https://{BLOG_HOST}/dead-letter-queues-explained/"
    spam_id = f"{url}#comment-{300 + builder.next_number()}"
    spam = DemoPost(
        spam_id,
        Author(
            platform="feed",
            host=BLOG_HOST,
            ext_id="best-seo-deals",
            handle="best-seo-deals",
            name="Best SEO Deals",
        ),
        "Great article!!! [link=https://cheap-followers.example]Get 10k followers[/link] \x1b[5mTODAY ONLY\x1b[0m "
        "[red on yellow]click now[/]",
        int(50 * MINUTE),
        spam_id,
        url,
    )
    # The spam lands on an existing article thread (same thread key), as comment spam does.
    blog_thread = DemoThread(
        "blogs", url, "article", "feed", title="Dead-letter queues, explained", url=url, posts=[spam]
    )
    return [x_thread, forum_thread, blog_thread]


def build_threads(seed: int = DEFAULT_SEED) -> list[DemoThread]:
    """Every demo conversation, in a fixed order that depends only on `seed`."""
    builder = _Builder(seed)
    threads: list[DemoThread] = [_x_thread(builder) for _ in range(X_THREADS)]
    threads += [_forum_thread(builder, 1200 + n) for n in range(FORUM_TOPICS)]
    for kind, count in LINKEDIN_THREADS:
        threads += [_linkedin_thread(builder, kind, index) for index in range(count)]
    for slug, title, summary in phrases.COMPANY_ARTICLES:
        threads.append(_blog_thread(builder, BLOG_HOST, slug, title, summary, None))
    for key, slug, title, summary in phrases.EXTERNAL_ARTICLES:
        writer = next(p for p in EVERYONE if p.key == key)
        assert writer.blog is not None
        threads.append(_blog_thread(builder, writer.blog, slug, title, summary, writer))
    threads += _hostile_threads(builder)
    return threads
