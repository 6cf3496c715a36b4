"""`cockpit accounts`: add, list, remove, log in to and test the accounts in config.toml."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from cockpit.config import Account, Config
    from connectors.models import Page

# Kept here (not imported from cockpit.config) so that building the parser does not import pydantic.
PLATFORM_CHOICES = ("feed", "x", "linkedin", "discourse")
SECRET_KINDS = {
    "feed": "the WordPress application password (only needed to reply through the WordPress REST API)",
    "x": "an OAuth 2.0 access token, or the JSON token set",
    "linkedin": "an OAuth 2.0 access token, or the JSON token set",
    "discourse": 'the API key (an admin key, or a user API key with auth = "user_api_key")',
}
OAUTH_NOTE = (
    "OAuth sign-in for LinkedIn comes with its connector; until then, paste a token you obtained "
    "yourself (an access token, or the JSON token set)."
)
_PROMPTS = {
    "platform": "Platform (feed, x, linkedin, discourse): ",
    "base_url": "Forum URL (for example https://forum.example.com): ",
    "feeds": "Feed URL (empty line when done): ",
    "api_username": "Discourse user the admin API key acts as: ",
}

ADD_EPILOG = """\
examples:
  cockpit accounts add blog --platform feed --feed https://example.com/feed/ --feed https://example.com/comments/feed/
  cockpit accounts add forum --platform discourse --base-url https://forum.example.com \\
      --option api_username=system --option categories=support --secret-stdin < api-key.txt
  cockpit accounts add acme-x --platform x --option searches='"acme cockpit" -is:retweet'
  cockpit accounts add acme-li --platform linkedin --option organization=urn:li:organization:123

Every key of docs/configuration.md can be given with --option KEY=VALUE; repeat it for list keys
(feeds, searches, categories). On a terminal, missing required values are asked for; otherwise (scripts,
pipes, --no-input) a missing value is an error that names the flag to add.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `accounts` command and its actions."""
    parser = subparsers.add_parser(
        "accounts",
        help="add, list, remove, log in to and test accounts",
        description=(
            "Manage the accounts the cockpit reads from and replies as. Accounts live in config.toml in "
            "the data directory; their secrets live in the system keyring (or, without one, in "
            "credentials.json readable only by you), and COCKPIT_SECRET_<NAME> overrides both."
        ),
    )
    parser.set_defaults(func=run, accounts_action=None, accounts_parser=parser)
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="accounts_action")

    add = actions.add_parser(
        "add",
        help="add an account to config.toml",
        description=(
            "Add an account to config.toml after checking it against the same rules as the file.\n"
            "Secrets are never taken from the command line: pipe one with --secret-stdin, or run\n"
            "`cockpit accounts login NAME` afterwards."
        ),
        epilog=ADD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("name", metavar="NAME", help="a unique name: lower-case letters, digits, '-' and '_'")
    add.add_argument("--platform", choices=PLATFORM_CHOICES, help="which platform the account is on")
    add.add_argument(
        "--base-url",
        metavar="URL",
        help="API base URL: the forum's URL for discourse (required); defaults to https://api.x.com for x "
        "and https://api.linkedin.com for linkedin; for feed, the WordPress site used for replies",
    )
    add.add_argument(
        "--feed", metavar="URL", action="append", default=[], help="a feed URL to follow (repeat; feed only)"
    )
    add.add_argument(
        "--option",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="a platform option such as api_username=system or searches=QUERY (repeat for lists)",
    )
    add.add_argument("--disabled", action="store_true", help="add the account with enabled = false")
    add.add_argument(
        "--secret-stdin", action="store_true", help="read the account's secret from standard input"
    )
    add.add_argument("--no-input", action="store_true", help="never prompt, even on a terminal")

    actions.add_parser(
        "list",
        help="show the accounts and where their secrets live",
        description=(
            "One line per account: name, platform, API base URL (or how many feeds), whether it is "
            "enabled, and where its secret lives: env (COCKPIT_SECRET_<NAME>), keyring, file "
            "(credentials.json) or none. Secrets themselves are never shown."
        ),
    )

    remove = actions.add_parser(
        "remove",
        help="remove an account and its stored secret",
        description=(
            "Remove an account from config.toml and delete its secret from the keyring and "
            "credentials.json, after confirmation (or with --yes). Its conversations, posts and people "
            "stay in the database."
        ),
    )
    remove.add_argument("name", metavar="NAME", help="the account to remove")
    remove.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

    login = actions.add_parser(
        "login",
        help="store the secret an account signs in with",
        description=(
            "Sign an account in and store its secret in the system keyring (or credentials.json without "
            "one). X accounts sign in through the browser (OAuth 2.0 with PKCE; tokens refresh by "
            'themselves); Discourse accounts with auth = "user_api_key" are authorised by the forum '
            "(User API key). Other secrets (a Discourse admin key, a WordPress application password, a "
            "LinkedIn token for now) are read without echo from the terminal, or from standard input with "
            "--secret-stdin; never from the command line."
        ),
    )
    login.add_argument("name", metavar="NAME", help="the account to store a secret for")
    login.add_argument("--secret-stdin", action="store_true", help="read the secret from standard input")
    login.add_argument(
        "--no-browser", action="store_true", help="OAuth sign-in: print the address, open no browser"
    )
    login.add_argument(
        "--paste-token", action="store_true", help="X/LinkedIn: paste a token instead of signing in"
    )

    test = actions.add_parser(
        "test",
        help="fetch one page from an account to check its settings and secret",
        description=(
            "Build the account's connector and fetch one page from its API (or first feed), then print "
            "OK with what came back, or the error and how to fix it. Nothing is stored. Exits with "
            "status 1 when the account does not work."
        ),
    )
    test.add_argument("name", metavar="NAME", help="the account to test")

    importer = actions.add_parser(
        "import-opml",
        help="add the feeds of an OPML file (from a feed reader) to a feed account",
        description=(
            "Read the feeds listed in an OPML file, as feed readers export them, and add them to a feed "
            "account (created if it does not exist). Feeds the account already follows are skipped; "
            "entries that are not absolute http(s) URLs are reported and skipped."
        ),
    )
    importer.add_argument("file", metavar="FILE", help="the OPML file to read")
    importer.add_argument(
        "--account", default="blogs", metavar="NAME", help="the feed account to add to (default: blogs)"
    )
    importer.add_argument("--dry-run", action="store_true", help="show what would be added, change nothing")

    exporter = actions.add_parser(
        "export-opml",
        help="write the feeds you follow as OPML on standard output",
        description=(
            "Write the feeds of every feed account (or of one, with --account) as an OPML 2.0 document "
            "on standard output, one folder per account, for import into a feed reader."
        ),
    )
    exporter.add_argument("--account", metavar="NAME", help="only this feed account")
    test.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="give up after this long (default 30)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one `cockpit accounts` action."""
    from cockpit.paths import resolve_home

    action = args.accounts_action
    if action is None:
        args.accounts_parser.print_help()
        return 2
    home = resolve_home(args.home)
    handlers = {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "login": _login,
        "test": _test,
        "import-opml": _import_opml,
        "export-opml": _export_opml,
    }
    return handlers[action](args, home)


# --- helpers ------------------------------------------------------------------------------------------


def _command_error(message: str, status: int = 2) -> Exception:
    from cockpit.cli import CommandError

    return CommandError(message, status)


def _load(home: Path) -> Config:
    from cockpit.config import ConfigError, load_config

    try:
        return load_config(home)
    except ConfigError as error:
        raise _command_error(str(error)) from None


def _save(home: Path, config: Config) -> Path:
    from cockpit.config import save_config
    from cockpit.paths import config_path

    try:
        return save_config(home, config)
    except OSError as error:
        raise _command_error(f"cannot write {config_path(home)}: {error.strerror}", 1) from None


def _find(config: Config, name: str) -> Account:
    try:
        return config.account(name)
    except KeyError:
        known = ", ".join(account.name for account in config.accounts) or "none yet"
        raise _command_error(f"no account named {name!r} (accounts: {known})") from None


def _interactive(args: argparse.Namespace) -> bool:
    return sys.stdin.isatty() and not getattr(args, "no_input", False)


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        raise _command_error("input ended before the account was complete") from None


def _secret_from_stdin(name: str) -> str:
    """The secret for --secret-stdin: standard input, or a hidden prompt when stdin is a terminal."""
    if sys.stdin.isatty():
        return _prompt_secret(name)
    secret = sys.stdin.read().strip()
    if not secret:
        raise _command_error("--secret-stdin: standard input was empty")
    return secret


def _prompt_secret(name: str) -> str:
    import getpass

    try:
        secret = getpass.getpass(f"Secret for {name} (input hidden): ").strip()
    except EOFError:
        secret = ""
    if not secret:
        raise _command_error("no secret entered: nothing stored")
    return secret


def _store_secret(home: Path, name: str, secret: str) -> str:
    from cockpit.credentials import CredentialsError, credentials_path, set_secret

    try:
        where = set_secret(home, name, secret)
    except (CredentialsError, OSError) as error:
        message = error.strerror if isinstance(error, OSError) else str(error)
        raise _command_error(f"could not store the secret for {name}: {message}", 1) from None
    return "the system keyring" if where == "keyring" else str(credentials_path(home))


def _env_override_note(name: str) -> str:
    import os

    from cockpit.credentials import env_var_name

    variable = env_var_name(name)
    if os.environ.get(variable):
        return f"Note: {variable} is set in your environment and overrides the stored secret."
    return ""


_FLAGS = {"name": "NAME", "platform": "--platform", "base_url": "--base-url", "feeds": "--feed"}


def _flag(field: str) -> str:
    return _FLAGS.get(field, f"--option {field}=...")


def _option_values(platform: str, options: list[str]) -> dict[str, Any]:
    """Turn `--option key=value` flags into a dict; keys whose type is a list collect repeated values."""
    import typing

    from cockpit.config import ACCOUNT_CLASSES

    fields = ACCOUNT_CLASSES[platform].model_fields
    values: dict[str, Any] = {}
    for item in options:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise _command_error(f"--option {item!r}: write it as KEY=VALUE")
        if key in ("name", "platform"):
            raise _command_error(f"--option {key}: give it as {_flag(key)}")
        field = fields.get(key)
        is_list = field is not None and typing.get_origin(field.annotation) is list
        if is_list:
            values.setdefault(key, []).append(value)
        elif key in values:
            raise _command_error(f"--option {key} was given twice")
        else:
            values[key] = value
    return values


# --- add ----------------------------------------------------------------------------------------------


def _add(args: argparse.Namespace, home: Path) -> int:
    from pydantic import ValidationError

    from cockpit.config import normalize_error, validate_account

    config = _load(home)
    name = args.name
    if any(account.name == name for account in config.accounts):
        raise _command_error(
            f"an account named {name!r} already exists: pick another name, or run "
            f"`cockpit accounts remove {name}` first"
        )
    interactive = _interactive(args)
    platform = args.platform
    while platform is None:
        if not interactive:
            raise _command_error(f"--platform is required: one of {', '.join(PLATFORM_CHOICES)}")
        answer = _ask(_PROMPTS["platform"]).lower()
        platform = answer if answer in PLATFORM_CHOICES else None
    secret = _secret_from_stdin(name) if args.secret_stdin else None

    values: dict[str, Any] = {"name": name, "platform": platform}
    if args.base_url is not None:
        values["base_url"] = args.base_url
    values.update(_option_values(platform, args.option))
    if args.feed:
        values["feeds"] = [*values.get("feeds", []), *args.feed]
    if args.disabled:
        values["enabled"] = False

    asked: dict[str, int] = {}
    while True:
        try:
            account = validate_account(values)
            break
        except ValidationError as error:
            problems = [normalize_error(item, [platform]) for item in error.errors(include_input=False)]
            fields = [(str(loc[2]) if len(loc) > 2 else "", message) for loc, message in problems]
            field, message = fields[0]
            promptable = all(name in _PROMPTS for name, _ in fields)
            if not interactive or not promptable or asked.get(field, 0) >= 3:
                lines = [f"{_flag(name) if name else 'account'}: {text}" for name, text in fields]
                raise _command_error("cannot add the account: " + "; ".join(lines)) from None
            if field in values:  # a value was given but is wrong: say why before asking again
                print(f"{_flag(field)}: {message}", file=sys.stderr)
            asked[field] = asked.get(field, 0) + 1
            values[field] = _prompt_value(field)

    config.accounts = [*config.accounts, account]
    path = _save(home, config)
    print(f"Added {name} ({platform}) to {path}.")
    if secret is not None:
        where = _store_secret(home, name, secret)
        print(f"Stored its secret in {where}.")
        note = _env_override_note(name)
        if note:
            print(note)
        print(f"Check it with `cockpit accounts test {name}`.")
    elif platform == "feed" and "wordpress_user" not in values:
        print(f"Check it with `cockpit accounts test {name}`.")
    else:
        print(
            f"Next: `cockpit accounts login {name}` to store its secret, then `cockpit accounts test {name}`."
        )
    return 0


def _prompt_value(field: str) -> Any:
    if field != "feeds":
        return _ask(_PROMPTS[field])
    feeds: list[str] = []
    while True:
        url = _ask(_PROMPTS["feeds"])
        if not url:
            return feeds
        feeds.append(url)


# --- list ---------------------------------------------------------------------------------------------


def _list(args: argparse.Namespace, home: Path) -> int:
    from cockpit.credentials import CredentialsError, secret_source

    config = _load(home)
    if not config.accounts:
        print("No accounts yet: add one with `cockpit accounts add NAME --platform PLATFORM`.")
        return 0
    rows = [("NAME", "PLATFORM", "WHERE", "ENABLED", "SECRET")]
    for account in config.accounts:
        feeds = account.options.get("feeds")
        if isinstance(feeds, list):
            where = f"{len(feeds)} feed{'s' if len(feeds) != 1 else ''}"
            if account.base_url:
                where += f" + {account.base_url}"
        else:
            where = account.effective_base_url
        source: str
        try:
            source = secret_source(home, account.name) or "none"
        except CredentialsError:
            source = "unreadable"
        rows.append((account.name, account.platform, where, "yes" if account.enabled else "no", source))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


# --- remove -------------------------------------------------------------------------------------------


def _remove(args: argparse.Namespace, home: Path) -> int:
    from cockpit.credentials import CredentialsError, delete_secret
    from cockpit.paths import config_path, db_path

    config = _load(home)
    account = _find(config, args.name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise _command_error(f"removing {account.name} needs confirmation: add --yes")
        answer = _ask(f"Remove {account.name} from {config_path(home)} and delete its stored secret? [y/N] ")
        if answer.lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 1
    config.accounts = [other for other in config.accounts if other.name != account.name]
    path = _save(home, config)
    print(f"Removed {account.name} from {path}.")
    try:
        deleted = delete_secret(home, account.name)
        print("Deleted its stored secret." if deleted else "It had no stored secret.")
    except (CredentialsError, OSError) as error:
        message = error.strerror if isinstance(error, OSError) else str(error)
        print(f"Could not delete its stored secret: {message}", file=sys.stderr)
    note = _env_override_note(account.name)
    if note:
        print(note.replace("overrides the stored secret", "still holds its secret"))
    print(f"Its conversations, posts and people stay in the database ({db_path(home)}).")
    return 0


# --- login --------------------------------------------------------------------------------------------


def _login(args: argparse.Namespace, home: Path) -> int:
    from cockpit.logins import flow_for

    config = _load(home)
    account = _find(config, args.name)
    flow = None if args.secret_stdin else flow_for(account.platform)
    # A platform's sign-in flow returns the secret to store, or None when the user prefers to paste one.
    secret = flow.run(home, account, args) if flow is not None else None
    if secret is None:
        if flow is None and account.platform in ("x", "linkedin"):
            print(OAUTH_NOTE, file=sys.stderr)
        secret = _pasted_secret(args, account.name, account.platform)
    where = _store_secret(home, account.name, secret)
    print(f"Stored the secret for {account.name} in {where}.")
    note = _env_override_note(account.name)
    if note:
        print(note)
    print(f"Check it with `cockpit accounts test {account.name}`.")
    return 0


def _pasted_secret(args: argparse.Namespace, name: str, platform: str) -> str:
    if args.secret_stdin:
        return _secret_from_stdin(name)
    if sys.stdin.isatty():
        print(f"The secret for {name} is {SECRET_KINDS[platform]}.", file=sys.stderr)
        return _prompt_secret(name)
    raise _command_error("login reads the secret from a terminal; in scripts, pipe it with --secret-stdin")


# --- test ---------------------------------------------------------------------------------------------


def _redact(text: str, secret: str | None) -> str:
    """Replace any occurrence of the secret in `text` (a connector's message) with ***."""
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    return text


def _test(args: argparse.Namespace, home: Path) -> int:
    import asyncio

    from cockpit.credentials import CredentialsError, get_secret
    from connectors.errors import ConnectorError

    config = _load(home)
    account = _find(config, args.name)
    try:
        from connectors.registry import connector_class
    except ImportError:
        raise _command_error("this build has no connectors yet (connectors.registry is missing)", 1) from None
    try:
        cls = connector_class(account.platform)
    except (KeyError, ValueError, LookupError):
        raise _command_error(f"no connector for platform {account.platform!r} in this build", 1) from None
    try:
        secret = get_secret(home, account.name)
    except CredentialsError as error:
        raise _command_error(str(error), 1) from None
    if secret is None and (account.platform != "feed" or "wordpress_user" in account.model_fields_set):
        print(
            f"note: no secret stored for {account.name}: run `cockpit accounts login {account.name}`",
            file=sys.stderr,
        )
    label = f"{account.name} ({account.platform}{', disabled' if not account.enabled else ''})"
    where = account.effective_base_url or "its feeds"
    try:
        page = asyncio.run(_probe(cls, account, secret, args.timeout))
    except ConnectorError as error:
        return _failed(label, where, error.message, error.fix, secret)
    except TimeoutError:
        print(f"FAILED: {label}: no answer from {where} within {args.timeout:g} s", file=sys.stderr)
        return 1
    except Exception as error:  # a connector bug: still one line, never the secret
        detail = _redact(str(error), secret)
        print(f"FAILED: {label}: unexpected {type(error).__name__}: {detail}", file=sys.stderr)
        return 1
    if page is None:
        print(f"OK: {label} at {where}: answered; nothing to fetch")
        return 0
    # A connector may report a stream it could not read on the page itself (`Page.error`).
    stream_error = getattr(page, "error", None)
    if stream_error is not None and page.cursor is None:
        return _failed(
            label, f"{where} (stream {page.stream!r})", stream_error.message, stream_error.fix, secret
        )
    count = len(page.posts)
    print(f"OK: {label} at {where}: fetched {count} post{'s' if count != 1 else ''} (stream {page.stream!r})")
    if stream_error is not None:
        print(f"warning: part of it could not be read: {_redact(str(stream_error), secret)}", file=sys.stderr)
    return 0


def _failed(label: str, where: str, message: str, fix: str, secret: str | None) -> int:
    print(f"FAILED: {label} at {where}: {_redact(message, secret)}", file=sys.stderr)
    if fix:
        print(f"fix: {_redact(fix, secret)}", file=sys.stderr)
    return 1


async def _probe(cls: Any, account: Account, secret: str | None, timeout: float) -> Page | None:
    """Fetch the first page of the account's connector (None when it has nothing to fetch)."""
    import asyncio

    connector = cls(
        account=account.name, base_url=account.effective_base_url, secret=secret, options=account.options
    )
    try:
        pages = connector.fetch({})
        try:
            async with asyncio.timeout(timeout):
                page: Page = await anext(pages)
        except StopAsyncIteration:
            return None
        finally:
            close = getattr(pages, "aclose", None)
            if close is not None:
                await close()
    finally:
        await connector.aclose()
    return page


# --- OPML ---------------------------------------------------------------------------------------------


def _import_opml(args: argparse.Namespace, home: Path) -> int:
    from pathlib import Path

    from pydantic import ValidationError

    from cockpit.config import FeedAccount, validate_account
    from connectors.feed.opml import OpmlError, read_opml

    try:
        listed = read_opml(Path(args.file))
    except OpmlError as error:
        raise _command_error(str(error)) from None
    config = _load(home)
    existing = next((account for account in config.accounts if account.name == args.account), None)
    if existing is not None and not isinstance(existing, FeedAccount):
        raise _command_error(
            f"{args.account} is a {existing.platform} account; choose a feed account with --account"
        )
    following = list(existing.feeds) if isinstance(existing, FeedAccount) else []
    added: list[str] = []
    skipped: list[str] = []
    for feed in listed:
        if feed.url in following or feed.url in added:
            continue
        try:
            validate_account({"name": "probe", "platform": "feed", "feeds": [feed.url]})
        except ValidationError:
            skipped.append(feed.url)
            continue
        added.append(feed.url)
    for url in skipped:
        print(f"skipped (not an absolute http(s) URL): {url}", file=sys.stderr)
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {len(added)} feed(s) to {args.account}; {len(listed) - len(added) - len(skipped)} already followed"
    )
    if args.dry_run or not added:
        for url in added:
            print(f"  {url}")
        return 0
    if isinstance(existing, FeedAccount):
        updated = existing.model_copy(update={"feeds": [*following, *added]})
        config.accounts = [updated if account is existing else account for account in config.accounts]
    else:
        config.accounts = [
            *config.accounts,
            validate_account({"name": args.account, "platform": "feed", "feeds": added}),
        ]
    _save(home, config)
    return 0


def _export_opml(args: argparse.Namespace, home: Path) -> int:
    from cockpit.config import FeedAccount
    from connectors.feed.opml import OpmlFeed, write_opml

    config = _load(home)
    accounts = [account for account in config.accounts if isinstance(account, FeedAccount)]
    if args.account:
        accounts = [account for account in accounts if account.name == args.account]
        if not accounts:
            raise _command_error(f"no feed account named {args.account!r}")
    feeds = [OpmlFeed(url=str(url), category=account.name) for account in accounts for url in account.feeds]
    sys.stdout.write(write_opml(feeds))
    return 0
