"""The learner's server under test: a small scenario, a real `build.py serve` process, HTTP and ws clients."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import websocket

REPO = Path(__file__).resolve().parents[2]

SCENARIO_YAML = """\
title: Server test
description: A scenario for the learner's server tests.
backend: {katacoda: ubuntu, killercoda: ubuntu}
intro: {text: steps/intro.md, background: steps/intro-background.sh}
steps:
  - title: Make a file
    text: steps/step1.md
    verify: steps/step1-verify.sh
  - title: Editors and files
    text: steps/step2.md
    foreground: steps/step2-foreground.sh
finish: {text: steps/finish.md}
assets:
  - {file: hello.sh, target: /usr/local/bin/, chmod: +x}
"""
STEP1 = """\
Run `echo hello-$((6*7))`{{execute}} then `touch ~/made`{{execute}}.

`echo in-two-$((2*2))`{{execute T2}} and `sleep 300`{{execute}}
then `echo after-$((1+1))`{{execute interrupt}};
`copy me please`{{copy}}

Open {{TRAFFIC_HOST1_8080}} and look at ![the logo](logo.png).
"""
STEP2 = """\
<pre class="file" data-filename="notes.txt" data-target="replace">first
#MARK
last
</pre>

`notes.txt`{{open}}

>>Q1: Which command lists files?<<
=== ls
"""
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201e0b5e3b40000000049454e44ae426082"
)


def write_scenario(root: Path) -> Path:
    """Write the test scenario into `root` and return it."""
    (root / "steps").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "scenario.yaml").write_text(SCENARIO_YAML)
    (root / "steps" / "intro.md").write_text("# Welcome\n\nHello, learner.\n")
    (root / "steps" / "intro-background.sh").write_text("echo background-ran > ~/bg.txt\n")
    (root / "steps" / "step1.md").write_text(STEP1)
    (root / "steps" / "step1-verify.sh").write_text("test -f ~/made || { echo 'no ~/made yet'; exit 1; }\n")
    (root / "steps" / "step2.md").write_text(STEP2)
    (root / "steps" / "step2-foreground.sh").write_text("echo foreground-$((7*7))\n")
    (root / "steps" / "finish.md").write_text("Well done.\n")
    (root / "steps" / "logo.png").write_bytes(PNG)
    (root / "assets" / "hello.sh").write_text("#!/bin/sh\necho hi-from-asset\n")
    return root


@dataclass
class Served:
    """A running `build.py serve` process and what it printed."""

    process: subprocess.Popen[str]
    url: str
    host: str
    port: int
    token: str
    session: str = "test-session-0001"
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def cookies(self) -> str:
        """The cookie header a learner's browser would send."""
        return f"scenario_token={self.token}; scenario_session={self.session}"

    @property
    def origin(self) -> str:
        """The page's own origin."""
        return f"http://{self.host}:{self.port}"

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
        cookies: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request; returns status, headers (lower-cased names) and body."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        sent = dict(headers or {})
        if cookies:
            sent.setdefault("Cookie", self.cookies)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        received: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            received[key] = f"{received[key]}\n{value}" if key in received else value
        result = (response.status, received, response.read())
        connection.close()
        return result

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """A JSON API call that must succeed."""
        status, _, data = self.request(method, path, body)
        assert status == 200, (status, data)
        return json.loads(data)

    def terminal(self, n: int = 1, session: str | None = None) -> Terminal:
        """Open terminal tab `n` of the learner's session over a real websocket."""
        cookie = f"scenario_token={self.token}; scenario_session={session or self.session}"
        ws = websocket.create_connection(
            f"ws://{self.host}:{self.port}/ws/{n}", cookie=cookie, origin=self.origin, timeout=30
        )
        return Terminal(ws)

    def stop(self) -> int:
        """Stop the server as Ctrl-C would, and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    @property
    def log(self) -> str:
        """Everything the server printed."""
        return "".join(self.lines)


class Terminal:
    """The test side of a terminal websocket: send keys or snippet clicks, wait for output."""

    def __init__(self, ws: websocket.WebSocket) -> None:
        self.ws = ws
        self.output = ""
        self.messages: list[list[Any]] = []

    def send(self, *message: Any) -> None:
        """Send one JSON message."""
        self.ws.send(json.dumps(list(message)))

    def receive(self, timeout: float = 30.0) -> list[Any]:
        """The next message."""
        self.ws.settimeout(timeout)
        message = json.loads(self.ws.recv())
        self.messages.append(message)
        if message[0] == "stdout":
            self.output += message[1]
        return message

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Read until `text` appears in the output; return the output so far."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never appeared; output so far: {self.output[-2000:]!r}")
            self.receive(left)
        return self.output

    def wait_message(self, kind: str, timeout: float = 30.0) -> list[Any]:
        """Read until a message of `kind` arrives; return it."""
        deadline = time.monotonic() + timeout
        for message in self.messages:
            if message[0] == kind:
                self.messages.remove(message)
                return message
        while True:
            message = self.receive(max(0.1, deadline - time.monotonic()))
            if message[0] == kind:
                self.messages.remove(message)
                return message

    def close(self) -> None:
        """Close the websocket (the shell lives on)."""
        self.ws.close()


def start_server(
    root: Path, state_dir: Path, *extra: str, env: dict[str, str] | None = None
) -> Served:
    """Start `build.py serve` on a free port and wait for its `Serving on` line."""
    entry = [str(REPO / "build.py"), "serve"]
    command = [sys.executable, *entry, str(root), "--port", "0", "--state-dir", str(state_dir), *extra]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    lines = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("server exited early:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("Serving on "):
            break
    url = line.split()[-1]
    parts = urlsplit(url)
    token = parts.query.removeprefix("token=")
    served = Served(process, url, parts.hostname or "", parts.port or 0, token, lines=lines)
    served.reader = threading.Thread(target=_drain, args=(process, lines), daemon=True)
    served.reader.start()
    return served


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def wait_for_local_process(cmdline: str, timeout: float = 20.0) -> None:
    """Wait until a process of this machine runs exactly `cmdline` (so a Ctrl-C can reach it)."""
    wanted = cmdline.replace(" ", "\0").encode() + b"\0"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and (proc / "cmdline").read_bytes() == wanted:
                    return
            except OSError:
                continue
        time.sleep(0.05)
    raise AssertionError(f"no process {cmdline!r} started")
