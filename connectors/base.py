"""The contract every platform connector implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, ClassVar

from connectors.models import Capability, Page, Post, PostRef, ReplyTarget


class Connector(ABC):
    """A client for one account on one platform.

    `fetch` yields pages; the caller stores each page and its cursor atomically before asking for the next.
    Write methods return the platform's reference or raise a `connectors.errors` error.
    """

    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    on_new_secret: Callable[[str], None] | None = None
    """Called with a rotated secret (a refreshed token set) that must be stored before it is used."""

    def __init__(
        self, *, account: str, base_url: str, secret: str | None, options: Mapping[str, Any]
    ) -> None:
        self.account = account
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.options = dict(options)

    def can(self, capability: Capability) -> bool:
        """Whether this connector offers `capability`."""
        return capability in self.capabilities

    @abstractmethod
    def fetch(self, cursors: Mapping[str, str]) -> AsyncIterator[Page]:
        """Yield pages of posts newer than the stored per-stream cursors."""

    async def fetch_thread(self, thread_key: str) -> list[Post]:
        """Return every post of one conversation (for opening a thread); empty when unsupported."""
        return []

    async def reply(self, target: ReplyTarget, text: str, *, key: str) -> PostRef:
        """Publish `text` as a reply to `target`; `key` is an idempotency key where the platform honours one."""
        from connectors.errors import PermanentError

        raise PermanentError(
            f"{self.account}: {self.platform} accounts cannot reply from the cockpit",
            fix="open the conversation in the browser and reply there",
        )

    async def like(self, ext_id: str) -> None:
        """Like one post."""
        from connectors.errors import PermanentError

        raise PermanentError(
            f"{self.account}: {self.platform} accounts cannot like from the cockpit",
            fix="open the post in the browser and like it there",
        )

    def status_note(self) -> str:
        """A short note for the account's status after a fetch (such as the request budget left), or ""."""
        return ""

    async def aclose(self) -> None:
        """Release network resources."""
        return None
