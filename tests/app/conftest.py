"""Fixtures for the mountains app: real server processes on port 0, channels, and the app's modules."""

from __future__ import annotations

import importlib.util
import os
import queue
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import grpc
import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "app"
SERVER_SCRIPT = APP_DIR / "server" / "server.py"
CLIENT_SCRIPT = APP_DIR / "client" / "app.py"
# Appended, not prepended: app/server/server.py and app/client/app.py must not shadow the test packages
# `server` and `app`; the app's own modules have distinct names (servicer, mountains_pb2, mountain_forms...).
for folder in (APP_DIR, APP_DIR / "server", APP_DIR / "client"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))


def load_module(name: str, path: Path) -> ModuleType:
    """Import the file at path under a name of our choosing (the app's scripts have clashing names)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A TCP port nothing listens on right now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """`python app/server/server.py` run with PORT=0; knows the port it printed."""

    def __init__(self, **env: str) -> None:
        full_env = {**os.environ, "PORT": "0", **env}
        full_env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER_SCRIPT)],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first_line = self._read_line(timeout=20)
        assert self.first_line.startswith("listening on "), self.first_line
        self.port = int(self.first_line.split()[-1])
        self.address = f"localhost:{self.port}"

    def _read_line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            raise AssertionError(f"server printed nothing within {timeout}s")
        return self.proc.stdout.readline().rstrip("\n")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        """Send a signal to the server."""
        self.proc.send_signal(signum)

    def wait(self, timeout: float) -> tuple[int, str, str]:
        """Wait for exit; return exit code and the rest of stdout and stderr."""
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def stop(self) -> None:
        """Stop the server if it is still running, and collect it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=10)


@pytest.fixture
def start_server() -> Iterator[type[ServerProcess]]:
    """A factory for server processes; every one started is stopped afterwards."""
    started: list[ServerProcess] = []

    class Tracked(ServerProcess):
        def __init__(self, **env: str) -> None:
            super().__init__(**env)
            started.append(self)

    yield Tracked
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """One server process shared by a test module (tests that change data restore it or don't care)."""
    process = ServerProcess()
    yield process
    process.stop()


@pytest.fixture
def fresh_server(start_server: type[ServerProcess]) -> ServerProcess:
    """A server of the test's own, holding just the two seeded mountains."""
    return start_server()


def open_channel(address: str) -> grpc.Channel:
    """An insecure channel, ready (fails the test if the server does not answer within 10 s)."""
    channel = grpc.insecure_channel(address)
    grpc.channel_ready_future(channel).result(timeout=10)
    return channel


@pytest.fixture
def channel(fresh_server: ServerProcess) -> Iterator[grpc.Channel]:
    """A channel to a fresh server."""
    with open_channel(fresh_server.address) as chan:
        yield chan


class LinePump:
    """Reads a process's text pipe in a thread, so tests can wait for a line without blocking forever."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        self.proc = proc
        self.stream = proc.stderr
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        for line in self.stream:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first line (from here on) matching pattern; fail if none comes within timeout."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")

    def finish(self, timeout: float = 20) -> int:
        """Stop the process if it still runs (SIGKILL), collect it and close the pipe; its exit code."""
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait(timeout=timeout)
        self.thread.join(timeout=timeout)
        self.stream.close()
        return code
