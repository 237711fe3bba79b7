"""The interface every sandbox offers to the learner's server and to the checker."""

from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptResult:
    """What a non-interactive script run in a sandbox gave back."""

    exit_code: int
    output: str  # stdout and stderr, interleaved
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """True when the script exited 0 in time."""
        return self.exit_code == 0 and not self.timed_out


class Sandbox(abc.ABC):
    """One learner's environment: an interactive shell for terminals plus file and script access."""

    kind: str = "abstract"
    home: str = "/root"  # the learner's home and working folder, as seen inside the sandbox

    @abc.abstractmethod
    def shell_argv(self) -> list[str]:
        """The argv that starts an interactive bash inside the sandbox, to be run under a PTY."""

    def shell_env(self) -> dict[str, str]:
        """Extra environment variables for the process started from shell_argv()."""
        return {}

    def shell_cwd(self) -> str | None:
        """The host folder to start shell_argv() in, when that matters."""
        return None

    @abc.abstractmethod
    def run_script(self, script: str, timeout: float = 60.0, env: dict[str, str] | None = None) -> ScriptResult:
        """Run `script` with bash, non-interactively, in the learner's home; never raises on failure."""

    @abc.abstractmethod
    def write_file(self, path: str, data: bytes, mode: int | None = None) -> None:
        """Write a file inside the sandbox; a relative or `~/` path is under the learner's home."""

    @abc.abstractmethod
    def read_file(self, path: str) -> bytes:
        """Read a file inside the sandbox; raises FileNotFoundError when it is not there."""

    @abc.abstractmethod
    def port_address(self, port: int) -> tuple[str, int]:
        """The (host, port) on this machine that reaches `port` inside the sandbox."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop everything the sandbox started and remove what it created; safe to call twice."""

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
