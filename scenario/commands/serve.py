"""build.py serve: the learner's page (step text beside real terminals) for a scenario folder."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from scenario.commands.common import load_valid, scenario_folder
from scenario.errors import UsageError
from scenario.sandbox.base import Sandbox

HELP = "serve the learner's page: step text beside a real terminal, click to run"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the scenario folder (default: .)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to bind; 0 picks a free one (default: 8000)"
    )
    parser.add_argument(
        "--sandbox",
        choices=("local", "docker"),
        default="local",
        help="where learners' shells run: a local folder each, or a Docker container each (default: local)",
    )
    parser.add_argument(
        "--image", metavar="IMG", help="the image of --sandbox docker's containers (needs bash)"
    )
    parser.add_argument(
        "--state-dir", type=Path, metavar="DIR", help="where progress and logs are kept (default: DIR/.state)"
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="close a learner's sandbox after this long without a connected terminal (default: 900)",
    )


def sandbox_factory(args: argparse.Namespace, state_dir: Path) -> Callable[[str], Sandbox]:
    """A function making one learner's sandbox, for the --sandbox chosen."""
    if args.sandbox == "docker":
        from scenario.sandbox.docker import DockerSandbox, prepare_engine

        if not args.image:
            raise UsageError("--sandbox docker needs --image IMG (an image with bash, present locally)")
        prepare_engine(args.image)
        image = str(args.image)
        return lambda sid: DockerSandbox(image, name_hint=sid[:8])
    from scenario.sandbox.local import LocalSandbox

    parent = state_dir / "sandboxes"
    return lambda sid: LocalSandbox(parent=parent, name=sid[:8].replace("-", "_"))


async def serve(server_factory: Callable[[], object]) -> None:
    """Start the server, print its URL, and run until SIGINT or SIGTERM; then clean up."""
    from scenario.server.app import LearnerServer

    server = server_factory()
    assert isinstance(server, LearnerServer)
    try:
        server.start()
    except OSError as error:
        await server.stop()
        raise UsageError(f"cannot listen on {server.options.host}:{server.options.port}: {error.strerror}") from error
    print(f"Serving on {server.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    from scenario.server.app import LearnerServer, ServerOptions
    from scenario.server.security import is_loopback

    root = scenario_folder(args.dir)
    scenario = load_valid(root, show_warnings=False)  # `build.py validate` shows them; errors stop here
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    state_dir = args.state_dir or root / ".state"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the state folder {state_dir}: {error.strerror}; pass --state-dir") from error
    factory = sandbox_factory(args, state_dir)
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}, not only this machine: anyone who reaches it with the token "
            "gets a shell",
            file=sys.stderr,
        )
    logging.basicConfig(level=os.environ.get("SCENARIO_LOG", "WARNING").upper(), stream=sys.stderr)
    options = ServerOptions(
        host=args.host, port=args.port, state_dir=state_dir, idle_timeout=args.idle_timeout
    )
    asyncio.run(serve(lambda: LearnerServer(scenario, factory, options)))
    return 0
