"""The learner's server: the tornado application, its startup (sandbox cleanup, binding) and shutdown."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

from scenario.model import Scenario
from scenario.sandbox.base import Sandbox
from scenario.server.content import LearnerPage, learner_pages
from scenario.server.handlers import (
    EditorHandler,
    EnterPageHandler,
    FileHandler,
    HighlightCssHandler,
    PageHandler,
    ProgressHandler,
    ScenarioFileHandler,
    StaticHandler,
    VerifyHandler,
)
from scenario.server.progress import ProgressStore
from scenario.server.proxy import PortProxyHandler
from scenario.server.security import new_token
from scenario.server.sessions import SessionRegistry
from scenario.server.state import STATIC_DIR, ServerState, template_environment
from scenario.server.websocket import LearnerTermSocket

log = logging.getLogger(__name__)

REAP_INTERVAL_MS = 5000


def find_node_modules(start: Path) -> Path:
    """The node_modules folder holding @xterm/xterm: next to the package's checkout, or above `start`."""
    candidates = [STATIC_DIR.parent.parent / "node_modules"]
    candidates += [folder / "node_modules" for folder in (start.resolve(), *start.resolve().parents)]
    for candidate in candidates:
        if (candidate / "@xterm" / "xterm" / "lib" / "xterm.js").is_file():
            return candidate
    return candidates[0]


def make_app(state: ServerState) -> tornado.web.Application:
    """The tornado application with every route of the learner's page."""
    xterm = state.node_modules / "@xterm"
    common: dict[str, object] = {"state": state}
    routes: list[tuple[str, type[tornado.web.RequestHandler], dict[str, object]]] = [
        (r"/", PageHandler, common),
        (r"/highlight.css", HighlightCssHandler, common),
        (r"/api/progress", ProgressHandler, common),
        (r"/api/page", EnterPageHandler, common),
        (r"/api/verify", VerifyHandler, common),
        (r"/api/file", FileHandler, common),
        (r"/api/editor", EditorHandler, common),
        (r"/ws/([^/]+)", LearnerTermSocket, common),
        (r"/port/(\d{1,5})(/.*)?", PortProxyHandler, common),
        (r"/scenario/(.+)", ScenarioFileHandler, common),
        (r"/static/(.+)", StaticHandler, {"path": str(STATIC_DIR), "state": state}),
        (r"/vendor/xterm/(.+)", StaticHandler, {"path": str(xterm / "xterm"), "state": state}),
        (r"/vendor/addon-fit/(.+)", StaticHandler, {"path": str(xterm / "addon-fit"), "state": state}),
    ]
    return tornado.web.Application(routes, websocket_ping_interval=20, xsrf_cookies=False)


@dataclass
class ServerOptions:
    """How to serve: where, with which sandbox, where state lives, how long idle sessions live."""

    host: str = "127.0.0.1"
    port: int = 8000
    state_dir: Path = Path(".state")
    idle_timeout: float = 900.0
    token: str = field(default_factory=new_token)


class LearnerServer:
    """A running learner's server: call start(), then stop() when done."""

    def __init__(
        self,
        scenario: Scenario,
        factory: Callable[[str], Sandbox],
        options: ServerOptions,
        pages: tuple[LearnerPage, ...] | None = None,
    ) -> None:
        self.options = options
        options.state_dir.mkdir(parents=True, exist_ok=True)
        store = ProgressStore(options.state_dir / "progress.sqlite3")
        registry = SessionRegistry(scenario, factory, options.state_dir / "logs", options.idle_timeout)
        self.state = ServerState(
            scenario=scenario,
            pages=pages if pages is not None else learner_pages(scenario),
            store=store,
            registry=registry,
            token=options.token,
            node_modules=find_node_modules(scenario.root),
            templates=template_environment(),
        )
        self._http: tornado.httpserver.HTTPServer | None = None
        self._reaper: tornado.ioloop.PeriodicCallback | None = None
        self.port = options.port

    @property
    def url(self) -> str:
        """The address learners open, token included."""
        host = self.options.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/?token={self.options.token}"

    def start(self) -> None:
        """Bind the port (0 picks a free one) and start serving on the current event loop."""
        sockets = tornado.netutil.bind_sockets(self.options.port, self.options.host, family=socket.AF_UNSPEC)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(make_app(self.state), xheaders=False)
        self._http.add_sockets(sockets)
        self._reaper = tornado.ioloop.PeriodicCallback(self._reap, REAP_INTERVAL_MS)
        self._reaper.start()

    async def _reap(self) -> None:
        await self.state.registry.reap_idle()

    async def stop(self) -> None:
        """Stop accepting connections, close every session (and its sandbox), close the database."""
        if self._reaper is not None:
            self._reaper.stop()
        if self._http is not None:
            self._http.stop()
            for ws in list(self.state.sockets):
                ws.close(1001, "server stopping")
            try:
                await asyncio.wait_for(self._http.close_all_connections(), timeout=5.0)
            except TimeoutError:
                log.warning("some connections did not close within 5 s")
        await self.state.registry.close_all()
        self.state.store.close()
