"""build.py validate: read a scenario folder, check every rule and print every problem as path:line:col."""

from __future__ import annotations

import argparse

from scenario.commands.common import check, scenario_folder
from scenario.errors import ExitStatus, ScenarioError
from scenario.model import Diagnostic, Scenario, Severity

HELP = "report every problem in a scenario folder (this project's, Katacoda or Killercoda)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the scenario folder (default: .)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def summary(shown: str, scenario: Scenario | None, diagnostics: list[Diagnostic]) -> str:
    """The last line: counts of errors and warnings, or what was checked when there are none."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        return f"{shown}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    assert scenario is not None
    return f"{shown}: no problems ({scenario.source_format} scenario, {_count(len(scenario.steps), 'step')})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def run(args: argparse.Namespace) -> int:
    """Print every diagnostic and a summary; exit 1 on errors (or warnings with --strict)."""
    root = scenario_folder(args.dir)
    try:
        scenario, diagnostics = check(root)
    except OSError as error:
        raise ScenarioError(f"{args.dir}: cannot read the scenario: {error}") from error
    for diagnostic in diagnostics:
        print(diagnostic.format())
    print(summary(args.dir, scenario, diagnostics))
    failing = Severity.WARNING if args.strict else Severity.ERROR
    if any(d.severity in (Severity.ERROR, failing) for d in diagnostics) or scenario is None:
        return ExitStatus.FAILED
    return ExitStatus.OK
