"""The served page is a shell: each security rule, tried and refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import websocket

from .harness import Served, start_server

PROTECTED = [
    "/", "/api/progress", "/static/learner.js", "/vendor/xterm/lib/xterm.js", "/scenario/steps/logo.png",
    "/port/8080/", "/api/file?path=~/bg.txt",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_requests_without_the_token_get_403(served: Served, path: str) -> None:
    status, _, body = served.request("GET", path, cookies=False)
    assert (status, body) == (403, b"403 Forbidden: missing or wrong token\n")


@pytest.mark.parametrize("path", PROTECTED)
def test_requests_with_a_wrong_token_get_403(served: Served, path: str) -> None:
    wrong = "x" * len(served.token)
    joiner = "&" if "?" in path else "?"
    status, _, _ = served.request("GET", f"{path}{joiner}token={wrong}", cookies=False)
    assert status == 403
    status, _, _ = served.request("GET", path, headers={"Cookie": f"scenario_token={wrong}"}, cookies=False)
    assert status == 403


def test_the_token_in_the_url_sets_a_strict_http_only_cookie(served: Served) -> None:
    status, headers, _ = served.request("GET", f"/?token={served.token}", cookies=False)
    assert status == 200
    assert f"scenario_token={served.token}" in headers["set-cookie"]
    assert "HttpOnly" in headers["set-cookie"]
    assert "SameSite=Strict" in headers["set-cookie"]


def test_websocket_without_the_token_is_refused(served: Served) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"ws://{served.host}:{served.port}/ws/1", cookie="scenario_session=s1", origin=served.origin
        )
    assert refused.value.status_code == 403


def test_websocket_from_another_origin_is_refused(served: Served) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"ws://{served.host}:{served.port}/ws/1", cookie=served.cookies, origin="http://evil.example"
        )
    assert refused.value.status_code == 403


def test_state_changing_requests_from_another_origin_are_refused(served: Served) -> None:
    status, _, body = served.request("POST", "/api/page", {"page": 1}, headers={"Origin": "http://evil.example"})
    assert (status, body) == (403, b"403 Forbidden: cross-origin request\n")
    assert served.api("GET", "/api/progress")["current"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/scenario/../scenario.yaml",
        "/scenario/%2e%2e/%2e%2e/etc/passwd",
        "/scenario/scenario.yaml",
        "/scenario/steps/step1-verify.sh",
        "/scenario/.state/progress.sqlite3",
        "/scenario/outside.png",
        "/static/../server/app.py",
        "/static/%2e%2e/server/app.py",
        "/vendor/xterm/%2e%2e/%2e%2e/package.json",
    ],
)
def test_no_path_outside_the_served_folders_can_be_read(
    served: Served, scenario_dir: Path, path: str
) -> None:
    secret = scenario_dir.parent / "secret.png"
    secret.write_bytes(b"secret")
    os.symlink(secret, scenario_dir / "outside.png")
    status, _, body = served.request("GET", path)
    assert status in (403, 404), (status, body)
    assert b"secret" not in body
    assert b"title:" not in body


def test_the_page_runs_under_a_content_security_policy(served: Served) -> None:
    status, headers, _ = served.request("GET", "/")
    assert status == 200
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "object-src 'none'" in policy
    assert headers["referrer-policy"] == "no-referrer"


def test_scenario_html_scripts_are_not_allowed_inline(tmp_path: Path, scenario_dir: Path) -> None:
    (scenario_dir / "steps" / "finish.md").write_text('Done.\n\n<script>alert("x")</script>\n')
    server = start_server(scenario_dir, tmp_path / "state2")
    try:
        _, headers, body = server.request("GET", "/")
        assert b'<script>alert("x")</script>' in body  # kept in the page, but the policy forbids it
        script_policy = headers["content-security-policy"].split("script-src")[1].split(";")[0]
        assert script_policy == " 'self'"
    finally:
        server.stop()


def test_it_binds_loopback_by_default(served: Served) -> None:
    assert served.host == "127.0.0.1"
    assert "warning" not in served.log


def test_it_warns_when_told_to_bind_elsewhere(scenario_dir: Path, tmp_path: Path) -> None:
    server = start_server(scenario_dir, tmp_path / "state3", "--host", "0.0.0.0")
    try:
        assert server.lines[0] == (
            "warning: serving on 0.0.0.0, not only this machine: "
            "anyone who reaches it with the token gets a shell\n"
        )
        assert server.url.startswith("http://0.0.0.0:")
    finally:
        server.stop()


def test_a_session_id_that_could_name_another_folder_is_refused(served: Served) -> None:
    evil = "../../../tmp/evil-session"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(
            f"ws://{served.host}:{served.port}/ws/1", origin=served.origin,
            cookie=f"scenario_token={served.token}; scenario_session={evil}",
        )
    assert refused.value.status_code == 403
    status, headers, _ = served.request(
        "GET", "/api/progress", headers={"Cookie": f"scenario_token={served.token}; scenario_session={evil}"},
        cookies=False,
    )
    assert status == 200
    assert "scenario_session=" in headers["set-cookie"]
    assert evil not in headers["set-cookie"]
