"""Session fixtures for the container tests: the engine, the stand-in bases, the app's images built once."""

from __future__ import annotations

import contextlib
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import docker
import docker.errors
import grpc
import pytest
from docker.models.containers import Container
from docker.models.networks import Network
from grpc_health.v1 import health_pb2, health_pb2_grpc

from scenario import imagesize, standins

SESSION = uuid.uuid4().hex[:8]
PREFIX = f"mountains-test-{SESSION}"
LABEL = {"org.mountains.test": SESSION}  # on every container and network the tests make


@pytest.fixture(scope="session")
def engine() -> Iterator[docker.DockerClient]:
    """The local Docker engine; the test fails (never skips) when it does not answer."""
    try:
        client = standins.connect()
    except standins.StandinError as error:
        pytest.fail(f"container tests need a Docker engine: {error}", pytrace=False)
    yield client
    client.close()


@pytest.fixture(scope="session")
def bases(engine: docker.DockerClient, request: pytest.FixtureRequest) -> dict[str, imagesize.BaseChoice]:
    """The stand-in bases, built from nothing or reused by recipe hash; the run's output names them."""
    lines: list[str] = []
    standins.ensure(engine, log=lines.append)
    chosen = imagesize.standin_bases()
    lines += [f"base {key}: {c.image} (local stand-in for {c.stands_for})" for key, c in chosen.items()]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            for line in lines:
                reporter.write_line(f"[container tests] {line}")
    return chosen


@pytest.fixture(scope="session")
def app_image(
    engine: docker.DockerClient, bases: dict[str, imagesize.BaseChoice]
) -> Iterator[Callable[[str], str]]:
    """build(name) -> tag: builds an app image (e.g. server-secure) once per session; removed at the end."""
    built: dict[str, str] = {}

    def build(name: str) -> str:
        if name not in built:
            tag = imagesize.tag_for(PREFIX, name)
            built[name] = imagesize.build_image(engine, imagesize.spec(name), bases, tag)
        return built[name]

    yield build
    for tag in built.values():
        with contextlib.suppress(docker.errors.ImageNotFound):
            engine.images.remove(tag, force=True)
    standins.prune_dangling(engine)


@pytest.fixture(scope="session")
def network(engine: docker.DockerClient) -> Iterator[Network]:
    """A user-defined bridge network for this session (containers find each other by name)."""
    made = engine.networks.create(f"{PREFIX}-net", driver="bridge", labels=LABEL)
    yield made
    made.remove()


@pytest.fixture
def start(engine: docker.DockerClient) -> Iterator[Callable[..., Container]]:
    """start(image, **run_options) -> a running container, removed after the test."""
    started: list[Container] = []

    def run(image: str, **options: Any) -> Container:
        engine.images.get(image)  # never let the engine try a registry for a missing image
        container = engine.containers.run(image, detach=True, labels=LABEL, **options)
        started.append(container)
        return container

    yield run
    for container in started:
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True)


def published_port(container: Container, port: str) -> int:
    """The 127.0.0.1 host port Docker gave the container's `port` (e.g. "8321/tcp")."""
    container.reload()
    return int(container.ports[port][0]["HostPort"])


def wait_for_line(container: Container, text: str, timeout: float = 30) -> None:
    """Wait until the container's logs contain `text`; fail with the logs if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = container.logs().decode(errors="replace")
        if text in logs:
            return
        container.reload()
        if container.status == "exited":
            break
        time.sleep(0.2)
    pytest.fail(f"{container.image.tags}: no {text!r} in its output:\n{container.logs().decode()}")


def health_status(port: int, service: str = "") -> int:
    """The gRPC health status the server on 127.0.0.1:port reports."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10, wait_for_ready=True)
    return int(reply.status)


def fetch(url: str, timeout: float = 30) -> str:
    """GET url, retrying while the server comes up; the body."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body: str = response.read().decode()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
