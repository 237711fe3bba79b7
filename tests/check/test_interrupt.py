"""Ctrl-C during build.py test: exit 130 with a message, and nothing the run started is left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def write_scenario(root: Path, marker: str) -> None:
    (root / "steps").mkdir(parents=True)
    (root / "scenario.yaml").write_text(
        "title: Interrupted\nintro:\n  text: steps/intro.md\n  background: steps/daemon.sh\n"
        "steps:\n  - title: Long\n    text: steps/step1.md\n"
    )
    (root / "steps" / "intro.md").write_text("# Intro\n")
    # A daemon in its own session, a server in T2, a long command in T1: all must be gone afterwards.
    (root / "steps" / "daemon.sh").write_text(f"setsid sleep {marker}1 >/dev/null 2>&1 < /dev/null &\n")
    (root / "steps" / "step1.md").write_text(
        f"`sleep {marker}2`{{{{execute T2}}}}\n\n`sleep {marker}3`{{{{execute}}}}\n\n"
        "`echo never`{{execute T2 interrupt}}\n"
    )


def processes_with(marker: str) -> list[str]:
    found: list[str] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmdline and state not in ("Z", "X"):
            found.append(f"{entry}: {cmdline}")
    return found


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_everything_and_exits_130(tmp_path: Path, presses: int) -> None:
    marker = f"3000.{random.randrange(10**6):06d}"
    write_scenario(tmp_path / "scenario", marker)
    temp = tmp_path / "temp"  # where the local sandbox makes its folder
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "test", str(tmp_path / "scenario")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=dict(os.environ, TMPDIR=str(temp)),
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(3)]
    assert "daemon.sh:1 background PASSED" in lines[1], lines
    assert "step1.md:1 execute T2 PASSED" in lines[2], lines
    deadline = time.monotonic() + 10
    while len(processes_with(marker)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(processes_with(marker)) == 3, processes_with(marker)
    assert len(list(temp.iterdir())) == 1
    for _ in range(presses):  # a second Ctrl-C, impatient, lands while cleaning up
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "build.py test: interrupted; the sandbox and its processes were stopped\n"
    assert "passed" not in out
    assert processes_with(marker) == []
    assert list(temp.iterdir()) == []
