"""The invented people of the demo: who posts where, under which handle, with what audience."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Acme Relay"
"""The fictional company: Acme, makers of Acme Relay, an open-source message queue."""


@dataclass(frozen=True)
class Persona:
    """One invented person and their presence on each platform (None: not there)."""

    key: str
    name: str
    bio: str
    x: str | None = None
    """X handle, without the @."""
    linkedin: str | None = None
    """LinkedIn vanity name (linkedin.com/in/<name>)."""
    forum: str | None = None
    """Username on forum.acme.dev."""
    blog: str | None = None
    """Host of the blog this person writes, when they have one."""
    commenter: bool = False
    """Whether they leave comments on blogs."""
    followers: int = 0
    """X followers."""
    connections: int = 0
    """LinkedIn followers."""
    greeting: str = ""
    """The name to greet them by, when it is not the first word of `name`."""

    @property
    def first_name(self) -> str:
        """The name used to greet them."""
        return self.greeting or self.name.split()[0]

    @property
    def platforms(self) -> tuple[str, ...]:
        """The demo platforms this person appears on."""
        found: list[str] = []
        if self.x:
            found.append("x")
        if self.linkedin:
            found.append("linkedin")
        if self.forum:
            found.append("discourse")
        if self.commenter or self.blog:
            found.append("feed")
        return tuple(found)


# The people who show up on three or more platforms: the stakeholders a community manager should notice.
RECURRING: tuple[Persona, ...] = (
    Persona(
        "priya",
        "Priya Raman",
        "Staff engineer at Globex Payments. Streams, queues and the occasional 3 a.m. page.",
        x="priyaraman",
        linkedin="priya-raman",
        forum="priya",
        commenter=True,
        followers=18_400,
        connections=6_200,
    ),
    Persona(
        "jonas",
        "Jonas Øberg",
        "Maintains relay-operator for Kubernetes. Oslo. Cross-country skiing when the cluster lets me.",
        x="jonasoberg",
        linkedin="jonas-oberg",
        forum="jonas",
        commenter=True,
        followers=2_310,
        connections=1_480,
    ),
    Persona(
        "chidi",
        "Chidi Okonkwo",
        "Developer relations at Stackline. I talk about event-driven systems to anyone who stands still.",
        x="chidicodes",
        linkedin="chidi-okonkwo",
        blog="chidi.dev",
        commenter=True,
        followers=48_200,
        connections=21_000,
    ),
    Persona(
        "lea",
        "Léa Rousseau",
        "CTO at Fretly (freight logistics). Former SRE. Boring technology enthusiast.",
        x="learousseau",
        linkedin="lea-rousseau",
        forum="lea_r",
        followers=5_900,
        connections=8_700,
    ),
    Persona(
        "kenji",
        "渡辺 健二",
        "Kenji Watanabe. Backend engineer in Osaka, Rust client contributor. 日本語/English OK.",
        x="kenji_wtnb",
        forum="kenji",
        commenter=True,
        followers=1_120,
        greeting="Kenji",
    ),
    Persona(
        "zoe",
        "Zoë Adler",
        "Writes about distributed systems at zoeadler.net. Platform lead at Hooli Health.",
        x="zoeadler",
        linkedin="zoe-adler",
        blog="zoeadler.net",
        commenter=True,
        followers=12_700,
        connections=4_300,
    ),
)

OTHERS: tuple[Persona, ...] = (
    Persona(
        "mateus",
        "Mateus Araújo",
        "SRE @ a Brazilian fintech. Café e Kubernetes.",
        x="mateus_araujo",
        followers=870,
    ),
    Persona(
        "siobhan",
        "Siobhán Ní Bhriain",
        "Platform engineering at Initech. Dublin.",
        x="siobhan_nb",
        linkedin="siobhan-ni-bhriain",
        followers=1_960,
        connections=2_100,
    ),
    Persona(
        "ahmed",
        "Ahmed Hassan",
        "Backend dev. Python, Go, and too many side projects.",
        x="ahmedhsn",
        forum="ahmed_h",
        followers=430,
    ),
    Persona(
        "olga",
        "Ольга Смирнова",
        "Data engineer. Pipelines that don't page anyone.",
        x="olga_smirnova",
        forum="olga",
        followers=2_640,
    ),
    Persona("bjorn", "Björn Lindgren", "Infra at a Stockholm game studio.", forum="bjornl", commenter=True),
    Persona(
        "ayse",
        "Ayşe Demir",
        "Engineering manager, payments. Istanbul → Berlin.",
        linkedin="ayse-demir",
        connections=3_400,
    ),
    Persona(
        "tomasz",
        "Tomasz Wójcik",
        "Java person. Reluctant YAML writer.",
        x="twojcik",
        forum="tomasz",
        followers=310,
    ),
    Persona(
        "lan",
        "Nguyễn Thị Lan",
        "Cloud architect, Ho Chi Minh City.",
        linkedin="nguyen-thi-lan",
        forum="lan_nguyen",
        connections=5_100,
        greeting="Lan",
    ),
    Persona(
        "rafael",
        "Rafael Méndez",
        "Building a fleet-tracking platform in Bogotá.",
        x="rafamendez",
        forum="rafa",
        followers=1_050,
    ),
    Persona(
        "emma",
        "Emma Schulz",
        "Consultant: messaging, integration, migrations.",
        linkedin="emma-schulz",
        commenter=True,
        connections=9_800,
    ),
    Persona(
        "dev",
        "Dev Patel",
        "SWE at a ride-sharing startup. Mostly Go.",
        x="devpatel_io",
        forum="devp",
        followers=640,
    ),
    Persona(
        "grace",
        "Grace Liu",
        "Observability nerd. OpenTelemetry contributor.",
        x="graceliu",
        linkedin="grace-liu",
        followers=7_300,
        connections=2_900,
    ),
    Persona(
        "kwame",
        "Kwame Mensah",
        "Founder, Kente Pay (Accra). Hiring backend engineers!",
        x="kwamemensah",
        linkedin="kwame-mensah",
        followers=3_800,
        connections=11_200,
    ),
    Persona(
        "sofia",
        "Sofia Esposito",
        "Student @ PoliMi, writing my thesis on queue fairness.",
        x="sofia_espo",
        forum="sofia_e",
        followers=95,
    ),
    Persona(
        "hannah",
        "Hannah Becker",
        "Tech lead, e-commerce. Likes benchmarks that include error bars.",
        forum="hbecker",
        commenter=True,
    ),
    Persona(
        "marcus",
        "Marcus Johnson",
        "DevOps at a regional bank. Change windows are my cardio.",
        x="marcusj_ops",
        linkedin="marcus-johnson-ops",
        followers=520,
        connections=1_300,
    ),
    Persona(
        "yuki",
        "佐藤 由紀",
        "Yuki Sato. SRE, Tokyo. Ramen and runbooks.",
        x="yuki_sato_sre",
        followers=2_050,
        greeting="Yuki",
    ),
    Persona(
        "fernanda",
        "Fernanda Lima",
        "Head of Engineering, Lumen Retail.",
        linkedin="fernanda-lima",
        connections=14_600,
    ),
    Persona(
        "lukas",
        "Lukáš Novák",
        "Rust hobbyist, Prague. Sends small PRs.",
        x="lukasnovak",
        forum="lukas",
        followers=260,
    ),
    Persona(
        "aarav",
        "Aarav Mehta",
        "Backend engineer, Bengaluru. Learning in public.",
        x="aarav_builds",
        forum="aarav",
        followers=1_430,
    ),
    Persona(
        "claire",
        "Claire Dubois",
        "Recruiter for platform teams. Yes, I read your README.",
        linkedin="claire-dubois-talent",
        connections=18_900,
    ),
    Persona(
        "omar",
        "Omar Farouk",
        "Staff SRE, streaming video.",
        x="omarfarouk",
        forum="omar_f",
        commenter=True,
        followers=3_100,
    ),
    Persona(
        "ingrid",
        "Ingrid Solberg",
        "Engineering director. Writes about team topologies.",
        linkedin="ingrid-solberg",
        blog="ingridsolberg.no",
        connections=12_400,
    ),
    Persona(
        "pedro", "Pedro Alves", "Elixir and queues. Lisbon.", x="pedroalves_ex", forum="pedro", followers=780
    ),
    Persona(
        "anya",
        "Anya Kowalczyk",
        "Security engineer. Asks about TLS before saying hello.",
        x="anya_sec",
        forum="anyak",
        followers=4_400,
    ),
    Persona(
        "ravi",
        "Ravi Shankar",
        "Solutions architect, cloud consultancy.",
        linkedin="ravi-shankar-arch",
        commenter=True,
        connections=7_700,
    ),
    Persona(
        "noah",
        "Noah Fischer",
        "Junior dev, first on-call rotation. Be nice.",
        x="noahfischer_dev",
        forum="noahf",
        followers=140,
    ),
    Persona(
        "julia",
        "Julia Martins",
        "Organiser, Lisbon Distributed Systems Meetup.",
        x="juliamartins",
        linkedin="julia-martins",
        followers=2_900,
        connections=3_600,
    ),
    Persona(
        "tariq",
        "Tariq Aziz",
        "Maintainer of a popular Laravel queue driver.",
        x="tariqaziz",
        blog="tariq.blog",
        commenter=True,
        followers=9_400,
    ),
    Persona(
        "mei",
        "林美",
        "Mei Lin. Platform engineer, Taipei. Kubernetes operator fan.",
        x="meilin_tw",
        forum="meilin",
        followers=1_670,
        greeting="Mei",
    ),
    Persona(
        "ben",
        "Ben Okoro",
        "Eng manager. Ex-Kafka operator, recovering.",
        linkedin="ben-okoro",
        x="benokoro",
        followers=2_200,
        connections=4_100,
    ),
    Persona(
        "nora",
        "Nora Hansen",
        "Writes the 'Queue Tips' newsletter.",
        x="norahansen",
        blog="queuetips.io",
        commenter=True,
        followers=15_300,
    ),
    Persona(
        "santiago",
        "Santiago Ruiz",
        "Full-stack, mostly TypeScript. Asks many questions.",
        x="santi_ruiz",
        forum="santi",
        followers=350,
    ),
    Persona(
        "fatou",
        "Fatou Diop",
        "Data platform lead, Dakar.",
        linkedin="fatou-diop",
        forum="fatou",
        connections=2_600,
    ),
    Persona(
        "ilya",
        "Ilya Volkov",
        "Performance engineer. flamegraphs or it didn't happen.",
        x="ilyavolkov",
        forum="ilya_v",
        followers=6_800,
    ),
    Persona(
        "alex",
        "Alex Kim",
        "Indie hacker. Shipping a SaaS a month (ish).",
        x="alexkimbuilds",
        followers=22_500,
    ),
    Persona(
        "helga",
        "Helga Þórsdóttir",
        "Infra engineer, Reykjavík. Geothermal-powered clusters.",
        forum="helga",
        commenter=True,
    ),
    Persona("devops_dan", "Dan", "automate all the things. opinions: loud.", x="devops_dan", followers=1_010),
)

EVERYONE: tuple[Persona, ...] = RECURRING + OTHERS

OUR_X_HANDLE = "acmerelay"
OUR_LINKEDIN = "acme-relay"
OUR_FORUM_USER = "maya_acme"
OUR_BLOG_NAME = "Maya Lindqvist (Acme)"
OUR_NAME = "Acme Relay"
COMMUNITY_MANAGER = "Maya Lindqvist"
"""The community manager the demo is seen through: she answers on the forum and the blog under her name."""


def on_platform(platform: str) -> list[Persona]:
    """Everyone who appears on `platform` (x, linkedin, discourse, feed), in a stable order."""
    return [p for p in EVERYONE if platform in p.platforms]
