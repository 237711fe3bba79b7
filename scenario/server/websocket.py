"""The terminal websocket: terminado's JSON messages, plus `snippet` messages that run a page's snippet."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import tornado.web
from terminado.websocket import TermSocket

from scenario.server.handlers import TokenMixin
from scenario.server.security import SESSION_COOKIE, same_origin, valid_session_id
from scenario.server.sessions import LearnerSession, SnippetError
from scenario.server.state import ServerState
from scenario.server.terminals import MAX_TERMINALS

log = logging.getLogger(__name__)


class LearnerTermSocket(TokenMixin, TermSocket):
    """`/ws/N`: terminal tab N of the learner's session, shared by every socket of that session.

    Client messages: `["stdin", text]`, `["set_size", rows, cols]`, `["snippet", page, index]`.
    Server messages: `["setup", {}]`, `["stdout", text]` (the recent screen first, on every connect),
    `["disconnect", 1]`, `["snippet", {"terminal": n}]`, `["error", message]`.
    """

    def initialize(self, state: ServerState) -> None:  # type: ignore[override]
        """Keep the server state; the terminal manager is the session's, found in get()."""
        self.state = state
        self.session: LearnerSession | None = None
        self.term_name = ""
        self.size = (None, None)
        self.terminal = None
        self._logger = log
        self._user_command = ""
        self._enable_output_logging = os.getenv("LOG_TERMINAL_OUTPUT", "false").lower() == "true"

    def set_default_headers(self) -> None:
        """Security headers on refusals too."""
        self.set_security_headers()

    def prepare(self) -> None:
        """Refuse a request without the token."""
        self.check_token()

    def check_origin(self, origin: str) -> bool:
        """Accept only websockets opened by a page of this very server."""
        return same_origin(origin, self.request.host)

    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Find (or start) the learner's session before the upgrade."""
        name = args[0] if args else ""
        if not name.isdigit() or not 1 <= int(name) <= MAX_TERMINALS:
            raise tornado.web.HTTPError(404, reason="Not found: no such terminal")
        origin = self.request.headers.get("Origin")
        if origin is not None and not self.check_origin(origin):
            raise tornado.web.HTTPError(403, reason="Forbidden: cross-origin websocket")
        sid = self.get_cookie(SESSION_COOKIE)
        if sid is None or not valid_session_id(sid):
            raise tornado.web.HTTPError(403, reason="Forbidden: no learner session")
        self.state.store.ensure(sid)
        self.session = await self.state.registry.get(sid)
        self.term_manager = self.session.terms
        self._blocking_io_executor = self.session.terms.blocking_io_executor
        await super().get(*args, **kwargs)

    def open(self, url_component: Any = None) -> None:
        """Attach to the terminal (its recent screen is replayed); send small messages without delay."""
        self.set_nodelay(True)
        self.state.sockets.add(self)
        super().open(url_component)

    async def on_message(self, message: str | bytes) -> None:  # type: ignore[override]
        """Handle a snippet message here; leave stdin and resizing to terminado."""
        if self.session is not None:
            self.session.touch()
        try:
            command = json.loads(message)
        except ValueError:
            return
        if not isinstance(command, list) or not command:
            return
        if command[0] == "snippet":
            await self._run_snippet(command[1:])
            return
        if command[0] in ("stdin", "set_size"):
            await super().on_message(message)

    async def _run_snippet(self, args: list[Any]) -> None:
        page = self.state.page(args[0] if args else None)
        index = args[1] if len(args) > 1 else None
        if page is None or not isinstance(index, int) or self.session is None:
            self.send_json_message(["error", "no such snippet"])
            return
        try:
            terminal = await self.session.run_snippet(page, index)
        except SnippetError as error:
            self.send_json_message(["error", str(error)])
            return
        self.send_json_message(["snippet", {"terminal": terminal}])

    def on_close(self) -> None:
        """Detach from the terminal; the shell lives on for the grace period."""
        self.state.sockets.discard(self)
        if self.session is not None:
            self.session.touch()
        if self.terminal is not None:
            super().on_close()

    def on_pty_read(self, text: str) -> None:
        """Forward output, ignoring a socket that closed meanwhile."""
        if self.ws_connection is not None:
            super().on_pty_read(text)
