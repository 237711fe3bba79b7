"""The checker's console lines, summary and stated-time parsing."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scenario.check_report import (
    Outcome,
    PageTime,
    Report,
    Status,
    outcome_line,
    parse_minutes,
    print_outcome,
    print_summary,
    tail,
    write_junit,
)


@pytest.mark.parametrize(
    ("stated", "minutes"),
    [
        ("45 minutes", 45),
        ("1 hour", 60),
        ("15-20 min", 20),
        ("10 to 15 minutes", 15),
        ("1.5 hours", 90),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_minutes(stated: str, minutes: float | None) -> None:
    assert parse_minutes(stated) == minutes


def test_a_failure_shows_its_reason_and_the_tail_of_its_output() -> None:
    output = "".join(f"line {n}\n" for n in range(1, 31))
    failed = Outcome(
        "step 1", "One", "steps/step1.md:12", "execute T1", Status.FAILED, 0.44, "exit 3", output
    )
    out = io.StringIO()
    print_outcome(failed, out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "steps/step1.md:12 execute T1 FAILED (0.4s)",
        "    exit 3",
        "    | ... (5 lines cut)",
    ]
    assert lines[3] == "    | line 6" and lines[-1] == "    | line 30" and len(lines) == 28
    assert tail("a\nb\n", 5) == "a\nb"


def test_a_skip_shows_its_reason_on_its_line() -> None:
    skipped = Outcome(
        "step 2",
        "",
        "steps/step2.md:3",
        "verify",
        Status.SKIPPED,
        0.0,
        "needs docker, which is not available",
    )
    assert (
        outcome_line(skipped)
        == "steps/step2.md:3 verify SKIPPED (0.0s): needs docker, which is not available"
    )


def test_summary_compares_measured_with_stated_time() -> None:
    report = Report(
        "T", "45 minutes", times=[PageTime("intro", "", 1.25), PageTime("step 1", "Build", 540.0)]
    )
    report.outcomes = [
        Outcome("step 1", "Build", "steps/step1.md:3", "execute T1", status, 0.1) for status in Status
    ]
    out = io.StringIO()
    print_summary(report, out)
    assert out.getvalue() == (
        "\n"
        "time per page (machine time; a learner reads and types too):\n"
        "  intro         1.2s\n"
        "  step 1      540.0s  Build\n"
        "  total       541.2s  the scenario states '45 minutes' (20% of it)\n"
        "1 passed, 1 failed, 1 skipped\n"
    )


def test_junit_holds_no_control_characters(tmp_path: Path) -> None:
    report = Report("Bells", "")
    report.outcomes = [
        Outcome(
            "step 1",
            "",
            "steps/step1.md:3",
            "execute T1",
            Status.FAILED,
            0.5,
            "exit 1",
            "ding\x07\x00 done\n",
        )
    ]
    write_junit(report, tmp_path / "junit.xml")
    text = (tmp_path / "junit.xml").read_text()
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuite name=\"Bells\"")
    assert text.endswith("</testsuite>\n")
    failure = ET.parse(tmp_path / "junit.xml").getroot().find("testcase/failure")
    assert failure is not None and failure.text == "ding done\n"
