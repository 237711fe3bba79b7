"""The persistent PTY shell driver: state carries over, status and output per command, timeouts, Ctrl-C."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenario.check_shell import Shell, clean, session_members


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    env = dict(os.environ, HOME=str(tmp_path), PS1=r"\w\$ ")
    opened = Shell(["bash", "--noprofile", "--norc", "-i"], env, str(tmp_path))
    opened.prepare()
    yield opened
    opened.close()


def test_cd_variables_and_functions_carry_over(shell: Shell, tmp_path: Path) -> None:
    assert shell.run("mkdir -p sub && cd sub && x=42", 10).exit_code == 0
    assert shell.run('greet() { echo "hi $1 $x"; }', 10).exit_code == 0
    result = shell.run("greet you; pwd", 10)
    assert result.output == f"hi you 42\n{tmp_path}/sub\n"
    assert result.exit_code == 0


def test_status_is_the_first_failing_line_of_a_block(shell: Shell) -> None:
    result = shell.run("echo one\n(exit 4)\necho three", 10)
    assert result.output == "one\nthree\n"
    assert result.exit_code == 4
    assert shell.run("true", 10).exit_code == 0  # the next command starts clean


def test_multi_line_constructs_and_heredocs(shell: Shell) -> None:
    result = shell.run("for i in 1 2; do\n  echo n$i\ndone\ncat <<EOF\nbody\nEOF", 10)
    assert (result.output, result.exit_code) == ("n1\nn2\nbody\n", 0)


def test_a_command_that_runs_too_long_times_out_and_the_shell_recovers(shell: Shell) -> None:
    started = time.monotonic()
    result = shell.run("echo started; sleep 30", 1)
    assert result.timed_out and result.exit_code is None
    assert result.output == "started\n"
    assert time.monotonic() - started < 10
    assert shell.run("echo back", 10).output == "back\n"


def test_a_server_left_running_then_interrupted(shell: Shell, tmp_path: Path) -> None:
    token = shell.start("echo listening; sleep 300")
    result = shell.wait(token, 10, until=re.compile("listening"))
    assert result.running and result.exit_code is None and not result.timed_out
    deadline = time.monotonic() + 5
    while not any(_cmdline(pid) == "sleep300" for pid in session_members(shell.pid)):
        assert time.monotonic() < deadline, "sleep 300 never started"
        time.sleep(0.05)
    shell.interrupt()
    assert not any(_cmdline(pid) == "sleep300" for pid in session_members(shell.pid))
    assert shell.run("echo after", 10).output == "after\n"


def test_close_kills_the_shell_and_its_jobs(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path))
    opened = Shell(["bash", "--noprofile", "--norc", "-i"], env, str(tmp_path))
    opened.prepare()
    opened.run("sleep 300 &", 10)
    pid = opened.pid
    assert len(session_members(pid)) >= 2
    opened.close()
    assert session_members(pid) == []


def test_clean_removes_escape_sequences_and_carriage_returns() -> None:
    assert clean(b"\x1b[1;32mgreen\x1b[0m\r\nloading 10%\rloading 100%\r\n") == "green\nloading 100%\n"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b"").decode()
    except OSError:
        return ""


def test_a_large_output_is_captured_whole(shell: Shell) -> None:
    result = shell.run("seq 1 200000", 60)
    lines = result.output.splitlines()
    assert (len(lines), lines[0], lines[-1], result.exit_code) == (200000, "1", "200000", 0)
