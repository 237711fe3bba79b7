"""The scenario runs for real: `build.py test . --require docker --verify-fails-first` on a real engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE_STEPS = (3, 4, 5, 6)
CLUSTER_STEPS = (1, 2, 7, 8)
OUTCOME_RE = re.compile(r"^(?P<where>steps/(?P<page>step\d+|intro|finish)[^ ]*) (?P<action>.+?) "
                        r"(?P<status>PASSED|FAILED|SKIPPED) \([\d.]+s\)(?:: (?P<reason>.*))?$")
SKIP_REASON = "needs kubernetes, which is not available"


def tag_public_bases() -> None:
    """Build (or reuse) the local stand-in bases and tag them under the public names the Dockerfiles use."""
    done = subprocess.run(
        ["bash", "scripts/stand-in-bases.sh", "--tag-public"], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=1800, env=None,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def outcomes(output: str) -> dict[str, list[tuple[str, str, str]]]:
    """The checker's outcome lines by page (`step4`, `intro`...): (action, status, reason)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for line in output.splitlines():
        match = OUTCOME_RE.match(line)
        if match:
            row = (match["action"], match["status"], match["reason"] or "")
            found.setdefault(match["page"].removesuffix("-verify.sh"), []).append(row)
    return found


@pytest.mark.docker
def test_scenario_passes_with_docker_and_skips_the_cluster_steps() -> None:
    tag_public_bases()
    command = [sys.executable, "build.py", "test", ".", "--require", "docker", "--verify-fails-first"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    pages = outcomes(output)
    for number in IMAGE_STEPS:
        rows = pages[f"step{number}"]
        assert rows and all(status == "PASSED" for _, status, _ in rows), (number, rows)
        actions = [action for action, _, _ in rows]
        assert "verify (before the work)" in actions and "verify" in actions, (number, actions)
        assert sum(action.startswith("execute") for action in actions) >= 2, (number, actions)
    for number in CLUSTER_STEPS:
        rows = pages[f"step{number}"]
        assert rows and all(status == "SKIPPED" and reason == SKIP_REASON for _, status, reason in rows), rows
    summary = re.search(r"^(\d+) passed, 0 failed, (\d+) skipped$", output, re.MULTILINE)
    assert summary, output[-2000:]
