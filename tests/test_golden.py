"""Golden trees: each input scenario under tests/golden/ renders to exactly its expected files, per format."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from scenario.model import Scenario
from scenario.readers import read_scenario
from scenario.writers import katacoda, killercoda, site
from scenario.writers.output import Output

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "input").is_dir())
WRITERS = {"katacoda": katacoda.render, "killercoda": killercoda.render, "site": site.render}


def read_case(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Scenario, list[str]]:
    """Read a golden input with paths relative to its case folder, so messages are machine-independent."""
    monkeypatch.chdir(GOLDEN / case)
    result = read_scenario(Path("input"))
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    return result.scenario, [d.format() for d in result.diagnostics]


def expected_files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative POSIX path."""
    if not folder.is_dir():
        return {}
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def describe_changes(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """Human lines: added, removed and changed files, with a short diff for changed text."""
    lines: list[str] = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            lines.append(f"added   {name}")
        elif name not in new:
            lines.append(f"removed {name}")
        elif old[name] != new[name]:
            lines.append(f"changed {name}")
            before = old[name].decode("utf-8", "replace").splitlines()
            after = new[name].decode("utf-8", "replace").splitlines()
            diff = list(difflib.unified_diff(before, after, "expected", "actual", lineterm="", n=1))
            lines.extend(f"    {line}" for line in diff[:40])
    return lines


def check_tree(
    folder: Path, actual: dict[str, bytes], update: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Compare `actual` with the expected tree; with --update-golden rewrite it and print what changed."""
    expected = expected_files(folder)
    changes = describe_changes(expected, actual)
    if update:
        if changes:
            shutil.rmtree(folder, ignore_errors=True)
            for name, data in actual.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            with capsys.disabled():
                shown = folder.relative_to(GOLDEN.parent) if folder.is_relative_to(GOLDEN.parent) else folder
                print(f"\nupdated {shown}:")
                print("\n".join(f"  {line}" for line in changes if not line.startswith("    ")))
        return
    assert not changes, f"{folder} differs (run pytest --update-golden to accept):\n" + "\n".join(changes)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("case", CASES)
def test_golden_output(
    case: str,
    fmt: str,
    update_golden: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The writer's files for this input are exactly the expected tree."""
    scenario, _ = read_case(case, monkeypatch)
    output: Output = WRITERS[fmt](scenario)
    check_tree(GOLDEN / case / "expected" / fmt, output.files, update_golden, capsys)


@pytest.mark.parametrize("case", CASES)
def test_golden_diagnostics(
    case: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reader's and writers' diagnostics for this input are exactly the expected ones."""
    scenario, lines = read_case(case, monkeypatch)
    for fmt in sorted(WRITERS):
        lines += [f"[{fmt}] {diagnostic.format()}" for diagnostic in WRITERS[fmt](scenario).diagnostics]
    text = ("\n".join(lines) + "\n").encode() if lines else b""
    folder = GOLDEN / case / "expected" / "diagnostics"
    check_tree(folder, {"diagnostics.txt": text}, update_golden, capsys)


def test_golden_cases_cover_every_input_format() -> None:
    """One golden input per source format."""
    formats = {read_scenario(GOLDEN / case / "input").scenario.source_format for case in CASES}  # type: ignore[union-attr]
    assert formats == {"project", "katacoda", "killercoda"}


def test_writers_are_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering the same scenario twice gives the same bytes."""
    for case in CASES:
        scenario, _ = read_case(case, monkeypatch)
        for render in WRITERS.values():
            assert render(scenario).files == render(scenario).files


def test_update_switch_rewrites_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--update-golden's mechanics: the expected tree becomes the actual one and the changes are printed."""
    folder = tmp_path / "expected"
    folder.mkdir()
    (folder / "gone.txt").write_text("old\n")
    (folder / "same.txt").write_text("same\n")
    (folder / "edit.txt").write_text("before\n")
    actual = {"same.txt": b"same\n", "edit.txt": b"after\n", "new/x.txt": b"x\n"}
    check_tree(folder, actual, True, capsys)
    assert expected_files(folder) == actual
    with pytest.raises(AssertionError, match=r"changed edit\.txt"):
        check_tree(folder, {**actual, "edit.txt": b"again\n"}, False, capsys)
    assert describe_changes({"a": b"1", "b": b"2"}, {"b": b"3", "c": b"4"})[:2] == ["removed a", "changed b"]


@pytest.mark.parametrize("case", CASES)
def test_rendered_snippets_match_the_scanner(case: str) -> None:
    """One grammar, two consumers: the page HTML numbers exactly the snippets the scanner finds, in order."""
    from scenario.markdown_ext import render_markdown
    from scenario.snippets import scan

    scenario = read_scenario(GOLDEN / case / "input").scenario
    assert scenario is not None
    for page in scenario.pages:
        scanned = scan(page.markdown, page.text_path).snippets
        rendered = render_markdown(page.markdown, page.text_path)
        assert [(s.text, s.action, s.modifiers) for s in rendered.snippets] == [
            (s.text, s.action, s.modifiers) for s in scanned
        ]
        assert rendered.html.count("data-snippet=") == len(scanned)
