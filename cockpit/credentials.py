"""Account secrets: `COCKPIT_SECRET_<NAME>`, else the OS keyring, else a file readable only by the user.

A secret is one string per account (an API key, or an OAuth token set serialised as JSON). Secrets are never
written to config.toml, the database, logs or error messages; `Secret` keeps them out of reprs (tracebacks
that show locals, pydantic models, `%r` in logs) while behaving as the plain `str` connectors expect.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

SERVICE = "cockpit"
CREDENTIALS_NAME = "credentials.json"
ENV_PREFIX = "COCKPIT_SECRET_"

SecretSource = Literal["env", "keyring", "file"]

log = logging.getLogger(__name__)


class Secret(str):
    """A str whose repr is masked, so a secret shown by repr() (tracebacks, models, logs) reads `***`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


class CredentialsError(Exception):
    """A secret could not be stored or read (the message never contains the secret)."""


def _stderr_warning(message: str) -> None:
    print(f"cockpit: warning: {message}", file=sys.stderr)


_warning_handler: Callable[[str], None] = _stderr_warning
_warned: set[tuple[str, str]] = set()


def set_warning_handler(handler: Callable[[str], None]) -> Callable[[str], None]:
    """Send credential warnings to `handler` (the TUI shows them as notifications); returns the old one."""
    global _warning_handler
    previous = _warning_handler
    _warning_handler = handler
    return previous


def _warn_once(key: tuple[str, str], message: str) -> None:
    if key in _warned:
        return
    _warned.add(key)
    log.info(message)
    _warning_handler(message)


def env_var_name(account: str) -> str:
    """The environment variable that overrides an account's secret: COCKPIT_SECRET_<NAME>."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", account).upper()


def credentials_path(home: Path) -> Path:
    """The fallback secrets file inside a data directory."""
    return home / CREDENTIALS_NAME


# --- keyring ------------------------------------------------------------------------------------------


def _usable_keyring() -> Any | None:
    """The active keyring backend, or None when it cannot store anything (fail, null, empty chainer)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception:  # keyring missing or broken: use the file
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as error:
        log.debug("keyring backend unavailable: %s", type(error).__name__)
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if type(backend).__module__ == "keyring.backends.null":
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _keyring_get(account: str) -> str | None:
    backend = _usable_keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, account)
    except Exception as error:  # any backend failure (locked, D-Bus gone...) falls back to the file
        log.debug("keyring read failed for %s: %s", account, type(error).__name__)
        return None
    return value if isinstance(value, str) else None


def _keyring_set(account: str, secret: str) -> bool:
    """Store in the keyring and read it back; False when the keyring cannot hold it."""
    backend = _usable_keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, account, secret)
        stored = backend.get_password(SERVICE, account)
    except Exception as error:
        log.debug("keyring write failed for %s: %s", account, type(error).__name__)
        return False
    return bool(stored == secret)


def _keyring_delete(account: str) -> bool:
    backend = _usable_keyring()
    if backend is None:
        return False
    try:
        if backend.get_password(SERVICE, account) is None:
            return False
        backend.delete_password(SERVICE, account)
    except Exception as error:
        log.debug("keyring delete failed for %s: %s", account, type(error).__name__)
        return False
    return True


# --- file fallback ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the secrets file between processes (where fcntl exists)."""
    try:
        import fcntl
    except ImportError:  # Windows: writes stay atomic, concurrent updates are not merged
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_file(path: Path) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            text = handle.read()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise CredentialsError(f"cannot read {path}: {error.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        _warn_once(("mode", str(path)), f"{path} is readable by others: run `chmod 600 {path}`")
    try:
        data = json.loads(text)
    except ValueError:
        raise CredentialsError(f"{path} is not valid JSON: fix or delete it, then log in again") from None
    secrets = data.get("secrets") if isinstance(data, dict) else None
    if not isinstance(secrets, dict):
        raise CredentialsError(f"{path} has no 'secrets' object: fix or delete it, then log in again")
    return {str(name): value for name, value in secrets.items() if isinstance(value, str)}


def _write_file(path: Path, secrets: dict[str, str]) -> None:
    """Replace the secrets file atomically with a new one created with mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = json.dumps({"version": 1, "secrets": secrets}, indent=2, sort_keys=True) + "\n"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _file_set(home: Path, account: str, secret: str) -> None:
    path = credentials_path(home)
    with _file_lock(path):
        secrets = _read_file(path)
        secrets[account] = secret
        _write_file(path, secrets)


def _file_delete(home: Path, account: str) -> bool:
    path = credentials_path(home)
    if not path.exists():
        return False
    with _file_lock(path):
        secrets = _read_file(path)
        if account not in secrets:
            return False
        del secrets[account]
        _write_file(path, secrets)
    return True


# --- public API ---------------------------------------------------------------------------------------


def get_secret(home: Path, account: str) -> Secret | None:
    """Return the account's secret: the environment variable, else the keyring, else the file, else None."""
    from_env = os.environ.get(env_var_name(account))
    if from_env:
        return Secret(from_env)
    from_keyring = _keyring_get(account)
    if from_keyring is not None:
        return Secret(from_keyring)
    from_file = _read_file(credentials_path(home)).get(account)
    return Secret(from_file) if from_file is not None else None


def set_secret(home: Path, account: str, secret: str) -> SecretSource:
    """Store the account's secret in the keyring, else in the 0600 file (with a warning); return where."""
    if not secret:
        raise CredentialsError(f"refusing to store an empty secret for {account}")
    if _keyring_set(account, secret):
        if account in _read_file(credentials_path(home)):
            _file_delete(home, account)  # one place per secret: drop the stale file copy
        log.debug("stored the secret for %s in the system keyring", account)
        return "keyring"
    path = credentials_path(home)
    _warn_once(
        ("fallback", f"{path}:{account}"),
        f"no system keyring found; storing the secret for {account} in {path} (readable only by you)",
    )
    _file_set(home, account, secret)
    log.debug("stored the secret for %s in %s", account, path)
    return "file"


def delete_secret(home: Path, account: str) -> bool:
    """Remove the account's secret from the keyring and the file; True if one was there.

    The environment variable, if set, is outside our reach and still wins.
    """
    from_keyring = _keyring_delete(account)
    from_file = _file_delete(home, account)
    return from_keyring or from_file


def secret_source(home: Path, account: str) -> SecretSource | None:
    """Where `get_secret` would find the account's secret: "env", "keyring", "file" or None."""
    if os.environ.get(env_var_name(account)):
        return "env"
    if _keyring_get(account) is not None:
        return "keyring"
    if account in _read_file(credentials_path(home)):
        return "file"
    return None
