"""Errors a user can cause: the command prints them as a line (no traceback) and exits with their status."""

from __future__ import annotations


class UserError(Exception):
    """A mistake or a state the user can fix; `status` is the exit status of the command (2 by default)."""

    status = 2
