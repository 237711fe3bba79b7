"""The docker sandbox on the real engine: a container per learner, limits, labels, cleanup, real shells."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from scenario.sandbox.docker import LABEL, OWNER_LABEL, DockerSandbox, docker_client, remove_leftovers

from .harness import REPO, Served, start_server

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.DockerClient]:
    """The real engine; a missing engine fails these tests (they never skip)."""
    client = docker_client()
    yield client
    client.close()


@pytest.fixture(scope="module")
def image(engine: docker.DockerClient) -> str:
    """A local Debian image with bash: the project's debootstrapped stand-in base, built if missing."""
    from scenario.standins import DEBIAN_TAG, build_debian

    build_debian(engine, lambda line: print(line, file=sys.stderr))
    return DEBIAN_TAG


def containers_of(engine: docker.DockerClient, pid: int) -> list[docker.models.containers.Container]:
    """The sandbox containers started by process `pid`."""
    found = engine.containers.list(all=True, filters={"label": LABEL})
    return [c for c in found if c.labels.get(OWNER_LABEL, "").startswith(f"{pid}:")]


def wait_for_container_process(container: docker.models.containers.Container, cmdline: str) -> None:
    """Wait until a process in the container runs exactly `cmdline`."""
    script = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        output = container.exec_run(["bash", "-c", script]).output.decode()
        if f"{cmdline} " in output.splitlines():
            return
        time.sleep(0.1)
    raise AssertionError(f"no process {cmdline!r} started in the container")


@pytest.fixture
def docker_served(scenario_dir: Path, tmp_path: Path, image: str) -> Iterator[Served]:
    """The test scenario served with one container per learner."""
    server = start_server(scenario_dir, tmp_path / "state", "--sandbox", "docker", "--image", image)
    yield server
    server.stop()


def test_snippets_run_in_the_learners_container(docker_served: Served, engine: docker.DockerClient) -> None:
    term = docker_served.terminal(1)
    term.send("snippet", 1, 0)
    assert term.wait_message("snippet") == ["snippet", {"terminal": 1}]
    term.wait_for("hello-42")
    term.send("stdin", "echo host=$(hostname)=$((1+1))\r")
    term.wait_for("host=host01=2")
    term.send("snippet", 1, 2)
    assert term.wait_message("snippet") == ["snippet", {"terminal": 2}]
    second = docker_served.terminal(2)
    second.wait_for("in-two-4")
    term.send("snippet", 1, 3)
    term.wait_for("sleep 300")
    (container,) = containers_of(engine, docker_served.process.pid)
    wait_for_container_process(container, "sleep 300")
    term.send("snippet", 1, 4)
    term.wait_for("after-2", timeout=15)
    host_config = container.attrs["HostConfig"]
    limits = (host_config["Memory"], host_config["NanoCpus"], host_config["PidsLimit"])
    assert limits == (512 * 2**20, 10**9, 512)
    second.close()
    term.close()


def test_check_assets_and_editor_in_the_container(docker_served: Served) -> None:
    assert docker_served.api("POST", "/api/verify", {"page": 1})["output"] == "no ~/made yet\n"
    term = docker_served.terminal(1)
    term.send("stdin", "hello.sh; stat -c mode=%a /usr/local/bin/hello.sh; touch ~/made; echo t$((4+4))\r")
    term.wait_for("hi-from-asset")
    term.wait_for("mode=755")
    term.wait_for("t8")
    assert docker_served.api("POST", "/api/verify", {"page": 1})["ok"] is True
    replace = {"filename": "notes.txt", "target": "replace", "text": "a\n#M\n"}
    insert = {"filename": "notes.txt", "target": "insert", "marker": "#M", "text": "b"}
    docker_served.api("POST", "/api/editor", replace)
    docker_served.api("POST", "/api/editor", insert)
    assert docker_served.api("GET", "/api/file?path=/root/notes.txt")["content"] == "a\nb\n"
    term.close()


def test_containers_are_removed_when_the_server_stops(
    docker_served: Served, engine: docker.DockerClient
) -> None:
    docker_served.terminal(1).close()
    docker_served.terminal(1, session="second-learner-0002").close()
    assert len(containers_of(engine, docker_served.process.pid)) == 2
    assert docker_served.stop() == 0
    assert containers_of(engine, docker_served.process.pid) == []


def test_idle_sessions_lose_their_container(
    scenario_dir: Path, tmp_path: Path, image: str, engine: docker.DockerClient
) -> None:
    server = start_server(
        scenario_dir, tmp_path / "state", "--sandbox", "docker", "--image", image, "--idle-timeout", "1"
    )
    try:
        term = server.terminal(1)
        term.send("stdin", "echo up-$((2+3))\r")
        term.wait_for("up-5")
        assert len(containers_of(engine, server.process.pid)) == 1
        term.close()
        deadline = time.monotonic() + 30
        while containers_of(engine, server.process.pid):
            assert time.monotonic() < deadline, "the idle session's container is still there"
            time.sleep(0.5)
        assert server.api("GET", "/api/progress") == {"current": 0, "verified": []}
    finally:
        server.stop()


def test_leftovers_of_a_crashed_server_are_removed(image: str, engine: docker.DockerClient) -> None:
    crashed = subprocess.Popen(["sleep", "30"])
    sandbox = DockerSandbox(image, name_hint="leftover", client=engine)
    leftover = engine.containers.run(
        image, entrypoint=["sleep", "infinity"], command=[], detach=True,
        labels={LABEL: "1", OWNER_LABEL: f"{crashed.pid}:0"},
    )
    crashed.kill()
    crashed.wait()
    assert remove_leftovers(engine) >= 1
    with pytest.raises(docker.errors.NotFound):
        leftover.reload()
    sandbox.container.reload()  # its owner (this process) is alive: kept
    sandbox.close()


def test_a_missing_image_is_a_clear_error(scenario_dir: Path, engine: docker.DockerClient) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(scenario_dir), "--port", "0", "--sandbox", "docker",
         "--image", "no-such-image:never"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "image 'no-such-image:never' is not on this Docker engine; "
        "build or load it first (nothing is pulled)\n"
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(scenario_dir), "--sandbox", "docker"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert (done.returncode, done.stderr) == (
        2, "build.py serve: error: --sandbox docker needs --image IMG (an image with bash, present locally)\n"
    )


PERL_SERVER = r"""use IO::Socket::INET;
my $server = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die "listen: $!";
while (my $client = $server->accept) {
    while (my $line = <$client>) { last if $line =~ /^\r?\n$/ }
    print $client "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfrom-the-container\n";
    close $client;
}
"""


def test_port_links_reach_the_container(docker_served: Served) -> None:
    docker_served.api("POST", "/api/editor", {"filename": "server.pl", "target": "replace", "text": PERL_SERVER})
    term = docker_served.terminal(1)
    term.send("stdin", "perl server.pl &\r")
    deadline = time.monotonic() + 20
    while True:
        status, headers, body = docker_served.request("GET", "/port/8080/")
        if status == 200:
            break
        assert status == 502, (status, body)
        assert time.monotonic() < deadline, "the container's port 8080 never answered"
        time.sleep(0.2)
    assert body == b"from-the-container\n"
    assert headers["content-security-policy"].startswith("sandbox ")
    term.close()
