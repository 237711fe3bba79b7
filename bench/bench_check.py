"""Benchmark: what the checker adds to each snippet, in the local and the Docker sandbox.

Run by hand: `.venv/bin/python bench/bench_check.py [--snippets N] [--image IMG]`.
Prints, per sandbox: the time to start and prepare a terminal, and the median and 95th percentile
round trip of a snippet that does nothing (`true`), that is the checker's own overhead per snippet
(typing, the sentinel, reading the PTY). Without --image only the local sandbox is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from scenario.check_shell import Shell
from scenario.sandbox.base import Sandbox
from scenario.sandbox.local import LocalSandbox


def measure(sandbox: Sandbox, snippets: int) -> tuple[float, list[float]]:
    """Seconds to start a terminal, and each no-op snippet's round trip."""
    env = dict(os.environ)
    env.update(sandbox.shell_env())
    started = time.perf_counter()
    shell = Shell(sandbox.shell_argv(), env, sandbox.shell_cwd())
    try:
        shell.prepare()
        startup = time.perf_counter() - started
        trips: list[float] = []
        for _ in range(snippets):
            began = time.perf_counter()
            result = shell.run("true", 30)
            trips.append(time.perf_counter() - began)
            assert result.exit_code == 0, result
        return startup, trips
    finally:
        shell.close()


def report(name: str, startup: float, trips: list[float]) -> None:
    """Print one sandbox's figures."""
    ordered = sorted(trips)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    median = statistics.median(ordered)
    print(
        f"{name:<8} terminal start {startup * 1000:7.1f} ms   per snippet: median {median * 1000:6.2f} ms, "
        f"p95 {p95 * 1000:6.2f} ms  ({len(trips)} snippets)"
    )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snippets", type=int, default=200)
    parser.add_argument("--image", help="also measure a Docker sandbox from this local image")
    args = parser.parse_args()
    with LocalSandbox(name="bench") as local:
        report("local", *measure(local, args.snippets))
    if args.image:
        from scenario.sandbox.docker import DockerSandbox

        started = time.perf_counter()
        with DockerSandbox(args.image, name_hint="bench", purpose="bench") as container:
            created = time.perf_counter() - started
            report("docker", *measure(container, args.snippets))
        print(
            f"docker   container create + start + remove: {(time.perf_counter() - started) * 1000:.0f} ms "
            f"(create and start alone: {created * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
