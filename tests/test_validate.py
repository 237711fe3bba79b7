"""validate(): every rule on Scenario objects built here over real files in a temporary folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scenario.model import Asset, Dashboard, Environment, Page, Scenario, Severity, SourceLocation, Terminal
from scenario.validate import asset_files, host_limit, validate

STEP_AT = SourceLocation("scenario.yaml", 10, 5)


def build(
    root: Path,
    markdown: str = "`ls`{{execute}}\n",
    *,
    source_format: str = "project",
    environment: Environment | None = None,
    assets: tuple[Asset, ...] = (),
    title: str = "Step one",
    **scripts: str,
) -> Scenario:
    """A one-step scenario in `root` whose step text is steps/step1.md holding `markdown`."""
    (root / "steps").mkdir(exist_ok=True)
    (root / "steps" / "step1.md").write_text(markdown)
    step = Page("step", title, "steps/step1.md", markdown, location=STEP_AT, **scripts)  # type: ignore[arg-type]
    return Scenario(
        root=root,
        source_format=source_format,
        title="A scenario",
        steps=(step,),
        assets=assets,
        environment=environment or Environment(),
    )


def lines(scenario: Scenario) -> list[str]:
    """Every diagnostic as its first printed line, paths relative to the scenario root."""
    prefix = str(scenario.root) + "/"
    return [d.format().splitlines()[0].replace(prefix, "") for d in validate(scenario)]


def test_clean_scenario_has_no_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "verify.sh").write_text("true\n")
    assert validate(build(tmp_path, verify="steps/verify.sh")) == []


def test_missing_scripts(tmp_path: Path) -> None:
    scenario = build(
        tmp_path, verify="steps/v.sh", background="bg.sh", answer="a.md", hint="h.sh", foreground="f.sh"
    )
    assert lines(scenario) == [
        "scenario.yaml:10:5: error: step 1: answer file not found: a.md",
        "scenario.yaml:10:5: error: step 1: background file not found: bg.sh",
        "scenario.yaml:10:5: error: step 1: foreground file not found: f.sh",
        "scenario.yaml:10:5: error: step 1: hint file not found: h.sh",
        "scenario.yaml:10:5: error: step 1: verify file not found: steps/v.sh",
    ]


def test_assets_globs_missing_size_and_chmod(tmp_path: Path) -> None:
    (tmp_path / "assets" / "app" / "deep").mkdir(parents=True)
    (tmp_path / "assets" / "wait.sh").write_text("sleep 1\n")
    (tmp_path / "assets" / "app" / "deep" / "a.json").write_text("{}")
    (tmp_path / "assets" / "big.bin").write_bytes(b"x" * (1024 * 1024 + 1))
    where = SourceLocation("scenario.yaml", 20, 5)
    assets = (
        Asset("wait.sh", "/usr/local/bin/", chmod="+x", location=where),
        Asset("**/*.json", "/root", location=where),
        Asset("missing.txt", "/root", location=where),
        Asset("nothing/*", "/root", location=where),
        Asset("big.bin", "/root", chmod="everything", location=where),
    )
    assert lines(build(tmp_path, assets=assets)) == [
        "scenario.yaml:20:5: error: asset chmod 'everything' is not a mode like +x or 755",
        "scenario.yaml:20:5: error: asset is larger than 1 MB (1.0 MB): assets/big.bin",
        "scenario.yaml:20:5: error: asset not found: assets/missing.txt",
        "scenario.yaml:20:5: error: asset not found: assets/nothing/*",
    ]
    assert asset_files(tmp_path, assets[1]) == [tmp_path / "assets" / "app" / "deep" / "a.json"]


def test_asset_star_in_a_source_folder(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text("")
    asset = Asset("*", "/root", source_dir="app")
    assert asset_files(tmp_path, asset) == [tmp_path / "app" / "x.py"]
    assert validate(build(tmp_path, assets=(asset,))) == []


def test_images(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.png").write_bytes(b"")
    markdown = (
        "![ok](../assets/logo.png)\n![gone](../assets/gone.png)\n"
        '<img src="./nope%20here.png">\n![web](https://example.com/x.png) ![data](data:image/png;base64,AA)\n'
    )
    assert lines(build(tmp_path, markdown)) == [
        "steps/step1.md:2:9: error: image not found: ../assets/gone.png",
        "steps/step1.md:3:11: error: image not found: ./nope%20here.png",
    ]


@pytest.mark.parametrize(
    ("markdown", "environment", "expected"),
    [
        ("`ls`{{execute HOST2}}\n", Environment(hosts=2), []),
        ("`ls`{{execute HOST1}}\n", Environment(), []),
        (
            "`ls`{{execute HOST2}}\n",
            Environment(),
            [
                "steps/step1.md:1:1: error: {{execute HOST2}}: HOST2 is not a host of this environment "
                "(the environment has 1 host)"
            ],
        ),
        (
            "`ls`{{execute HOST0}}\n",
            Environment(hosts=3),
            [
                "steps/step1.md:1:1: error: {{execute HOST0}}: HOST0 is not a host of this environment "
                "(the environment has 3 hosts)"
            ],
        ),
        ("`ls`{{execute HOST2}}\n", Environment(uilayout="terminal-terminal"), []),
        ("`ls`{{execute T8}}\n", Environment(), []),
        (
            "`ls`{{execute T9}}\n",
            Environment(),
            ["steps/step1.md:1:1: error: {{execute T9}}: terminal T9 is not in T1-T8"],
        ),
        (
            "`ls`{{execute T0}}\n",
            Environment(),
            ["steps/step1.md:1:1: error: {{execute T0}}: terminal T0 is not in T1-T8"],
        ),
    ],
)
def test_terminal_and_host_numbers(
    tmp_path: Path, markdown: str, environment: Environment, expected: list[str]
) -> None:
    assert lines(build(tmp_path, markdown, environment=environment)) == expected


def test_hosts_implied_by_assets_and_cluster_images(tmp_path: Path) -> None:
    scenario = build(tmp_path)
    assert host_limit(scenario) == 1
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a").write_text("")
    assert host_limit(build(tmp_path, assets=(Asset("a", "/root", host="host03"),))) == 3
    assert host_limit(Scenario(tmp_path, "katacoda", "t", katacoda_image="kubernetes-cluster:1.18")) == 2


def test_modifier_typos_and_modifiers_without_effect(tmp_path: Path) -> None:
    markdown = (
        "`ls`{{execute interupt}}\n\n`ls`{{execute t2}}\n\n"
        "`x`{{copy T2 interrupt}}\n\n`ls`{{execute test-uname}}\n"
    )
    assert lines(build(tmp_path, markdown)) == [
        "steps/step1.md:1:1: warning: {{execute interupt}}: unknown modifier 'interupt' (did you mean "
        "'interrupt'?)",
        "steps/step1.md:3:1: warning: {{execute t2}}: unknown modifier 't2' (did you mean 'T2'?)",
        "steps/step1.md:5:1: warning: {{copy T2 interrupt}}: 'T2' has no effect on {{copy}}",
        "steps/step1.md:5:1: warning: {{copy T2 interrupt}}: 'interrupt' has no effect on {{copy}}",
    ]


def test_prompts_at_the_start_of_runnable_snippets(tmp_path: Path) -> None:
    markdown = (
        "`$ ls`{{execute}}\n\n`# apt update`{{copy}}\n\n```\n# a comment\nls\n```{{execute}}\n\n"
        "```\n$ docker ps\n```{{execute}}\n\n`$ not run`{{open}}\n"
    )
    scenario = build(tmp_path, markdown, environment=Environment(uilayout="editor-terminal"))
    assert lines(scenario) == [
        "steps/step1.md:1:1: warning: {{execute}}: the snippet starts with a prompt '$ '; learners would "
        "type it",
        "steps/step1.md:3:1: warning: {{copy}}: the snippet starts with a prompt '# '; learners would type "
        "it",
        "steps/step1.md:10:1: warning: {{execute}}: the snippet starts with a prompt '$ '; learners would "
        "type it",
    ]


def test_editor_features_need_an_editor_layout(tmp_path: Path) -> None:
    markdown = (
        "`app.js`{{open}}\n\n"
        '<pre class="file" data-filename="app.js" data-target="insert">x</pre>\n\n'
        '<pre class="file" data-target="clipboard">y</pre>\n'
    )
    assert lines(build(tmp_path, markdown)) == [
        "steps/step1.md:1:1: warning: {{open}} needs an editor layout (uilayout is 'terminal')",
        'steps/step1.md:3:1: error: data-target="insert" needs a data-marker (the text to insert at)',
        "steps/step1.md:3:1: warning: a copy-to-editor block needs an editor layout (uilayout is 'terminal')",
    ]
    with_editor = build(tmp_path, markdown, environment=Environment(uilayout="editor-terminal"))
    assert lines(with_editor) == [
        'steps/step1.md:3:1: error: data-target="insert" needs a data-marker (the text to insert at)',
    ]
    ide = Scenario(tmp_path, "katacoda", "t", steps=with_editor.steps, extra=(("environment.showide", True),))
    assert [d.severity for d in validate(ide)] == [Severity.ERROR]


def test_scan_diagnostics_are_included(tmp_path: Path) -> None:
    assert lines(build(tmp_path, "`ls`{{run}}\n")) == [
        "steps/step1.md:1:5: warning: unknown action '{{run}}' after code; known actions: execute, exec, "
        "copy, open, {{}}"
    ]


def test_placeholders(tmp_path: Path) -> None:
    markdown = "[[HOST_IP]] [[HOST3_IP]] [[MY_THING]] [a]({{TRAFFIC_HOST2_80}}) {{TRAFFIC_HOST1_70000}}\n"
    assert lines(build(tmp_path, markdown)) == [
        "steps/step1.md:1:13: error: 'HOST3_IP' names host 3, but the environment has 1 host",
        "steps/step1.md:1:26: warning: unknown placeholder '[[MY_THING]]'",
        "steps/step1.md:1:43: error: 'TRAFFIC_HOST2_80' names host 2, but the environment has 1 host",
        "steps/step1.md:1:65: error: port 70000 is not in 1-65535",
    ]


def test_empty_snippet_and_expect_on_a_copy(tmp_path: Path) -> None:
    markdown = "` `{{execute}} and `x`{{copy}}\n<!-- expect: x -->\n"
    assert lines(build(tmp_path, markdown)) == [
        "steps/step1.md:1:1: warning: {{execute}}: the snippet is empty",
        "steps/step1.md:1:20: warning: {{copy}}: expect comments only apply to executed snippets",
    ]
    assert lines(build(tmp_path, "```\n\n```{{execute}}\n")) == [
        "steps/step1.md:1:1: warning: {{execute}}: the snippet is empty",
    ]


def test_titles_steps_and_layout(tmp_path: Path) -> None:
    katacoda = build(tmp_path, source_format="katacoda", title="", environment=Environment(uilayout="split"))
    assert lines(katacoda) == [
        "index.json: warning: unknown uilayout 'split' (known: terminal, terminal-terminal, terminal-iframe, "
        "terminal-iframe-split, iframe, editor-terminal, editor-terminal-v1, editor-iframe-split, "
        "vscode-terminal-split)",
        "scenario.yaml:10:5: warning: step 1 has no title",
    ]
    assert lines(build(tmp_path, title="")) == []  # the project reader requires the key itself
    assert lines(Scenario(tmp_path, "project", "")) == [
        "scenario.yaml: error: scenario has no steps",
        "scenario.yaml: error: scenario has no title",
    ]
    assert lines(Scenario(tmp_path, "killercoda", "Intro only")) == []
    assert lines(Scenario(tmp_path, "katacoda", "", scenario_type="jupyter@0.1")) == []


def test_diagnostics_are_sorted_and_unique(tmp_path: Path) -> None:
    found = validate(build(tmp_path, "`a`{{run}}\n`b`{{run}}\n", verify="x.sh"))
    assert [str(d.location) for d in found] == [
        f"{tmp_path}/steps/step1.md:1:4",
        f"{tmp_path}/steps/step1.md:2:4",
        "scenario.yaml:10:5",
    ]


def test_killercoda_spellings_in_a_katacoda_scenario(tmp_path: Path) -> None:
    markdown = "`ls`{{exec}} `x`{{}} `y`{{execute}}\n"
    assert lines(build(tmp_path, markdown, source_format="katacoda")) == [
        "steps/step1.md:1:1: warning: {{exec}} is Killercoda's; Katacoda needs {{execute}}",
        "steps/step1.md:1:14: warning: {{}} is Killercoda's; Katacoda shows {{}} as text",
    ]
    assert lines(build(tmp_path, markdown, source_format="killercoda")) == []


def test_odd_file_names_are_reported_not_raised(tmp_path: Path) -> None:
    scenario = build(tmp_path, "![x](a\x00b.png)\n", verify="v\x00.sh")
    assert lines(scenario) == [
        "steps/step1.md:1:6: error: image not found: a\x00b.png",
        "scenario.yaml:10:5: error: step 1: verify file not found: v\x00.sh",
    ]


def test_dashboards(tmp_path: Path) -> None:
    hidden = Environment(dashboards=(Dashboard("App", port=80), Dashboard("Bad", port=70000)))
    assert lines(build(tmp_path, environment=hidden)) == [
        "scenario.yaml: error: dashboard 'Bad' has port 70000, not in 1-65535",
        "scenario.yaml: warning: dashboards are shown only with showdashboard: true",
    ]
    shown = Environment(dashboards=(Dashboard("App", port=80),), show_dashboard=True)
    assert lines(build(tmp_path, environment=shown)) == []


def test_terminals_must_target_existing_hosts(tmp_path: Path) -> None:
    environment = Environment(terminals=(Terminal("Server", "host01"), Terminal("Worker", "host02")))
    assert lines(build(tmp_path, environment=environment)) == [
        "scenario.yaml: error: terminal 'Worker' targets host02, but the environment has 1 host",
    ]
    assert lines(build(tmp_path, environment=dataclasses.replace(environment, hosts=2))) == []
