"""The sync engine stores a rotated token set before the connector uses it, and says when it cannot."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cockpit.demo.live import DemoAccount
from cockpit.services.sync import sync_accounts
from connectors.oauth import TokenSet
from connectors.sandbox.x import CLIENT_ID, XSandbox


@pytest.fixture
def sandbox() -> Iterator[XSandbox]:
    with XSandbox() as server:
        yield server


def _expired_token_set(sandbox: XSandbox) -> str:
    tokens = TokenSet.from_response(sandbox.issue_tokens())
    return tokens.model_copy(update={"expires_at": time.time() - 10}).to_json()


def _account(sandbox: XSandbox) -> DemoAccount:
    return DemoAccount(
        name="acme-x", platform="x", base_url=sandbox.url, options={"client_id": CLIENT_ID, "searches": []}
    )


async def test_an_expired_token_set_is_refreshed_during_sync_and_the_new_one_stored(
    sandbox: XSandbox, tmp_path: Path
) -> None:
    old = _expired_token_set(sandbox)
    vault = {"acme-x": old}
    saved: list[tuple[str, str]] = []

    def save(name: str, secret: str) -> None:
        saved.append((name, secret))
        vault[name] = secret

    (result,) = await sync_accounts(
        tmp_path / "cockpit.db", [_account(sandbox)], secrets=dict(vault), save_secret=save
    )
    assert result.ok, result.message
    assert result.new_posts > 0
    assert [name for name, _ in saved] == ["acme-x"]
    fresh = TokenSet.from_json(vault["acme-x"])
    previous = TokenSet.from_json(old)
    assert fresh is not None and previous is not None
    assert fresh.refresh_token != previous.refresh_token, "X rotates refresh tokens: the new one is stored"
    db = (tmp_path / "cockpit.db").read_bytes()
    assert fresh.access_token.encode() not in db and str(fresh.refresh_token).encode() not in db


async def test_without_a_place_to_store_it_the_engine_asks_for_a_login_and_spends_nothing(
    sandbox: XSandbox, tmp_path: Path
) -> None:
    old = _expired_token_set(sandbox)
    (result,) = await sync_accounts(tmp_path / "cockpit.db", [_account(sandbox)], secrets={"acme-x": old})
    assert result.outcome == "auth_expired"
    assert "cockpit accounts login acme-x" in result.message
    assert sandbox.requests_to("/2/oauth2/token") == []


async def test_the_account_status_shows_what_is_left_of_xs_request_budget(
    sandbox: XSandbox, tmp_path: Path
) -> None:
    from cockpit.services.sync import format_result
    from cockpit.tui.syncing import describe
    from connectors.sandbox.x import SANDBOX_TOKEN

    (result,) = await sync_accounts(
        tmp_path / "cockpit.db", [_account(sandbox)], secrets={"acme-x": SANDBOX_TOKEN}
    )
    assert result.ok
    assert result.note.startswith("X budget: "), result.note
    remaining, limit = result.note.split()[3].split("/")
    assert 0 <= int(remaining) < int(limit), "requests were spent and the headers said so"
    assert result.note in format_result(result)
    text, _ = describe(result, datetime.now(UTC))
    assert result.note in text
