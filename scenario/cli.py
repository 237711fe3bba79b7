"""Argument parsing for build.py and the one place that maps errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from scenario.errors import ExitStatus, ScenarioError, UsageError

# Each subcommand is a module in scenario.commands with HELP, add_arguments(parser) and run(args) -> int.
COMMANDS = ("validate", "build", "serve", "test", "images")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"scenario.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="build.py", description="Validate, build, serve and test an interactive tutorial scenario."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = _load(name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run build.py with `argv`; return 0 when clean, 1 when the scenario fails, 2 for bad usage."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse prints its own message; keep its code (0 for --help, 2 else)
        return int(exit_.code or 0)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"build.py {args.command}: error: {error}", file=sys.stderr)
        return ExitStatus.USAGE
    except ScenarioError as error:
        print(f"{error}", file=sys.stderr)
        return ExitStatus.FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
