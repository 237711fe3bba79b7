"""Benchmark the mountains gRPC server: GetAll and Insert throughput and p50/p99 latency at 1, 8, 64 clients.

Run by hand: `.venv/bin/python bench/bench_grpc.py [--seconds 3] [--clients 1,8,64]`. Every cell gets a fresh
server (`python app/server/server.py`, PORT=0) in a subprocess; the clients are threads in this process, each
with its own channel and connection, calling back to back for a fixed time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
APP_DIR = ROOT / "app"
sys.path.insert(0, str(APP_DIR))

import mountains_pb2  # noqa: E402
import mountains_pb2_grpc  # noqa: E402

Call = Callable[[mountains_pb2_grpc.MountainServiceStub, int], object]
METHODS: dict[str, Call] = {
    "GetAll": lambda stub, i: stub.GetAll(mountains_pb2.Empty(), timeout=10),
    "Insert": lambda stub, i: stub.Insert(
        mountains_pb2.Mountain(name=f"peak {i}", elevation=1000), timeout=10
    ),
}


@dataclass(frozen=True)
class Result:
    """One cell of the table."""

    method: str
    clients: int
    calls: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        """Calls completed per second."""
        return self.calls / self.seconds


class Server:
    """The real server in a subprocess on a free port."""

    def __init__(self) -> None:
        env = {**os.environ, "PORT": "0"}
        command = [sys.executable, str(APP_DIR / "server" / "server.py")]
        self.proc = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise SystemExit(f"bench: error: the server did not start (printed {line!r})")
        self.address = f"localhost:{line.split()[-1]}"

    def stop(self) -> None:
        """SIGTERM and wait."""
        self.proc.terminate()
        self.proc.communicate(timeout=30)


def measure(method: str, clients: int, seconds: float) -> Result:
    """Run `clients` threads against a fresh server for `seconds`; summarise the latencies."""
    server = Server()
    try:
        latencies: list[list[float]] = [[] for _ in range(clients)]
        start = threading.Barrier(clients + 1)
        stop_box: list[float] = []
        threads = [
            threading.Thread(target=_client_when_told, args=(server.address, method, start, stop_box, out))
            for out in latencies
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        stop_box.append(began + seconds)  # read by the clients once they pass the barrier
        start.wait()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
    merged = sorted(x for out in latencies for x in out)
    cuts = statistics.quantiles(merged, n=100, method="inclusive")
    return Result(method, clients, len(merged), elapsed, cuts[49] * 1000, cuts[98] * 1000)


def _client_when_told(
    address: str, method: str, start: threading.Barrier, stop_box: list[float], out: list[float]
) -> None:
    """Connect, wait at the barrier, then call until the shared stop time."""
    options = [("grpc.use_local_subchannel_pool", 1)]
    call = METHODS[method]
    with grpc.insecure_channel(address, options=options) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        stub = mountains_pb2_grpc.MountainServiceStub(channel)
        call(stub, -1)  # warm the connection
        start.wait()
        stop_at = stop_box[0]
        i = 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            call(stub, i)
            out.append(time.perf_counter() - began)
            i += 1


def table(results: list[Result]) -> str:
    """The results as an aligned text table."""
    lines = [f"{'method':<8} {'clients':>7} {'calls':>8} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8}"]
    for r in results:
        rate = f"{r.per_second:>9.0f}"
        lines.append(f"{r.method:<8} {r.clients:>7} {r.calls:>8} {rate} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f}")
    return "\n".join(lines)


def main() -> int:
    """Measure every (method, clients) cell and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per cell (default 3)")
    parser.add_argument("--clients", default="1,8,64", help="comma-separated client counts (default 1,8,64)")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    results = [measure(method, n, args.seconds) for method in METHODS for n in counts]
    python = sys.version.split()[0]
    print(f"mountains gRPC server, {args.seconds:g} s per cell, {os.cpu_count()} CPUs, Python {python}")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
