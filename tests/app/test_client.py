"""The web client against a real server: the Flask app in a thread (werkzeug on port 0) or under
gunicorn, driven over HTTP with urllib."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import mountains_pb2
import mountains_pb2_grpc
import pytest
import yaml
from werkzeug.serving import make_server

from .conftest import (
    APP_DIR,
    CLIENT_SCRIPT,
    ROOT,
    LinePump,
    ServerProcess,
    free_port,
    load_module,
    open_channel,
)

client = load_module("mountains_web", CLIENT_SCRIPT)


@dataclass(frozen=True)
class Reply:
    """An HTTP reply: status, headers and body text."""

    status: int
    headers: dict[str, str]
    body: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let the test see redirects instead of following them."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Reply:
    """GET url, or POST the form to it; any status comes back as a Reply."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return Reply(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers), error.read().decode())


class WebApp:
    """The Flask app served by werkzeug in a thread on a free port."""

    def __init__(self, server_address: str, deadline: float = 3.0) -> None:
        self.app = client.create_app(server=server_address, deadline=deadline)
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving and close the app's gRPC channel."""
        self.http.shutdown()
        self.http.server_close()
        self.thread.join(timeout=10)
        self.app.extensions["mountains_backend"].close()


@pytest.fixture
def web_for() -> Iterator[type[WebApp]]:
    """A factory of web apps, every one closed afterwards."""
    made: list[WebApp] = []

    class Tracked(WebApp):
        def __init__(self, server_address: str, deadline: float = 3.0) -> None:
            super().__init__(server_address, deadline)
            made.append(self)

    yield Tracked
    for web in made:
        web.close()


@pytest.fixture
def web(fresh_server: ServerProcess, web_for: type[WebApp]) -> WebApp:
    """The web app in front of a fresh server."""
    return web_for(fresh_server.address)


def names_on_server(address: str) -> list[str]:
    """The mountain names the server holds, asked over gRPC directly."""
    with open_channel(address) as channel:
        reply = mountains_pb2_grpc.MountainServiceStub(channel).GetAll(mountains_pb2.Empty(), timeout=5)
    return [m.name for m in reply.mountains]


def id_of(address: str, name: str) -> str:
    """The id of the mountain with this name."""
    with open_channel(address) as channel:
        reply = mountains_pb2_grpc.MountainServiceStub(channel).GetAll(mountains_pb2.Empty(), timeout=5)
    return next(m.id for m in reply.mountains if m.name == name)


def test_list_shows_the_seeded_mountains(web: WebApp) -> None:
    reply = fetch(web.url + "/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<td>Mount Everest</td>" in reply.body
    assert '<td class="number">8849 m</td>' in reply.body
    assert "<td>Mont Blanc</td>" in reply.body
    assert '<link rel="stylesheet" href="/static/style.css">' in reply.body
    assert reply.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_no_external_links_and_css_is_served_locally(web: WebApp) -> None:
    page = fetch(web.url + "/").body + fetch(web.url + "/mountains/new").body
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    css = fetch(web.url + "/static/style.css")
    assert css.status == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert "body {" in css.body


def test_healthz(web: WebApp) -> None:
    reply = fetch(web.url + "/healthz")
    assert (reply.status, reply.body) == (200, "ok\n")


def test_add_edit_remove_round_trip(web: WebApp, fresh_server: ServerProcess) -> None:
    form_page = fetch(web.url + "/mountains/new")
    assert form_page.status == 200
    assert '<form method="post" action="/mountains">' in form_page.body

    added = fetch(web.url + "/mountains", {"name": "K2", "elevation": "8611", "location": "Karakoram"})
    assert (added.status, added.headers["Location"]) == (303, "/")
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc", "K2"]
    assert "<td>K2</td>" in fetch(web.url + "/").body

    k2 = id_of(fresh_server.address, "K2")
    edit_page = fetch(f"{web.url}/mountains/{k2}/edit")
    assert edit_page.status == 200
    assert f'action="/mountains/{k2}"' in edit_page.body
    assert 'value="8611"' in edit_page.body and 'value="Karakoram"' in edit_page.body

    edited = fetch(f"{web.url}/mountains/{k2}", {"name": "K2", "elevation": "8614", "location": "Pakistan"})
    assert (edited.status, edited.headers["Location"]) == (303, "/")
    listing = fetch(web.url + "/").body
    assert '<td class="number">8614 m</td>' in listing and "<td>Pakistan</td>" in listing

    removed = fetch(f"{web.url}/mountains/{k2}/delete", {})
    assert (removed.status, removed.headers["Location"]) == (303, "/")
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc"]
    assert "K2" not in fetch(web.url + "/").body


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"name": "", "elevation": "100"}, ["Name is required."]),
        ({"name": "   ", "elevation": "100"}, ["Name is required."]),
        (
            {"name": "Hill", "elevation": "high"},
            ["Elevation must be a whole number of metres, not &#39;high&#39;."],
        ),
        (
            {"name": "Hill", "elevation": "12.5"},
            ["Elevation must be a whole number of metres, not &#39;12.5&#39;."],
        ),
        ({"name": "Hill", "elevation": ""}, ["Elevation is required."]),
        (
            {"name": "Hill", "elevation": "9001"},
            ["Elevation must be between -500 and 9000 metres, not 9001."],
        ),
        (
            {"name": "Hill", "elevation": "-501"},
            ["Elevation must be between -500 and 9000 metres, not -501."],
        ),
        ({"name": "", "elevation": "x"}, ["Name is required.", "Elevation must be a whole number of metres"]),
    ],
)
def test_bad_input_re_renders_the_form_with_400(
    web: WebApp, fresh_server: ServerProcess, form: dict[str, str], messages: list[str]
) -> None:
    reply = fetch(web.url + "/mountains", {**form, "location": "Somewhere"})
    assert reply.status == 400
    for message in messages:
        assert message in reply.body
    assert 'value="Somewhere"' in reply.body
    assert f'value="{form["elevation"]}"' in reply.body
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc"]


def test_bad_input_on_edit_is_400_too(web: WebApp, fresh_server: ServerProcess) -> None:
    everest = id_of(fresh_server.address, "Mount Everest")
    reply = fetch(f"{web.url}/mountains/{everest}", {"name": "Everest", "elevation": "99999"})
    assert reply.status == 400
    assert "Elevation must be between -500 and 9000 metres, not 99999." in reply.body
    assert f'action="/mountains/{everest}"' in reply.body


def test_server_side_invalid_argument_is_shown_on_the_form(web: WebApp, fresh_server: ServerProcess) -> None:
    reply = fetch(web.url + "/mountains", {"name": "x" * 101, "elevation": "10"})
    assert reply.status == 400
    assert '<ul class="errors" role="alert">' in reply.body
    assert "name is longer than 100 characters (101)" in reply.body
    everest = id_of(fresh_server.address, "Mount Everest")
    long_location = fetch(
        f"{web.url}/mountains/{everest}", {"name": "E", "elevation": "1", "location": "y" * 201}
    )
    assert long_location.status == 400
    assert "location is longer than 200 characters (201)" in long_location.body
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc"]


def test_everything_is_escaped(web: WebApp) -> None:
    evil = "<script>alert(1)</script>"
    assert fetch(web.url + "/mountains", {"name": evil, "elevation": "1", "location": '"><b>'}).status == 303
    page = fetch(web.url + "/").body
    assert evil not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    form = fetch(web.url + "/mountains", {"name": evil, "elevation": "x"}).body
    assert evil not in form and 'value="&lt;script&gt;' in form


def test_cross_site_posts_are_refused(web: WebApp, fresh_server: ServerProcess) -> None:
    form = {"name": "K2", "elevation": "8611"}
    forged = fetch(web.url + "/mountains", form, {"Origin": "http://evil.example"})
    assert forged.status == 403
    assert "This form was sent from another site, so it was ignored." in forged.body
    everest = id_of(fresh_server.address, "Mount Everest")
    assert fetch(f"{web.url}/mountains/{everest}/delete", {}, {"Origin": "null"}).status == 403
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc"]
    own = fetch(web.url + "/mountains", form, {"Origin": web.url})
    assert own.status == 303
    assert names_on_server(fresh_server.address) == ["Mount Everest", "Mont Blanc", "K2"]


def test_oversized_posts_are_refused(web: WebApp) -> None:
    reply = fetch(web.url + "/mountains", {"name": "x" * 70_000, "elevation": "1"})
    assert reply.status == 413
    assert "<h1>413 Request Entity Too Large</h1>" in reply.body


def test_unknown_mountain_is_404(web: WebApp) -> None:
    for reply in (
        fetch(web.url + "/mountains/no-such-id/edit"),
        fetch(web.url + "/mountains/no-such-id", {"name": "K2", "elevation": "8611"}),
        fetch(web.url + "/mountains/no-such-id/delete", {}),
    ):
        assert reply.status == 404
        assert "<h1>404 Not found</h1>" in reply.body
        assert "There is no such mountain; it may have been removed." in reply.body


def test_unknown_page_and_wrong_method(web: WebApp) -> None:
    missing = fetch(web.url + "/nowhere")
    assert missing.status == 404 and "<h1>404 Not Found</h1>" in missing.body
    wrong = fetch(web.url + "/mountains/x/delete")
    assert wrong.status == 405 and "<h1>405 Method Not Allowed</h1>" in wrong.body


def test_server_down_is_a_503_page(web_for: type[WebApp]) -> None:
    address = f"localhost:{free_port()}"
    web = web_for(address)
    for reply in (fetch(web.url + "/"), fetch(web.url + "/mountains", {"name": "K2", "elevation": "8611"})):
        assert reply.status == 503
        assert "<h1>503 Service unavailable</h1>" in reply.body
        assert f"The mountains server at {address} is not answering (UNAVAILABLE)." in reply.body
        assert "Traceback" not in reply.body


def test_server_stopping_mid_session_gives_503(fresh_server: ServerProcess, web_for: type[WebApp]) -> None:
    web = web_for(fresh_server.address)
    assert fetch(web.url + "/").status == 200
    fresh_server.signal(signal.SIGTERM)
    assert fresh_server.wait(timeout=20)[0] == 0
    reply = fetch(web.url + "/")
    assert reply.status == 503 and "is not answering (UNAVAILABLE)" in reply.body


def test_slow_server_hits_the_deadline(start_server: type[ServerProcess], web_for: type[WebApp]) -> None:
    slow = start_server(MOUNTAINS_RPC_DELAY="5")
    web = web_for(slow.address, deadline=0.5)
    started = time.monotonic()
    reply = fetch(web.url + "/")
    assert time.monotonic() - started < 4
    assert reply.status == 503
    assert "is not answering (DEADLINE_EXCEEDED)" in reply.body


def gunicorn_args_from_the_manifest() -> str:
    """The GUNICORN_CMD_ARGS the Kubernetes manifest gives the client container."""
    docs = yaml.safe_load_all((APP_DIR / "kubernetes" / "client.yaml").read_text())
    deployment = next(doc for doc in docs if doc["kind"] == "Deployment")
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    value: str = next(item["value"] for item in env if item["name"] == "GUNICORN_CMD_ARGS")
    return value


def test_runs_under_gunicorn_as_in_the_containers(fresh_server: ServerProcess, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()  # stands for a read-only root filesystem: gunicorn must write nothing here
    env = {
        **os.environ,
        "MOUNTAINS_SERVER": fresh_server.address,
        "GUNICORN_CMD_ARGS": gunicorn_args_from_the_manifest(),
        "HOME": str(home),
    }
    env.pop("XDG_RUNTIME_DIR", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--chdir", "app/client", "app:app"]
    gunicorn = LinePump(subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True))
    try:
        port = gunicorn.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        url = f"http://127.0.0.1:{port}"
        assert "<td>Mount Everest</td>" in fetch(url + "/").body
        assert fetch(url + "/mountains", {"name": "K2", "elevation": "8611"}).status == 303
        assert "<td>K2</td>" in fetch(url + "/").body
        gunicorn.proc.send_signal(signal.SIGTERM)
        gunicorn.wait_for(r"Shutting down: Master")
        assert gunicorn.proc.wait(timeout=30) == 0
    finally:
        gunicorn.finish()
    assert not [line for line in gunicorn.seen if "[ERROR]" in line or "Traceback" in line]
    assert list(home.iterdir()) == []


def test_local_run_with_python(fresh_server: ServerProcess) -> None:
    port = free_port()
    env = {**os.environ, "MOUNTAINS_SERVER": fresh_server.address, "PORT": str(port)}
    command = [sys.executable, str(CLIENT_SCRIPT)]
    flask = LinePump(subprocess.Popen(command, cwd="/", env=env, stderr=subprocess.PIPE, text=True))
    try:
        flask.wait_for(rf"Running on http://127\.0\.0\.1:{port}")
        assert "<td>Mont Blanc</td>" in fetch(f"http://127.0.0.1:{port}/").body
    finally:
        flask.finish()


@pytest.mark.parametrize(
    ("env", "code", "message"),
    [
        ({"PORT": "web"}, 2, "client: error: PORT must be an integer between 0 and 65535, got 'web'"),
        (
            {"MOUNTAINS_DEADLINE": "soon"},
            2,
            "client: error: MOUNTAINS_DEADLINE must be a number of seconds in (0, 600], got 'soon'",
        ),
        (
            {"MOUNTAINS_DEADLINE": "0"},
            2,
            "client: error: MOUNTAINS_DEADLINE must be a number of seconds in (0, 600], got '0'",
        ),
    ],
)
def test_bad_settings_give_a_message(env: dict[str, str], code: int, message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(CLIENT_SCRIPT)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (code, "", message + "\n")


def test_one_channel_is_reused_across_requests(web: WebApp) -> None:
    backend = web.app.extensions["mountains_backend"]
    fetch(web.url + "/")
    first = backend.stub()
    fetch(web.url + "/")
    assert backend.stub() is first
