"""How long a reply may be on each platform, counted the way that platform counts.

- X: 280, weighted the X way (`connectors.x.text.x_length`: links count 23, wide characters and emoji 2).
- LinkedIn: 1,250 characters for a comment (the documented comment limit), counted as code points.
- Discourse: 32,000 characters, the default of the forum's `max_post_length` site setting (a forum may set it
  lower; the forum then refuses the post and the outbox shows why), counted as code points of the trimmed text.
- Blog comments (WordPress): 65,525 characters, WordPress's limit for `comment_content`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

X_LIMIT = 280
LINKEDIN_COMMENT_LIMIT = 1250
DISCOURSE_DEFAULT_MAX_POST_LENGTH = 32_000
WORDPRESS_COMMENT_LIMIT = 65_525


@dataclass(frozen=True)
class ReplyLength:
    """A reply's counted length against its platform's limit."""

    used: int
    limit: int
    how: str
    """How the platform counts, in a few words for the composer ("links count 23")."""

    @property
    def over(self) -> bool:
        """Whether the reply is too long to post."""
        return self.used > self.limit

    @property
    def left(self) -> int:
        """Characters left (negative when over)."""
        return self.limit - self.used


def _x_count(text: str) -> int:
    from connectors.x.text import x_length

    return x_length(text)


def _plain_count(text: str) -> int:
    return len(text)


def _trimmed_count(text: str) -> int:
    return len(text.strip())


_RULES: dict[str, tuple[int, Callable[[str], int], str]] = {
    "x": (X_LIMIT, _x_count, "X's count: links 23, emoji and wide characters 2"),
    "linkedin": (LINKEDIN_COMMENT_LIMIT, _plain_count, "LinkedIn comment"),
    "discourse": (DISCOURSE_DEFAULT_MAX_POST_LENGTH, _trimmed_count, "forum default max_post_length"),
    "feed": (WORDPRESS_COMMENT_LIMIT, _plain_count, "WordPress comment"),
}


def limit_for(platform: str) -> int:
    """The longest reply the platform takes (its unit as `count_reply` counts it)."""
    rule = _RULES.get(platform)
    return rule[0] if rule else WORDPRESS_COMMENT_LIMIT


def count_reply(platform: str, text: str) -> ReplyLength:
    """Count `text` the way `platform` does and return it with the platform's limit."""
    limit, count, how = _RULES.get(platform, (WORDPRESS_COMMENT_LIMIT, _plain_count, "characters"))
    return ReplyLength(used=count(text), limit=limit, how=how)
