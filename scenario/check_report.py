"""The checker's results and their three renderings: the console lines, JUnit XML and the transcripts."""

from __future__ import annotations

import enum
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

TAIL_LINES = 25  # lines of a failure's output shown on the console
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_STATED = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|to)?\s*(\d+(?:\.\d+)?)?\s*(h|hours?|m|mins?|minutes?)\b")


class Status(enum.Enum):
    """The outcome of one check."""

    PASSED = "PASSED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class Outcome:
    """One thing the checker ran (or skipped): a snippet, a script, an asset."""

    page: str  # "intro", "step 2", "finish"
    page_title: str
    location: str  # path:line as the user should see it
    action: str  # "execute T1", "background", "verify", ...
    status: Status
    seconds: float = 0.0
    reason: str = ""  # why it failed or was skipped
    output: str = ""
    command: str = ""  # what was typed, for the transcript ("" when nothing visible was typed)
    visible: bool = False  # shown in the learner's terminal (snippets, foreground scripts)
    terminal: int = 1


@dataclass(frozen=True)
class PageTime:
    """How long a page took to run."""

    page: str
    title: str
    seconds: float


@dataclass
class Report:
    """Everything one run produced."""

    title: str
    stated_time: str
    outcomes: list[Outcome] = field(default_factory=list)
    times: list[PageTime] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many outcomes have `status`."""
        return sum(1 for outcome in self.outcomes if outcome.status is status)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return self.count(Status.FAILED) == 0

    def summary_line(self) -> str:
        """The last line: `N passed, N failed, N skipped`."""
        counts = (self.count(Status.PASSED), self.count(Status.FAILED), self.count(Status.SKIPPED))
        return "{} passed, {} failed, {} skipped".format(*counts)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of `text`, with a note when some were cut."""
    kept = text.rstrip("\n").splitlines()
    if len(kept) <= lines:
        return "\n".join(kept)
    return f"... ({len(kept) - lines} lines cut)\n" + "\n".join(kept[-lines:])


def outcome_line(outcome: Outcome) -> str:
    """`steps/step1.md:12 execute T1 PASSED (0.4s)`, with the reason of a skip."""
    line = f"{outcome.location} {outcome.action} {outcome.status.value} ({outcome.seconds:.1f}s)"
    if outcome.status is Status.SKIPPED and outcome.reason:
        line += f": {outcome.reason}"
    return line


def print_outcome(outcome: Outcome, out: TextIO) -> None:
    """Print one outcome as it happens; a failure gets its reason and the tail of its output."""
    print(outcome_line(outcome), file=out)
    if outcome.status is Status.FAILED:
        print(f"    {outcome.reason}", file=out)
        if outcome.output.strip():
            for line in tail(outcome.output).splitlines():
                print(f"    | {line}", file=out)
    out.flush()


def parse_minutes(stated: str) -> float | None:
    """Minutes in a stated time: `45 minutes`, `1 hour`, `15-20 min` (the upper bound); None if unclear."""
    match = _STATED.search(stated)
    if not match:
        return None
    number = float(match.group(2) or match.group(1))
    return number * 60 if match.group(3).startswith("h") else number


def print_summary(report: Report, out: TextIO) -> None:
    """Measured time per page against the scenario's stated time, then the counts line."""
    print("", file=out)
    print("time per page (machine time; a learner reads and types too):", file=out)
    for item in report.times:
        print(f"  {item.page:<8} {item.seconds:8.1f}s  {item.title}".rstrip(), file=out)
    total = sum(item.seconds for item in report.times)
    stated = parse_minutes(report.stated_time)
    said = f"the scenario states {report.stated_time!r}" if report.stated_time else "no time stated"
    share = 100 * total / (stated * 60) if stated else 0.0
    ratio = f" ({share:.{0 if share >= 10 else 1}f}% of it)" if stated else ""
    print(f"  total    {total:8.1f}s  {said}{ratio}", file=out)
    print(report.summary_line(), file=out)
    out.flush()


def write_junit(report: Report, path: Path) -> None:
    """Write the outcomes as JUnit XML: one testsuite, one testcase per outcome."""
    suite = ET.Element(
        "testsuite",
        name=report.title,
        tests=str(len(report.outcomes)),
        failures=str(report.count(Status.FAILED)),
        skipped=str(report.count(Status.SKIPPED)),
        errors="0",
        time=f"{sum(item.seconds for item in report.times):.3f}",
    )
    for outcome in report.outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{outcome.page}: {outcome.page_title}" if outcome.page_title else outcome.page,
            name=f"{outcome.location} {outcome.action}",
            time=f"{outcome.seconds:.3f}",
        )
        if outcome.status is Status.FAILED:
            failure = ET.SubElement(case, "failure", message=xml_text(outcome.reason))
            failure.text = xml_text(outcome.output)
        elif outcome.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=xml_text(outcome.reason))
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")


def xml_text(text: str) -> str:
    """`text` without the control characters XML cannot hold (a terminal's bell, NULs...)."""
    return _NOT_XML.sub("", text)


def transcript_name(page: str) -> str:
    """The transcript file of a page: `intro.txt`, `step-02.txt`, `finish.txt`."""
    parts = page.split()
    return f"step-{int(parts[1]):02d}.txt" if len(parts) == 2 else f"{parts[0]}.txt"


def write_transcripts(report: Report, folder: Path) -> list[Path]:
    """Write, per page, what the learner's terminals show: each typed command and its output."""
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[str, list[Outcome]] = {}
    for outcome in report.outcomes:
        pages.setdefault(outcome.page, []).append(outcome)
    written: list[Path] = []
    for page, outcomes in pages.items():
        path = folder / transcript_name(page)
        path.write_text(render_transcript(page, outcomes), encoding="utf-8")
        written.append(path)
    return written


def render_transcript(page: str, outcomes: list[Outcome]) -> str:
    """One page's transcript text."""
    title = outcomes[0].page_title if outcomes else ""
    lines = [f"# {page}: {title}" if title else f"# {page}", ""]
    for outcome in outcomes:
        if not outcome.visible:
            continue
        lines.append(f"[T{outcome.terminal}] ({outcome.location}, {outcome.status.value.lower()})")
        for number, command_line in enumerate(outcome.command.splitlines() or [""]):
            lines.append(("$ " if number == 0 else "> ") + command_line)
        if outcome.output:
            lines.extend(outcome.output.rstrip("\n").splitlines())
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
