"""Every corpus scenario is read, validated and written in all three formats, and keeps its snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenario.model import Scenario, Severity
from scenario.readers import detect_format, read_scenario
from scenario.snippets import scan
from scenario.validate import validate
from scenario.writers import katacoda, killercoda, site

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # shared/ lies beside the checkout
SCENARIOS = sorted(path.parent.relative_to(CORPUS).as_posix() for path in CORPUS.rglob("index.json"))

# Snippets (code followed by a known action token, {{}} included) per corpus scenario, counted once with the
# scanner and checked by hand against `grep` of the pages: tokens inside fenced blocks or <pre> (syntax
# documentation, e.g. markdown-extensions and opening-multiple-terminals) are not snippets.
SNIPPETS = {
    "katacoda-scenario-examples/automatedtest": 3,
    "katacoda-scenario-examples/challenges/challenge-hello-world": 0,
    "katacoda-scenario-examples/challenges/challenge-linux-solver": 1,
    "katacoda-scenario-examples/challenges/kubernetes-challenge-1": 0,
    "katacoda-scenario-examples/challenges/node-challenge-1": 0,
    "katacoda-scenario-examples/clipboard": 1,
    "katacoda-scenario-examples/course-data-host01-reference": 0,
    "katacoda-scenario-examples/create-course": 11,
    "katacoda-scenario-examples/create-scenario-101": 9,
    "katacoda-scenario-examples/credit-where-credit-due": 0,
    "katacoda-scenario-examples/custom-events": 1,
    "katacoda-scenario-examples/dashboard-tabs": 0,
    "katacoda-scenario-examples/dashboard-tabs-iframe": 0,
    "katacoda-scenario-examples/delivering-training/creating-training-pathway-json": 2,
    "katacoda-scenario-examples/displaying-images": 0,
    "katacoda-scenario-examples/displaying-progress-spinner": 1,
    "katacoda-scenario-examples/displaying-web-ui": 2,
    "katacoda-scenario-examples/embed-videos": 0,
    "katacoda-scenario-examples/environment-usages/bash": 0,
    "katacoda-scenario-examples/environment-usages/dotnet": 0,
    "katacoda-scenario-examples/environment-usages/go": 0,
    "katacoda-scenario-examples/environment-usages/java": 0,
    "katacoda-scenario-examples/environment-usages/kotlin": 0,
    "katacoda-scenario-examples/environment-usages/kubernetes-cluster": 2,
    "katacoda-scenario-examples/environment-usages/kubernetes-cluster-running": 2,
    "katacoda-scenario-examples/environment-usages/minikube": 1,
    "katacoda-scenario-examples/environment-usages/nodejs": 0,
    "katacoda-scenario-examples/environment-usages/python": 0,
    "katacoda-scenario-examples/environment-usages/python-3-7": 1,
    "katacoda-scenario-examples/environment-usages/python-3-8": 1,
    "katacoda-scenario-examples/environment-usages/r": 0,
    "katacoda-scenario-examples/environment-usages/ruby": 0,
    "katacoda-scenario-examples/environment-usages/rust": 0,
    "katacoda-scenario-examples/environment-usages/ubuntu-1804": 0,
    "katacoda-scenario-examples/environment-usages/ubuntu-2004": 0,
    "katacoda-scenario-examples/exclusion-patterns": 3,
    "katacoda-scenario-examples/markdown-extensions": 17,
    "katacoda-scenario-examples/notebooks-py": 0,
    "katacoda-scenario-examples/notebooks-py-slim": 0,
    "katacoda-scenario-examples/opening-multiple-terminals": 3,
    "katacoda-scenario-examples/placeholders": 2,
    "katacoda-scenario-examples/quiz": 0,
    "katacoda-scenario-examples/run-commands-automatically": 0,
    "katacoda-scenario-examples/uilayouts/uilayout-editor-terminal": 2,
    "katacoda-scenario-examples/uilayouts/uilayout-iframe": 0,
    "katacoda-scenario-examples/uilayouts/uilayout-terminal": 1,
    "katacoda-scenario-examples/uilayouts/uilayout-terminal-iframe": 0,
    "katacoda-scenario-examples/uilayouts/uilayout-terminal-iframe-split": 1,
    "katacoda-scenario-examples/uilayouts/uilayout-terminal-terminal": 2,
    "katacoda-scenario-examples/uilayouts/uilayout-terminal-with-vscode": 1,
    "katacoda-scenario-examples/uilayouts/uilayout-vscode-terminal": 2,
    "katacoda-scenario-examples/upload-assets": 2,
    "katacoda-scenario-examples/use-ip-or-dns-for-environment": 2,
    "katacoda-scenario-examples/verified-steps": 2,
    "katacoda-scenario-examples/visualise-docker": 0,
    "katacoda-scenario-examples/vscode-extensions": 0,
    "katacoda-scenario-examples/writing-files": 2,
    "killercoda-scenario-examples/code-actions": 8,
    "killercoda-scenario-examples/code-snippets": 0,
    "killercoda-scenario-examples/foreground-background-scripts": 0,
    "killercoda-scenario-examples/foreground-background-scripts-multi-step": 2,
    "killercoda-scenario-examples/foreground-background-scripts-multi-step-ide": 2,
    "killercoda-scenario-examples/kubernetes-1node": 1,
    "killercoda-scenario-examples/kubernetes-2node-multi-step-verification": 0,
    "killercoda-scenario-examples/kubernetes-dashboard": 3,
    "killercoda-scenario-examples/kubernetes-volumes": 4,
    "killercoda-scenario-examples/learning-linux/linux-files-introduction": 7,
    "killercoda-scenario-examples/network-traffic": 4,
    "killercoda-scenario-examples/network-traffic-kubernetes": 5,
    "killercoda-scenario-examples/solution-dropdown": 2,
    "killercoda-scenario-examples/theia-ide-visual-editor": 1,
    "killercoda-scenario-examples/ubuntu-custom-content": 0,
    "killercoda-scenario-examples/ubuntu-simple": 0,
    "killercoda-scenario-examples/upload-assets": 1,
    "killercoda-scenario-examples/use-images": 0,
    "killercoda-scenario-examples/verification": 0,
}
def read(name: str) -> Scenario:
    """Read one corpus scenario; the reader itself must report no error."""
    result = read_scenario(CORPUS / name)
    errors = [d.format() for d in result.diagnostics if d.severity is Severity.ERROR]
    assert result.scenario is not None and not errors, errors
    return result.scenario


def count_snippets(scenario: Scenario) -> int:
    """Snippets on every page of the scenario."""
    return sum(len(scan(page.markdown, page.text_path).snippets) for page in scenario.pages)


def test_the_corpus_is_all_there() -> None:
    """The pinned table covers every corpus scenario (76 of them, both folders)."""
    assert sorted(SNIPPETS) == SCENARIOS
    assert len(SCENARIOS) == 76


@pytest.mark.parametrize("name", SCENARIOS)
def test_corpus_scenario_reads_validates_and_writes(name: str, tmp_path: Path) -> None:
    """Read, validate and write all three formats without a crash; the snippet count is the pinned one."""
    scenario = read(name)
    assert scenario.source_format == name.split("-scenario-examples")[0]
    assert count_snippets(scenario) == SNIPPETS[name]
    diagnostics = validate(scenario)  # the validator's rules are pinned in its own tests; here: no crash
    assert all(str(d.location).startswith(str(CORPUS / name)) for d in diagnostics)
    for writer in (katacoda, killercoda, site):
        writer.write(scenario, tmp_path / writer.__name__.rsplit(".", 1)[1])
    assert (tmp_path / "katacoda" / "index.json").is_file()
    assert (tmp_path / "killercoda" / "index.json").is_file()
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.mark.parametrize("name", [name for name in SCENARIOS if name.startswith("katacoda")])
def test_katacoda_round_trip_keeps_every_snippet(name: str, tmp_path: Path) -> None:
    """Katacoda -> model -> Katacoda folder -> model: same snippets, actions and modifiers, page by page."""
    before = read(name)
    katacoda.write(before, tmp_path / "out")
    assert detect_format(tmp_path / "out") == "katacoda"
    after = read_scenario(tmp_path / "out").scenario
    assert after is not None
    assert len(after.pages) == len(before.pages)
    for old, new in zip(before.pages, after.pages, strict=True):
        old_snippets = scan(old.markdown, "page").snippets
        new_snippets = scan(new.markdown, "page").snippets
        summary = [(s.text, s.action, s.verb, s.modifiers, s.block, s.language) for s in old_snippets]
        assert [(s.text, s.action, s.verb, s.modifiers, s.block, s.language) for s in new_snippets] == summary
        assert (new.title, new.kind) == (old.title, old.kind)
    assert after.environment == before.environment
    assert after.katacoda_image == before.katacoda_image
    assert [(a.file, a.target, a.host, a.chmod) for a in after.assets] == [
        (a.file, a.target, a.host, a.chmod) for a in before.assets
    ]


@pytest.mark.parametrize("name", [name for name in SCENARIOS if name.startswith("killercoda")])
def test_killercoda_round_trip_keeps_every_snippet(name: str, tmp_path: Path) -> None:
    """Killercoda -> model -> Killercoda folder -> model keeps the snippets (exec stays exec)."""
    before = read(name)
    killercoda.write(before, tmp_path / "out")
    after = read_scenario(tmp_path / "out", "killercoda").scenario
    assert after is not None
    for old, new in zip(before.pages, after.pages, strict=True):
        old_snippets = [(s.text, s.action, s.modifiers) for s in scan(old.markdown, "page").snippets]
        assert [(s.text, s.action, s.modifiers) for s in scan(new.markdown, "page").snippets] == old_snippets
