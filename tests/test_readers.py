"""Readers: format detection, the model they build, and every user-facing message pinned with its place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenario.model import Action, Asset, Dashboard, Page, Severity, Terminal
from scenario.readers import detect_format, read_scenario
from scenario.readers.jsonloc import load_json

GOLDEN = Path(__file__).parent / "golden"


def write(root: Path, files: dict[str, str]) -> Path:
    """Create `files` (relative path -> text) under `root`."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def messages(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formatted diagnostics of reading `root`, with paths relative to it."""
    monkeypatch.chdir(root)
    return [diagnostic.format() for diagnostic in read_scenario(Path(".")).diagnostics]


# --- format detection ---------------------------------------------------------------------------------


def test_detects_project_katacoda_and_killercoda_golden_inputs() -> None:
    """scenario.yaml -> project; the golden index.json inputs by their evidence."""
    assert detect_format(GOLDEN / "project-features" / "input") == "project"
    assert detect_format(GOLDEN / "katacoda-classic" / "input") == "katacoda"
    assert detect_format(GOLDEN / "killercoda-steps" / "input") == "killercoda"


@pytest.mark.parametrize(
    ("index", "pages", "expected"),
    [
        ({"title": "t", "backend": {"imageid": "u"}, "environment": {"uilayout": "x"}}, {}, "katacoda"),
        ({"title": "t", "backend": {"imageid": "u"}, "interface": {"layout": "ide"}}, {}, "killercoda"),
        ({"title": "t", "backend": {"imageid": "kubernetes-kubeadm-2nodes"}}, {}, "killercoda"),
        (
            {"title": "t", "details": {"steps": [{"text": "s.md"}]}, "backend": {"imageid": "u"}},
            {"s.md": "`ls`{{exec}}"},
            "killercoda",
        ),
        (
            {"title": "t", "details": {"steps": [{"text": "step1/text.md"}]}, "backend": {"imageid": "u"}},
            {"step1/text.md": "hi"},
            "killercoda",
        ),
        (
            {"title": "t", "details": {"steps": [{"text": "s.md", "courseData": "b.sh"}]}},
            {"s.md": "`ls`{{execute}}"},
            "katacoda",
        ),
        ({"title": "t", "type": "jupyter@0.1"}, {}, "katacoda"),
    ],
)
def test_detects_index_json_dialect_by_evidence(
    tmp_path: Path, index: dict[str, object], pages: dict[str, str], expected: str
) -> None:
    """Killercoda's interface, images, per-step folders and {{exec}} tell it apart; default Katacoda."""
    write(tmp_path, {"index.json": json.dumps(index), **pages})
    assert detect_format(tmp_path) == expected


def test_no_scenario_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty folder is an error, not a crash."""
    assert messages(tmp_path, monkeypatch) == [".: error: no scenario.yaml or index.json here"]


# --- the model ----------------------------------------------------------------------------------------


def test_project_reader_builds_the_model() -> None:
    """scenario.yaml's pages, scripts, requires, assets, environment and backends land in the model."""
    result = read_scenario(GOLDEN / "project-features" / "input")
    scenario = result.scenario
    assert scenario is not None and result.diagnostics == []
    assert (scenario.title, scenario.difficulty) == ("Golden project", "Beginner")
    assert scenario.time == "10 minutes"
    assert (scenario.katacoda_image, scenario.killercoda_image) == ("ubuntu:2004", "ubuntu")
    assert [page.kind for page in scenario.pages] == ["intro", "step", "step", "finish"]
    step1, step2 = scenario.steps
    assert (step1.title, step1.text_path, step1.verify, step1.requires) == (
        "Run commands",
        "steps/step1.md",
        "steps/step1-verify.sh",
        ("docker",),
    )
    assert step1.markdown.startswith("# Run commands\n")
    assert (step2.answer, step2.hint) == ("steps/step2-answer.md", "steps/step2-hint.sh")
    assert scenario.intro is not None and scenario.intro.background == "steps/intro-background.sh"
    assert [(a.file, a.source_dir, a.target, a.host, a.chmod) for a in scenario.assets] == [
        ("**", "app", "/root/app", "host01", None),
        ("wait.sh", "assets", "/usr/local/bin/", "host01", "+x"),
        ("notes.txt", "assets", "/root", "host02", None),
    ]
    env = scenario.environment
    assert (env.uilayout, env.hosts, env.show_dashboard) == ("terminal-terminal", 2, True)
    assert env.terminals == (Terminal("Logs", "host01", "tail -f /var/log/syslog"),)
    assert env.dashboards == (Dashboard("App", 8080, None), Dashboard("Docs", None, "https://example.com"))


def test_katacoda_reader_builds_the_model_and_keeps_extra_keys() -> None:
    """courseData/code become background/foreground; unmodelled keys are kept for the round trip."""
    scenario = read_scenario(GOLDEN / "katacoda-classic" / "input").scenario
    assert scenario is not None and scenario.source_format == "katacoda"
    intro = scenario.intro
    assert isinstance(intro, Page) and (intro.background, intro.foreground) == ("setup.sh", "wait.sh")
    assert scenario.steps[1].answer == "step2-answer.md"
    assert [(a.file, a.host) for a in scenario.assets] == [("*", "client"), ("tool.sh", "host01")]
    assert scenario.environment.uilayout == "editor-terminal"
    assert scenario.environment.editor_path == "/root/code"
    assert dict(scenario.extra) == {
        "backend.port": 80,
        "details.intro.credits": "Made for the golden tests",
        "environment.hideintro": False,
        "noindex": True,
    }
    assert scenario.killercoda_image == "ubuntu"


def test_killercoda_reader_reads_per_step_folders() -> None:
    """Per-step folders, foreground/background, interface.layout ide and the Kubernetes image."""
    scenario = read_scenario(GOLDEN / "killercoda-steps" / "input").scenario
    assert scenario is not None and scenario.source_format == "killercoda"
    assert scenario.intro is not None
    assert scenario.intro.background == "intro/background.sh"
    assert scenario.intro.foreground == "intro/foreground.sh"
    assert scenario.steps[0].text_path == "step1/text.md"
    assert "{{exec interrupt}}" in scenario.steps[0].markdown
    assert scenario.environment.ide is True
    assert (scenario.killercoda_image, scenario.katacoda_image) == (
        "kubernetes-kubeadm-1node",
        "kubernetes-cluster-running:1.18",
    )
    assert scenario.assets[0] == Asset("conf/*.yaml", "/etc/app", location=scenario.assets[0].location)


def test_minimal_killercoda_scenario(tmp_path: Path) -> None:
    """Killercoda's smallest valid scenario reads with no pages and no diagnostics."""
    write(tmp_path, {"index.json": '{"title": "Ubuntu simple", "backend": {"imageid": "ubuntu-4GB"}}'})
    result = read_scenario(tmp_path)
    assert result.diagnostics == []
    assert result.scenario is not None and result.scenario.pages == ()


def test_action_enum_is_what_snippets_use() -> None:
    """The reader keeps raw Markdown; actions are the grammar's (sanity check of the shared model)."""
    assert Action("execute") is Action.EXECUTE


# --- pinned messages: index.json ----------------------------------------------------------------------


def test_invalid_json_names_line_and_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """JSONDecodeError's line and column, with a caret."""
    write(tmp_path, {"index.json": '{\n  "title": "x",\n  "details": {"steps": [}\n}\n'})
    assert messages(tmp_path, monkeypatch) == [
        "index.json:3:25: error: invalid JSON: Expecting value\n"
        '      "details": {"steps": [}\n'
        "                            ^"
    ]


def test_index_json_type_and_required_key_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrong types, missing keys and missing page files point at the key's own line."""
    index = (
        "{\n"
        '  "details": {\n'
        '    "steps": [\n'
        '      {"title": 3, "text": "step1.md"},\n'
        '      {"title": "two"}\n'
        "    ],\n"
        '    "assets": {"host01": [{"file": "a.sh"}]}\n'
        "  },\n"
        '  "environment": {"dashboards": [{"name": "d", "port": "80"}]},\n'
        '  "backend": {}\n'
        "}\n"
    )
    write(tmp_path, {"index.json": index})
    assert messages(tmp_path, monkeypatch) == [
        "index.json:1:1: error: missing required key 'title'\n    {\n    ^",
        "index.json:4:8: error: 'details.steps[0].title' must be a string\n"
        '          {"title": 3, "text": "step1.md"},\n'
        "           ^",
        "index.json:4:20: error: page text file not found: step1.md\n"
        '          {"title": 3, "text": "step1.md"},\n'
        "                       ^",
        "index.json:5:7: error: missing required key 'details.steps[1].text'\n"
        '          {"title": "two"}\n'
        "          ^",
        "index.json:7:27: error: missing required key 'details.assets.host01[0].target'\n"
        '        "assets": {"host01": [{"file": "a.sh"}]}\n'
        "                              ^",
        "index.json:9:48: error: 'environment.dashboards[0].port' must be a number\n"
        '      "environment": {"dashboards": [{"name": "d", "port": "80"}]},\n'
        "                                                   ^",
        "index.json:10:3: error: missing required key 'backend.imageid'\n"
        '      "backend": {}\n'
        "      ^",
    ]


def test_index_json_must_be_an_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON array at the top is reported, not a crash."""
    write(tmp_path, {"index.json": "[1, 2]\n"})
    assert messages(tmp_path, monkeypatch) == [
        "index.json:1:1: error: index.json must hold a JSON object\n    [1, 2]\n    ^"
    ]


def test_missing_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No backend at all."""
    write(tmp_path, {"index.json": '{"title": "t", "environment": {}}'})
    assert messages(tmp_path, monkeypatch) == [
        "index.json:1:1: error: missing required key 'backend'\n"
        '    {"title": "t", "environment": {}}\n'
        "    ^"
    ]


def test_key_positions_cover_nested_keys_and_items() -> None:
    """The locator finds keys and array items at any depth, and falls back to the nearest ancestor."""
    located, problems = load_json('{"a": [1, {"b": {"c": 2}}],\n "d": "x"}', "f.json")
    assert located is not None and problems == []
    assert str(located.where(("a",))) == "f.json:1:2"
    assert str(located.where(("a", 1))) == "f.json:1:11"
    assert str(located.where(("a", 1, "b", "c"))) == "f.json:1:18"
    assert str(located.where(("d",))) == "f.json:2:2"
    assert str(located.where(("a", 1, "missing"))) == "f.json:1:11"


# --- pinned messages: scenario.yaml -------------------------------------------------------------------


def test_invalid_yaml_uses_the_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A YAML syntax error carries PyYAML's problem and mark."""
    write(tmp_path, {"scenario.yaml": "title: x\nsteps:\n  - title: [unclosed\n"})
    assert messages(tmp_path, monkeypatch) == [
        "scenario.yaml:4:1: error: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_yaml_schema_errors_have_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unknown keys warn; wrong types, missing keys and missing files are errors, each at its node."""
    text = (
        "title: Demo\n"
        "bogus: 1\n"
        "environment:\n"
        "  hosts: two\n"
        "  showdashboard: maybe\n"
        "steps:\n"
        "  - title: One\n"
        "    text: steps/one.md\n"
        "    requires: [docker, gpu]\n"
        "    colour: red\n"
        "  - text: steps/missing.md\n"
        "assets:\n"
        "  - {file: a.sh}\n"
        "  - just-a-string\n"
    )
    write(tmp_path, {"scenario.yaml": text, "steps/one.md": "hi\n"})
    assert messages(tmp_path, monkeypatch) == [
        "scenario.yaml:2:1: warning: unknown key 'bogus' in scenario.yaml\n    bogus: 1\n    ^",
        "scenario.yaml:4:10: error: 'environment.hosts' must be a positive integer\n"
        "      hosts: two\n"
        "             ^",
        "scenario.yaml:5:18: error: 'environment.showdashboard' must be true or false\n"
        "      showdashboard: maybe\n"
        "                     ^",
        "scenario.yaml:9:24: error: 'steps[0].requires' items must be one of: docker, kubernetes\n"
        "        requires: [docker, gpu]\n"
        "                           ^",
        "scenario.yaml:10:5: warning: unknown key 'colour' in steps[0]\n        colour: red\n        ^",
        "scenario.yaml:11:5: error: missing required key 'title' in steps[1]\n"
        "      - text: steps/missing.md\n"
        "        ^",
        "scenario.yaml:11:11: error: page text file not found: steps/missing.md\n"
        "      - text: steps/missing.md\n"
        "              ^",
        "scenario.yaml:13:5: error: missing required key 'target' in assets[0]\n"
        "      - {file: a.sh}\n"
        "        ^",
        "scenario.yaml:14:5: error: 'assets[1]' must be a mapping\n      - just-a-string\n        ^",
    ]


def test_yaml_must_be_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list at the top of scenario.yaml."""
    write(tmp_path, {"scenario.yaml": "- a\n- b\n"})
    assert messages(tmp_path, monkeypatch) == ["scenario.yaml:1:1: error: scenario.yaml must hold a mapping"]


def test_yaml_missing_title_and_wrong_steps_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """title is required; steps must be a list."""
    write(tmp_path, {"scenario.yaml": "description: d\nsteps: {a: 1}\n"})
    assert messages(tmp_path, monkeypatch) == [
        "scenario.yaml:1:1: error: missing required key 'title'\n    description: d\n    ^",
        "scenario.yaml:2:8: error: 'steps' must be a list\n    steps: {a: 1}\n           ^",
    ]


def test_page_text_outside_the_root_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text path that climbs out of the scenario folder counts as missing."""
    write(tmp_path, {"outside.md": "secret", "s/scenario.yaml": "title: t\nintro: {text: ../outside.md}\n"})
    assert messages(tmp_path / "s", monkeypatch) == [
        "scenario.yaml:2:15: error: page text file not found: ../outside.md\n"
        "    intro: {text: ../outside.md}\n"
        "                  ^"
    ]


def test_severity_of_unknown_keys_is_warning(tmp_path: Path) -> None:
    """Unknown keys never fail a build on their own (only under --strict)."""
    write(tmp_path, {"scenario.yaml": "title: t\nextra: 1\n"})
    result = read_scenario(tmp_path)
    assert result.scenario is not None
    assert [d.severity for d in result.diagnostics] == [Severity.WARNING]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: t\n\x01\n", "scenario.yaml:2:1: error: invalid YAML: character #x0001 is not allowed"),
        ("? [a, b]\n: c\ntitle: t\n", "scenario.yaml:1:3: error: keys in scenario.yaml must be plain names"),
        ("---\na: 1\n---\nb: 2\n", "scenario.yaml:3:1: error: invalid YAML: but found another document"),
        ("", "scenario.yaml:1:1: error: scenario.yaml must hold a mapping"),
    ],
)
def test_odd_yaml_is_reported_not_raised(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control characters, complex keys, several documents, an empty file: one clear message each."""
    write(tmp_path, {"scenario.yaml": text})
    assert [line.splitlines()[0] for line in messages(tmp_path, monkeypatch)] == [message]


def test_random_index_json_never_raises(tmp_path: Path) -> None:
    """Many index.json files with values of every wrong type: diagnostics, never an exception."""
    import random

    from scenario.writers import katacoda, killercoda, site

    values: list[object] = [None, 1, True, "x", [], {}, [1], {"a": 1}, {"host01": "x"}, {"host01": [1]}]
    values += ["step1.md", [{"text": 3}], [{"text": "step1.md", "title": []}], [{"file": 1, "target": []}]]
    sections = {
        "details": ["intro", "steps", "finish", "assets"],
        "environment": ["uilayout", "terminals", "dashboards", "showdashboard", "uieditorpath"],
        "backend": ["imageid", "port"],
        "interface": ["layout"],
    }
    chooser = random.Random(7)
    write(tmp_path, {"step1.md": "`ls`{{execute T2}}\n"})
    for _ in range(60):
        index: dict[str, object] = {}
        for key in ["title", "description", "time", "type", *sections]:
            if key in sections and chooser.random() < 0.7:
                names = [name for name in sections[key] if chooser.random() < 0.7]
                index[key] = {name: chooser.choice(values) for name in names}
            elif chooser.random() < 0.6:
                index[key] = chooser.choice(values)
        (tmp_path / "index.json").write_text(json.dumps(index))
        result = read_scenario(tmp_path)
        if result.scenario is not None:
            for writer in (katacoda, killercoda, site):
                writer.render(result.scenario)
