"""The mountains web client: a Flask app listing, adding, editing and removing mountains over gRPC."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

if importlib.util.find_spec("mountains_pb2") is None:  # run from a checkout: the modules live in app/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if importlib.util.find_spec("mountain_forms") is None:  # imported by path rather than run from here
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import grpc
from flask import Flask, redirect, render_template, request
from mountain_forms import MAX_LOCATION, MAX_NAME, MountainForm, read_form
from mountains_backend import Backend
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

DEFAULT_SERVER = "localhost:8321"
DEFAULT_DEADLINE = 3.0
DEFAULT_PORT = 3000
MAX_BODY = 64 * 1024
HERE = Path(__file__).resolve().parent
UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def deadline_from_env(env: dict[str, str]) -> float:
    """MOUNTAINS_DEADLINE in seconds (default 3); SystemExit with a clear message if it is not positive."""
    raw = env.get("MOUNTAINS_DEADLINE", "").strip()
    if not raw:
        return DEFAULT_DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        message = f"MOUNTAINS_DEADLINE must be a number of seconds in (0, 600], got {raw!r}"
        print(f"client: error: {message}", file=sys.stderr)
        raise SystemExit(2)
    return value


def create_app(server: str | None = None, deadline: float | None = None) -> Flask:
    """The web app talking to `server` (default $MOUNTAINS_SERVER) with a per-call deadline in seconds."""
    env = dict(os.environ)
    backend = Backend(
        server or env.get("MOUNTAINS_SERVER", "").strip() or DEFAULT_SERVER,
        deadline if deadline is not None else deadline_from_env(env),
    )
    web = Flask(__name__, root_path=str(HERE))
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    web.extensions["mountains_backend"] = backend
    add_routes(web, backend)
    add_error_pages(web, backend)

    @web.before_request
    def same_site_posts_only() -> tuple[str, int] | None:
        if request.method == "POST" and not posted_from_here(request.headers.get("Origin"), request.host):
            return error_page(403, "Forbidden", "This form was sent from another site, so it was ignored.")
        return None

    @web.after_request
    def secure(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    return web


def posted_from_here(origin: str | None, host: str) -> bool:
    """Whether a POST may proceed: browsers name the page's origin; a foreign one is a cross-site forgery."""
    return origin is None or urlsplit(origin).netloc == host


def mountain_url(mountain_id: str) -> str:
    """The path of one mountain's form target, its id quoted."""
    return "/mountains/" + quote(mountain_id, safe="")


def render_form(form: MountainForm | None, action: str, title: str, status: int = 200) -> tuple[str, int]:
    """The add/edit page, filled with what was typed and any errors."""
    page = render_template(
        "form.html", form=form, action=action, title=title, max_name=MAX_NAME, max_location=MAX_LOCATION
    )
    return page, status


def add_routes(web: Flask, backend: Backend) -> None:
    """The pages: list, add, edit, remove, and /healthz."""

    @web.get("/")
    def index() -> str:
        return render_template("list.html", mountains=backend.all())

    @web.get("/healthz")
    def healthz() -> tuple[str, int, dict[str, str]]:
        return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @web.get("/mountains/new")
    def new() -> tuple[str, int]:
        return render_form(None, "/mountains", "Add a mountain")

    @web.post("/mountains")
    def create() -> Response | tuple[str, int]:
        form = read_form(request.form)
        if form.errors or form.elevation is None:
            return render_form(form, "/mountains", "Add a mountain", 400)
        try:
            backend.insert(form.name, form.elevation, form.location)
        except grpc.RpcError as error:
            return refused(error, form, "/mountains", "Add a mountain")
        return redirect("/", code=303)

    @web.get("/mountains/<mountain_id>/edit")
    def edit(mountain_id: str) -> tuple[str, int]:
        found = backend.get(mountain_id)
        form = MountainForm(found.name, str(found.elevation), found.location, found.elevation, ())
        return render_form(form, mountain_url(mountain_id), f"Edit {found.name}")

    @web.post("/mountains/<mountain_id>")
    def update(mountain_id: str) -> Response | tuple[str, int]:
        form = read_form(request.form)
        title = "Edit mountain"
        if form.errors or form.elevation is None:
            return render_form(form, mountain_url(mountain_id), title, 400)
        try:
            backend.update(mountain_id, form.name, form.elevation, form.location)
        except grpc.RpcError as error:
            return refused(error, form, mountain_url(mountain_id), title)
        return redirect("/", code=303)

    @web.post("/mountains/<mountain_id>/delete")
    def remove(mountain_id: str) -> Response:
        backend.remove(mountain_id)
        return redirect("/", code=303)


def refused(error: grpc.RpcError, form: MountainForm, action: str, title: str) -> tuple[str, int]:
    """Show the server's INVALID_ARGUMENT message on the form; let other errors reach the error pages."""
    if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
        raise error
    message = error.details() or "The server refused these values."
    shown = MountainForm(form.name, form.elevation_text, form.location, form.elevation, (message,))
    return render_form(shown, action, title, 400)


def add_error_pages(web: Flask, backend: Backend) -> None:
    """gRPC failures and HTTP errors as friendly pages with the right status, never a traceback."""

    @web.errorhandler(grpc.RpcError)
    def grpc_failed(error: grpc.RpcError) -> tuple[str, int]:
        code = error.code()
        if code == grpc.StatusCode.NOT_FOUND:
            return error_page(404, "Not found", "There is no such mountain; it may have been removed.")
        if code in UNREACHABLE:
            text = (
                f"The mountains server at {backend.address} is not answering ({code.name}). "
                "Try again in a moment."
            )
            return error_page(503, "Service unavailable", text)
        text = f"The mountains server answered {code.name}: {error.details()}"
        return error_page(502, "Bad gateway", text)

    @web.errorhandler(HTTPException)
    def http_failed(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        return error_page(status, error.name, error.description or "")


def error_page(status: int, title: str, text: str) -> tuple[str, int]:
    """The error page."""
    return render_template("error.html", status=status, title=title, text=text), status


def main() -> int:
    """Run the app with Flask's own server for local development ($HOST, default 127.0.0.1; $PORT, 3000)."""
    host = os.environ.get("HOST", "127.0.0.1")
    raw_port = os.environ.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or int(raw_port) > 65535:
        message = f"PORT must be an integer between 0 and 65535, got {raw_port!r}"
        print(f"client: error: {message}", file=sys.stderr)
        return 2
    app.run(host=host, port=int(raw_port))
    return 0


app = create_app()

if __name__ == "__main__":
    sys.exit(main())
