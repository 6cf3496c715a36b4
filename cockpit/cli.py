"""The `cockpit` command: the TUI by default, plus demo, sync, export and account management."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cockpit.errors import UserError

# Each module registers one subcommand through `register(subparsers)`; imports inside them stay lazy.
COMMAND_MODULES = [
    "cockpit.commands.demo",
    "cockpit.commands.export",
    "cockpit.commands.people",
    "cockpit.commands.accounts",
    "cockpit.commands.sync",
    "cockpit.commands.send_due",
    "cockpit.commands.daemon",
    "cockpit.commands.rules",
]


class CommandError(UserError):
    """A user error: printed as one line without a traceback, exit status 2 unless given."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="cockpit",
        description=(
            "A terminal cockpit for community managers. With no command, opens the queue on your data "
            "directory (--home, else $COCKPIT_HOME, else the platform's user data directory)."
        ),
    )
    parser.add_argument(
        "--home", metavar="DIR", help="data directory to use (default: $COCKPIT_HOME or the user data dir)"
    )
    parser.add_argument("--version", action="version", version="cockpit " + _version())
    parser.set_defaults(func=_run_tui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    _accept_home_anywhere(sub)
    return parser


def _accept_home_anywhere(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Let `--home DIR` follow any command too (`cockpit export posts --home DIR`)."""
    for parser in set(subparsers.choices.values()):
        if not any("--home" in action.option_strings for action in parser._actions):
            parser.add_argument(
                "--home", metavar="DIR", default=argparse.SUPPRESS, help="data directory to use"
            )
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_home_anywhere(action)


def _version() -> str:
    from cockpit import __version__

    return __version__


def _run_tui(args: argparse.Namespace) -> int:
    from cockpit.paths import resolve_home
    from cockpit.tui.run import run_tui

    return run_tui(resolve_home(args.home))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cockpit` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args)
    except UserError as error:  # CommandError, ConfigError, ...: the message names what to fix
        print(f"cockpit: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    return int(status or 0)


if __name__ == "__main__":
    # Run through the installed module so `CommandError` is the same class the commands raise.
    from cockpit.cli import main as installed_main

    sys.exit(installed_main())
