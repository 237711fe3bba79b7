"""build.py test with the Docker sandbox on the real engine: same fixtures, and no container left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from scenario import standins
from scenario.cli import main
from scenario.sandbox.docker import LABEL, OWNER_LABEL, owner_id

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).parent / "scenarios"
pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    engine = standins.connect()  # fails (never skips) when no engine answers
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def image(client: docker.DockerClient) -> str:
    """The slim Python stand-in (Debian, bash, python3), built from Debian packages or reused."""
    debian = standins.build_debian(client, log=lambda line: None)
    slim = standins.base("slim")
    standins.build_base(client, slim, debian, log=lambda line: None)
    return slim.tag


def containers_of(client: docker.DockerClient, owner: str) -> list[str]:
    found = client.containers.list(all=True, filters={"label": [LABEL, f"{OWNER_LABEL}={owner}"]})
    return [container.name for container in found]


def run(capsys: pytest.CaptureFixture[str], image: str, *argv: str) -> tuple[int, list[str]]:
    code = main(["test", *argv, "--sandbox", "docker", "--image", image])
    return code, capsys.readouterr().out.splitlines()


def test_the_passing_scenario_passes_in_a_container(
    capsys: pytest.CaptureFixture[str], client: docker.DockerClient, image: str
) -> None:
    code, lines = run(capsys, image, str(SCENARIOS / "passing"), "--verify-fails-first")
    assert code == 0, "\n".join(lines)
    assert lines[0] == "checking 'A scenario the checker must pass' in a docker sandbox"
    at = f"{SCENARIOS}/passing/steps/"
    assert any(line.startswith(f"{at}step2.md:9 execute T2 PASSED (") for line in lines)
    assert any(line.startswith(f"{at}step2.md:19 execute T2 interrupt PASSED (") for line in lines)
    assert lines[-1] == "26 passed, 0 failed, 1 skipped"
    assert containers_of(client, owner_id()) == []


def test_failures_are_named_in_a_container(
    capsys: pytest.CaptureFixture[str], client: docker.DockerClient, image: str
) -> None:
    code, lines = run(capsys, image, str(SCENARIOS / "failing"), "--timeout", "2")
    assert code == 1
    text = "\n".join(lines)
    at = f"{SCENARIOS}/failing/steps/"
    assert f"{at}step1.md:5 execute T1 FAILED" in text
    assert "    exit 2\n    | ls: cannot access '/no/such/folder': No such file or directory" in text
    assert f"{at}step2.md:3 execute T1 FAILED" in text and "    timed out after 2 s" in lines
    assert "    output did not match /^oranges$/\n    | apples\n    | pears" in text
    assert f"{at}step4-verify.sh:1 verify FAILED" in text and "    verify failed: exit 1" in lines
    assert f"{at}step6.md:3 execute T1 FAILED" in text and "    the terminal's shell exited" in lines
    assert "    output did not match /^ready$/\n    | starting" in text
    assert lines[-1] == "6 passed, 8 failed, 0 skipped"
    assert containers_of(client, owner_id()) == []


def test_docker_is_looked_for_inside_the_sandbox(capsys: pytest.CaptureFixture[str], image: str) -> None:
    scenario = str(SCENARIOS / "requirements")
    assert main(["test", scenario]) == 0  # this machine has an engine: the local sandbox sees it
    assert capsys.readouterr().out.splitlines()[-1] == "4 passed, 0 failed, 0 skipped"
    code, lines = run(capsys, image, scenario)  # the container has no docker client
    assert code == 0
    skipped = [
        line for line in lines if line.endswith("SKIPPED (0.0s): needs docker, which is not available")
    ]
    assert len(skipped) == 3, lines
    assert lines[-1] == "1 passed, 0 failed, 3 skipped"
    code, lines = run(capsys, image, scenario, "--require", "docker")
    assert code == 1 and lines[-1] == "1 passed, 3 failed, 0 skipped"
    assert "    needs docker, which is not available (--require)" in lines


def test_ctrl_c_removes_the_container(client: docker.DockerClient, image: str, tmp_path: Path) -> None:
    root = tmp_path / "scenario"
    (root / "steps").mkdir(parents=True)
    (root / "scenario.yaml").write_text("title: Long\nsteps:\n  - title: Long\n    text: steps/step1.md\n")
    (root / "steps" / "step1.md").write_text("`echo started`{{execute}}\n\n`sleep 600`{{execute}}\n")
    command = [sys.executable, "build.py", "test", str(root), "--sandbox", "docker", "--image", image]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("checking 'Long' in a docker sandbox")
    assert " execute T1 PASSED (" in process.stdout.readline()
    owner = owner_id(process.pid)
    assert len(containers_of(client, owner)) == 1
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err == "build.py test: interrupted; the sandbox and its processes were stopped\n"
    assert containers_of(client, owner) == []


def test_a_missing_image_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], client: docker.DockerClient
) -> None:
    code = main(["test", str(SCENARIOS / "passing"), "--sandbox", "docker", "--image", "no-such-image:0"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err == (
        "image 'no-such-image:0' is not on this Docker engine; build or load it first (nothing is pulled)\n"
    )
