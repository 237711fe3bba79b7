"""A persistent bash under a PTY, driven like a learner's terminal: exit status and output per command."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from ptyprocess import PtyProcess, PtyProcessError

# Typed once after bash starts: no line editing (the tty does the line discipline), no echo, no prompts,
# and a PROMPT_COMMAND that remembers the first non-zero status of a command's lines.
_SETUP = (
    "set +o emacs +o vi 2>/dev/null; stty -echo 2>/dev/null; PS1=''; PS2=''; "
    "__chk_first=0; "
    "PROMPT_COMMAND='__chk_rc=$?; stty -echo 2>/dev/null; "
    'if [ "$__chk_rc" -ne 0 ] && [ "$__chk_first" -eq 0 ]; then __chk_first=$__chk_rc; fi'
    "'\n"
)
# The sentinel as printed: \x1e CHK<id>:<status> \x1f. Typed as octal escapes, so an echoed command line
# never contains the bytes themselves.
_SENTINEL = re.compile(rb"\x1eCHK([0-9a-f]{12}):(\d+)\x1f\r?\n?")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class ShellError(Exception):
    """A terminal's shell could not be started."""


@dataclass(frozen=True)
class CommandResult:
    """What one command typed into a shell gave: its output, status, and whether it is still running."""

    output: str
    exit_code: int | None  # None when the command had not finished
    timed_out: bool = False
    running: bool = False


def clean(data: bytes) -> str:
    """Terminal output as text: decoded, CRLF as LF, escape sequences and stray CRs removed."""
    text = _ANSI.sub("", data.decode("utf-8", errors="replace"))
    text = text.replace("\r\n", "\n")
    return re.sub(r"[^\n]*\r(?!\n)", "", text)


class Shell:
    """One terminal: bash started from `argv` under a PTY; commands are typed into it in turn."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str | None, name: str = "T1") -> None:
        self.name = name
        self._process = PtyProcess.spawn(argv, cwd=cwd, env=env, echo=False, dimensions=(40, 200))
        self._buffer = bytearray()  # what the terminal printed since the current command was typed
        self._scanned = 0  # how far the buffer was searched for a sentinel
        self._done = threading.Condition()
        self._eof = False
        self._stopping = threading.Event()
        self._reader = threading.Thread(target=self._read, name=f"shell-{name}", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        """The process id of the shell (the leader of its session)."""
        return int(self._process.pid)

    def _read(self) -> None:
        """Copy the terminal's output into the buffer until EOF or close(); never reads a closed fd."""
        fd = self._process.fd
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
                data = os.read(fd, 65536) if ready else None
            except (OSError, ValueError):
                data = b""
            if data is None:
                continue
            with self._done:
                if not data:
                    self._eof = True
                    self._done.notify_all()
                    return
                self._buffer.extend(data)
                self._done.notify_all()

    def prepare(self, timeout: float = 30.0) -> None:
        """Turn the fresh shell into a quiet one whose commands can be told apart; raises on failure."""
        token = self._token()
        self._write(_SETUP + self._sentinel_line(token))  # what the shell printed so far is kept
        result = self.wait(token, timeout)
        if result.exit_code is None:
            tail = "\n".join(result.output.strip().splitlines()[-5:])
            raise ShellError(f"the shell in {self.name} did not start: {tail or 'no output'}")

    def _write(self, text: str) -> None:
        self._process.write(text.encode())

    def _token(self) -> str:
        return uuid.uuid4().hex[:12]

    def _sentinel_line(self, token: str) -> str:
        return f"printf '\\036CHK%s:%s\\037\\n' {token} \"$__chk_first\"\n"

    def start(self, text: str, newline: bool = True) -> str:
        """Type `text` (then Enter) and a sentinel line after it; returns the token to wait for."""
        token = self._token()
        self._forget()
        self._write("__chk_first=0\n" + text + ("\n" if newline else ""))
        self._write(self._sentinel_line(token))
        return token

    def type_only(self, text: str) -> None:
        """Type `text` as it is, with nothing after it (ctrl-seq and no-newline snippets)."""
        self._forget()
        self._write(text)

    def _forget(self) -> None:
        """Drop the output so far: what comes next belongs to the command about to be typed."""
        with self._done:
            del self._buffer[:]
            self._scanned = 0

    def wait(self, token: str, timeout: float, until: re.Pattern[str] | None = None) -> CommandResult:
        """Wait for `token`'s sentinel, or (with `until`) for output matching it; time out after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._done:
            while True:
                found = self._find(token)
                if found is not None:
                    begin, end, status = found
                    output = clean(bytes(self._buffer[:begin]))
                    del self._buffer[:end]
                    self._scanned = 0
                    return CommandResult(output, status)
                if until is not None and until.search(clean(bytes(self._buffer))):
                    return CommandResult(clean(bytes(self._buffer)), None, running=True)
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    running = not self._eof
                    return CommandResult(clean(bytes(self._buffer)), None, timed_out=running, running=running)
                self._done.wait(min(left, 0.5))

    def _find(self, token: str) -> tuple[int, int, int] | None:
        """Where `token`'s sentinel is in the buffer (begin, end, status); scans only what is new."""
        wanted = token.encode()
        for match in _SENTINEL.finditer(self._buffer, max(0, self._scanned - 48)):
            if match.group(1) == wanted:
                return match.start(), match.end(), int(match.group(2))
        self._scanned = len(self._buffer)
        return None

    def run(self, text: str, timeout: float) -> CommandResult:
        """Type `text`, wait for it to finish; a command still running at `timeout` is interrupted."""
        token = self.start(text)
        result = self.wait(token, timeout)
        if result.timed_out:
            self.interrupt()
        return result

    def interrupt(self, timeout: float = 10.0) -> bool:
        """Send Ctrl-C (twice more if needed) until the shell answers again; False if it never does."""
        for _ in range(3):
            self._process.write(b"\x03")
            time.sleep(0.2)
            if self.sync(timeout / 3).exit_code is not None:
                return True
        return False

    def sync(self, timeout: float) -> CommandResult:
        """Wait until the shell has read everything typed so far; output before that is discarded."""
        return self.wait(self.start(":"), timeout)

    @property
    def alive(self) -> bool:
        """True while the shell process runs and its terminal is open."""
        with self._done:
            if self._eof:
                return False
        return bool(self._process.isalive())

    def close(self) -> None:
        """Kill the shell and every process of its session (jobs and servers started in it)."""
        kill_session(self.pid)
        self._stopping.set()
        self._reader.join()  # before the fd is closed, so that its number is never read once reused
        with contextlib.suppress(OSError, PtyProcessError):
            self._process.close(force=True)


def kill_session(sid: int, patience: float = 2.0) -> None:
    """SIGKILL every process whose session id is `sid` (a PTY shell and all it started); wait till gone."""
    deadline = time.monotonic() + patience
    while members := session_members(sid):
        for pid in members:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)


def session_members(sid: int) -> list[int]:
    """The live processes of session `sid` (zombies, already dead, left out), read from /proc."""
    members: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getsid(int(entry)) == sid and not _zombie(int(entry)):
                members.append(int(entry))
        except OSError:
            continue
    return members


def _zombie(pid: int) -> bool:
    """True when the process has exited and only waits to be reaped."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        stat = handle.read()
    return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] in (b"Z", b"X")


def sandbox_processes(home: str) -> Iterator[int]:
    """Processes on this machine whose HOME is `home`: what a local sandbox started, daemons included."""
    needle = f"HOME={home}\0".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read():
                    yield int(entry)
        except OSError:
            continue


def reap_local(home: str) -> int:
    """Kill what a local sandbox left behind; returns how many processes were killed."""
    killed = 0
    for pid in sandbox_processes(home):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            pass
    return killed
