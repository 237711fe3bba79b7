"""The mountains gRPC server: MountainService plus health and reflection, on $PORT, stopping on SIGTERM."""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import sys
import threading
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

if importlib.util.find_spec("mountains_pb2") is None:  # run from a checkout: the modules live in app/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import grpc
import mountains_pb2_grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from servicer import SERVICE_NAME, MountainServicer, MountainStore

DEFAULT_PORT = 8321
DEFAULT_GRACE = 10.0
WORKERS = 32
LOG = logging.getLogger("mountains.server")


class ConfigError(Exception):
    """A bad environment setting, with a message for the operator."""


@dataclass(frozen=True)
class Config:
    """What the environment asks for."""

    port: int
    grace: float
    delay: float


def number_from_env(env: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    """The number in env[name] (or default); ConfigError if it is not a number within low..high."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {raw!r}")
    return value


def config_from_env(env: dict[str, str]) -> Config:
    """Read PORT, SHUTDOWN_GRACE (seconds) and MOUNTAINS_RPC_DELAY (seconds) from the environment."""
    raw_port = env.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or int(raw_port) > 65535:
        raise ConfigError(f"PORT must be an integer between 0 and 65535, got {raw_port!r}")
    return Config(
        port=int(raw_port),
        grace=number_from_env(env, "SHUTDOWN_GRACE", DEFAULT_GRACE, 0, 3600),
        delay=number_from_env(env, "MOUNTAINS_RPC_DELAY", 0.0, 0, 60),
    )


@dataclass
class Running:
    """A started server, its health service and the port it bound."""

    server: grpc.Server
    health: health.HealthServicer
    port: int

    def stop(self, grace: float) -> None:
        """Report NOT_SERVING, refuse new calls, let in-flight calls finish within `grace` seconds."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()


def start(port: int, delay: float = 0.0) -> Running:
    """Build, bind and start the server; health reports SERVING once it is up. OSError if the bind fails."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=WORKERS), options=[("grpc.so_reuseport", 0)])
    mountains_pb2_grpc.add_MountainServiceServicer_to_server(MountainServicer(MountainStore(), delay), server)
    checker = health.HealthServicer()
    for name in ("", SERVICE_NAME):
        checker.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    names = (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME)
    reflection.enable_server_reflection(names, server)
    try:
        bound = server.add_insecure_port(f"[::]:{port}")
    except RuntimeError as error:
        raise OSError(f"cannot listen on port {port} (in use, or not allowed): {error}") from None
    server.start()
    for name in ("", SERVICE_NAME):
        checker.set(name, health_pb2.HealthCheckResponse.SERVING)
    return Running(server, checker, bound)


class SignalWaiter:
    """Catches SIGTERM and SIGINT from the moment it is made; wait() returns the first one's name."""

    def __init__(self) -> None:
        self._received: list[str] = []
        self._done = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self._received.append(signal.Signals(signum).name)
        self._done.set()

    def wait(self) -> str:
        """Block until a signal has arrived; return its name (SIGTERM or SIGINT)."""
        self._done.wait()
        return self._received[0]


def main() -> int:
    """Serve until SIGTERM or SIGINT, then shut down gracefully; 0 on a clean stop, 1 or 2 on errors."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    try:
        config = config_from_env(dict(os.environ))
    except ConfigError as error:
        print(f"server: error: {error}", file=sys.stderr)
        return 2
    signals = SignalWaiter()
    try:
        running = start(config.port, config.delay)
    except OSError as error:
        print(f"server: error: {error}", file=sys.stderr)
        return 1
    print(f"listening on {running.port}", flush=True)
    name = signals.wait()
    LOG.info("%s received: NOT_SERVING, finishing in-flight calls (grace %gs)", name, config.grace)
    running.stop(config.grace)
    LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
