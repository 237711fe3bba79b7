"""Exit statuses and the exceptions that the CLI turns into messages, never tracebacks."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    """build.py's exit codes."""

    OK = 0
    FAILED = 1  # the scenario has errors, a check failed
    USAGE = 2  # bad command line, missing folder
    INTERRUPTED = 130


class ScenarioError(Exception):
    """A problem with the user's input that ends the command; its text names the file and line."""


class UsageError(Exception):
    """A bad command line: the text says what was wrong."""
