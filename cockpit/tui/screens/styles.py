"""Where the styles of the screens opened from the queue live (read when the first of them opens)."""

from __future__ import annotations

from pathlib import Path

SCREENS_CSS = str(Path(__file__).with_name("screens.tcss"))
"""The stylesheet every screen beyond the queue names in its CSS_PATH."""
