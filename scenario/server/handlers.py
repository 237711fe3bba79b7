"""HTTP handlers of the learner's server: the page, its small JSON API, and its static files."""

from __future__ import annotations

import asyncio
import json
import mimetypes
from typing import Any

import tornado.web

from scenario.server.editor import EditorError, apply_edit
from scenario.server.security import (
    PAGE_CSP,
    SESSION_COOKIE,
    TOKEN_COOKIE,
    inside,
    new_session_id,
    same_origin,
    token_matches,
    valid_session_id,
)
from scenario.server.sessions import LearnerSession
from scenario.server.state import ServerState

SCENARIO_FILE_TYPES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".mp4", ".webm", ".pdf"}
)
MAX_OPEN_BYTES = 1_000_000


class TokenMixin(tornado.web.RequestHandler):
    """Refuse (403) every request without the server's token, from the query string or the cookie."""

    state: ServerState

    def check_token(self) -> None:
        """Raise 403 unless the request carries the token; remember a token given in the URL."""
        given = self.get_query_argument("token", None)
        if given is not None and token_matches(self.state.token, given):
            self.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="Strict", path="/")
            return
        if not token_matches(self.state.token, self.get_cookie(TOKEN_COOKIE)):
            raise tornado.web.HTTPError(403, reason="Forbidden: missing or wrong token")

    def set_security_headers(self) -> None:
        """Headers every response carries: CSP, no sniffing, no referrer (the URL holds the token)."""
        self.set_header("Content-Security-Policy", PAGE_CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cross-Origin-Opener-Policy", "same-origin")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A one-line error, never a traceback."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class BaseHandler(TokenMixin):
    """A page or API handler: token checked, same-origin enforced on changes, session from its cookie."""

    def initialize(self, state: ServerState) -> None:
        """Keep the shared server state."""
        self.state = state

    def set_default_headers(self) -> None:
        """Security headers on every response, errors included."""
        self.set_security_headers()
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        """Check the token; refuse a state-changing request sent from another origin."""
        self.check_token()
        if self.request.method not in ("GET", "HEAD"):
            origin = self.request.headers.get("Origin")
            if origin is not None and not same_origin(origin, self.request.host):
                raise tornado.web.HTTPError(403, reason="Forbidden: cross-origin request")

    def session_id(self) -> str:
        """The learner's session id from its cookie, created (and set) on the first visit."""
        sid = self.get_cookie(SESSION_COOKIE)
        if sid is None or not valid_session_id(sid):
            sid = new_session_id()
            self.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="Strict", path="/", expires_days=30)
        self.state.store.ensure(sid)
        return sid

    async def learner(self) -> LearnerSession:
        """The learner's live session (sandbox and terminals), started if needed."""
        return await self.state.registry.get(self.session_id())

    def json_body(self) -> dict[str, Any]:
        """The request's JSON object body, or 400."""
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError as error:
            raise tornado.web.HTTPError(400, reason="Bad request: body is not JSON") from error
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, reason="Bad request: body is not a JSON object")
        return body

    def page_from(self, body: dict[str, Any]) -> Any:
        """The page a request names in its `page` field, or 400."""
        page = self.state.page(body.get("page"))
        if page is None:
            raise tornado.web.HTTPError(400, reason="Bad request: no such page")
        return page


class PageHandler(BaseHandler):
    """GET /: the learner's page with every page of the scenario and the learner's progress."""

    def get(self) -> None:
        """Render the page."""
        sid = self.session_id()
        progress = self.state.store.get(sid)
        template = self.state.templates.get_template("page.html")
        scenario = self.state.scenario
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            template.render(
                scenario=scenario,
                pages=self.state.pages,
                progress=progress,
                progress_json=json.dumps(progress.as_json(), sort_keys=True),
                editor_path=scenario.environment.editor_path,
                terminals=[t.name for t in scenario.environment.terminals],
            )
        )


class HighlightCssHandler(BaseHandler):
    """GET /highlight.css: the stylesheet of the highlighted code blocks."""

    def get(self) -> None:
        """Reply with Pygments' rules for the `.highlight` blocks."""
        from scenario.markdown_ext import pygments_css

        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(pygments_css(".highlight"))


class ProgressHandler(BaseHandler):
    """GET /api/progress: the learner's current page and verified pages."""

    def get(self) -> None:
        """Reply with the progress as JSON."""
        self.finish(self.state.store.get(self.session_id()).as_json())


class EnterPageHandler(BaseHandler):
    """POST /api/page {page}: the learner moved to a page; remember it and run its setup scripts."""

    async def post(self) -> None:
        """Record the page and start its setup."""
        page = self.page_from(self.json_body())
        sid = self.session_id()
        self.state.store.set_page(sid, page.index)
        session = await self.learner()
        first = self.state.pages[0] if self.state.pages else None
        intro = first if first is not None and first.page.kind == "intro" else None
        await session.enter_page(page, intro)
        self.finish(self.state.store.get(sid).as_json())


class VerifyHandler(BaseHandler):
    """POST /api/verify {page}: run the page's verify script in the learner's sandbox."""

    async def post(self) -> None:
        """Run the check and reply with its outcome and the learner's progress."""
        page = self.page_from(self.json_body())
        sid = self.session_id()
        session = await self.learner()
        result = await session.verify(page)
        if result.ok:
            self.state.store.mark_verified(sid, page.index)
        reply = {
            "ok": result.ok,
            "exit_code": result.exit_code,
            "timed_out": result.timed_out,
            "output": result.output[-4000:],
            "progress": self.state.store.get(sid).as_json(),
        }
        self.finish(reply)


def editor_file_path(editor_root: str, name: str) -> str:
    """Where a file named by an `open` snippet or editor block lives: relative names under the editor root."""
    if name.startswith(("/", "~")):
        return name
    return editor_root.rstrip("/") + "/" + name


class FileHandler(BaseHandler):
    """GET /api/file?path=P: a file from the learner's sandbox, for `open` snippets."""

    async def get(self) -> None:
        """Reply with the file's text."""
        name = self.get_query_argument("path", "")
        if not name:
            raise tornado.web.HTTPError(400, reason="Bad request: no path")
        path = editor_file_path(self.state.scenario.environment.editor_path, name)
        session = await self.learner()
        loop = asyncio.get_running_loop()
        try:
            data = await loop.run_in_executor(None, session.sandbox.read_file, path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise tornado.web.HTTPError(404, reason=f"Not found: {name} is not in your sandbox") from error
        truncated = len(data) > MAX_OPEN_BYTES
        self.finish(
            {"path": path, "content": data[:MAX_OPEN_BYTES].decode(errors="replace"), "truncated": truncated}
        )


class EditorHandler(BaseHandler):
    """POST /api/editor {filename, target, marker, text}: apply a copy-to-editor block in the sandbox."""

    async def post(self) -> None:
        """Read the file, apply the block, write it back."""
        body = self.json_body()
        name, text = body.get("filename"), body.get("text")
        target, marker = body.get("target") or "replace", body.get("marker")
        if not isinstance(name, str) or not name or not isinstance(text, str):
            raise tornado.web.HTTPError(400, reason="Bad request: filename and text are required")
        path = editor_file_path(self.state.scenario.environment.editor_path, name)
        session = await self.learner()
        loop = asyncio.get_running_loop()
        try:
            current = (await loop.run_in_executor(None, session.sandbox.read_file, path)).decode()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            current = None
        try:
            content = apply_edit(current, text, str(target), marker if isinstance(marker, str) else None)
        except EditorError as error:
            self.set_status(409)
            self.finish({"ok": False, "error": str(error)})
            return
        await loop.run_in_executor(None, session.sandbox.write_file, path, content.encode(), None)
        self.finish({"ok": True, "path": path})


class ScenarioFileHandler(BaseHandler):
    """GET /scenario/PATH: the scenario's own images and media; nothing else, nothing outside its folder."""

    def get(self, relative: str) -> None:
        """Send the file, or 404."""
        parts = relative.split("/")
        if any(part.startswith(".") for part in parts):
            raise tornado.web.HTTPError(404, reason="Not found")
        target = inside(self.state.scenario.root, relative)
        if target is None or not target.is_file() or target.suffix.lower() not in SCENARIO_FILE_TYPES:
            raise tornado.web.HTTPError(404, reason="Not found")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "private, max-age=60")
        self.finish(target.read_bytes())


class StaticHandler(TokenMixin, tornado.web.StaticFileHandler):
    """The page's own scripts and styles, and xterm.js from node_modules; token required."""

    def initialize(self, path: str, state: ServerState) -> None:  # type: ignore[override]
        """Serve files under `path`."""
        self.state = state
        super().initialize(path=path)

    def set_default_headers(self) -> None:
        """Security headers on every response."""
        self.set_security_headers()

    def prepare(self) -> None:
        """Check the token."""
        self.check_token()
