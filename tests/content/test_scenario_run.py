"""The scenario runs for real: `build.py test . --require docker --verify-fails-first` on a real engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scenario.standins import DEBIAN_TAG

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


def verify(number: int, home: Path) -> tuple[int, str, str]:
    """Run step `number`'s verify script as the checker does: bash in the learner's home, nothing else set."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    done = subprocess.run(
        ["bash", str(ROOT / "steps" / f"step{number}-verify.sh")], cwd=home, env=env, capture_output=True,
        text=True, check=False, timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.docker
def test_image_checks_say_what_is_missing(tmp_path: Path) -> None:
    tag_public_bases()
    setup = subprocess.run(["bash", "steps/intro-background.sh"], cwd=ROOT, capture_output=True, text=True,
                           check=False, timeout=300)
    assert (setup.returncode, setup.stdout) == (0, "done\n")  # it removed the tags an earlier run left
    for number, kind in ((4, "bloated"), (5, "small"), (6, "secure")):
        assert verify(number, tmp_path) == (1, "", f"no image */mountains-server-{kind}:0.1.0 yet\n")
    fake = "localhost:30500/mountains-server-secure:0.1.0"  # a Debian with a shell, run as root
    tagged = subprocess.run(["docker", "tag", DEBIAN_TAG, fake], check=False)
    assert tagged.returncode == 0
    try:
        assert verify(6, tmp_path) == (1, "", f"{fake} runs as root\n")
    finally:
        subprocess.run(["docker", "rmi", fake], capture_output=True, check=False)
