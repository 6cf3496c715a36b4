"""Secrets: environment over keyring over a 0600 file, with a warning when the keyring is missing."""

from __future__ import annotations

import json
import logging
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, fail
from keyring.errors import KeyringError

from cockpit import credentials
from cockpit.credentials import (
    CredentialsError,
    Secret,
    credentials_path,
    delete_secret,
    env_var_name,
    get_secret,
    secret_source,
    set_secret,
)
from tests.keyrings import MemoryKeyring

SECRET = "s3cr3t-VALUE-0f-the-test"


class BrokenKeyring(MemoryKeyring):
    """A keyring whose every call fails, like a locked or vanished Secret Service."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("D-Bus connection lost")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("D-Bus connection lost")


class EmptyChainer(chainer.ChainerBackend):
    """A chainer that found no backend, as on a headless Linux box."""

    backends: ClassVar[list[object]] = []


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Never touch the real keyring; collect warnings; start with no COCKPIT_SECRET_* variables."""
    previous = keyring.get_keyring()
    warnings: list[str] = []
    monkeypatch.setattr(credentials, "_warned", set())
    old_handler = credentials.set_warning_handler(warnings.append)
    for name in ("COCKPIT_SECRET_ACME_X", "COCKPIT_SECRET_FORUM", "COCKPIT_SECRET_BLOG"):
        monkeypatch.delenv(name, raising=False)
    keyring.set_keyring(fail.Keyring())
    yield warnings
    credentials.set_warning_handler(old_handler)
    keyring.set_keyring(previous)


@pytest.fixture
def memory() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_with_a_keyring_the_secret_goes_there_and_nowhere_else(
    tmp_path: Path, memory: MemoryKeyring, isolated: list[str]
) -> None:
    assert set_secret(tmp_path, "acme-x", SECRET) == "keyring"
    assert memory.store == {("cockpit", "acme-x"): SECRET}
    assert get_secret(tmp_path, "acme-x") == SECRET
    assert secret_source(tmp_path, "acme-x") == "keyring"
    assert not credentials_path(tmp_path).exists()
    assert isolated == []


def test_without_a_keyring_the_secret_goes_to_a_private_file_with_one_warning(
    tmp_path: Path, isolated: list[str]
) -> None:
    assert set_secret(tmp_path, "acme-x", SECRET) == "file"
    assert set_secret(tmp_path, "acme-x", SECRET + "2") == "file"
    path = credentials_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"version": 1, "secrets": {"acme-x": SECRET + "2"}}
    assert get_secret(tmp_path, "acme-x") == SECRET + "2"
    assert secret_source(tmp_path, "acme-x") == "file"
    assert isolated == [
        f"no system keyring found; storing the secret for acme-x in {path} (readable only by you)"
    ]


def test_the_default_warning_is_printed_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    credentials.set_warning_handler(credentials._stderr_warning)
    set_secret(tmp_path, "forum", SECRET)
    err = capsys.readouterr().err
    assert err.startswith("cockpit: warning: no system keyring found; storing the secret for forum in ")
    assert SECRET not in err


def test_a_chainer_without_backends_counts_as_no_keyring(tmp_path: Path) -> None:
    keyring.set_keyring(EmptyChainer())
    assert set_secret(tmp_path, "forum", SECRET) == "file"
    assert get_secret(tmp_path, "forum") == SECRET


def test_a_failing_keyring_falls_back_to_the_file(tmp_path: Path, isolated: list[str]) -> None:
    keyring.set_keyring(BrokenKeyring())
    assert set_secret(tmp_path, "forum", SECRET) == "file"
    assert get_secret(tmp_path, "forum") == SECRET
    assert secret_source(tmp_path, "forum") == "file"
    assert len(isolated) == 1


def test_a_keyring_that_drops_what_it_is_given_is_not_trusted(tmp_path: Path) -> None:
    class Forgetful(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    keyring.set_keyring(Forgetful())
    assert set_secret(tmp_path, "forum", SECRET) == "file"
    assert get_secret(tmp_path, "forum") == SECRET


def test_the_environment_wins_over_keyring_and_file(
    tmp_path: Path, memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_secret(tmp_path, "acme-x", "from-keyring")
    monkeypatch.setenv("COCKPIT_SECRET_ACME_X", "from-env")
    assert get_secret(tmp_path, "acme-x") == "from-env"
    assert secret_source(tmp_path, "acme-x") == "env"
    keyring.set_keyring(fail.Keyring())
    set_secret(tmp_path, "acme-x", "from-file")
    assert get_secret(tmp_path, "acme-x") == "from-env"


def test_the_variable_name_upper_cases_and_replaces_other_characters() -> None:
    assert env_var_name("acme-x") == "COCKPIT_SECRET_ACME_X"
    assert env_var_name("blog_2.fr") == "COCKPIT_SECRET_BLOG_2_FR"


def test_a_missing_secret_is_none(tmp_path: Path, memory: MemoryKeyring) -> None:
    assert get_secret(tmp_path, "nobody") is None
    assert secret_source(tmp_path, "nobody") is None
    assert delete_secret(tmp_path, "nobody") is False
    assert not tmp_path.joinpath("credentials.json.lock").exists()


def test_delete_removes_from_keyring_and_file(tmp_path: Path) -> None:
    set_secret(tmp_path, "forum", "old-file-copy")  # no keyring yet: goes to the file
    set_secret(tmp_path, "blog", "stays")
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    backend.set_password("cockpit", "forum", "keyring-copy")
    assert delete_secret(tmp_path, "forum") is True
    assert backend.store == {}
    assert json.loads(credentials_path(tmp_path).read_text())["secrets"] == {"blog": "stays"}
    assert get_secret(tmp_path, "forum") is None
    assert get_secret(tmp_path, "blog") == "stays"


def test_storing_in_the_keyring_drops_a_stale_file_copy(tmp_path: Path) -> None:
    set_secret(tmp_path, "forum", "old")
    keyring.set_keyring(MemoryKeyring())
    assert set_secret(tmp_path, "forum", "new") == "keyring"
    assert json.loads(credentials_path(tmp_path).read_text())["secrets"] == {}
    assert secret_source(tmp_path, "forum") == "keyring"


def test_a_secret_is_a_str_whose_repr_is_masked(tmp_path: Path, memory: MemoryKeyring) -> None:
    set_secret(tmp_path, "acme-x", SECRET)
    secret = get_secret(tmp_path, "acme-x")
    assert isinstance(secret, Secret) and isinstance(secret, str)
    assert secret == SECRET and f"Bearer {secret}" == f"Bearer {SECRET}"
    assert str(secret) == SECRET and secret.encode() == SECRET.encode()
    assert repr(secret) == "Secret('***')"
    assert SECRET not in repr({"secret": secret}) and SECRET not in repr([secret])
    assert json.loads(json.dumps({"token": secret})) == {"token": SECRET}


def test_an_empty_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="empty secret for forum"):
        set_secret(tmp_path, "forum", "")


def test_a_corrupt_file_is_reported_without_its_content(tmp_path: Path) -> None:
    credentials_path(tmp_path).write_text('{"secrets": {"forum": "' + SECRET + '"')
    with pytest.raises(CredentialsError) as caught:
        get_secret(tmp_path, "forum")
    assert "is not valid JSON" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_a_file_readable_by_others_is_flagged(tmp_path: Path, isolated: list[str]) -> None:
    set_secret(tmp_path, "forum", SECRET)
    credentials_path(tmp_path).chmod(0o644)
    assert get_secret(tmp_path, "forum") == SECRET
    assert (
        isolated[-1]
        == f"{credentials_path(tmp_path)} is readable by others: run `chmod 600 {credentials_path(tmp_path)}`"
    )
    set_secret(tmp_path, "forum", SECRET)
    assert stat.S_IMODE(credentials_path(tmp_path).stat().st_mode) == 0o600


def test_concurrent_writers_do_not_lose_each_others_secrets(tmp_path: Path) -> None:
    def store(prefix: str) -> None:
        for index in range(15):
            set_secret(tmp_path, f"{prefix}{index}", f"value-{prefix}{index}")

    threads = [threading.Thread(target=store, args=(prefix,)) for prefix in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = json.loads(credentials_path(tmp_path).read_text())["secrets"]
    assert len(stored) == 45 and stored["b7"] == "value-b7"


def test_secrets_never_reach_logs_messages_or_the_config(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from cockpit.config import Config, load_config, save_config

    caplog.set_level(logging.DEBUG)
    credentials.set_warning_handler(credentials._stderr_warning)
    save_config(tmp_path, Config.model_validate({"accounts": [{"name": "acme-x", "platform": "x"}]}))
    set_secret(tmp_path, "acme-x", SECRET)  # file fallback, with its warning
    keyring.set_keyring(MemoryKeyring())
    set_secret(tmp_path, "acme-x", SECRET)  # keyring, dropping the file copy
    keyring.set_keyring(BrokenKeyring())
    get_secret(tmp_path, "acme-x")
    secret_source(tmp_path, "acme-x")
    delete_secret(tmp_path, "acme-x")
    load_config(tmp_path)
    out = capsys.readouterr()
    assert caplog.records, "the credentials module logs what it does"
    assert SECRET not in caplog.text
    assert SECRET not in out.out + out.err
    for path in tmp_path.iterdir():
        if path.is_file():
            assert SECRET not in path.read_text(), path
