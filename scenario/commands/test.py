"""build.py test: run a scenario headlessly in a sandbox, as a learner would; report like a test runner."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from scenario.check import REQUIREMENTS, Checker, CheckOptions
from scenario.check_report import print_outcome, print_summary, write_junit, write_transcripts
from scenario.check_shell import reap_local
from scenario.commands.common import load_valid, scenario_folder
from scenario.errors import ExitStatus, UsageError
from scenario.sandbox.base import Sandbox

HELP = "run a scenario's scripts and snippets headlessly in a sandbox and report like a test runner"


EPILOG = """\
Each page runs in order: its background script, its foreground script (typed in T1), its execute
snippets (each in its terminal; one persistent shell per terminal; copy-only snippets are not run)
and copy-to-editor blocks, then its verify script. A snippet fails when it exits non-zero or outlasts
--timeout. Under a snippet, <!-- expect: REGEX --> (searched in its output), <!-- expect-exit: N -->
and <!-- requires: docker --> say more. A command that a later snippet interrupts (a server) is left
running once it has printed its expect, or after 2 s. Exit status: 0 all passed (skips allowed),
1 something failed, 2 bad usage, 130 interrupted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the scenario folder (default: .)")
    parser.add_argument(
        "--sandbox",
        choices=("local", "docker"),
        default="local",
        help="where to run: a folder on this machine, or a Docker container (default: local)",
    )
    parser.add_argument(
        "--image", metavar="IMG", help="the Docker sandbox's image (bash in it, present locally)"
    )
    parser.add_argument("--step", type=int, metavar="N", help="stop after step N (earlier steps run too)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds a snippet or script may take (default: 120)",
    )
    parser.add_argument(
        "--require",
        default="",
        metavar="LIST",
        help="comma-separated docker,kubernetes: fail instead of skipping without them",
    )
    parser.add_argument(
        "--verify-fails-first",
        action="store_true",
        help="also run each verify script before the step's snippets; it must fail then",
    )
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write the results as JUnit XML")
    parser.add_argument(
        "--transcript",
        type=Path,
        metavar="DIR",
        help="write what the learner's terminals show, one file per page",
    )


def parse_requirements(text: str) -> frozenset[str]:
    """`docker,kubernetes` as a set; anything else is a usage error."""
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(names - set(REQUIREMENTS))
    if unknown:
        raise UsageError(f"--require: unknown requirement '{unknown[0]}' (choose from docker, kubernetes)")
    return names


def options_from(args: argparse.Namespace) -> CheckOptions:
    """Check the command line and turn it into CheckOptions."""
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.step is not None and args.step < 1:
        raise UsageError("--step must be 1 or more")
    if args.image and args.sandbox != "docker":
        raise UsageError("--image needs --sandbox docker")
    if args.sandbox == "docker" and not args.image:
        raise UsageError("--sandbox docker needs --image IMG (an image with bash, present locally)")
    return CheckOptions(
        timeout=args.timeout,
        require=parse_requirements(args.require),
        last_step=args.step,
        verify_fails_first=args.verify_fails_first,
    )


def make_sandbox(kind: str, image: str | None) -> Sandbox:
    """A fresh sandbox of `kind` (a Docker one needs `image`, present on the engine)."""
    if kind == "docker" and image:
        from scenario.sandbox.docker import DockerSandbox, prepare_engine

        prepare_engine(image)
        return DockerSandbox(image, name_hint="check", purpose="test")
    from scenario.sandbox.local import LocalSandbox

    return LocalSandbox(name="check")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While running, SIGTERM stops the run the way Ctrl-C does (so the sandbox is cleaned up)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(args: argparse.Namespace) -> int:
    """Run the command: 0 when everything that ran passed, 1 when something failed, 130 on Ctrl-C."""
    options = options_from(args)
    scenario = load_valid(scenario_folder(args.dir))
    if options.last_step is not None and options.last_step > len(scenario.steps):
        raise UsageError(f"--step {options.last_step}: the scenario has {len(scenario.steps)} steps")
    out = sys.stdout
    print(f"checking {scenario.title!r} in a {args.sandbox} sandbox", file=out, flush=True)
    with sigterm_as_interrupt():
        sandbox: Sandbox | None = None
        try:
            sandbox = make_sandbox(args.sandbox, args.image)
            report = Checker(scenario, sandbox, options, lambda outcome: print_outcome(outcome, out)).run()
        except KeyboardInterrupt:
            stop(sandbox)
            print("build.py test: interrupted; the sandbox and its processes were stopped", file=sys.stderr)
            return ExitStatus.INTERRUPTED
        finally:
            stop(sandbox)
    if args.junit:
        write_junit(report, args.junit)
    if args.transcript:
        write_transcripts(report, args.transcript)
    print_summary(report, out)
    return ExitStatus.OK if report.ok else ExitStatus.FAILED


def stop(sandbox: Sandbox | None) -> None:
    """Close the sandbox and, for a local one, kill any process it left behind (safe to call twice)."""
    if sandbox is None:
        return
    # A second Ctrl-C while this runs is ignored: cleaning up must not be cut short.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        _stop(sandbox)
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def _stop(sandbox: Sandbox) -> None:
    local = sandbox.kind == "local"
    if local:
        reap_local(sandbox.home)
    home = sandbox.home
    sandbox.close()
    if local:
        for _ in range(3):  # a dying process may have started another in the meantime
            if reap_local(home) == 0:
                break
            time.sleep(0.1)
