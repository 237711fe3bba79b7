"""A real bash over a real websocket, local sandbox: snippets, tabs, interrupt, reconnect, setup."""

from __future__ import annotations

import re
import time

from .harness import Served, wait_for_local_process


def test_execute_snippet_types_the_command_and_shows_its_output(served: Served) -> None:
    term = served.terminal(1)
    assert term.wait_message("setup") == ["setup", {}]
    term.send("snippet", 1, 0)
    assert term.wait_message("snippet") == ["snippet", {"terminal": 1}]
    term.wait_for("hello-42")
    term.close()


def test_t2_snippet_creates_terminal_two_and_runs_there(served: Served) -> None:
    term = served.terminal(1)
    term.send("snippet", 1, 2)
    assert term.wait_message("snippet") == ["snippet", {"terminal": 2}]
    second = served.terminal(2)
    second.wait_for("in-two-4")  # the output written before this socket opened is replayed
    assert "in-two-4" not in term.output
    second.close()
    term.close()


def test_interrupt_stops_the_running_command_first(served: Served) -> None:
    term = served.terminal(1)
    term.send("snippet", 1, 3)  # sleep 300
    term.wait_for("sleep 300")
    wait_for_local_process("sleep 300")
    term.send("snippet", 1, 4)  # echo after-$((1+1)), interrupt
    term.wait_for("after-2", timeout=10)
    term.close()


def test_copy_and_open_snippets_are_not_run_by_the_server(served: Served) -> None:
    term = served.terminal(1)
    term.send("snippet", 1, 5)
    assert term.wait_message("error")[1] == "snippet 5 of page 1 is copy, not execute"
    term.send("snippet", 1, 99)
    assert term.wait_message("error")[1] == "page 1 has no snippet 99"
    term.send("snippet", 7, 0)
    assert term.wait_message("error")[1] == "no such snippet"
    term.close()


def test_reconnect_reaches_the_same_shell_with_the_screen_restored(served: Served) -> None:
    term = served.terminal(1)
    term.send("stdin", "echo pid-$$-e$((0+1))\r")
    first = re.findall(r"pid-(\d+)-e1", term.wait_for("-e1"))[0]
    term.close()
    again = served.terminal(1)
    again.wait_for(f"pid-{first}-e1")  # the recent screen, replayed
    again.output = ""
    again.send("stdin", "echo pid-$$-a$((0+2))\r")
    assert re.findall(r"pid-(\d+)-a2", again.wait_for("-a2"))[0] == first
    again.close()


def test_sessions_do_not_share_shells_or_folders(served: Served) -> None:
    mine = served.terminal(1)
    mine.send("stdin", "echo home=$HOME=x$((0+1))\r")
    home = re.findall(r"home=(/[^=]+)=x1", mine.wait_for("=x1"))[0]
    theirs = served.terminal(1, session="another-learner-0002")
    theirs.send("stdin", "echo home=$HOME=x$((0+1))\r")
    other = re.findall(r"home=(/[^=]+)=x1", theirs.wait_for("=x1"))[0]
    assert home != other
    mine.close()
    theirs.close()


def test_assets_are_copied_with_their_mode(served: Served) -> None:
    term = served.terminal(1)
    term.send("stdin", "hello.sh && stat -c mode=%a $(command -v hello.sh)\r")
    term.wait_for("hi-from-asset")
    term.wait_for("mode=755")
    term.close()


def test_background_script_runs_hidden_when_the_page_is_entered(served: Served) -> None:
    term = served.terminal(1)
    assert served.api("POST", "/api/page", {"page": 0}) == {"current": 0, "verified": []}
    deadline = time.monotonic() + 20
    while True:
        status, _, body = served.request("GET", "/api/file?path=~/bg.txt")
        if status == 200:
            break
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
    assert served.api("GET", "/api/file?path=~/bg.txt")["content"] == "background-ran\n"
    assert "background-ran" not in term.output
    term.close()


def test_foreground_script_is_typed_into_terminal_one_once(served: Served) -> None:
    term = served.terminal(1)
    served.api("POST", "/api/page", {"page": 2})
    term.wait_for("foreground-49")
    served.api("POST", "/api/page", {"page": 1})
    served.api("POST", "/api/page", {"page": 2})
    term.send("stdin", "echo mark-$((1+2))\r")
    term.wait_for("mark-3")
    assert term.output.count("foreground-49") == 1
    term.close()


def test_the_intro_background_runs_whatever_page_a_new_sandbox_starts_on(served: Served) -> None:
    served.api("POST", "/api/page", {"page": 2})
    deadline = time.monotonic() + 20
    while served.request("GET", "/api/file?path=~/bg.txt")[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_port_in_use_is_a_clear_error(served: Served, scenario_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from .harness import REPO

    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(scenario_dir), "--port", str(served.port),
         "--state-dir", str(tmp_path / "other")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    expected = f"build.py serve: error: cannot listen on 127.0.0.1:{served.port}: Address already in use\n"
    assert (done.returncode, done.stderr) == (2, expected)


def test_check_fails_then_passes_and_is_remembered(served: Served) -> None:
    failed = served.api("POST", "/api/verify", {"page": 1})
    assert failed["ok"] is False
    assert failed["exit_code"] == 1
    assert failed["output"] == "no ~/made yet\n"
    assert failed["progress"]["verified"] == []
    term = served.terminal(1)
    term.send("snippet", 1, 1)  # touch ~/made
    term.send("stdin", "echo touched-$((3+3))\r")
    term.wait_for("touched-6")
    passed = served.api("POST", "/api/verify", {"page": 1})
    assert passed["ok"] is True
    assert passed["progress"]["verified"] == [1]
    term.close()


def test_editor_blocks_replace_append_insert_and_open(served: Served) -> None:
    block = {"filename": "notes.txt", "target": "replace", "text": "first\n#MARK\nlast\n"}
    assert served.api("POST", "/api/editor", block)["ok"] is True
    served.api("POST", "/api/editor", {"filename": "notes.txt", "target": "append", "text": "appended\n"})
    served.api("POST", "/api/editor", {"filename": "notes.txt", "target": "prepend", "text": "top\n"})
    insert = {"filename": "notes.txt", "target": "insert", "marker": "#MARK", "text": "middle"}
    served.api("POST", "/api/editor", insert)
    assert served.api("GET", "/api/file?path=notes.txt")["content"] == "top\nfirst\nmiddle\nlast\nappended\n"
    status, _, body = served.request(
        "POST", "/api/editor", {"filename": "notes.txt", "target": "insert", "marker": "#GONE", "text": "x"}
    )
    assert (status, body) == (409, b'{"ok": false, "error": "marker \'#GONE\' is not in the file"}')
    status, _, body = served.request("GET", "/api/file?path=missing.txt")
    assert (status, body) == (404, b"404 Not found: missing.txt is not in your sandbox\n")


def test_progress_survives_a_server_restart(served: Served, scenario_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .harness import start_server

    served.api("POST", "/api/page", {"page": 1})
    term = served.terminal(1)
    term.send("snippet", 1, 1)
    term.send("stdin", "echo ok-$((5+5))\r")
    term.wait_for("ok-10")
    assert served.api("POST", "/api/verify", {"page": 1})["ok"] is True
    term.close()
    assert served.stop() == 0
    again = start_server(scenario_dir, tmp_path / "state")
    try:
        assert again.token != served.token
        assert again.api("GET", "/api/progress") == {"current": 1, "verified": [1]}
    finally:
        again.stop()


def test_port_links_reach_the_port_in_the_sandbox(served: Served) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    term = served.terminal(1)
    term.send("stdin", f"mkdir sub; echo port-page > page.html; python3 -m http.server {port} --bind 127.0.0.1 &\r")
    deadline = time.monotonic() + 20
    while True:
        status, headers, body = served.request("GET", f"/port/{port}/page.html")
        if status == 200:
            break
        assert status == 502, (status, body)
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert body == b"port-page\n"
    status, headers, _ = served.request("GET", f"/port/{port}/sub")
    assert (status, headers["location"]) == (301, f"/port/{port}/sub/")
    assert headers["content-security-policy"].startswith("sandbox allow-scripts")
    status, _, body = served.request("GET", "/port/1/")
    assert (status, body) == (502, b"502 Bad gateway: nothing answers on port 1 of your sandbox\n")
    term.send("stdin", "kill %1\r")
    term.close()


def test_the_page_lists_every_page_and_indexes_snippets(served: Served) -> None:
    status, headers, body = served.request("GET", "/")
    page = body.decode()
    assert status == 200
    for title in ("Make a file", "Editors and files", "Finish"):
        assert title in page
    assert 'data-snippet="4"' in page
    assert 'class="port-link" data-port="8080" href="/port/8080/"' in page
    assert 'src="/scenario/steps/logo.png"' in page
    status, headers, body = served.request("GET", "/scenario/steps/logo.png")
    assert (status, headers["content-type"]) == (200, "image/png")
