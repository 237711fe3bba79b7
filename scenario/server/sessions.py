"""Learner sessions: one sandbox and its terminals per learner, created on demand, closed when idle."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

from scenario.model import Scenario
from scenario.sandbox.base import Sandbox, ScriptResult
from scenario.server.content import LearnerPage
from scenario.server.keys import keystrokes
from scenario.server.setup import copy_assets, read_script, run_background
from scenario.server.terminals import LearnerTermManager, type_into

log = logging.getLogger(__name__)

SandboxFactory = Callable[[str], Sandbox]


class SnippetError(LookupError):
    """A snippet message that names no snippet of the scenario, or one that cannot run in a terminal."""


class LearnerSession:
    """One learner: their sandbox, their terminal tabs and which pages' setup scripts already ran."""

    def __init__(self, sid: str, sandbox: Sandbox, scenario: Scenario, log_dir: Path) -> None:
        self.sid = sid
        self.sandbox = sandbox
        self.scenario = scenario
        self.log_dir = log_dir
        self.terms = LearnerTermManager(sandbox)
        self.set_up: set[int] = set()
        self.background: dict[int, asyncio.Future[ScriptResult | None]] = {}
        self.last_active = time.monotonic()
        self.closed = False

    def touch(self) -> None:
        """Note activity, which postpones the idle timeout."""
        self.last_active = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last activity, or 0 while a terminal has a websocket attached."""
        if self.terms.client_count():
            return 0.0
        return time.monotonic() - self.last_active

    async def run_snippet(self, page: LearnerPage, index: int) -> int:
        """Type snippet `index` of `page` into its terminal tab (created when first used); return the tab."""
        if not 0 <= index < len(page.snippets):
            raise SnippetError(f"page {page.index} has no snippet {index}")
        snippet = page.snippets[index]
        if snippet.action.value != "execute":
            raise SnippetError(f"snippet {index} of page {page.index} is {snippet.action.value}, not execute")
        term = self.terms.get_terminal(str(snippet.terminal))
        self.touch()
        await type_into(term, keystrokes(snippet))
        return snippet.terminal

    def start_background(self, page: LearnerPage) -> None:
        """Start the page's hidden background script (output logged), once per sandbox."""
        if page.index in self.background:
            return
        loop = asyncio.get_running_loop()
        log_path = self.log_dir / f"page{page.index}-background.log"
        self.background[page.index] = loop.run_in_executor(
            None, run_background, self.scenario, page.page, self.sandbox, log_path
        )

    async def enter_page(self, page: LearnerPage, intro: LearnerPage | None = None) -> None:
        """Run the page's setup once per sandbox: background hidden (logged), foreground typed into T1.

        The intro's background script is the scenario's own setup: it runs first, whatever page the
        learner opens a new sandbox on (after a restart, for instance)."""
        self.touch()
        if intro is not None:
            self.start_background(intro)
        if page.index in self.set_up:
            return
        self.set_up.add(page.index)
        self.start_background(page)
        foreground = read_script(self.scenario, page.page.foreground)
        if foreground:
            text = foreground.rstrip("\n").replace("\n", "\r") + "\r"
            await type_into(self.terms.get_terminal("1"), [text])

    async def verify(self, page: LearnerPage) -> ScriptResult:
        """Run the page's verify script in the sandbox, after its background script has finished."""
        self.touch()
        script = read_script(self.scenario, page.page.verify)
        if script is None:
            return ScriptResult(exit_code=0, output="")
        pending = self.background.get(page.index)
        if pending is not None:
            await pending
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self.sandbox.run_script, script, 60.0)

    async def close(self) -> None:
        """Kill the terminals and remove the sandbox."""
        if self.closed:
            return
        self.closed = True
        await self.terms.shutdown()
        await asyncio.get_running_loop().run_in_executor(None, self.sandbox.close)


class SessionRegistry:
    """Every live learner session of the server, keyed by the session cookie."""

    def __init__(
        self, scenario: Scenario, factory: SandboxFactory, log_root: Path, idle_timeout: float
    ) -> None:
        self.scenario = scenario
        self.factory = factory
        self.log_root = log_root
        self.idle_timeout = idle_timeout
        self._sessions: dict[str, asyncio.Future[LearnerSession]] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    async def get(self, sid: str) -> LearnerSession:
        """The learner's session, creating its sandbox (and copying the assets) the first time."""
        pending = self._sessions.get(sid)
        if pending is None:
            pending = asyncio.ensure_future(self._create(sid))
            self._sessions[sid] = pending
        try:
            session = await asyncio.shield(pending)
        except Exception:
            self._sessions.pop(sid, None)
            raise
        session.touch()
        return session

    async def _create(self, sid: str) -> LearnerSession:
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        sandbox = await loop.run_in_executor(None, self.factory, sid)
        try:
            await loop.run_in_executor(None, copy_assets, self.scenario, sandbox)
        except Exception:
            await loop.run_in_executor(None, sandbox.close)
            raise
        log.info("session %s: %s sandbox ready in %.2fs", sid[:8], sandbox.kind, time.monotonic() - started)
        return LearnerSession(sid, sandbox, self.scenario, self.log_root / sid)

    async def reap_idle(self) -> int:
        """Close the sessions idle past the timeout; return how many were closed."""
        idle = []
        for sid, pending in list(self._sessions.items()):
            if pending.done() and not pending.exception() and pending.result().idle_for() > self.idle_timeout:
                idle.append(sid)
        for sid in idle:
            session = await self._sessions.pop(sid)
            log.info("session %s: idle, closing its sandbox", sid[:8])
            await session.close()
        return len(idle)

    async def close_all(self) -> None:
        """Close every session (the server is stopping)."""
        pending = list(self._sessions.values())
        self._sessions.clear()
        for future in pending:
            try:
                session = await future
            except Exception:
                continue
            await session.close()
