"""The Docker sandbox: a container per learner, with memory, CPU and process limits, labelled for cleanup."""

from __future__ import annotations

import io
import os
import posixpath
import secrets
import tarfile
import time
from typing import Any

import docker
import docker.errors
from docker.models.containers import Container

from scenario.errors import ScenarioError
from scenario.sandbox.base import Sandbox, ScriptResult

LABEL = "scenario.sandbox"  # every container this project starts as a sandbox carries it
OWNER_LABEL = "scenario.owner"  # "<pid>:<start time>" of the process that started it
KIND_LABEL = "scenario.kind"  # who asked for it (serve, test...), for people reading `docker ps`
MEMORY = "512m"
CPUS = 1.0
PIDS = 512
HOME = "/root"


class DockerSandboxError(ScenarioError):
    """The Docker engine cannot give a sandbox: engine unreachable, image missing, container failed."""


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[19]  # field 22 of stat(5): the process's start time, in clock ticks since boot


def owner_id(pid: int | None = None) -> str:
    """This process's identity for the owner label: its pid and start time (pids get reused)."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}:{_start_time(pid)}"


def owner_alive(owner: str) -> bool:
    """True when the process that the owner label names is still running."""
    pid_text, _, started = owner.partition(":")
    if not pid_text.isdigit():
        return False
    return _start_time(int(pid_text)) == started


def docker_client() -> docker.DockerClient:
    """A client of the engine named by the environment (DOCKER_HOST), or a clear error."""
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except docker.errors.DockerException as error:
        raise DockerSandboxError(f"cannot reach the Docker engine: {error}") from error
    return client


def check_image(client: docker.DockerClient, image: str) -> None:
    """Raise a clear error unless `image` is on the engine: nothing is ever pulled."""
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound as error:
        raise DockerSandboxError(
            f"image {image!r} is not on this Docker engine; build or load it first (nothing is pulled)"
        ) from error
    except docker.errors.APIError as error:
        raise DockerSandboxError(f"cannot look up image {image!r}: {error}") from error


def remove_leftovers(client: docker.DockerClient) -> int:
    """Remove sandbox containers whose owner process is gone (a crashed server); return how many."""
    removed = 0
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        owner = container.labels.get(OWNER_LABEL, "")
        if owner_alive(owner):
            continue
        try:
            container.remove(force=True)
            removed += 1
        except docker.errors.NotFound:
            continue
    return removed


def prepare_engine(image: str) -> int:
    """Before serving: check the engine and the image, remove leftovers; return how many were removed."""
    client = docker_client()
    try:
        check_image(client, image)
        return remove_leftovers(client)
    finally:
        client.close()


def in_home(path: str) -> str:
    """The absolute path in the container for a path as the learner writes it (`~/x`, `x`, `/etc/x`)."""
    if path == "~":
        return HOME
    if path.startswith("~/"):
        return posixpath.join(HOME, path[2:])
    return posixpath.normpath(posixpath.join(HOME, path))


class DockerSandbox(Sandbox):
    """A container running `sleep infinity` from the image; shells and scripts are `docker exec`s in it."""

    kind = "docker"
    home = HOME

    def __init__(
        self,
        image: str,
        *,
        name_hint: str = "learner",
        purpose: str = "serve",
        memory: str = MEMORY,
        cpus: float = CPUS,
        pids: int = PIDS,
        client: docker.DockerClient | None = None,
    ) -> None:
        self._own_client = client is None
        self.client = client or docker_client()
        self.image = image
        self._closed = False
        check_image(self.client, image)
        safe_hint = "".join(c if c.isalnum() else "-" for c in name_hint)[:20]
        self.name = f"scenario-{safe_hint}-{secrets.token_hex(3)}"
        try:
            self.container: Container = self.client.containers.run(
                image,
                entrypoint=["sleep", "infinity"],
                command=[],
                detach=True,
                name=self.name,
                labels={LABEL: "1", OWNER_LABEL: owner_id(), KIND_LABEL: purpose},
                mem_limit=memory,
                memswap_limit=memory,
                nano_cpus=int(cpus * 1e9),
                pids_limit=pids,
                init=True,
                hostname="host01",
                working_dir="/",
                environment={"TERM": "xterm-256color"},
            )
        except docker.errors.DockerException as error:
            raise DockerSandboxError(f"cannot start a container from {image!r}: {error}") from error
        self._exec(["mkdir", "-p", HOME])

    def _exec(self, argv: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes]:
        result = self.container.exec_run(argv, workdir=HOME if argv[0] != "mkdir" else "/", environment=env)
        return int(result.exit_code or 0), bytes(result.output or b"")

    def shell_argv(self) -> list[str]:
        """`docker exec -it` of an interactive bash in the container, in the learner's home."""
        return [
            "docker",
            "exec",
            "-it",
            "-e",
            "TERM=xterm-256color",
            "-w",
            HOME,
            self.container.id,
            "bash",
            "-il",
        ]

    def shell_env(self) -> dict[str, str]:
        """The docker client needs no extra environment."""
        return {}

    def run_script(
        self, script: str, timeout: float = 60.0, env: dict[str, str] | None = None
    ) -> ScriptResult:
        """Run `script` with bash in the container, killed after `timeout` seconds (exit 124)."""
        seconds = str(max(1, round(timeout)))
        argv = ["timeout", "-k", "5", seconds, "bash", "-c", script]
        try:
            code, output = self._exec(argv, env)
        except docker.errors.APIError as error:
            return ScriptResult(exit_code=125, output=f"docker exec failed: {error}\n")
        text = output.decode(errors="replace")
        return ScriptResult(exit_code=code, output=text, timed_out=code in (124, 137))

    def write_file(self, path: str, data: bytes, mode: int | None = None) -> None:
        """Write the file (its folders created) through a tar archive put into the container."""
        target = in_home(path)
        folder, name = posixpath.split(target)
        self._exec(["mkdir", "-p", folder])
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644 if mode is None else mode
            info.mtime = int(time.time())
            archive.addfile(info, io.BytesIO(data))
        if not self.container.put_archive(folder, buffer.getvalue()):
            raise DockerSandboxError(f"cannot write {target} in the container")

    def read_file(self, path: str) -> bytes:
        """Read a file out of the container; FileNotFoundError when it is not there."""
        target = in_home(path)
        try:
            stream, stat = self.container.get_archive(target)
        except docker.errors.NotFound as error:
            raise FileNotFoundError(target) from error
        if stat.get("mode", 0) & (1 << 31):  # Go's os.ModeDir
            raise IsADirectoryError(target)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream)), mode="r") as archive:
            member = archive.next()
            extracted = archive.extractfile(member) if member is not None else None
            if extracted is None:
                raise FileNotFoundError(target)
            return extracted.read()

    def port_address(self, port: int) -> tuple[str, int]:
        """The container's address on the default bridge: this machine reaches its ports directly."""
        address = self._address()
        if not address:
            self.container.reload()
            address = self._address()
        return (address or "127.0.0.1", port)

    def _address(self) -> str:
        settings: dict[str, Any] = self.container.attrs.get("NetworkSettings") or {}
        if settings.get("IPAddress"):
            return str(settings["IPAddress"])
        for network in (settings.get("Networks") or {}).values():
            if network.get("IPAddress"):
                return str(network["IPAddress"])
        return ""

    def close(self) -> None:
        """Remove the container (and everything running in it); safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self.container.remove(force=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as error:
            raise DockerSandboxError(f"cannot remove container {self.name}: {error}") from error
        finally:
            if self._own_client:
                self.client.close()
