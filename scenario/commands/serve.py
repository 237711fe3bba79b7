"""build.py serve: not written yet (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

HELP = "serve (not written yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    print("build.py serve: not written yet")
    return 2
