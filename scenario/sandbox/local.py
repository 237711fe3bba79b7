"""The local sandbox: a bash on this machine in a working folder of its own, which is the learner's home."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scenario.sandbox.base import Sandbox, ScriptResult


class LocalSandbox(Sandbox):
    """A folder that stands in for the learner's machine: `~` and `/root` map to it, other absolute paths
    map under it (so `/usr/local/bin/x` becomes `<home>/usr/local/bin/x`, which is on PATH)."""

    kind = "local"

    def __init__(self, parent: Path | None = None, name: str = "learner") -> None:
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=parent))
        self.home = str(self.folder)
        (self.folder / "usr" / "local" / "bin").mkdir(parents=True)
        self._closed = False

    def environment(self) -> dict[str, str]:
        """The environment every process of this sandbox gets."""
        env = dict(os.environ)
        env.update(self.shell_env())
        return env

    def shell_env(self) -> dict[str, str]:
        """HOME is the sandbox folder; its usr/local/bin comes first on PATH."""
        path = f"{self.folder / 'usr' / 'local' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
        return {"HOME": self.home, "PATH": path, "TERM": "xterm-256color", "PS1": r"\w\$ "}

    def shell_argv(self) -> list[str]:
        """A plain interactive bash without the machine's profile files."""
        return ["bash", "--noprofile", "--norc", "-i"]

    def shell_cwd(self) -> str:
        """Terminals start in the sandbox folder."""
        return self.home

    def resolve(self, path: str) -> Path:
        """Map a path as the learner writes it to the real file in the sandbox folder."""
        if path == "~" or path == "/root":
            return self.folder
        for prefix in ("~/", "/root/"):
            if path.startswith(prefix):
                return self.folder / path[len(prefix) :]
        if path.startswith(self.home):
            return Path(path)
        return self.folder / path.lstrip("/")

    def run_script(self, script: str, timeout: float = 60.0, env: dict[str, str] | None = None) -> ScriptResult:
        """Run `script` with bash in the sandbox folder, output captured, killed after `timeout`."""
        full_env = self.environment()
        full_env.update(env or {})
        try:
            done = subprocess.run(
                ["bash", "-c", script], cwd=self.folder, env=full_env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, start_new_session=True,
            )
        except subprocess.TimeoutExpired as expired:
            output = expired.output.decode(errors="replace") if expired.output else ""
            return ScriptResult(exit_code=124, output=output, timed_out=True)
        return ScriptResult(exit_code=done.returncode, output=done.stdout.decode(errors="replace"))

    def write_file(self, path: str, data: bytes, mode: int | None = None) -> None:
        """Write the file, creating its folders."""
        target = self.resolve(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if mode is not None:
            target.chmod(mode)

    def read_file(self, path: str) -> bytes:
        """Read the file from the sandbox folder."""
        return self.resolve(path).read_bytes()

    def port_address(self, port: int) -> tuple[str, int]:
        """A local process listens on this machine itself."""
        return ("127.0.0.1", port)

    def close(self) -> None:
        """Remove the sandbox folder."""
        if not self._closed:
            self._closed = True
            shutil.rmtree(self.folder, ignore_errors=True)
