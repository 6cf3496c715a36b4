"""A Footer that rebuilds its keys only when what it shows changed.

Textual's Footer recomposes (removes and mounts one widget per key) every time its screen's bindings may
have changed: each time the screen is shown again and at every focus change. On a screen shown over and
over (the reused person screen, the People screen it returns to) the keys are the same each time, and the
rebuild cost a few milliseconds of work plus some 2,000 objects of garbage for the cyclic collector per
switch. This one compares what it would show with what it shows and skips the rebuild when they match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class StableFooter(Footer):
    """Textual's Footer, rebuilt only when the shown keys, their labels or their enabled state change."""

    def __init__(self) -> None:
        super().__init__()
        self._shown_keys: tuple[object, ...] | None = None

    def _signature(self, screen: Screen[object]) -> tuple[object, ...]:
        """What compose would show: every shown binding with its key display and state, and the palette key."""
        app = screen.app
        return (
            tuple(
                (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tip)
                for _node, binding, enabled, tip in screen.active_bindings.values()
                if binding.show
            ),
            self.show_command_palette,
            self.compact,
            app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in screen.active_bindings,
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose as Footer does, unless the keys shown would be the same as now."""
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            super().bindings_changed(screen)
            return
        signature = self._signature(screen)
        if signature == self._shown_keys and self.children:
            self._bindings_ready = True
            return
        self._shown_keys = signature
        super().bindings_changed(screen)
