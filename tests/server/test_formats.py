"""Scenarios in the Katacoda and Killercoda formats, straight from the corpus, served and clicked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Served, start_server, wait_for_local_process

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"  # shared/ lies beside the checkout


@pytest.fixture
def corpus_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """A read-only corpus scenario served with the local sandbox, its state kept elsewhere."""
    server = start_server(CORPUS / request.param, tmp_path / "state")
    yield server
    server.stop()


@pytest.mark.parametrize("corpus_server", ["killercoda-scenario-examples/code-actions"], indirect=True)
def test_killercoda_exec_and_exec_interrupt(corpus_server: Served) -> None:
    page = corpus_server.request("GET", "/")[2].decode()
    snippets = re.findall(r'<code class="([^"]*)"[^>]*data-snippet="(\d+)"', page.split('id="page-1"')[1])
    classes = [kind for kind, _ in snippets]
    assert classes[:5] == ["nocopy", "execute", "execute", "execute interrupt", "copy"]
    term = corpus_server.terminal(1)
    term.send("snippet", 1, 2)  # sleep 1d
    wait_for_local_process("sleep 1d")
    term.send("snippet", 1, 3)  # whoami, after Ctrl-C
    term.wait_for("^C")
    term.wait_for("\rroot\r\n")
    term.close()


@pytest.mark.parametrize("corpus_server", ["killercoda-scenario-examples/use-images"], indirect=True)
def test_killercoda_images_relative_to_their_page(corpus_server: Served) -> None:
    page = corpus_server.request("GET", "/")[2].decode()
    for src in ("/scenario/step2/yellow.png", "/scenario/intro/intro.jpg", "/scenario/image2.png"):
        assert f'src="{src}"' in page
        status, headers, _ = corpus_server.request("GET", src)
        assert status == 200
        assert headers["content-type"].startswith("image/")


@pytest.mark.parametrize("corpus_server", ["katacoda-scenario-examples/displaying-images"], indirect=True)
def test_katacoda_asset_images(corpus_server: Served) -> None:
    page = corpus_server.request("GET", "/")[2].decode()
    assert 'src="/scenario/assets/logo-text-with-head.png"' in page
    assert corpus_server.request("GET", "/scenario/assets/logo-text-with-head.png")[0] == 200
    assert corpus_server.request("GET", "/scenario/index.json")[0] == 404


def test_a_scenario_with_errors_is_refused_with_its_diagnostics(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .harness import REPO

    (tmp_path / "index.json").write_text('{"title": "x", "details": {"steps": [{"text": "gone.md"}]}}\n')
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(tmp_path), "--port", "0"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert f"{tmp_path}/index.json:1:" in done.stderr
    assert "page text file not found: gone.md" in done.stderr
    missing = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(tmp_path / "nowhere")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    expected = f"build.py serve: error: {tmp_path}/nowhere: no such folder\n"
    assert (missing.returncode, missing.stderr) == (2, expected)


def test_a_state_folder_that_cannot_be_made_is_a_clear_error(scenario_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from .harness import REPO

    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(scenario_dir), "--state-dir", str(blocker / "state")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    expected = (
        f"build.py serve: error: cannot create the state folder {blocker}/state: Not a directory; "
        "pass --state-dir\n"
    )
    assert (done.returncode, done.stderr) == (2, expected)


def test_a_scenario_with_errors_is_not_served(scenario_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from .harness import REPO

    (scenario_dir / "steps" / "step1-verify.sh").unlink()
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "serve", str(scenario_dir), "--port", "0",
         "--state-dir", str(tmp_path / "state")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"{scenario_dir}/scenario.yaml:")
    assert "steps/step1-verify.sh" in done.stderr and "Serving on" not in done.stdout
