"""build.py build: read and validate a scenario, then write it as Katacoda, Killercoda and a static site."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scenario.commands.common import check, scenario_folder
from scenario.errors import ExitStatus, ScenarioError, UsageError
from scenario.model import Diagnostic, Scenario, Severity
from scenario.writers import katacoda, killercoda, site
from scenario.writers.output import Output, check_owned, write_tree

HELP = "write the scenario as a Katacoda scenario, a Killercoda scenario and a static site"
FORMATS: dict[str, Callable[[Scenario], Output]] = {
    "katacoda": katacoda.render,
    "killercoda": killercoda.render,
    "site": site.render,
}
EPILOG = """\
Output: OUT/katacoda, OUT/killercoda and OUT/site, one folder per format; each folder belongs to build.py
and is wiped and rewritten on every build (a non-empty folder that build.py did not make is never touched).
Without --out, OUT is DIR/out and, for a scenario.yaml scenario, DIR/index.json (the Katacoda manifest
naming the source files where they are) is rewritten too. Nothing is written when there are errors
(or warnings, with --strict). Exit status: 0 built, 1 the scenario has errors, 2 bad usage.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the scenario folder (default: .)")
    parser.add_argument("--out", metavar="OUT", help="where the format folders go (default: DIR/out)")
    parser.add_argument(
        "--format",
        default=",".join(FORMATS),
        metavar="LIST",
        help="comma-separated formats to write: katacoda,killercoda,site (default: all)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


@dataclass
class Build:
    """Everything gathered before writing: the scenario, each format's files, every diagnostic."""

    scenario: Scenario | None
    outputs: dict[str, Output] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        """How many diagnostics have `severity`."""
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity is severity)


def parse_formats(text: str) -> list[str]:
    """The --format list, checked against the known formats."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageError(f"unknown format '{','.join(unknown)}' (choose from {', '.join(FORMATS)})")
    return list(dict.fromkeys(names))


def gather(root: Path, formats: list[str]) -> Build:
    """Read, validate and render every requested format in memory; nothing is written yet."""
    scenario, diagnostics = check(root)
    build = Build(scenario, diagnostics=diagnostics)
    if scenario is None:
        return build
    for name in formats:
        output = FORMATS[name](scenario)
        build.outputs[name] = output
        build.diagnostics.extend(output.diagnostics)
    build.diagnostics = sorted(dict.fromkeys(build.diagnostics), key=lambda d: d.location)
    return build


def write(build: Build, root: Path, out: Path | None) -> list[str]:
    """Write every gathered output; return what was written, for the summary."""
    base = out if out is not None else root / "out"
    for name in build.outputs:
        check_owned(base / name)  # all or nothing: no format is written if one folder is not ours
    written: list[str] = []
    for name, output in build.outputs.items():
        write_tree(output, base / name)
        written.append(f"{base / name}/ ({len(output.files)} files)")
    scenario = build.scenario
    at_root = out is None and scenario is not None and scenario.source_format == "project"
    if at_root and scenario is not None and "katacoda" in build.outputs:
        (root / "index.json").write_bytes(katacoda.root_manifest(scenario))
        written.append(str(root / "index.json"))
    return written


def run(args: argparse.Namespace) -> int:
    """Run the command: gather and validate everything, then write, or write nothing on errors."""
    root = scenario_folder(args.dir)
    formats = parse_formats(args.format)
    try:
        build = gather(root, formats)
    except OSError as error:
        raise ScenarioError(f"{args.dir}: cannot read the scenario: {error}") from error
    for diagnostic in build.diagnostics:
        print(diagnostic.format())
    errors, warnings = build.count(Severity.ERROR), build.count(Severity.WARNING)
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if build.scenario is None or errors or (args.strict and warnings):
        print(f"build failed: {counts}; nothing written")
        return ExitStatus.FAILED
    out = Path(args.out) if args.out else None
    try:
        written = write(build, root, out)
    except OSError as error:
        where = error.filename or out or root
        raise ScenarioError(f"{where}: error: cannot write: {error.strerror}") from error
    for line in written:
        print(f"wrote {line}")
    print(f"built {', '.join(formats)}: {counts}")
    return ExitStatus.OK
