"""Benchmark of the learner's server: click-to-output latency, session start time, memory per session.

Run by hand (never from the test suite), e.g.:

    .venv/bin/python bench/bench_serve.py                       # local and docker sandboxes
    .venv/bin/python bench/bench_serve.py --sandbox local --clicks 100

Latency is measured from sending a snippet message on the websocket to the first output byte that comes
back (the terminal echoing the command), p50 and p99, with 1 and with 50 learners clicking at once.
Session start is the time from opening a new learner's first websocket to its first prompt byte.
Memory per session is the growth of the server's process tree (server, shells, docker exec clients)
divided by the sessions opened, plus, for docker, the containers' own memory use.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import websocket

REPO = Path(__file__).resolve().parent.parent
STEP = "Click `echo bench-$((40+2))`{{execute}}.\n"
SCENARIO = """\
title: Bench
backend: {katacoda: ubuntu, killercoda: ubuntu}
steps:
  - title: Click
    text: steps/step1.md
"""


def write_scenario(root: Path) -> None:
    """The smallest scenario with one execute snippet."""
    (root / "steps").mkdir(parents=True)
    (root / "scenario.yaml").write_text(SCENARIO)
    (root / "steps" / "step1.md").write_text(STEP)


class Server:
    """A `build.py serve` process on a free port."""

    def __init__(self, root: Path, state: Path, extra: list[str]) -> None:
        command = [sys.executable, str(REPO / "build.py"), "serve", str(root), "--port", "0"]
        command += ["--state-dir", str(state)]
        self.process = subprocess.Popen(
            command + extra, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("Serving on "):
            raise SystemExit(f"the server did not start: {line!r}")
        parts = urlsplit(line.split()[-1])
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 0
        self.token = parts.query.removeprefix("token=")

    def connect(self, session: str) -> websocket.WebSocket:
        """Terminal 1 of `session`."""
        return websocket.create_connection(
            f"ws://{self.host}:{self.port}/ws/1", timeout=120, origin=f"http://{self.host}:{self.port}",
            cookie=f"scenario_token={self.token}; scenario_session={session}",
        )

    def stop(self) -> None:
        """Stop it as Ctrl-C would."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=120)
        if self.process.stdout is not None:
            self.process.stdout.close()


def read_until(ws: websocket.WebSocket, predicate: object) -> None:
    """Read messages until `predicate(message)` is true."""
    while True:
        message = json.loads(ws.recv())
        if predicate(message):  # type: ignore[operator]
            return


def first_prompt(ws: websocket.WebSocket) -> None:
    """Wait for the shell's first prompt."""
    read_until(ws, lambda m: m[0] == "stdout" and m[1].rstrip().endswith(("#", "$")))


def click(ws: websocket.WebSocket) -> float:
    """Send one snippet click; return seconds to the first output byte; then wait for the command's end."""
    started = time.perf_counter()
    ws.send(json.dumps(["snippet", 0, 0]))
    buffer = ""
    while True:
        message = json.loads(ws.recv())
        if message[0] == "stdout":
            buffer = message[1]
            break
    latency = time.perf_counter() - started
    while "bench-42" not in buffer or not buffer.rstrip().endswith(("#", "$")):
        message = json.loads(ws.recv())
        if message[0] == "stdout":
            buffer += message[1]
    return latency


def learner(server: Server, name: str, clicks: int, out: list[float], starts: list[float]) -> None:
    """One learner: open a session, then click `clicks` times."""
    started = time.perf_counter()
    ws = server.connect(name)
    first_prompt(ws)
    starts.append(time.perf_counter() - started)
    for _ in range(clicks):
        out.append(click(ws))
    ws.close()


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(int(proc.name))
        rss[int(proc.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def containers_mib(pid: int) -> float:
    """Total memory used by the sandbox containers of server `pid`, in MiB."""
    import docker

    client = docker.from_env()
    try:
        total = 0
        for container in client.containers.list(filters={"label": "scenario.sandbox"}):
            if container.labels.get("scenario.owner", "").startswith(f"{pid}:"):
                stats = container.stats(stream=False)
                total += int(stats.get("memory_stats", {}).get("usage", 0))
        return total / 2**20
    finally:
        client.close()


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run_load(server: Server, learners: int, clicks: int, tag: str) -> tuple[list[float], list[float]]:
    """`learners` learners clicking `clicks` times each, all at once; return latencies and start times."""
    latencies: list[float] = []
    starts: list[float] = []
    threads = [
        threading.Thread(target=learner, args=(server, f"{tag}-{i:03d}", clicks, latencies, starts))
        for i in range(learners)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, starts


def bench(sandbox: str, image: str | None, clicks: int, crowd: int) -> None:
    """Every figure for one sandbox kind, printed."""
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as work:
        root = Path(work) / "scenario"
        write_scenario(root)
        extra = ["--sandbox", sandbox] + (["--image", image] if image else [])
        server = Server(root, Path(work) / "state", extra)
        try:
            time.sleep(0.5)
            base_rss = tree_rss_kib(server.process.pid)
            solo, solo_start = run_load(server, 1, clicks, "solo")
            many, many_starts = run_load(server, crowd, max(1, clicks // 5), "crowd")
            rss = tree_rss_kib(server.process.pid)
            per_session = (rss - base_rss) / (crowd + 1) / 1024
            container_mem = containers_mib(server.process.pid) / (crowd + 1) if sandbox == "docker" else 0.0
        finally:
            server.stop()
    ms = 1000.0
    print(f"sandbox={sandbox}{' image=' + image if image else ''}")
    loads = ((f"1 learner ({len(solo)} clicks)", solo), (f"{crowd} learners ({len(many)} clicks)", many))
    for label, values in loads:
        p50, p99 = percentile(values, 0.5) * ms, percentile(values, 0.99) * ms
        print(f"  click-to-output, {label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"  session start (new learner to first prompt): alone {solo_start[0] * ms:.0f} ms; "
          f"{crowd} at once p50 {statistics.median(many_starts) * ms:.0f} ms, "
          f"max {max(many_starts) * ms:.0f} ms")
    line = f"  memory per session: {per_session:.1f} MiB on the host (server, shells, exec clients)"
    if sandbox == "docker":
        line += f", plus {container_mem:.1f} MiB inside each container"
    print(line)


def main() -> int:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", default="local,docker", help="comma-separated: local, docker")
    parser.add_argument("--image", default="mountains-standin/debian:bookworm", help="image for docker")
    parser.add_argument("--clicks", type=int, default=200, help="clicks of the lone learner")
    parser.add_argument("--learners", type=int, default=50, help="learners clicking at once")
    args = parser.parse_args()
    os.environ.setdefault("SCENARIO_LOG", "ERROR")
    for sandbox in args.sandbox.split(","):
        bench(sandbox, args.image if sandbox == "docker" else None, args.clicks, args.learners)
    return 0


if __name__ == "__main__":
    sys.exit(main())
