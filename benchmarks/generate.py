"""Generate a large cockpit data directory: N posts in about N/10 conversations across four accounts.

    python -m benchmarks.generate --posts 1000000 --home bench-data/1m [--seed 1]

The posts are short texts drawn from a Zipf-weighted vocabulary (a few hundred real words that are common,
thousands of invented words that are rare, and occasional one-off error codes), so full-text search meets both
very common and very rare terms. Rows go in with batched `executemany` on the store's own schema (the same
tables `write_page` fills: accounts, identities, people, conversations, posts, interactions, sync_state), in
large transactions, into a temporary file that is renamed into place when complete. The full-text index is
rebuilt in one pass at the end (`--fts rebuild`, the default) or kept by the schema's triggers (`--fts
triggers`); both leave the triggers in place for the app.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cockpit.paths import db_path
from cockpit.store import open_store
from cockpit.store.ingest import index_pending_posts

DAY = 86_400


@dataclass(frozen=True)
class BenchAccount:
    """One generated account and the share of conversations it receives."""

    name: str
    platform: str
    handle: str
    host: str
    source: str
    weight: float


ACCOUNTS: tuple[BenchAccount, ...] = (
    BenchAccount("bench-x", "x", "acmerelay", "", "mention", 0.40),
    BenchAccount("bench-linkedin", "linkedin", "acme-relay", "", "notification", 0.20),
    BenchAccount("bench-forum", "discourse", "acme_team", "forum.acme.dev", "notification", 0.25),
    BenchAccount("bench-blogs", "feed", "acme-blog", "blog.acme.dev", "feed", 0.15),
)

COMMON_WORDS = """
the to and a of is in it for on with that this you we i our be not are have but can was just so my what
if at do from your when how all any get about there one more new will now like they out up use has been
or would no should also did some after an still only than then after them by working thanks relay queue
message messages broker cluster consumer consumers producer topic topics partition partitions release
version upgrade docs documentation config configuration error errors bug issue fix fixed latency throughput
backpressure retry retries timeout timeouts deploy deployed kubernetes docker helm chart operator python rust
go java client clients library sdk api endpoint metrics dashboard grafana prometheus tracing logs logging
storage disk memory cpu benchmark benchmarks fast slow faster slower team community talk meetup conference
webinar workshop slides video blog post tutorial example examples question questions answer help please
great love awesome nice cool amazing useful thank really very much good better best works broken crash
crashes crashed panic leak production staging test tests ci pipeline build builds migration migrate schema
ack acks offset offsets replay dead letter exactly once delivery ordering ordered guarantee guarantees
scale scaling node nodes replica replicas leader election raft consensus snapshot snapshots compaction
retention tls auth token tokens permission permissions role roles tenant tenants quota quotas limit limits
feature request roadmap plan planned support supported unsupported deprecated breaking change changes
changelog github pr merged review issue tracker discussion forum thread reply replies mention feedback
people folks everyone anyone someone week today yesterday tomorrow month year morning night weekend
""".split()

SYLLABLES = (
    "ka lo mi zen tor vel qua rix bo dun fa gri hel iso jun kep lum nor ost pel quin ros sil tam ulf vor wex"
    " yal zor bre cal dri eno fro gan hul ivo jas kro lin mar nex oru pra rel sto tru uva vin wol xen yor"
).split()

OPENERS = (
    "Anyone else seeing",
    "Quick question about",
    "Thanks for the",
    "Loving the new",
    "Is there a way to",
    "We just shipped",
    "Heads up:",
    "Has anyone tried",
    "Great talk on",
    "Not sure if this is a bug but",
    "Feature idea:",
    "Following up on",
    "Small thing, but",
    "Congrats on the",
    "Struggling with",
    "Does the",
    "Finally moved our",
    "Curious how you handle",
)

FIRST_NAMES = (
    "Ana Ben Chloé Dmitri Elif Farah Gustavo Hana Ingrid João Kenji Lena Mateo Nadia Oskar Priya Quentin "
    "Rosa Søren Tomás Uma Viktor Wen Ximena Yusuf Zoë Amara Björn Camille Diego Emeka Fatima Giulia Hiroshi "
    "Isabel Jakub Kateřina Luis Mei Noor Olu Pablo Rania Sanjay Thandiwe Ulla Valentina Wojciech Yara Zhen"
).split()
LAST_NAMES = (
    "Adeyemi Bauer Castillo Dubois Eriksen Fischer García Haddad Ivanova Jensen Kowalski López Müller "
    "Nakamura O'Brien Petrova Quispe Rossi Schmidt Tanaka Ueda Varga Walsh Xu Yilmaz Zieliński Andersson "
    "Barros Chen Dvořák Esposito Fernández Gómez Horvat Ibrahim Janssen Kim Larsen Moreau Novak Okafor "
    "Park Rahman Silva Takahashi Wagner Nguyen Singh Costa"
).split()

BIOS = (
    "Platform engineer. Queues, streams and too much coffee.",
    "SRE at a fintech. Opinions are my own.",
    "Building data pipelines by day, synths by night.",
    "Developer advocate. Distributed systems nerd.",
    "Backend dev, open-source maintainer, occasional speaker.",
    "CTO at a small logistics startup.",
    "",
)


@dataclass
class Vocabulary:
    """Words and their cumulative Zipf weights for fast seeded sampling."""

    words: list[str]
    cumulative: list[float]

    @classmethod
    def build(cls, rng: random.Random, rare_words: int = 8000, exponent: float = 1.0) -> Vocabulary:
        """Common words first (frequent), then invented rare words (the long tail)."""
        words = list(dict.fromkeys(COMMON_WORDS))
        seen = set(words)
        target = len(words) + rare_words
        while len(words) < target:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                words.append(word)
        cumulative: list[float] = []
        total = 0.0
        for rank in range(len(words)):
            total += 1.0 / (rank + 1) ** exponent
            cumulative.append(total)
        return cls(words, cumulative)

    def sentence(self, rng: random.Random) -> str:
        """A short post: an opener, 5-25 words from the distribution, sometimes an error code."""
        body = rng.choices(self.words, cum_weights=self.cumulative, k=rng.randint(5, 25))
        if rng.random() < 0.03:
            body.insert(rng.randrange(len(body) + 1), f"E{rng.randrange(100_000, 1_000_000)}")
        ending = rng.choice(("?", ".", ".", "!", ""))
        return f"{rng.choice(OPENERS)} {' '.join(body)}{ending}"

    def title(self, rng: random.Random) -> str:
        """A topic or blog-post title."""
        words = rng.choices(self.words[:400], cum_weights=self.cumulative[:400], k=rng.randint(3, 8))
        return " ".join(words).capitalize()


@dataclass
class Identity:
    """A generated author row."""

    id: int
    platform: str
    host: str
    handle: str
    name: str
    person_id: int | None = None
    is_own: bool = False


@dataclass
class Plan:
    """What to generate."""

    posts: int
    seed: int = 1
    days: int = 365
    done_ratio: float = 0.0
    now: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Summary:
    """What was generated, and how long it took."""

    posts: int = 0
    conversations: int = 0
    identities: int = 0
    people: int = 0
    seconds: float = 0.0
    fts_seconds: float = 0.0


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _identities(rng: random.Random, plan: Plan) -> dict[str, list[Identity]]:
    """Own identities first (index 0 of each account's list), then a pool of authors per platform."""
    pools: dict[str, list[Identity]] = {}
    next_id = 1
    for account in ACCOUNTS:
        own = Identity(next_id, account.platform, account.host, account.handle, "Acme Relay", is_own=True)
        next_id += 1
        pools[account.name] = [own]
    for account in ACCOUNTS:
        size = max(20, int(plan.posts * account.weight / 12))
        for n in range(size):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            handle = f"{_ascii(first)}{_ascii(last)[:4]}{n}"
            pools[account.name].append(
                Identity(next_id, account.platform, account.host, handle, f"{first} {last}")
            )
            next_id += 1
    return pools


def _post_ext_id(account: BenchAccount, conversation: int, index: int) -> str:
    if account.platform == "x":
        return str(1_700_000_000_000_000_000 + conversation * 1000 + index)
    if account.platform == "linkedin":
        return f"urn:li:comment:(urn:li:activity:{7_000_000 + conversation},{index})"
    if account.platform == "discourse":
        return f"{conversation}-{index}"
    return f"https://{account.host}/p/{conversation}#comment-{index}"


def _post_url(account: BenchAccount, handle: str, ext_id: str, conversation: int, index: int) -> str:
    if account.platform == "x":
        return f"https://x.com/{handle}/status/{ext_id}"
    if account.platform == "linkedin":
        return f"https://www.linkedin.com/feed/update/urn:li:activity:{7_000_000 + conversation}"
    if account.platform == "discourse":
        return f"https://{account.host}/t/{conversation}/{index + 1}"
    return ext_id


def _conversation_sizes(rng: random.Random, total: int) -> Iterator[int]:
    """Sizes with mean about 10: many short threads, a few long ones."""
    left = total
    while left > 0:
        size = min(left, 1 + min(int(rng.expovariate(1 / 9)), 300))
        left -= size
        yield size


def _executemany(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: list[tuple[object, ...]]
) -> None:
    if rows:
        marks = ",".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        rows.clear()


POST_COLUMNS = (
    "id",
    "account_id",
    "conversation_id",
    "ext_id",
    "identity_id",
    "author_handle",
    "author_name",
    "direction",
    "text",
    "title",
    "url",
    "in_reply_to",
    "created_at",
)
CONVERSATION_COLUMNS = (
    "id",
    "account_id",
    "thread_key",
    "platform",
    "source",
    "title",
    "url",
    "status",
    "unread",
    "answered",
    "post_count",
    "started_at",
    "last_activity_at",
    "last_author_id",
    "excerpt",
)
INTERACTION_COLUMNS = (
    "identity_id",
    "person_id",
    "account_id",
    "direction",
    "kind",
    "post_id",
    "conversation_id",
    "occurred_at",
)


def generate(
    home: Path, plan: Plan, *, fts: str = "rebuild", batch_posts: int = 50_000, progress: bool = False
) -> Summary:
    """Write a new data directory at `home` holding `plan.posts` posts; refuses to overwrite a database."""
    if fts not in ("rebuild", "triggers"):
        raise ValueError("fts must be 'rebuild' or 'triggers'")
    started = time.perf_counter()
    target = db_path(home)
    if target.exists():
        raise FileExistsError(f"{target} already exists: choose an empty --home")
    home.mkdir(parents=True, exist_ok=True)
    partial = home / "cockpit.generating.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)

    rng = random.Random(plan.seed)
    vocabulary = Vocabulary.build(rng)
    pools = _identities(rng, plan)
    summary = Summary()

    store = open_store(partial)
    conn = store.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    triggers: list[tuple[str, str]] = []
    if fts == "rebuild":
        # Filled in one pass at the end; the schema's own trigger statements are put back verbatim.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'posts_fts_%'"
        ).fetchall()
        with store.write():
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")

    with store.write():
        for number, account in enumerate(ACCOUNTS, start=1):
            conn.execute(
                "INSERT INTO accounts (id, name, platform, handle, created_at, last_sync_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    number,
                    account.name,
                    account.platform,
                    account.handle,
                    plan.now - plan.days * DAY,
                    plan.now,
                ),
            )
            conn.execute(
                "INSERT INTO sync_state (account_id, stream, cursor, updated_at) VALUES (?, 'default', ?, ?)",
                (number, f"bench-{plan.seed}", plan.now),
            )
        people_count = min(500, max(5, plan.posts // 2000))
        people_rows = []
        everyone = [identity for pool in pools.values() for identity in pool[1:]]
        for person_id in range(1, people_count + 1):
            chosen = rng.sample(everyone, k=rng.choice((1, 1, 2)))
            for identity in chosen:
                identity.person_id = person_id
            people_rows.append(
                (
                    person_id,
                    chosen[0].name,
                    rng.choice(("", "Globex", "Initech", "Umbrella Labs", "Hooli", "Stark Data")),
                    rng.choice(("", "CTO", "SRE", "Staff engineer", "Developer advocate")),
                    rng.choice(("spotted", "engaged", "advocate", "champion")),
                    plan.now - rng.randrange(plan.days * DAY),
                    plan.now,
                )
            )
        conn.executemany(
            "INSERT INTO people (id, name, organisation, role, stage, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            people_rows,
        )
        conn.executemany(
            """
            INSERT INTO identities (id, platform, host, ext_id, handle, name, bio, url, reach, person_id, is_own,
                                    first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                (
                    i.id,
                    i.platform,
                    i.host,
                    f"{i.platform}-{i.id}",
                    i.handle,
                    i.name,
                    rng.choice(BIOS),
                    "",
                    int(rng.paretovariate(1.2) * 40),
                    i.person_id,
                    int(i.is_own),
                    plan.now - plan.days * DAY,
                    plan.now,
                )
                for pool in pools.values()
                for i in pool
            ],
        )
        summary.identities = sum(len(pool) for pool in pools.values())
        summary.people = people_count

    weights = [account.weight for account in ACCOUNTS]
    post_rows: list[tuple[object, ...]] = []
    conversation_rows: list[tuple[object, ...]] = []
    interaction_rows: list[tuple[object, ...]] = []
    post_id = 0
    conversation_id = 0

    def flush() -> None:
        with store.write():
            _executemany(conn, "conversations", CONVERSATION_COLUMNS, conversation_rows)
            _executemany(conn, "posts", POST_COLUMNS, post_rows)
            _executemany(conn, "interactions", INTERACTION_COLUMNS, interaction_rows)
            if fts == "triggers":
                index_pending_posts(store)  # the insert trigger only queues posts (schema migration 2)

    for size in _conversation_sizes(rng, plan.posts):
        conversation_id += 1
        account_number = rng.choices(range(len(ACCOUNTS)), weights=weights)[0]
        account = ACCOUNTS[account_number]
        account_id = account_number + 1
        pool = pools[account.name]
        own = pool[0]
        title = vocabulary.title(rng) if account.platform in ("discourse", "feed") else ""
        moment = plan.now - rng.randrange(plan.days * DAY)
        ext_ids: list[str] = []
        last_in: tuple[int, str] | None = None
        direction = "in"
        first_moment = moment
        for index in range(size):
            post_id += 1
            author = own if index > 0 and rng.random() < 0.1 else rng.choice(pool)
            direction = "out" if author.is_own else "in"
            ext_id = _post_ext_id(account, conversation_id, index)
            text = vocabulary.sentence(rng)
            if index > 0:
                moment = min(plan.now, moment + int(rng.expovariate(1 / 1800)) + 1)
            in_reply_to = None
            if index > 0:
                in_reply_to = ext_ids[-1] if rng.random() < 0.7 else rng.choice(ext_ids)
            ext_ids.append(ext_id)
            post_rows.append(
                (
                    post_id,
                    account_id,
                    conversation_id,
                    ext_id,
                    author.id,
                    author.handle,
                    author.name,
                    direction,
                    text,
                    title if index == 0 else "",
                    _post_url(account, author.handle, ext_id, conversation_id, index),
                    in_reply_to,
                    moment,
                )
            )
            kind = "reply" if direction == "out" or index > 0 else "post"
            interaction_rows.append(
                (author.id, author.person_id, account_id, direction, kind, post_id, conversation_id, moment)
            )
            if direction == "in":
                last_in = (author.id, text)
        answered = direction == "out"
        status = "done" if rng.random() < plan.done_ratio else "inbox"
        conversation_rows.append(
            (
                conversation_id,
                account_id,
                f"{account.platform}:{conversation_id}",
                account.platform,
                account.source,
                title,
                _post_url(account, own.handle, ext_ids[0], conversation_id, 0),
                status,
                int(not answered),
                int(answered),
                size,
                first_moment,
                moment,
                last_in[0] if last_in else None,
                last_in[1][:480] if last_in else "",
            )
        )
        if len(post_rows) >= batch_posts:
            flush()
            if progress:
                rate = post_id / (time.perf_counter() - started)
                print(f"  {post_id:>9,} posts  {rate:,.0f}/s", file=sys.stderr, flush=True)
    flush()
    summary.posts = post_id
    summary.conversations = conversation_id

    if fts == "rebuild":
        fts_started = time.perf_counter()
        with store.write():
            conn.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")
            for _, sql in triggers:
                conn.execute(sql)
        summary.fts_seconds = time.perf_counter() - fts_started
    # No ANALYZE and no FTS 'optimize': a directory filled by sync has neither, and the benchmarks should
    # measure what users have.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(target)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, generate, print a one-line summary."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--posts", type=int, required=True, help="number of posts to generate")
    parser.add_argument("--home", required=True, help="data directory to create (must not hold a database)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--days", type=int, default=365, help="spread posts over this many days before now")
    parser.add_argument("--done-ratio", type=float, default=0.0, help="share of conversations marked done")
    parser.add_argument(
        "--fts", choices=("rebuild", "triggers"), default="rebuild", help="how the full-text index is filled"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    home = Path(args.home).expanduser().resolve()
    plan = Plan(posts=args.posts, seed=args.seed, days=args.days, done_ratio=args.done_ratio)
    try:
        summary = generate(home, plan, fts=args.fts, progress=not args.quiet)
    except FileExistsError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    print(
        f"{summary.posts:,} posts in {summary.conversations:,} conversations, {summary.identities:,} authors, "
        f"{summary.people:,} people -> {home} in {summary.seconds:.1f} s (full-text index {summary.fts_seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
