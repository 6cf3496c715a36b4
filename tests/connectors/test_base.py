"""The connector contract: every registered connector declares what it can do and fails clearly otherwise."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Mapping

import pytest

from connectors.base import Connector
from connectors.errors import PermanentError
from connectors.models import Capability, Page, ReplyTarget
from connectors.registry import PLATFORMS, connector_class


class Minimal(Connector):
    """The smallest connector the contract allows: it can only read."""

    platform = "minimal"

    async def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        yield Page(stream="only", cursor="1")


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_registered_connector_declares_its_platform_and_capabilities(platform: str) -> None:
    cls = connector_class(platform)
    assert cls.platform == platform
    assert isinstance(cls.capabilities, frozenset)
    assert all(isinstance(capability, Capability) for capability in cls.capabilities)
    assert not inspect.isabstract(cls)
    parameters = inspect.signature(cls.__init__).parameters
    for name in ("account", "base_url", "secret", "options"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    assert cls.__doc__ and cls.fetch.__doc__


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
async def test_can_never_claims_more_than_the_class_declares(platform: str) -> None:
    connector = connector_class(platform)(
        account="acme", base_url="https://x.example", secret="s", options={}
    )
    for capability in Capability:
        if connector.can(capability):
            assert capability in type(connector).capabilities
    assert "s" not in repr(connector).replace("acme", "").replace("Connector", "").lower().split("'")
    await connector.aclose()


async def test_the_defaults_refuse_to_reply_or_like_with_a_clear_message() -> None:
    connector = Minimal(account="acme-min", base_url="https://m.example/", secret=None, options={})
    assert connector.base_url == "https://m.example"
    assert connector.capabilities == frozenset()
    assert not any(connector.can(capability) for capability in Capability)
    with pytest.raises(PermanentError) as replied:
        await connector.reply(ReplyTarget(thread_key="t"), "hello", key="k")
    assert str(replied.value) == (
        "acme-min: minimal accounts cannot reply from the cockpit "
        "(open the conversation in the browser and reply there)"
    )
    with pytest.raises(PermanentError) as liked:
        await connector.like("p1")
    assert (
        "acme-min" in str(liked.value) and "cannot like" in str(liked.value) and "browser" in liked.value.fix
    )
    assert await connector.fetch_thread("t") == []
    assert [page.cursor async for page in connector.fetch({})] == ["1"]
    await connector.aclose()


def test_a_connector_without_fetch_cannot_be_made() -> None:
    class Incomplete(Connector):
        platform = "incomplete"

    with pytest.raises(TypeError):
        Incomplete(account="a", base_url="", secret=None, options={})  # type: ignore[abstract]
