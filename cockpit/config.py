"""Settings and accounts: pydantic models over `$COCKPIT_HOME/config.toml`, with errors that name file:line."""

from __future__ import annotations

import bisect
import difflib
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cockpit.errors import UserError
from cockpit.paths import config_path
from cockpit.rules_config import Rule, check_rules, rule_error_loc

Platform = Literal["feed", "x", "linkedin", "discourse"]
PLATFORMS: tuple[str, ...] = ("feed", "x", "linkedin", "discourse")
DEFAULT_BASE_URLS: dict[str, str] = {"x": "https://api.x.com", "linkedin": "https://api.linkedin.com"}
ACCOUNT_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_COMMON_ACCOUNT_KEYS = frozenset({"name", "platform", "base_url", "enabled"})
_SECRET_LIKE_KEY = re.compile(r"token|secret|password|passwd|api_?key|bearer", re.IGNORECASE)


def system_timezone() -> str:
    """Return the system's IANA time zone name (from TZ or /etc/localtime), or "UTC" when unknown."""
    candidates: list[str] = []
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        candidates.append(tz_env)
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "zoneinfo/"
        if marker in target:
            candidates.append(target.split(marker, 1)[1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in candidates:
        if _is_timezone(name):
            return name
    return "UTC"


def _is_timezone(name: str) -> bool:
    """Whether `name` is a time zone the zoneinfo database knows."""
    if name == "UTC":
        return True
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _check_timezone(value: str) -> str:
    if not _is_timezone(value):
        raise ValueError(f"unknown time zone {value!r}: use an IANA name like 'Europe/Paris' or 'UTC'")
    return value


def _check_account_name(value: str) -> str:
    if not re.fullmatch(ACCOUNT_NAME_PATTERN, value) or len(value) > 64:
        raise ValueError(
            f"invalid account name {value[:80]!r}: use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit (at most 64 characters)"
        )
    return value


def _check_http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    unsafe = any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value)
    if "@" in parts.netloc:
        raise ValueError("credentials do not belong in a URL: store them with `cockpit accounts login NAME`")
    if parts.scheme not in ("http", "https") or not parts.hostname or unsafe:
        raise ValueError(f"not an http(s) URL: {value[:200]!r} (write it like https://example.com)")
    return value


def _check_env_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError(f"not an environment variable name: {value[:100]!r}")
    return value


def _check_organization(value: str) -> str:
    if not re.fullmatch(r"urn:li:organization:[0-9]+", value):
        raise ValueError(f"not an organization URN: {value[:100]!r} (write it like urn:li:organization:123)")
    return value


def _check_linkedin_version(value: str) -> str:
    if not re.fullmatch(r"20[0-9]{2}(0[1-9]|1[0-2])", value):
        raise ValueError(f"not a LinkedIn API version: {value[:20]!r} (write it as YYYYMM, like 202506)")
    return value


def _check_linkedin_actor(value: str) -> str:
    if value != "organization" and not re.fullmatch(r"urn:li:person:[0-9A-Za-z_-]{1,100}", value):
        raise ValueError(f'not a LinkedIn actor: {value[:100]!r} (write "organization" or urn:li:person:ID)')
    return value


def _check_query(value: str) -> str:
    if not value.strip():
        raise ValueError("a search query cannot be empty")
    return value


_KEY_NAME = re.compile(r"^((ctrl|shift|alt|meta|super|hyper)\+)*([a-z0-9_]+|[^\s,+])$")


def _check_keys(value: str) -> str:
    """Keys for one binding: comma-separated Textual key names (`e`, `ctrl+d`, `f5`, `question_mark`)."""
    keys = [key.strip() for key in value.split(",")]
    if not value.strip() or not all(keys):
        raise ValueError('give one or more keys separated by commas, e.g. "e,d"')
    for key in keys:
        if not _KEY_NAME.match(key):
            raise ValueError(f"{key[:20]!r} is not a key name: use e.g. e, E, ctrl+d, f5, question_mark")
    return ",".join(keys)


KeyList = Annotated[str, Field(max_length=200), AfterValidator(_check_keys)]
"""The keys of one binding in the `[keys]` table (binding ids are checked by the TUI, cockpit/tui/remap.py)."""

HttpUrlStr = Annotated[str, AfterValidator(_check_http_url)]
EnvVarName = Annotated[str, AfterValidator(_check_env_name)]
SearchQuery = Annotated[str, Field(max_length=1024), AfterValidator(_check_query)]


class Settings(BaseModel):
    """Application settings, the `[settings]` table of config.toml."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    sync_interval: int = Field(default=300, ge=30)
    """Seconds between background syncs in the TUI and the daemon."""
    theme: str = Field(default="textual-dark", min_length=1)
    """Textual theme name."""
    timezone: Annotated[str, AfterValidator(_check_timezone)] = Field(default_factory=system_timezone)
    """IANA time zone used to show times and to schedule replies."""
    daily_outreach_limit: int = Field(default=5, ge=0)
    """How many new people the cockpit suggests reaching out to per day (0 turns suggestions off)."""
    undo_depth: int = Field(default=100, ge=1, le=100_000)
    """How many triage actions can be undone."""


StageLabel = Annotated[str, Field(min_length=1, max_length=60)]


class PeopleSettings(BaseModel):
    """The stakeholder tracker, the `[people]` table of config.toml (docs/people.md explains each value)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    stages: list[StageLabel] | None = Field(default=None, min_length=1, max_length=20)
    """Stage labels in funnel order, applied to the database when this list changes (None: keep the database's)."""
    cadence_days: dict[str, Annotated[int, Field(ge=1, le=3650)]] = Field(default_factory=dict)
    """Default touch interval per stage (key or label), e.g. { engaged = 30, supporter = 21 }."""
    new_stakeholder_interactions: int = Field(default=3, ge=1)
    """An untracked author with this many interactions in `new_stakeholder_window_days` is suggested."""
    new_stakeholder_window_days: int = Field(default=30, ge=1, le=365)
    """The window, in days, for `new_stakeholder_interactions`."""
    promote_two_way: int = Field(default=2, ge=1)
    """Two-way conversations in 90 days that suggest promoting a person to the next stage."""
    promote_mentions: int = Field(default=3, ge=1)
    """Unprompted posts (not replies) in 90 days that suggest promoting a person to the next stage."""
    slipping_after_days: int = Field(default=45, ge=1, le=3650)
    """Days without a touch after which a person past the first stage is flagged as slipping away."""


class Account(BaseModel):
    """Fields every account has; each platform's subclass adds its typed options."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: Annotated[str, AfterValidator(_check_account_name)]
    platform: str
    base_url: HttpUrlStr | None = None
    enabled: bool = True

    requires_base_url: ClassVar[bool] = False

    @property
    def effective_base_url(self) -> str:
        """The API base URL the connector uses: `base_url`, else the platform's default, else ""."""
        return self.base_url or DEFAULT_BASE_URLS.get(self.platform, "")

    @property
    def options(self) -> dict[str, Any]:
        """The platform options the connector receives: every field but the common ones, unset (None) left out."""
        return self.model_dump(exclude=set(_COMMON_ACCOUNT_KEYS), exclude_none=True)


class FeedAccount(Account):
    """Blog feeds (RSS, Atom, JSON Feed) and their comment feeds; `base_url` is an optional WordPress site."""

    platform: Literal["feed"]
    feeds: list[HttpUrlStr] = Field(min_length=1)
    """Feed URLs to follow."""
    wordpress_user: str | None = Field(default=None, min_length=1)
    """WordPress user name for replies through the REST API (secret: an application password)."""
    track_posts: int | None = Field(default=None, ge=0, le=100)
    """How many recent posts per feed are watched for new comments (connector default 10)."""
    comments_per_page: int | None = Field(default=None, ge=1, le=100)
    """WordPress REST comments per request (connector default 100)."""
    max_concurrency: int | None = Field(default=None, ge=1, le=64)
    """Feeds fetched at once (connector default 8)."""
    timeout_seconds: float | None = Field(default=None, gt=0, le=300)
    """Per-request timeout (connector default 20)."""
    retry_attempts: int | None = Field(default=None, ge=1, le=10)
    """Tries per read before giving up (connector default 3)."""
    retry_wait_seconds: float | None = Field(default=None, ge=0, le=60)
    """First wait between tries (connector default 0.5)."""
    comment_overlap_seconds: int | None = Field(default=None, ge=0, le=7 * 86400)
    """How far back comments are re-read to catch late ones (connector default 3600)."""


class XAccount(Account):
    """An X (Twitter) account through API v2."""

    platform: Literal["x"]
    client_id: str | None = Field(default=None, min_length=1)
    """OAuth 2.0 client id of your X app."""
    client_secret_env: EnvVarName | None = None
    """Name of the environment variable that holds the OAuth client secret (confidential clients)."""
    searches: list[SearchQuery] = Field(default_factory=list)
    """Recent-search queries to track besides mentions."""
    authorize_url: HttpUrlStr | None = None
    """Where `cockpit accounts login` sends the browser (default https://x.com/i/oauth2/authorize)."""
    token_url: HttpUrlStr | None = None
    """Where tokens are exchanged and refreshed (default <base_url>/2/oauth2/token)."""
    redirect_port: int | None = Field(default=None, ge=1024, le=65535)
    """Fixed loopback port for the login redirect (default random; X checks the app's callback URL)."""


class LinkedInAccount(Account):
    """A LinkedIn member or organisation page through the Community Management API."""

    platform: Literal["linkedin"]
    organization: Annotated[str, AfterValidator(_check_organization)] | None = None
    """The organisation page URN (urn:li:organization:N); none for a member account."""
    linkedin_version: Annotated[str, AfterValidator(_check_linkedin_version)] | None = None
    """The LinkedIn-Version header (YYYYMM); none means the connector's default."""
    client_id: str | None = Field(default=None, min_length=1)
    """OAuth 2.0 client id of your LinkedIn app."""
    client_secret_env: EnvVarName | None = None
    """Name of the environment variable that holds the OAuth client secret."""
    actor: Annotated[str, AfterValidator(_check_linkedin_actor)] | None = None
    """Who replies: "organization" (the page, the default) or a member's person URN (urn:li:person:...)."""
    scopes: list[Annotated[str, Field(pattern=r"^[a-z_]{1,64}$")]] | None = None
    """OAuth scopes to ask for at login (default: what the features need; newer apps may need the *_feed names)."""
    authorize_url: HttpUrlStr | None = None
    """Where `cockpit accounts login` sends the browser (default https://www.linkedin.com/oauth/v2/authorization)."""
    token_url: HttpUrlStr | None = None
    """Where tokens are exchanged and refreshed (default https://www.linkedin.com/oauth/v2/accessToken)."""
    redirect_port: int | None = Field(default=None, ge=1024, le=65535)
    """Fixed loopback port for the login redirect (LinkedIn checks the app's registered redirect URLs)."""


class DiscourseAccount(Account):
    """A Discourse forum; `base_url` (the forum's URL) is required."""

    platform: Literal["discourse"]
    base_url: HttpUrlStr
    auth: Literal["admin_key", "user_api_key"] = "admin_key"
    """Which kind of key the secret is."""
    api_username: str | None = Field(default=None, min_length=1, validate_default=True)
    """The user an admin key acts as (required with auth = "admin_key")."""
    user_api_client_id: str | None = Field(default=None, min_length=1)
    """The User-Api-Client-Id sent with a user API key."""
    categories: list[str] = Field(default_factory=list)
    """Categories to watch for new topics and replies, as "slug" or "slug/id"."""
    searches: list[SearchQuery] = Field(default_factory=list)
    """Forum searches to track."""
    watch_latest: bool | None = None
    """Also watch the forum's latest topics in every category (connector default false)."""
    public_url: HttpUrlStr | None = None
    """The forum's public address when `base_url` reaches the API another way (links and identities use it)."""
    requests_per_minute: int | None = Field(default=None, ge=1, le=10_000)
    """Request budget (connector default 50 with an admin key, 18 with a user key)."""
    max_topics_per_stream: int | None = Field(default=None, ge=1, le=200)
    """Changed topics read per stream and sync (connector default 15)."""
    max_posts_per_topic: int | None = Field(default=None, ge=20, le=5000)
    """Posts read of one topic at most (connector default 200)."""
    profile_lookups: int | None = Field(default=None, ge=0, le=500)
    """Author profiles (post counts) read per sync (connector default 20)."""
    timeout_seconds: float | None = Field(default=None, gt=0, le=300)
    """Per-request timeout (connector default 20)."""
    recheck_topics: int | None = Field(default=None, ge=0, le=50)
    """Topics already read that each sync re-reads for edits and deletions (default 3, 1 with a user key)."""
    max_notification_pages: int | None = Field(default=None, ge=1, le=50)
    """Notification pages read per sync (connector default 5)."""
    max_listing_pages: int | None = Field(default=None, ge=1, le=20)
    """Category and latest listing pages followed per sync (connector default 3)."""

    requires_base_url: ClassVar[bool] = True

    @field_validator("api_username")
    @classmethod
    def _username_for_admin_key(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("auth") == "admin_key":
            raise PydanticCustomError("missing", "required when auth is 'admin_key'")
        return value


PlatformAccount = FeedAccount | XAccount | LinkedInAccount | DiscourseAccount
AnyAccount = Annotated[PlatformAccount, Field(discriminator="platform")]
ACCOUNT_CLASSES: dict[str, type[Account]] = {
    "feed": FeedAccount,
    "x": XAccount,
    "linkedin": LinkedInAccount,
    "discourse": DiscourseAccount,
}


class Config(BaseModel):
    """The whole of config.toml: `[settings]` and `[[accounts]]`."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    settings: Settings = Field(default_factory=Settings)
    accounts: list[AnyAccount] = Field(default_factory=list)
    people: PeopleSettings = Field(default_factory=PeopleSettings)
    keys: dict[str, KeyList] = Field(default_factory=dict)
    """`[keys]`: binding id -> keys, e.g. "triage.done" = "e,d" (docs/keys.md lists the ids)."""
    rules: list[Rule] = Field(default_factory=list)
    """`[[rules]]`: applied in order to new inbound posts at sync time (docs/rules.md)."""

    @model_validator(mode="after")
    def _rules_refer_to_accounts(self) -> Config:
        check_rules(self.rules, [account.name for account in self.accounts])
        return self

    @field_validator("accounts")
    @classmethod
    def _unique_names(cls, accounts: list[Account]) -> list[Account]:
        seen: dict[str, int] = {}
        for index, account in enumerate(accounts):
            if account.name in seen:
                raise PydanticCustomError(
                    "duplicate_account_name",
                    "account name '{name}' is already used by accounts[{first}]",
                    {"name": account.name, "index": index, "first": seen[account.name]},
                )
            seen[account.name] = index
        return accounts

    def account(self, name: str) -> Account:
        """Return the account called `name`, or raise KeyError."""
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(name)

    @property
    def enabled_accounts(self) -> list[Account]:
        """Accounts with `enabled = true`, in file order."""
        return [account for account in self.accounts if account.enabled]


def validate_account(data: Mapping[str, Any]) -> PlatformAccount:
    """Validate one account's table (raises pydantic.ValidationError)."""
    config = Config.model_validate({"accounts": [dict(data)]})
    return config.accounts[0]


# --- errors -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake in a config file: where it is and what is wrong."""

    line: int
    field: str
    message: str


class ConfigError(UserError):
    """An unreadable or invalid config file; str() is one `file:line: field: message` line per problem."""

    def __init__(self, path: Path, problems: Sequence[ConfigProblem]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__(
            "\n".join(
                f"{path}:{p.line}: {p.field + ': ' if p.field else ''}{p.message}" for p in self.problems
            )
        )


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a key path like `accounts[1].platform`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def normalize_error(
    error: Mapping[str, Any], account_platforms: Sequence[object] = ()
) -> tuple[tuple[str | int, ...], str]:
    """Turn one pydantic error of a Config into (key path as written in TOML, readable message).

    `account_platforms` gives the `platform` value of each account as written, for hints on unknown keys.
    """
    loc: tuple[str | int, ...] = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    # A discriminated union puts the tag in the path: accounts.0.feed.feeds -> accounts.0.feeds.
    if len(loc) >= 3 and loc[0] == "accounts" and isinstance(loc[1], int) and loc[2] in PLATFORMS:
        loc = loc[:2] + loc[3:]
    choices = ", ".join(repr(p) for p in PLATFORMS[:-1]) + f" or {PLATFORMS[-1]!r}"
    message = str(error["msg"])
    if kind == "duplicate_account_name":
        loc = ("accounts", int(ctx["index"]), "name")
    elif kind in ("duplicate_rule_name", "unknown_rule_account"):
        loc = rule_error_loc(ctx)
    elif kind == "union_tag_invalid":
        loc = (*loc, "platform")
        message = f"Input should be {choices}"
    elif kind == "union_tag_not_found":
        loc = (*loc, "platform")
        message = f"required key missing (one of {choices})"
    elif kind == "missing":
        message = "required key missing" if message == "Field required" else message
    elif kind == "extra_forbidden":
        message = "unknown key" + _suggestion(loc, account_platforms)
    elif message.startswith(("Value error, ", "Assertion failed, ")):
        message = message.split(", ", 1)[1]
    return loc, message


def _suggestion(loc: tuple[str | int, ...], account_platforms: Sequence[object]) -> str:
    """A hint for an unknown key: the close known key, or where secrets belong."""
    key = str(loc[-1]) if loc else ""
    if _SECRET_LIKE_KEY.search(key) and not key.endswith("_env"):
        return "; secrets do not belong in config.toml: use `cockpit accounts login NAME`"
    known: list[str] = []
    if len(loc) == 1:
        if key in Settings.model_fields:
            return f"; settings go under [settings]: move {key} there"
        known = list(Config.model_fields)
    elif loc[0] == "settings":
        known = list(Settings.model_fields)
    elif loc[0] == "rules" and len(loc) == 3:
        known = list(Rule.model_fields)
    elif loc[0] == "accounts" and len(loc) == 3 and isinstance(loc[1], int):
        platform = account_platforms[loc[1]] if loc[1] < len(account_platforms) else None
        cls = ACCOUNT_CLASSES.get(platform) if isinstance(platform, str) else None
        known = list(cls.model_fields) if cls else []
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    owners = [name for name, cls in ACCOUNT_CLASSES.items() if key in cls.model_fields]
    where = (
        f"{key} is for {' and '.join(owners)} accounts; "
        if owners and loc[:1] == ("accounts",) and len(loc) == 3
        else ""
    )
    return f" ({where}known keys: {', '.join(known)})" if known else ""


# --- TOML positions ----------------------------------------------------------------------------------


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\n#]*")


class _TomlPositions:
    """A scanner of already-valid TOML that records the position of every key path it meets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[tuple[str | int, ...], int] = {}
        self.array_counts: dict[tuple[str | int, ...], int] = {}

    def scan(self) -> dict[tuple[str | int, ...], int]:
        table: tuple[str | int, ...] = ()
        try:
            while True:
                self._skip_blank(newlines=True)
                if self.pos >= len(self.text):
                    break
                start = self.pos
                if self.text.startswith("[[", self.pos):
                    self.pos += 2
                    keys = self._key()
                    self.pos = self.text.index("]]", self.pos) + 2
                    parent = self._resolve(keys[:-1])
                    array = (*parent, keys[-1])
                    count = self.array_counts.get(array, 0)
                    self.array_counts[array] = count + 1
                    table = (*array, count)
                    self.found.setdefault(array, start)
                    self.found[table] = start
                elif self.text.startswith("[", self.pos):
                    self.pos += 1
                    keys = self._key()
                    self.pos = self.text.index("]", self.pos) + 1
                    table = self._resolve(keys)
                    self.found.setdefault(table, start)
                else:
                    keys = self._key()
                    for depth in range(1, len(keys)):
                        self.found.setdefault((*table, *keys[:depth]), start)
                    self._skip_blank()
                    self.pos += 1  # '='
                    self._skip_blank()
                    self._value((*table, *keys), start)
                self._skip_to_line_end()
        except (ValueError, IndexError):
            pass  # best effort: what was found so far still locates most errors
        return self.found

    def _resolve(self, keys: Sequence[str]) -> tuple[str | int, ...]:
        path: tuple[str | int, ...] = ()
        for key in keys:
            path = (*path, key)
            if path in self.array_counts:
                path = (*path, self.array_counts[path] - 1)
        return path

    def _skip_blank(self, newlines: bool = False) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#" and newlines:
                self._skip_to_line_end()
            else:
                break

    def _skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def _key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_blank()
            char = self.text[self.pos]
            if char in "\"'":
                start = self.pos + 1
                self._string()
                keys.append(self.text[start : self.pos - 1])
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("not a key")
                keys.append(match.group())
                self.pos = match.end()
            self._skip_blank()
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _string(self) -> None:
        """Move past the string that starts at pos (basic, literal, or multi-line of either)."""
        text = self.text
        quote = text[self.pos]
        if text.startswith(quote * 3, self.pos):
            self.pos += 3
            while not text.startswith(quote * 3, self.pos):
                if quote == '"' and text[self.pos] == "\\":
                    self.pos += 1
                self.pos += 1
                if self.pos >= len(text):
                    raise ValueError("unterminated string")
            self.pos += 3
            while self.pos < len(text) and text[self.pos] == quote:  # up to two quotes end the content
                self.pos += 1
            return
        self.pos += 1
        while text[self.pos] != quote:
            if quote == '"' and text[self.pos] == "\\":
                self.pos += 1
            self.pos += 1
        self.pos += 1

    def _value(self, path: tuple[str | int, ...], key_start: int) -> None:
        self.found[path] = key_start
        text = self.text
        char = text[self.pos]
        if char in "\"'":
            self._string()
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if text[self.pos] == "]":
                    self.pos += 1
                    return
                self._value((*path, index), self.pos)
                index += 1
                self._skip_blank(newlines=True)
                if text[self.pos] == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self._skip_blank()
                if text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                keys = self._key()
                self.pos += 1  # '='
                self._skip_blank()
                self._value((*path, *keys), start)
                self._skip_blank()
                if text[self.pos] == ",":
                    self.pos += 1
        else:
            match = _SCALAR.match(text, self.pos)
            self.pos = match.end() if match else self.pos + 1


def toml_key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Map every key path in a valid TOML text to its 1-based line (array-of-tables entries get indices)."""
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    positions = _TomlPositions(text).scan()
    return {path: bisect.bisect_right(starts, pos) for path, pos in positions.items()}


def line_of(lines: Mapping[tuple[str | int, ...], int], loc: Sequence[str | int]) -> int:
    """The line of `loc`, else of its nearest enclosing key that appears in the file, else 1."""
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


# --- load and save -----------------------------------------------------------------------------------


def load_config(home: Path) -> Config:
    """Read `config.toml` in `home`; a missing file gives defaults with no accounts; raises ConfigError."""
    path = config_path(home)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(path, [ConfigProblem(1, "", f"cannot read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(path, [ConfigProblem(line, "", "not UTF-8 text")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [_syntax_problem(str(error), text)]) from None
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(path, _problems(error, data, text)) from None


def _syntax_problem(message: str, text: str) -> ConfigProblem:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return ConfigProblem(
            int(match.group(1)), "", f"invalid TOML: {message[: match.start()]} (column {match.group(2)})"
        )
    end = re.search(r"\s*\(at end of document\)$", message)
    bare = message[: end.start()] if end else message
    return ConfigProblem(
        max(1, text.count("\n") + (0 if text.endswith("\n") else 1)), "", f"invalid TOML: {bare}"
    )


def _problems(error: ValidationError, data: Mapping[str, Any], text: str) -> list[ConfigProblem]:
    lines = toml_key_lines(text)
    accounts = data.get("accounts")
    platforms = [
        entry.get("platform") if isinstance(entry, dict) else None
        for entry in (accounts if isinstance(accounts, list) else [])
    ]
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        loc, message = normalize_error(item, platforms)
        problems.append(ConfigProblem(line_of(lines, loc), format_loc(loc), message))
    problems.sort(key=lambda problem: problem.line)
    return problems


def dump_config(config: Config) -> str:
    """Render `config` as TOML: only keys that were set, `[settings]` first, then one `[[accounts]]` each."""
    data = config.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    chunks = [
        "# Cockpit configuration: see docs/configuration.md for every key.\n"
        "# Secrets are not kept here: `cockpit accounts login NAME` stores them in the system keyring.\n"
    ]
    if data.get("settings"):
        chunks.append("[settings]\n" + _toml_pairs(data["settings"]))
    if data.get("people"):
        chunks.append("[people]\n" + _toml_pairs(data["people"]))
    if data.get("keys"):  # binding ids hold dots: quoted keys
        keys = data["keys"].items()
        chunks.append("[keys]\n" + "".join(f"{_toml_value(k)} = {_toml_value(v)}\n" for k, v in keys))
    for account in data.get("accounts", []):
        chunks.append("[[accounts]]\n" + _toml_pairs(account))
    for rule in data.get("rules", []):
        chunks.append("[[rules]]\n" + _toml_pairs(rule))
    return "\n".join(chunks)


def _toml_pairs(table: Mapping[str, Any]) -> str:
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in table.items())


def _toml_value(value: Any) -> str:
    """One TOML value: scalars through tomli_w, lists inline when short, else one item per line."""
    import tomli_w

    if isinstance(value, list):
        items = [_toml_value(item) for item in value]
        inline = "[" + ", ".join(items) + "]"
        if len(inline) <= 80:
            return inline
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    if isinstance(value, dict) and all(not isinstance(item, dict | list) for item in value.values()):
        return "{ " + ", ".join(tomli_w.dumps({k: v}).rstrip("\n") for k, v in value.items()) + " }"
    if isinstance(value, dict):
        raise TypeError("nested tables are not part of the config format")
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


def save_config(home: Path, config: Config) -> Path:
    """Write `config` to config.toml atomically (a temp file renamed over it) and return the path."""
    text = dump_config(config)
    Config.model_validate(tomllib.loads(text))  # never write a file we could not read back
    path = config_path(home)
    write_config_text(path, text)
    return path


def write_config_text(path: Path, text: str) -> None:
    """Replace the file at `path` with `text` atomically, keeping its permissions (0600 for a new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
