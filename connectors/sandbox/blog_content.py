"""Invented blogs, posts and comments for the blog sandbox (people and sites are fictional)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeedComment:
    """A comment to seed: `parent` is the index of an earlier comment on the same post, or None."""

    author: str
    html: str
    hours_after: float
    parent: int | None = None
    author_url: str = ""


@dataclass(frozen=True)
class SeedPost:
    """A post to seed, `days_ago` before the sandbox's clock."""

    slug: str
    title: str
    html: str
    days_ago: float
    tags: tuple[str, ...] = ()
    comments: tuple[SeedComment, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class SeedBlog:
    """A blog to seed."""

    slug: str
    title: str
    tagline: str
    kind: str
    owner: str
    language: str = "en"
    rest_api: bool = True
    gmt_offset_hours: int = 0
    posts: tuple[SeedPost, ...] = field(default_factory=tuple)


TIDELINE = SeedBlog(
    slug="tideline",
    title="Tideline",
    tagline="Notes on developer tooling, build systems and the terminal",
    kind="wordpress",
    owner="Ana Lima",
    language="en-GB",
    rest_api=True,
    gmt_offset_hours=1,
    posts=(
        SeedPost(
            slug="the-cache-that-lied",
            title="The cache that lied: a week of chasing a stale build artefact",
            days_ago=21,
            tags=("Build systems", "Debugging"),
            html=(
                "<p>For five days our CI produced a binary that did not match the source it claimed to be "
                "built from. Nobody had touched the cache configuration in months, which turned out to be "
                "exactly the problem.</p>\n"
                "<p>The cache key hashed the lockfile and the compiler version, but not the "
                "<code>RUSTFLAGS</code> environment variable that a new linter job had started to set. "
                "Two jobs, one key, two different artefacts &#8211; last writer wins.</p>\n"
                "<pre><code>cache_key = sha256(lockfile + compiler_version)\n"
                "# missing: every env var the build actually reads</code></pre>\n"
                "<p>The fix was boring: derive the key from the <em>resolved</em> build inputs, not from the "
                "files we remembered to list. I wrote up the checklist we now use in "
                '<a href="https://tideline.example/checklists/cache-keys/">a separate page</a>.</p>'
            ),
            comments=(
                SeedComment(
                    "Jürgen Weiß",
                    "<p>We had the same thing with <code>CFLAGS</code> in a C++ monorepo. Did you consider "
                    "making the build fail when an unlisted variable is read?</p>",
                    3,
                ),
                SeedComment(
                    "Ana Lima",
                    "<p>Yes &#8211; we sandbox the environment now, so anything not declared is simply "
                    "absent. It broke four jobs on day one, which was the point.</p>",
                    5,
                    parent=0,
                ),
                SeedComment(
                    "Priyanka Raghunathan",
                    "<p>&#8220;Last writer wins&#8221; should be printed on every shared cache. Thanks for "
                    "writing the boring fix down; that&#8217;s the part people skip.</p>",
                    26,
                ),
                SeedComment(
                    "Kwame Mensah",
                    "<p>Would you share the checklist as a plain text file? Our wiki eats code blocks.</p>",
                    50,
                ),
            ),
        ),
        SeedPost(
            slug="cli-flags-are-a-user-interface",
            title="CLI flags are a user interface, so design them like one",
            days_ago=14,
            tags=("CLI", "Design"),
            html=(
                "<p>We spend weeks on the colours of a dashboard and five minutes on the flags of the tool "
                "people run two hundred times a day. Three rules I now apply to every command line:</p>\n"
                "<ol>\n<li>Every flag has a long form; short forms are earned by frequency.</li>\n"
                "<li>Defaults are safe; the dangerous thing needs <code>--yes-really</code>.</li>\n"
                "<li>Errors say what to type next, not what went wrong inside.</li>\n</ol>\n"
                "<p>The third rule is the one that changes support load. "
                "&#8220;token expired: run <code>tool login work</code>&#8221; ends a conversation that "
                "&#8220;401 Unauthorized&#8221; starts.</p>"
            ),
            comments=(
                SeedComment(
                    "Zoë Achterberg",
                    "<p>Rule three, a thousand times. I&#8217;d add: <strong>never</strong> print a "
                    "traceback for a mistake the user made.</p>",
                    2,
                ),
                SeedComment(
                    "Tomás Ortega",
                    "<p>Counterpoint on rule one: some of us type <code>-v</code> forty times a day and "
                    "resent <code>--verbose</code>. But I agree short forms should be earned.</p>",
                    8,
                ),
                SeedComment(
                    "Ana Lima",
                    "<p>Fair! <code>-v</code> has more than earned its place.</p>",
                    9,
                    parent=1,
                ),
            ),
        ),
        SeedPost(
            slug="flaky-tests-are-a-social-problem",
            title="Flaky tests are a social problem with a technical costume",
            days_ago=9,
            tags=("Testing",),
            html=(
                "<p>A flaky test is rarely a mystery. It is a test that nobody feels allowed to delete and "
                "nobody has time to fix, so it gets retried until it passes and everybody learns to ignore "
                "red builds.</p>\n"
                "<blockquote><p>If a test can fail without anything being wrong, it will eventually pass "
                "with something wrong.</p></blockquote>\n"
                "<p>What worked for us: a weekly fifteen-minute &#8220;flake court&#8221; with a rotating "
                "judge, and a rule that a quarantined test has an owner and a date.</p>"
            ),
            comments=(
                SeedComment(
                    "Aoife Ní Bhriain",
                    "<p>Flake court is brilliant. Do you publish the verdicts anywhere, or is it all in the "
                    "meeting?</p>",
                    4,
                ),
                SeedComment(
                    "Björn Lindqvist",
                    "<p>We tried quarantine without owners and ended up with 300 quarantined tests. The "
                    "date is the important part.</p>",
                    30,
                ),
            ),
        ),
        SeedPost(
            slug="reproducible-builds-on-a-budget",
            title="Reproducible builds on a budget",
            days_ago=4,
            tags=("Build systems",),
            html=(
                "<p>You do not need a hermetic build farm to get most of the value of reproducible builds. "
                "Start by building the same commit twice on two machines and diffing the outputs. "
                '<a href="/tideline/diffoscope-notes/">My notes on reading diffoscope output</a> cover '
                "the usual suspects: timestamps, file ordering and absolute paths.</p>\n"
                "<p>Set <code>SOURCE_DATE_EPOCH</code>, sort your archive members, and strip build paths. "
                "That is a Tuesday afternoon, not a quarter.</p>"
            ),
            comments=(
                SeedComment(
                    "李静 (Li Jing)",
                    "<p>Thank you &#8211; the archive ordering tip fixed our Python wheels immediately.</p>",
                    6,
                ),
            ),
        ),
        SeedPost(
            slug="a-terminal-ui-that-respects-the-keyboard",
            title="A terminal UI that respects the keyboard",
            days_ago=1.5,
            tags=("Terminal", "Design"),
            html=(
                "<p>Terminal apps are having a moment, and the best of them share one habit: every action "
                "is one key away and every key is discoverable. The worst hide features behind mouse-only "
                "widgets in a medium that was built for typing.</p>\n"
                "<ul>\n<li>Show the keys on screen, always.</li>\n<li>Make <kbd>?</kbd> open help "
                "everywhere.</li>\n<li>Never block the input loop on the network.</li>\n</ul>"
            ),
            comments=(),
        ),
    ),
)

COMMONS_GARDEN = SeedBlog(
    slug="commons-garden",
    title="The Commons Garden",
    tagline="Growing open source communities one person at a time",
    kind="wordpress",
    owner="Nnamdi Okafor",
    language="en-US",
    rest_api=False,
    posts=(
        SeedPost(
            slug="your-first-ten-contributors",
            title="Your first ten contributors will not come from a launch post",
            days_ago=18,
            tags=("Community",),
            html=(
                "<p>Every new project dreams of the launch that brings a crowd. The projects I have seen "
                "grow did the opposite: their maintainers found ten people who already had the problem, "
                "talked to each of them, and fixed something for them personally.</p>\n"
                "<p>Ten conversations beat ten thousand impressions. The conversations are where you learn "
                "who might stay.</p>"
            ),
            comments=(
                SeedComment(
                    "Élodie Marchand",
                    "<p>This matches our experience with a small mapping library. Our first regular "
                    "contributor was someone whose bug report we answered within an hour.</p>",
                    2,
                ),
                SeedComment(
                    "Nnamdi Okafor",
                    "<p>An hour is a superpower at that stage. Did you keep in touch with them outside the "
                    "issue tracker?</p>",
                    3,
                    parent=0,
                ),
                SeedComment(
                    "Élodie Marchand",
                    "<p>A monthly call, still going after two years &#x1F642;</p>",
                    20,
                    parent=1,
                ),
                SeedComment(
                    "Mateus Carvalho",
                    "<p>How do you find the ten people without it feeling like cold outreach?</p>",
                    40,
                ),
            ),
        ),
        SeedPost(
            slug="governance-before-you-need-it",
            title="Write down governance before you need it",
            days_ago=11,
            tags=("Governance",),
            html=(
                "<p>Governance documents feel premature when there are three of you. They stop feeling "
                "premature the first time two people disagree about a release and nobody knows who "
                "decides.</p>\n<p>One page is enough: who can merge, who can release, how someone new "
                "earns those rights, and what happens when people disagree.</p>"
            ),
            comments=(
                SeedComment(
                    "Ilse de Vries",
                    "<p>We borrowed a template and changed half of it after the first dispute. Still "
                    "better than starting from nothing.</p>",
                    12,
                ),
            ),
        ),
        SeedPost(
            slug="meetups-for-people-who-hate-meetups",
            title="Meetups for people who hate meetups",
            days_ago=6,
            tags=("Events", "Community"),
            html=(
                "<p>Not everyone wants pizza and a projector. Our most loved event is a quiet "
                "&#8220;office hour&#8221; in a café: no talks, one table, maintainers answering whatever "
                "people bring.</p>\n<p>Attendance is small. Retention is remarkable.</p>"
            ),
            comments=(
                SeedComment(
                    "Hana Kobayashi",
                    "<p>We run the same format online with a shared document instead of a café. Same "
                    "result: few people, deep conversations.</p>",
                    5,
                ),
                SeedComment(
                    "Rafael Núñez",
                    "<p>Stealing this for our Lisbon group. Do you announce topics in advance?</p>",
                    22,
                ),
            ),
        ),
        SeedPost(
            slug="maintainer-burnout-is-a-design-flaw",
            title="Maintainer burnout is a design flaw, not a personal failing",
            days_ago=2,
            tags=("Maintainers",),
            html=(
                "<p>When a project depends on one person answering every issue, burnout is not a risk; it "
                "is the schedule. Spreading the work is a design task: labels that let newcomers triage, "
                "a rota for the inbox, and permission to say &#8220;not now&#8221;.</p>"
            ),
            comments=(),
        ),
    ),
)

FERROUS = SeedBlog(
    slug="ferrous",
    title="Ferrous Notes",
    tagline="Release engineering, embedded tooling and the occasional rant",
    kind="atom",
    owner="Søren Kjær",
    language="da",
    posts=(
        SeedPost(
            slug="release-notes-people-read",
            title="Release notes people actually read",
            days_ago=16,
            tags=("Releases",),
            html=(
                "<p>Nobody reads a changelog generated from commit titles. People read release notes that "
                "start with <strong>what changes for me</strong>, then list the rest.</p>\n"
                "<p>Our template has three headings: <em>Upgrade steps</em>, <em>New</em>, "
                "<em>Fixed</em>. Everything else goes in the full log.</p>"
            ),
            comments=(
                SeedComment(
                    "Chiara Rossi",
                    "<p>&#8220;What changes for me&#8221; is the best heading in software.</p>",
                    7,
                ),
                SeedComment(
                    "Søren Kjær",
                    "<p>Tak! It took us three angry upgrades to learn it.</p>",
                    9,
                    parent=0,
                ),
            ),
        ),
        SeedPost(
            slug="flashing-firmware-from-ci",
            title="Flashing firmware from CI without bricking the lab",
            days_ago=8,
            tags=("Embedded", "CI"),
            html=(
                "<p>Our hardware-in-the-loop rig flashes forty boards a day. The trick that saved us: a "
                "known-good bootloader that CI is <em>never</em> allowed to overwrite, and a watchdog that "
                "rolls back on a failed boot.</p>\n"
                "<pre>probe-rs download --chip nRF52840_xxAA target/app.hex\n"
                "probe-rs reset --chip nRF52840_xxAA</pre>"
            ),
            comments=(
                SeedComment(
                    "Oluwaseun Adeyemi",
                    "<p>How do you detect the failed boot &#8211; UART output or a GPIO line?</p>",
                    14,
                ),
            ),
        ),
        SeedPost(
            slug="semver-is-a-promise",
            title="SemVer is a promise, not a calculation",
            days_ago=3,
            tags=("Releases",),
            html=(
                "<p>Tools that compute the next version from the diff are useful, but a version number is "
                "a promise to people, and only people can decide what they are promising.</p>"
            ),
            comments=(),
        ),
    ),
)

MARGINS = SeedBlog(
    slug="margins",
    title="Notes in the Margins",
    tagline="Documentation, technical writing and the people who read it",
    kind="jsonfeed",
    owner="Małgorzata Wiśniewska",
    language="pl",
    rest_api=False,
    posts=(
        SeedPost(
            slug="docs-are-a-conversation",
            title="Docs are a conversation with someone who is not in the room",
            days_ago=12,
            html=(
                "<p>Every page of documentation answers a question someone asked once. The best docs "
                "teams I know keep a log of those questions &#8211; from the forum, the issue tracker, the "
                "conference hallway &#8211; and write from it.</p>"
            ),
        ),
        SeedPost(
            slug="the-tutorial-nobody-finishes",
            title="The tutorial nobody finishes",
            days_ago=5,
            html=(
                "<p>Analytics told us 80% of readers left our getting-started tutorial at step four. Step "
                "four asked them to create an account on a third-party service. We moved it to the end and "
                "completion doubled.</p>"
            ),
        ),
        SeedPost(
            slug="writing-for-translators",
            title="Writing for translators (and for everyone else)",
            days_ago=0.8,
            html=(
                "<p>Short sentences. One idea each. No idioms that only work in English. The translators "
                "will thank you, and so will the native speakers skimming at 11 p.m.</p>"
            ),
        ),
    ),
)

SEED_BLOGS: tuple[SeedBlog, ...] = (TIDELINE, COMMONS_GARDEN, FERROUS, MARGINS)

VISITORS: tuple[tuple[str, str], ...] = (
    ("Zoë Achterberg", "https://zoe.example/"),
    ("Jürgen Weiß", ""),
    ("Aoife Ní Bhriain", "https://aoife.example/"),
    ("Tomás Ortega", ""),
    ("李静 (Li Jing)", ""),
    ("Priyanka Raghunathan", "https://priyanka.example/"),
    ("Kwame Mensah", ""),
    ("Élodie Marchand", "https://elodie.example/"),
    ("Björn Lindqvist", ""),
    ("Chiara Rossi", ""),
    ("Oluwaseun Adeyemi", "https://seun.example/"),
    ("Hana Kobayashi", ""),
    ("Mateus Carvalho", ""),
    ("Ilse de Vries", ""),
    ("Rafael Núñez", "https://rafa.example/"),
)
"""Readers who leave comments when the sandbox simulates activity."""

VISITOR_COMMENTS: tuple[str, ...] = (
    "<p>This is the post I will send to my team on Monday. Thank you for writing it.</p>",
    "<p>Do you have a follow-up planned? I&#8217;d love to read how this worked out six months later.</p>",
    "<p>We tried something similar and hit a snag with permissions &#8211; did you run into that?</p>",
    "<p>Small correction: the flag is <code>--frozen-lockfile</code>, not <code>--frozen</code>.</p>",
    "<p>Would you be up for a short call about this? We are a small project facing the same question.</p>",
    "<p>Bookmarked. The part about asking people directly is the bit everyone skips.</p>",
    "<p>I disagree a little: in our community the public channel worked better than one-to-one "
    "messages, because newcomers could see the answers.</p>",
    "<p>Could you share the template? Even a rough version would help.</p>",
    "<p>Great write-up. Linked it from our contributor guide: "
    '<a href="https://guide.example/contributing">guide.example/contributing</a></p>',
    "<p>Thanks &#8211; this cleared up something I&#8217;d been confused about for weeks.</p>",
)
"""Comment bodies used when the sandbox simulates activity."""

NEW_POST_TITLES: tuple[str, ...] = (
    "What we learned from our first contributor summit",
    "The case for boring infrastructure",
    "Office hours, six months in",
    "How we review pull requests from first-time contributors",
    "Changelogs as a community ritual",
)
"""Titles used when the sandbox simulates a new post."""
