"""The stand-in bases and the app's images on the real Docker engine: built once, run, stopped, measured."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors
import grpc
import pytest
from docker.models.containers import Container
from docker.models.networks import Network
from grpc_health.v1 import health_pb2

from scenario import imagesize, standins
from scenario.cli import main

from .conftest import PREFIX, fetch, health_status, published_port, wait_for_line

sys.path.append(str(standins.REPO / "app"))  # appended: the app's generated modules, nothing shadowed
import mountains_pb2
import mountains_pb2_grpc

pytestmark = pytest.mark.docker
SERVING = health_pb2.HealthCheckResponse.SERVING
LOCAL_PORT = ("127.0.0.1", None)  # publish on a free loopback port only


def output(
    engine: docker.DockerClient, image: str, *command: str, entrypoint: list[str] | None = None
) -> str:
    """Run a throwaway container and return what it printed (it must exit 0)."""
    engine.images.get(image)
    options = {"entrypoint": entrypoint} if entrypoint else {}
    printed: bytes = engine.containers.run(image, list(command), remove=True, stderr=True, **options)
    return printed.decode()


def assert_no_shell(engine: docker.DockerClient, image: str) -> None:
    """`docker run --entrypoint sh IMAGE` must fail: there is no shell to run."""
    container = engine.containers.create(image, entrypoint=["sh"], labels={"org.mountains.test": PREFIX})
    try:
        with pytest.raises(docker.errors.APIError, match="executable file not found"):
            container.start()
    finally:
        container.remove(force=True)


def exists(engine: docker.DockerClient, reference: str) -> bool:
    """Whether the engine has an image by that name."""
    try:
        engine.images.get(reference)
    except docker.errors.ImageNotFound:
        return False
    return True


def stop_cleanly(container: Container) -> None:
    """SIGTERM, then the container must exit with 0 well within Docker's own 10 s grace."""
    container.kill(signal="SIGTERM")
    result = container.wait(timeout=20)
    assert result["StatusCode"] == 0, container.logs().decode()


def test_full_stand_in_has_pip_compilers_and_the_host_ca(
    engine: docker.DockerClient, bases: dict[str, imagesize.BaseChoice]
) -> None:
    script = (
        "command -v python; command -v python3; command -v pip; python --version; gcc --version | head -n1;"
        " test ! -e /usr/lib/python3.11/EXTERNALLY-MANAGED && echo pip-as-root-ok;"
        ' test -s "$PIP_CERT" && test "$SSL_CERT_FILE" = "$PIP_CERT" && echo ca-ok'
    )
    printed = output(engine, bases["full"].image, "sh", "-c", script)
    assert "/usr/local/bin/python\n/usr/local/bin/python3\n/usr/local/bin/pip\n" in printed
    assert "Python 3.11." in printed and "gcc (Debian" in printed
    assert "pip-as-root-ok" in printed and "ca-ok" in printed


def test_slim_stand_in_has_python_but_no_compiler(
    engine: docker.DockerClient, bases: dict[str, imagesize.BaseChoice]
) -> None:
    printed = output(
        engine, bases["slim"].image, "sh", "-c", "python --version; command -v gcc || echo no-gcc"
    )
    assert "Python 3.11." in printed and "no-gcc" in printed


def test_distroless_stand_in_is_python_3_11_with_nonroot_and_no_shell(
    engine: docker.DockerClient, bases: dict[str, imagesize.BaseChoice]
) -> None:
    image = bases["distroless"].image
    script = (
        "import os, ssl, sys, pwd; print(sys.version_info[:2], os.path.realpath(sys.executable));"
        "print(pwd.getpwuid(65532).pw_name, ssl.get_default_verify_paths().cafile)"
    )
    printed = output(engine, image, "-c", script)
    assert "(3, 11) /usr/bin/python3.11" in printed
    assert "nonroot /etc/ssl/certs/ca-certificates.crt" in printed
    assert_no_shell(engine, image)


@pytest.mark.parametrize("variant", ["bloated", "small", "secure"])
def test_client_shows_the_servers_mountains_and_both_stop_on_sigterm(
    variant: str,
    app_image: Callable[[str], str],
    network: Network,
    start: Callable[..., Container],
) -> None:
    server_name = f"{PREFIX}-server-{variant}"
    server = start(
        app_image(f"server-{variant}"), name=server_name, network=network.name, ports={"8321/tcp": LOCAL_PORT}
    )
    wait_for_line(server, "listening on 8321")
    assert health_status(published_port(server, "8321/tcp")) == SERVING
    client = start(
        app_image(f"client-{variant}"),
        name=f"{PREFIX}-client-{variant}",
        network=network.name,
        environment={"MOUNTAINS_SERVER": f"{server_name}:8321"},
        ports={"3000/tcp": LOCAL_PORT},
    )
    page = fetch(f"http://127.0.0.1:{published_port(client, '3000/tcp')}/")
    assert "Mount Everest" in page and "Mont Blanc" in page
    stop_cleanly(client)
    stop_cleanly(server)
    assert "stopped" in server.logs().decode()


@pytest.mark.parametrize("side", ["server", "client"])
def test_secure_images_run_as_nonroot_without_a_shell(
    side: str, engine: docker.DockerClient, app_image: Callable[[str], str]
) -> None:
    image = app_image(f"{side}-secure")
    assert engine.images.get(image).attrs["Config"]["User"] == "65532:65532"
    printed = output(
        engine, image, "-c", "import os; print(os.getuid(), os.getgid())", entrypoint=["/usr/bin/python3"]
    )
    assert printed == "65532 65532\n"
    assert_no_shell(engine, image)


def test_limit_image_runs_the_server(
    engine: docker.DockerClient, app_image: Callable[[str], str], start: Callable[..., Container]
) -> None:
    image = app_image("server-limit")
    server = start(image, ports={"8321/tcp": LOCAL_PORT})
    wait_for_line(server, "listening on 8321")
    port = published_port(server, "8321/tcp")
    assert health_status(port) == SERVING
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        names = [
            m.name
            for m in mountains_pb2_grpc.MountainServiceStub(channel).GetAll(mountains_pb2.Empty()).mountains
        ]
    assert names == ["Mount Everest", "Mont Blanc"]
    stop_cleanly(server)
    assert_no_shell(engine, image)


def test_measurement_writes_sizes_and_chart(
    tmp_path: Path,
    engine: docker.DockerClient,
    app_image: Callable[[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    for spec in imagesize.SPECS:
        app_image(spec.name)  # already built by the session: the measurement's builds come from the cache
    prefix = f"{PREFIX}-measure"
    assert main(["images", "--out", str(tmp_path), "--prefix", prefix, "--remove"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {tmp_path / 'image-sizes.json'}" in printed
    data = json.loads((tmp_path / "image-sizes.json").read_text())
    mb = {name: image["mb"] for name, image in data["images"].items()}
    for side in ("client", "server"):
        assert mb[f"{side}-bloated"] > mb[f"{side}-small"] > mb[f"{side}-secure"]
    assert mb["server-secure"] > mb["server-limit"]
    assert data["images"]["server-secure"]["tag"] == f"{prefix}-server-secure:0.1.0"
    assert len(re.findall(r">\d+\.\d MB</text>", (tmp_path / "image-sizes.svg").read_text())) == 7
    for spec in imagesize.SPECS:  # --remove took the measurement's tags away again
        with pytest.raises(docker.errors.ImageNotFound):
            engine.images.get(imagesize.tag_for(prefix, spec.name))


def test_stand_ins_are_reused_by_recipe_and_tagged_under_public_names(
    engine: docker.DockerClient, bases: dict[str, imagesize.BaseChoice]
) -> None:
    before = {stand_in.public: exists(engine, stand_in.public) for stand_in in standins.BASES}
    lines: list[str] = []
    standins.ensure(engine, log=lines.append, tag_public=True)
    try:
        assert [line for line in lines if "up to date" in line] == [
            line for line in lines if "recipe" in line
        ]
        assert sum("up to date" in line for line in lines) == 4  # Debian and the three stand-ins: no rebuild
        for stand_in in standins.BASES:
            assert engine.images.get(stand_in.public).id == engine.images.get(stand_in.tag).id
            assert imagesize.image_labels(engine)(stand_in.public) is not None
        with pytest.raises(imagesize.MeasureError, match="this is a local stand-in"):
            imagesize.public_bases(imagesize.image_labels(engine))
    finally:
        for public, existed in before.items():
            if not existed:  # leave the engine as it was
                engine.images.remove(public)
