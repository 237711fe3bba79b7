"""build.py validate on fixture folders: exact output (path:line:col, caret, summary) and exit status.

The expected outputs live in tests/fixtures/bad/expected/NAME.txt (first line: the exit status).
`UPDATE_EXPECTED=1 pytest tests/test_cli_validate.py` rewrites them and prints which ones changed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scenario.cli import main

REPO = Path(__file__).resolve().parent.parent
BAD = Path("tests/fixtures/bad")
FIXTURES = ("project", "katacoda", "killercoda", "badjson", "badyaml", "warnings")


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every command from the repository root, so paths print as given."""
    monkeypatch.chdir(REPO)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """build.py ARGV in process: exit status, stdout, stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_output_is_pinned(capsys: pytest.CaptureFixture[str], name: str) -> None:
    status, out, err = run(capsys, "validate", str(BAD / name))
    actual = f"{status}\n{out}"
    expected_file = BAD / "expected" / f"{name}.txt"
    stale = not expected_file.exists() or expected_file.read_text() != actual
    if os.environ.get("UPDATE_EXPECTED") and stale:
        expected_file.write_text(actual)
        print(f"updated {expected_file}")
    assert actual == expected_file.read_text()
    assert err == ""
    assert "Traceback" not in out


def test_every_line_names_a_place(capsys: pytest.CaptureFixture[str]) -> None:
    _status, out, _err = run(capsys, "validate", str(BAD / "project"))
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads[-1] == "tests/fixtures/bad/project: 10 errors, 5 warnings"
    for line in heads[:-1]:
        path, line_no, col, severity, _message = line.split(":", 4)
        assert path.startswith("tests/fixtures/bad/project/")
        assert int(line_no) > 0 and int(col) > 0
        assert severity.strip() in ("error", "warning")


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(BAD / "warnings"))[0] == 0
    status, out, _err = run(capsys, "validate", "--strict", str(BAD / "warnings"))
    assert status == 1
    assert out.endswith("tests/fixtures/bad/warnings: 0 errors, 1 warning\n")


def test_this_repositorys_scenario_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "validate", "--strict")
    assert (status, out) == (0, ".: no problems (project scenario, 8 steps)\n")


def test_absolute_paths_print_as_given(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(REPO / BAD / "warnings", tmp_path / "w")
    status, out, _err = run(capsys, "validate", str(tmp_path / "w"))
    assert status == 0
    assert out.startswith(f"{tmp_path}/w/steps/step1.md:1:5: warning: ")


def test_relative_dir_from_inside(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO / BAD / "killercoda")
    status, out, _err = run(capsys, "validate")
    assert status == 1
    assert out.splitlines()[0] == "index.json:6:15: error: step 1: verify file not found: step1/verify.sh"
    assert out.endswith(".: 3 errors, 1 warning\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("validate", "no/such/dir"), "build.py validate: error: no/such/dir: no such folder\n"),
        (
            ("validate", "tests"),
            "build.py validate: error: tests: not a scenario folder (no scenario.yaml or index.json)\n",
        ),
        (("validate", "README.md"), "build.py validate: error: README.md: no such folder\n"),
    ],
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", message)


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "validate", "--bogus")
    assert status == 2
    assert "unrecognized arguments: --bogus" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "validate", "--help")
    assert status == 0
    assert "report every problem in a scenario folder" in out
    assert "--strict" in out
