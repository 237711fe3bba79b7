"""`/port/N/...`: an HTTP reverse proxy to port N of the learner's sandbox, for port placeholders."""

from __future__ import annotations

import tornado.httpclient
import tornado.web

from scenario.server.handlers import BaseHandler
from scenario.server.security import PROXY_CSP

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "content-security-policy",
        "set-cookie",
    }
)
REQUEST_DROP = HOP_BY_HOP | {"host", "cookie", "origin", "referer"}


class PortProxyHandler(BaseHandler):
    """Forward a request to the learner's sandbox port; its pages run sandboxed, away from the API."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

    def prepare(self) -> None:
        """Check the token only: the proxied app may post forms to itself."""
        self.check_token()

    async def forward(self, port_text: str, rest: str | None) -> None:
        """Send the request on and relay the answer."""
        port = int(port_text)
        if not 1 <= port <= 65535:
            raise tornado.web.HTTPError(404, reason="Not found: no such port")
        if rest is None:
            self.redirect(f"/port/{port}/", permanent=False)
            return
        session = await self.learner()
        host, real_port = session.sandbox.port_address(port)
        query = "&".join(
            part for part in self.request.query.split("&") if part and not part.startswith("token=")
        )
        url = f"http://{host}:{real_port}{rest}" + (f"?{query}" if query else "")
        headers = {k: v for k, v in self.request.headers.get_all() if k.lower() not in REQUEST_DROP}
        request = tornado.httpclient.HTTPRequest(
            url,
            method=self.request.method or "GET",
            headers=headers,
            body=self.request.body if self.request.method in ("POST", "PUT", "PATCH") else None,
            follow_redirects=False,
            decompress_response=False,
            allow_nonstandard_methods=True,
            request_timeout=60.0,
            connect_timeout=5.0,
        )
        client = tornado.httpclient.AsyncHTTPClient()
        unreachable = f"Bad gateway: nothing answers on port {port} of your sandbox"
        try:
            response = await client.fetch(request, raise_error=False)
        except OSError as error:
            raise tornado.web.HTTPError(502, reason=unreachable) from error
        if response.code == 599:
            raise tornado.web.HTTPError(502, reason=unreachable)
        self.set_status(response.code, response.reason)
        self._headers.pop("Cache-Control", None)
        for name, value in response.headers.get_all():
            if name.lower() == "location" and value.startswith("/") and not value.startswith("//"):
                value = f"/port/{port}{value}"  # a redirect within the app stays behind the proxy
            if name.lower() not in HOP_BY_HOP:
                self.add_header(name, value)
        self.set_header("Content-Security-Policy", PROXY_CSP)
        if response.body and self.request.method != "HEAD":
            self.write(response.body)
        self.finish()

    async def get(self, port: str, rest: str | None = None) -> None:
        """Proxy a GET."""
        await self.forward(port, rest)

    head = post = put = patch = delete = options = get
