"""build.py test with the local sandbox, on the fixture scenarios: what passes, each way of failing."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scenario.check import Checker, CheckOptions
from scenario.check_report import Status
from scenario.cli import main
from scenario.readers import read_scenario
from scenario.sandbox.local import LocalSandbox

SCENARIOS = Path(__file__).parent / "scenarios"
PASSING = SCENARIOS / "passing"
FAILING = SCENARIOS / "failing"
TOO_EARLY = SCENARIOS / "verify-too-early"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["test", *argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def line_for(lines: list[str], prefix: str) -> str:
    found = [line for line in lines if line.startswith(prefix)]
    assert len(found) == 1, (prefix, lines)
    return found[0]


def test_the_passing_scenario_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, str(PASSING), "--verify-fails-first")
    assert code == 0, "\n".join(lines)
    assert lines[0] == "checking 'A scenario the checker must pass' in a local sandbox"
    at = f"{PASSING}/"
    asset = line_for(lines, f"{at}scenario.yaml:22 ")
    assert asset.startswith(f"{at}scenario.yaml:22 asset greet.sh -> /usr/local/bin/ PASSED (")
    assert line_for(lines, f"{at}steps/intro-background.sh:1 ").startswith(
        f"{at}steps/intro-background.sh:1 background PASSED ("
    )
    for number in (5, 9, 16, 21, 26, 31, 44):
        assert line_for(lines, f"{at}steps/step1.md:{number} ").startswith(
            f"{at}steps/step1.md:{number} execute T1 PASSED ("
        )
    assert line_for(lines, f"{at}steps/step1.md:40 ").startswith(
        f"{at}steps/step1.md:40 editor append /root/project/notes.txt PASSED ("
    )
    assert line_for(lines, f"{at}steps/step2.md:9 ").startswith(f"{at}steps/step2.md:9 execute T2 PASSED (")
    assert line_for(lines, f"{at}steps/step2.md:19 ").startswith(
        f"{at}steps/step2.md:19 execute T2 interrupt PASSED ("
    )
    assert line_for(lines, f"{at}steps/step2.md:24 ").startswith(f"{at}steps/step2.md:24 execute T1 PASSED (")
    assert line_for(lines, f"{at}steps/step2.md:32 ").startswith(
        f"{at}steps/step2.md:32 execute T3 ctrl-seq PASSED ("
    )
    assert line_for(lines, f"{at}steps/step2.md:34 ").startswith(f"{at}steps/step2.md:34 execute T3 PASSED (")
    skipped = line_for(lines, f"{at}steps/step3.md:3 ")
    assert skipped.startswith(f"{at}steps/step3.md:3 execute T1 SKIPPED (")
    assert skipped.endswith("): needs kubernetes, which is not available")
    before = [line for line in lines if "verify (before the work) PASSED" in line]
    assert len(before) == 2
    assert not any("exit 9" in line for line in lines)  # the copy-only snippet never ran
    assert "  total " in "\n".join(lines) and "the scenario states '5 minutes'" in lines[-2]
    assert lines[-1] == "26 passed, 0 failed, 1 skipped"


def test_each_way_of_failing_is_named_at_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, str(FAILING), "--timeout", "1")
    assert code == 1
    text = "\n".join(lines)
    at = f"{FAILING}/steps/"
    assert line_for(lines, f"{at}step1.md:3 ").startswith(f"{at}step1.md:3 execute T1 PASSED")
    assert (
        f"{at}step1.md:5 execute T1 FAILED" in text
        and "    exit 2\n    | ls: cannot access '/no/such/folder': No such file or directory" in text
    )
    assert line_for(lines, f"{at}step2.md:3 ").startswith(f"{at}step2.md:3 execute T1 FAILED (1.")
    assert "    timed out after 1 s" in lines
    assert line_for(lines, f"{at}step2.md:7 ").startswith(f"{at}step2.md:7 execute T1 PASSED")
    assert f"{at}step3.md:3 execute T1 FAILED" in text
    assert "    output did not match /^oranges$/\n    | apples\n    | pears" in text
    assert line_for(lines, f"{at}step4.md:3 ").startswith(f"{at}step4.md:3 execute T1 PASSED")
    assert f"{at}step4-verify.sh:1 verify FAILED" in text
    assert "    verify failed: exit 1\n    | looking for right-file" in text
    assert f"{at}step5.md:3 execute T1 FAILED" in text and "    exit 0, expected 3" in lines
    assert f"{at}step6.md:3 execute T1 FAILED" in text and "    the terminal's shell exited" in lines
    assert line_for(lines, f"{at}step6.md:5 ").startswith(f"{at}step6.md:5 execute T1 PASSED")
    assert f"{at}step7.md:3 execute T2 FAILED" in text
    assert "    output did not match /^ready$/\n    | starting" in text
    assert line_for(lines, f"{at}step7.md:6 ").startswith(f"{at}step7.md:6 execute T2 interrupt PASSED")
    assert f"{at}step8.md:3 execute T1 FAILED" in text
    assert line_for(lines, f"{at}step8.md:7 ").startswith(f"{at}step8.md:7 execute T1 PASSED")
    assert lines[-1] == "6 passed, 8 failed, 0 skipped"


def test_a_verify_that_passes_before_the_work_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, str(TOO_EARLY), "--verify-fails-first")
    assert code == 1
    at = f"{TOO_EARLY}/steps/"
    assert lines[1].startswith(f"{at}step1-verify.sh:1 verify (before the work) FAILED (")
    assert lines[2] == "    verify passed before the work"
    assert lines[-1] == "2 passed, 1 failed, 0 skipped"
    code, lines, _ = run(capsys, str(TOO_EARLY))
    assert code == 0 and lines[-1] == "2 passed, 0 failed, 0 skipped"


def test_require_turns_a_skip_into_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, str(PASSING), "--require", "kubernetes")
    assert code == 1
    line = line_for(lines, f"{PASSING}/steps/step3.md:3 ")
    assert " execute T1 FAILED (" in line
    assert "    needs kubernetes, which is not available (--require)" in lines
    assert lines[-1] == "24 passed, 1 failed, 0 skipped"


def test_step_stops_after_that_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, str(PASSING), "--step", "1")
    assert code == 0
    assert not any("step2.md" in line or "finish.md" in line for line in lines)
    assert lines[-1] == "14 passed, 0 failed, 0 skipped"  # 2 assets, 1 script, 8 snippets, 2 edits, 1 verify


def test_junit_and_transcripts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junit, transcripts = tmp_path / "out" / "junit.xml", tmp_path / "transcripts"
    code, _, _ = run(
        capsys, str(FAILING), "--timeout", "1", "--junit", str(junit), "--transcript", str(transcripts)
    )
    assert code == 1
    suite = ET.parse(junit).getroot()
    assert (suite.tag, suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "testsuite",
        "A scenario that fails in every way",
        "14",
        "8",
    )
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases[f"{FAILING}/steps/step3.md:3 execute T1"].find("failure")
    assert failure is not None and failure.get("message") == "output did not match /^oranges$/"
    assert failure.text == "apples\npears\n"
    assert sorted(path.name for path in transcripts.iterdir()) == [f"step-0{n}.txt" for n in range(1, 9)]
    assert (transcripts / "step-03.txt").read_text() == (
        "# step 3: Output does not match\n\n"
        f"[T1] ({FAILING}/steps/step3.md:3, failed)\n$ echo apples\n> echo pears\napples\npears\n"
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, str(PASSING), "--require", "docker,cloud")
    assert (code, err) == (
        2,
        "build.py test: error: --require: unknown requirement 'cloud' (choose from docker, kubernetes)\n",
    )
    code, _, err = run(capsys, str(tmp_path / "missing"))
    assert (code, err) == (2, f"build.py test: error: {tmp_path}/missing: no such folder\n")
    code, _, err = run(capsys, str(PASSING), "--step", "4")
    assert (code, err) == (2, "build.py test: error: --step 4: the scenario has 3 steps\n")
    code, _, err = run(capsys, str(PASSING), "--timeout", "0")
    assert (code, err) == (2, "build.py test: error: --timeout must be a positive number of seconds\n")
    code, _, err = run(capsys, str(PASSING), "--image", "x")
    assert (code, err) == (2, "build.py test: error: --image needs --sandbox docker\n")
    code, _, err = run(capsys, str(PASSING), "--sandbox", "docker")
    message = "--sandbox docker needs --image IMG (an image with bash, present locally)"
    assert (code, err) == (2, f"build.py test: error: {message}\n")
    assert run(capsys, str(PASSING), "--sandbox", "cloud")[0] == 2


def test_a_broken_scenario_is_reported_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(TOO_EARLY, broken)
    (broken / "scenario.yaml").write_text("title: Broken\nsteps:\n  - title: No text\n")
    code, lines, err = run(capsys, str(broken))
    assert code == 1 and lines == []
    assert (
        err == f"{broken}/scenario.yaml:3:5: error: missing required key 'text' in steps[0]\n"
        "      - title: No text\n        ^\n"
    )


def test_snippet_errors_stop_the_run_before_it_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "scenario.yaml").write_text("title: Bad\nsteps:\n  - title: One\n    text: steps/step1.md\n")
    (tmp_path / "steps" / "step1.md").write_text("# One\n\n`touch ran`{{execute T0}}\n")
    code, lines, err = run(capsys, str(tmp_path))
    assert (code, lines) == (1, [])
    assert err == (
        f"{tmp_path}/steps/step1.md:3:1: error: {{{{execute T0}}}}: terminal T0 is not in T1-T8\n"
        "    `touch ran`{{execute T0}}\n    ^\n"
    )


def test_warnings_are_printed_and_the_run_goes_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copytree(PASSING, tmp_path / "passing")
    yaml = tmp_path / "passing" / "scenario.yaml"
    yaml.write_text(yaml.read_text().replace("  uilayout: editor-terminal\n", "  uilayout: terminal\n"))
    code, lines, err = run(capsys, str(tmp_path / "passing"), "--step", "1")
    assert code == 0 and lines[-1] == "14 passed, 0 failed, 0 skipped"
    warning = "warning: a copy-to-editor block needs an editor layout (uilayout is 'terminal')"
    assert err.startswith(f"{tmp_path}/passing/steps/step1.md:36:1: {warning}\n")


def test_help_explains_the_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    from scenario.commands.test import EPILOG

    assert main(["test", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: build.py test [-h] [--sandbox {local,docker}] [--image IMG] [--step N]")
    assert out.endswith(EPILOG + "\n")
    assert "<!-- expect: REGEX --> (searched in its output)" in EPILOG


class NoBashSandbox(LocalSandbox):
    """A local sandbox whose terminals start something that is not an interactive bash (a bad image)."""

    def __init__(self, parent: Path, argv: list[str]) -> None:
        super().__init__(parent)
        self.argv = argv

    def shell_argv(self) -> list[str]:
        return self.argv


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["bash", "-c", "echo no bash here; exit 3"], "the shell in T1 did not start: no bash here"),
        (
            ["/no/such/shell"],
            "the shell in T1 did not start: The command was not found or was not executable: /no/such/shell.",
        ),
    ],
)
def test_a_terminal_that_cannot_start_fails_its_snippets(
    tmp_path: Path, argv: list[str], reason: str
) -> None:
    scenario = read_scenario(TOO_EARLY).scenario
    assert scenario is not None
    with NoBashSandbox(tmp_path, argv) as sandbox:
        report = Checker(scenario, sandbox, CheckOptions(timeout=5)).run()
    failed = [outcome for outcome in report.outcomes if outcome.status is Status.FAILED]
    assert [(outcome.location, outcome.reason) for outcome in failed] == [
        (f"{TOO_EARLY}/steps/step1.md:3", reason)
    ]
