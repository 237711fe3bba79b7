"""`python -m scenario.server DIR ...`: the same as `build.py serve DIR ...`, without the other commands."""

from __future__ import annotations

import argparse
import sys

from scenario.commands import serve
from scenario.errors import ExitStatus, ScenarioError, UsageError


def main(argv: list[str] | None = None) -> int:
    """Parse the serve arguments and run the server; errors become messages and exit codes."""
    parser = argparse.ArgumentParser(prog="python -m scenario.server", description=serve.HELP)
    serve.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return serve.run(args)
    except UsageError as error:
        print(f"build.py serve: error: {error}", file=sys.stderr)
        return ExitStatus.USAGE
    except ScenarioError as error:
        print(f"{error}", file=sys.stderr)
        return ExitStatus.FAILED
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
