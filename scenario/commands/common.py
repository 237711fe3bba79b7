"""What several subcommands share: finding the scenario folder and loading a scenario that validates."""

from __future__ import annotations

import sys
from pathlib import Path

from scenario.errors import ScenarioError, UsageError
from scenario.model import Diagnostic, Scenario, Severity
from scenario.readers import detect_format, read_scenario
from scenario.validate import validate


def scenario_folder(text: str) -> Path:
    """The scenario folder named on the command line; a UsageError when it is missing or not a scenario."""
    root = Path(text)
    if not root.is_dir():
        raise UsageError(f"{text}: no such folder")
    if detect_format(root) is None:
        raise UsageError(f"{text}: not a scenario folder (no scenario.yaml or index.json)")
    return root


def check(root: Path) -> tuple[Scenario | None, list[Diagnostic]]:
    """Read and validate the scenario in `root`: the scenario (None if unreadable) and every diagnostic."""
    result = read_scenario(root)
    found = list(result.diagnostics)
    if result.scenario is not None:
        found.extend(validate(result.scenario))
    return result.scenario, sorted(dict.fromkeys(found), key=lambda d: d.location)


def load_valid(root: Path, *, show_warnings: bool = True) -> Scenario:
    """Read and validate the scenario; errors end the command with every problem listed, warnings print."""
    scenario, diagnostics = check(root)
    errors = [item for item in diagnostics if item.severity is Severity.ERROR]
    if scenario is None or errors:
        text = "\n".join(item.format() for item in errors)
        raise ScenarioError(text or f"{root}: cannot read the scenario")
    for item in diagnostics if show_warnings else ():
        print(item.format(), file=sys.stderr)
    return scenario
