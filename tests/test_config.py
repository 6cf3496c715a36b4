"""config.toml: defaults, every platform's account, errors that name file:line:field, and atomic saving."""

from __future__ import annotations

import os
import re
import textwrap
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.config import (
    Config,
    ConfigError,
    DiscourseAccount,
    FeedAccount,
    LinkedInAccount,
    Settings,
    XAccount,
    dump_config,
    load_config,
    save_config,
    system_timezone,
    toml_key_lines,
    validate_account,
)
from cockpit.paths import config_path

VALID = """\
# My cockpit
[settings]
sync_interval = 120
theme = "nord"
timezone = "Europe/Paris"
daily_outreach_limit = 3
undo_depth = 50

[[accounts]]
name = "blog"
platform = "feed"
feeds = ["https://example.com/feed/", "https://example.com/comments/feed/"]

[[accounts]]
name = "acme-x"
platform = "x"
client_id = "abc123"
client_secret_env = "ACME_X_CLIENT_SECRET"
searches = ["\\"acme cockpit\\" -is:retweet"]

[[accounts]]
name = "acme-li"
platform = "linkedin"
organization = "urn:li:organization:2414183"
linkedin_version = "202506"

[[accounts]]
name = "forum"
platform = "discourse"
base_url = "https://forum.example.com"
api_username = "system"
categories = ["support"]
searches = ["cockpit"]
enabled = false
"""


def write(home: Path, text: str) -> Path:
    path = config_path(home)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(home: Path, text: str) -> ConfigError:
    write(home, text)
    with pytest.raises(ConfigError) as caught:
        load_config(home)
    return caught.value


def test_missing_file_gives_defaults_and_no_accounts(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.accounts == []
    assert config.settings.sync_interval == 300
    assert config.settings.theme == "textual-dark"
    assert config.settings.daily_outreach_limit == 5
    assert config.settings.undo_depth == 100
    assert config.settings.timezone == system_timezone()


def test_a_full_file_gives_typed_accounts_for_every_platform(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    config = load_config(tmp_path)
    assert config.settings == Settings(
        sync_interval=120, theme="nord", timezone="Europe/Paris", daily_outreach_limit=3, undo_depth=50
    )
    blog, x, linkedin, forum = config.accounts
    assert isinstance(blog, FeedAccount) and isinstance(x, XAccount)
    assert isinstance(linkedin, LinkedInAccount) and isinstance(forum, DiscourseAccount)
    assert blog.options == {"feeds": ["https://example.com/feed/", "https://example.com/comments/feed/"]}
    assert blog.effective_base_url == ""
    assert x.effective_base_url == "https://api.x.com"
    assert x.options == {
        "client_id": "abc123",
        "client_secret_env": "ACME_X_CLIENT_SECRET",
        "searches": ['"acme cockpit" -is:retweet'],
    }
    assert linkedin.effective_base_url == "https://api.linkedin.com"
    assert linkedin.options["organization"] == "urn:li:organization:2414183"
    assert forum.effective_base_url == "https://forum.example.com"
    assert forum.options["auth"] == "admin_key"
    assert "name" not in forum.options and "base_url" not in forum.options
    assert [a.name for a in config.enabled_accounts] == ["blog", "acme-x", "acme-li"]
    assert config.account("forum") is forum
    with pytest.raises(KeyError):
        config.account("nope")


def test_feed_options_are_the_ones_the_feed_connector_reads() -> None:
    from connectors.feed.connector import FeedOptions

    values: dict[str, object] = {
        "feeds": ["https://e.com/feed"],
        "wordpress_user": "ana",
        "track_posts": 4,
        "comments_per_page": 50,
        "max_concurrency": 2,
        "timeout_seconds": 5.5,
        "retry_attempts": 2,
        "retry_wait_seconds": 0.1,
        "comment_overlap_seconds": 60,
    }
    account = validate_account({"name": "blog", "platform": "feed", **values})
    assert set(FeedAccount.model_fields) - {"name", "platform", "base_url", "enabled"} == set(values)
    assert FeedOptions.model_validate(account.options).model_dump(include=set(values)) == values
    assert FeedOptions.model_validate(
        validate_account({"name": "b", "platform": "feed", "feeds": ["https://e.com/f"]}).options
    )


def test_a_base_url_overrides_the_platform_default(tmp_path: Path) -> None:
    account = validate_account({"name": "sandbox-x", "platform": "x", "base_url": "http://127.0.0.1:8081"})
    assert account.effective_base_url == "http://127.0.0.1:8081"


def test_a_user_api_key_forum_needs_no_api_username() -> None:
    account = validate_account(
        {"name": "f", "platform": "discourse", "base_url": "https://f.example", "auth": "user_api_key"}
    )
    assert account.options == {"auth": "user_api_key", "categories": [], "searches": []}


# --- errors name the file, the line and the field -------------------------------------------------


def test_a_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[settings]\ntheme = "nord"\nsync_interval = = 3\n')
    assert str(error).startswith(f"{config_path(tmp_path)}:3: invalid TOML: ")
    assert "column" in str(error)


def test_a_syntax_error_at_the_end_of_the_file_names_its_last_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[settings]\ntheme = "nord"\ntheme = "dark"\n')
    assert str(error).startswith(f"{config_path(tmp_path)}:3: invalid TOML: Cannot overwrite a value")


def test_a_typo_in_a_key_is_caught_with_a_suggestion(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        """\
        [[accounts]]
        name = "blog"
        platform = "feed"
        feeds = ["https://example.com/feed/"]

        [[accounts]]
        name = "acme-x"
        platform = "x"
        serches = ["acme"]
        """,
    )
    assert str(error) == (
        f"{config_path(tmp_path)}:9: accounts[1].serches: unknown key (did you mean 'searches'?)"
    )


def test_a_setting_outside_settings_is_pointed_there(tmp_path: Path) -> None:
    error = error_of(tmp_path, "\n\nsync_interval = 60\n")
    assert str(error) == (
        f"{config_path(tmp_path)}:3: sync_interval: unknown key; settings go under [settings]: "
        "move sync_interval there"
    )


def test_a_wrong_type_names_the_setting(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[settings]\ntheme = "nord"\nundo_depth = "lots"\n')
    assert str(error) == (
        f"{config_path(tmp_path)}:3: settings.undo_depth: "
        "Input should be a valid integer, unable to parse string as an integer"
    )


def test_a_value_out_of_range_names_the_setting(tmp_path: Path) -> None:
    error = error_of(tmp_path, "[settings]\nsync_interval = 5\n")
    assert str(error) == (
        f"{config_path(tmp_path)}:2: settings.sync_interval: Input should be greater than or equal to 30"
    )


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[settings]\ntimezone = "Mars/Olympus"\n')
    assert str(error).startswith(f"{config_path(tmp_path)}:2: settings.timezone: unknown time zone")


def test_a_missing_required_key_points_at_its_account(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        """\
        [[accounts]]
        name = "blog"
        platform = "feed"
        feeds = ["https://example.com/feed/"]

        [[accounts]]
        platform = "x"
        """,
    )
    assert str(error) == f"{config_path(tmp_path)}:6: accounts[1].name: required key missing"


def test_a_bad_platform_lists_the_choices(tmp_path: Path) -> None:
    lines = ["[settings]", 'theme = "nord"', ""]
    lines += ["[[accounts]]", 'name = "blog"', 'platform = "feed"', 'feeds = ["https://e.com/f"]', ""]
    lines += ["[[accounts]]", 'name = "masto"', "", "", 'platform = "mastodon"']
    error = error_of(tmp_path, "\n".join(lines) + "\n")
    assert str(error) == (
        f"{config_path(tmp_path)}:13: accounts[1].platform: "
        "Input should be 'feed', 'x', 'linkedin' or 'discourse'"
    )


def test_a_missing_platform_is_reported(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[[accounts]]\nname = "what"\n')
    assert str(error).startswith(f"{config_path(tmp_path)}:1: accounts[0].platform: required key missing")


def test_a_duplicate_account_name_points_at_the_second_one(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        """\
        [[accounts]]
        name = "acme"
        platform = "x"

        [[accounts]]
        name = "acme"
        platform = "linkedin"
        """,
    )
    assert str(error) == (
        f"{config_path(tmp_path)}:6: accounts[1].name: account name 'acme' is already used by accounts[0]"
    )


def test_a_bad_account_name_is_explained(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[[accounts]]\nname = "Acme X"\nplatform = "x"\n')
    assert str(error).startswith(f"{config_path(tmp_path)}:2: accounts[0].name: invalid account name")


def test_a_bad_url_in_a_multiline_list_points_at_its_own_line(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        """\
        [[accounts]]
        name = "blog"
        platform = "feed"
        feeds = [
            "https://example.com/feed/",  # the blog
            "example.com/comments/feed/",
        ]
        """,
    )
    assert str(error) == (
        f"{config_path(tmp_path)}:6: accounts[0].feeds[1]: "
        "not an http(s) URL: 'example.com/comments/feed/' (write it like https://example.com)"
    )


def test_a_bad_base_url_is_caught(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        '[[accounts]]\nname = "f"\nplatform = "discourse"\nauth = "user_api_key"\nbase_url = "forum"\n',
    )
    assert str(error).startswith(f"{config_path(tmp_path)}:5: accounts[0].base_url: not an http(s) URL")


def test_credentials_in_a_url_are_refused_without_being_echoed(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        '[[accounts]]\nname = "f"\nplatform = "discourse"\nbase_url = "https://me:hunter22@f.example"\n',
    )
    assert "hunter22" not in str(error)
    assert "credentials do not belong in a URL" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[accounts]]\nname = "blog"\nplatform = "feed"\n', ":1: accounts[0].feeds: required key missing"),
        (
            '[[accounts]]\nname = "blog"\nplatform = "feed"\nfeeds = []\n',
            ":4: accounts[0].feeds: List should have at least 1 item after validation, not 0",
        ),
        (
            '[[accounts]]\nname = "forum"\nplatform = "discourse"\napi_username = "system"\n',
            ":1: accounts[0].base_url: required key missing",
        ),
        (
            '[[accounts]]\nname = "forum"\nplatform = "discourse"\nbase_url = "https://f.example"\n',
            ":1: accounts[0].api_username: required when auth is 'admin_key'",
        ),
        (
            '[[accounts]]\nname = "li"\nplatform = "linkedin"\norganization = "acme"\n',
            ":4: accounts[0].organization: not an organization URN: 'acme' (write it like urn:li:organization:123)",
        ),
        (
            '[[accounts]]\nname = "li"\nplatform = "linkedin"\nlinkedin_version = "2025-06"\n',
            ":4: accounts[0].linkedin_version: not a LinkedIn API version: '2025-06' (write it as YYYYMM, like 202506)",
        ),
        (
            '[[accounts]]\nname = "x"\nplatform = "x"\nclient_secret_env = "my secret"\n',
            ":4: accounts[0].client_secret_env: not an environment variable name: 'my secret'",
        ),
        (
            '[[accounts]]\nname = "x"\nplatform = "x"\nfeeds = ["https://e.com/f"]\n',
            ":4: accounts[0].feeds: unknown key (feeds is for feed accounts; known keys: name, platform, "
            "base_url, enabled, client_id, client_secret_env, searches, authorize_url, token_url, redirect_port)",
        ),
    ],
    ids=[
        "feed-without-feeds",
        "feed-with-empty-feeds",
        "discourse-without-url",
        "discourse-admin-key-without-user",
        "linkedin-bad-urn",
        "linkedin-bad-version",
        "x-bad-env-name",
        "x-with-feed-option",
    ],
)
def test_each_platform_checks_its_own_fields(tmp_path: Path, text: str, expected: str) -> None:
    error = error_of(tmp_path, text)
    assert str(error) == f"{config_path(tmp_path)}{expected}"


def test_every_problem_is_listed_in_line_order(tmp_path: Path) -> None:
    error = error_of(tmp_path, "[settings]\nundo_depth = 0\nsync_interval = 1\n")
    assert [(p.line, p.field) for p in error.problems] == [
        (2, "settings.undo_depth"),
        (3, "settings.sync_interval"),
    ]
    assert len(str(error).splitlines()) == 2


def test_a_secret_pasted_into_the_file_is_not_echoed(tmp_path: Path) -> None:
    error = error_of(
        tmp_path,
        '[[accounts]]\nname = "forum"\nplatform = "discourse"\nbase_url = "https://f.example"\n'
        'api_username = "system"\napi_key = "0123456789abcdef-SECRET"\n',
    )
    assert "SECRET" not in str(error) and "SECRET" not in repr(error)
    assert str(error) == (
        f"{config_path(tmp_path)}:6: accounts[0].api_key: unknown key; "
        "secrets do not belong in config.toml: use `cockpit accounts login NAME`"
    )


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    config_path(tmp_path).write_bytes(b'[settings]\ntheme = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r":2: not UTF-8 text$"):
        load_config(tmp_path)


# --- the TOML position map --------------------------------------------------------------------------


def test_key_lines_ignore_headers_inside_strings_and_follow_tables() -> None:
    text = textwrap.dedent(
        '''\
        title = """
        [[accounts]]
        name = "not a key"
        """
        "quoted key" = 'x'  # comment with [[accounts]]
        point = { x = 1, y = [1,
          2] }
        a.b.c = 1

        [[accounts]]
        name = "one"
        [accounts.extra]
        key = 1

        [[accounts]]
        # name = "commented"
        name = "two"
        list = [
          "a",

          'b', # two
        ]
        '''
    )
    lines = toml_key_lines(text)
    assert lines[("title",)] == 1
    assert lines[("quoted key",)] == 5
    assert lines[("point", "y", 1)] == 7
    assert lines[("a", "b")] == 8 and lines[("a", "b", "c")] == 8
    assert lines[("accounts", 0)] == 10 and lines[("accounts", 0, "name")] == 11
    assert lines[("accounts", 0, "extra", "key")] == 13
    assert lines[("accounts", 1)] == 15 and lines[("accounts", 1, "name")] == 17
    assert lines[("accounts", 1, "list", 1)] == 21
    assert ("accounts", 2) not in lines


ACCOUNT_NAMES = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
URLS = st.builds(lambda host: f"https://{host}.example/feed", st.from_regex(r"[a-z]{1,8}", fullmatch=True))
QUERIES = st.text(alphabet=list("ab #=[]{}\"'\\\t\x01\x7féü€😀"), min_size=1, max_size=20).filter(
    lambda q: q.strip() != ""
)


@settings(max_examples=60, deadline=None, database=None)
@given(
    feeds=st.lists(st.lists(URLS, min_size=1, max_size=4), min_size=0, max_size=3),
    searches=st.lists(st.lists(QUERIES, max_size=3), min_size=0, max_size=3),
    names=st.lists(ACCOUNT_NAMES, min_size=6, max_size=6, unique=True),
)
def test_every_saved_key_is_found_on_its_own_line(
    feeds: list[list[str]], searches: list[list[str]], names: list[str]
) -> None:
    accounts: list[dict[str, object]] = [
        {"name": names.pop(), "platform": "feed", "feeds": urls} for urls in feeds
    ]
    accounts += [{"name": names.pop(), "platform": "x", "searches": qs} for qs in searches]
    config = Config.model_validate({"settings": {"undo_depth": 7}, "accounts": accounts})
    text = dump_config(config)
    assert Config.model_validate(tomllib.loads(text)) == config
    lines = text.splitlines()
    found = toml_key_lines(text)
    for index, account in enumerate(tomllib.loads(text).get("accounts", [])):
        assert lines[found[("accounts", index)] - 1] == "[[accounts]]"
        for key in account:
            assert lines[found[("accounts", index, key)] - 1].startswith(f"{key} = ")
    assert lines[found[("settings", "undo_depth")] - 1] == "undo_depth = 7"


# --- saving -----------------------------------------------------------------------------------------


def test_saving_round_trips_and_writes_only_what_was_set(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    config = load_config(tmp_path)
    save_config(tmp_path, config)
    assert load_config(tmp_path) == config
    text = config_path(tmp_path).read_text()
    assert "wordpress_user" not in text and "auth =" not in text
    assert text.startswith("# Cockpit configuration")


def test_saving_does_not_freeze_the_system_time_zone(tmp_path: Path) -> None:
    config = Config.model_validate({"accounts": [{"name": "x1", "platform": "x"}]})
    save_config(tmp_path / "new-home", config)
    text = config_path(tmp_path / "new-home").read_text()
    assert "timezone" not in text and "[settings]" not in text
    assert tomllib.loads(text) == {"accounts": [{"name": "x1", "platform": "x"}]}


def test_a_failed_save_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, VALID)
    before = config_path(tmp_path).read_bytes()
    config = load_config(tmp_path)
    config.accounts = config.accounts[:1]

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_config(tmp_path, config)
    assert config_path(tmp_path).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_saving_keeps_the_file_mode(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    config_path(tmp_path).chmod(0o640)
    save_config(tmp_path, load_config(tmp_path))
    assert config_path(tmp_path).stat().st_mode & 0o777 == 0o640


def test_assigning_a_duplicate_account_is_refused(tmp_path: Path) -> None:
    config = Config.model_validate({"accounts": [{"name": "a", "platform": "x"}]})
    with pytest.raises(ValueError, match="already used"):
        config.accounts = [*config.accounts, validate_account({"name": "a", "platform": "linkedin"})]


def test_system_timezone_reads_tz_and_ignores_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert system_timezone() == "America/New_York"
    monkeypatch.setenv("TZ", "../../etc/passwd")
    assert re.fullmatch(r"[A-Za-z0-9_+\-/]+", system_timezone())
    assert system_timezone() != "../../etc/passwd"


def test_discourse_paging_and_recheck_options_reach_the_connector(tmp_path: Path) -> None:
    from connectors.discourse.connector import DiscourseConnector

    home = tmp_path
    (home / "config.toml").write_text(
        '[[accounts]]\nname = "forum"\nplatform = "discourse"\nbase_url = "https://forum.example"\n'
        'api_username = "system"\nrecheck_topics = 7\nmax_notification_pages = 2\nmax_listing_pages = 4\n'
    )
    account = load_config(home).account("forum")
    connector = DiscourseConnector(
        account="forum", base_url="https://forum.example", secret="k", options=account.options
    )
    assert (
        connector.settings.recheck_topics,
        connector.settings.max_notification_pages,
        connector.settings.max_listing_pages,
    ) == (7, 2, 4)
