"""Writers and `build.py build`: translations between dialects, owned folders, the site, the command."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from scenario.cli import main
from scenario.errors import ScenarioError
from scenario.model import Scenario
from scenario.readers import read_scenario
from scenario.snippets import scan
from scenario.writers import katacoda, killercoda, site
from scenario.writers.output import MARKER, Output, write_tree

GOLDEN = Path(__file__).parent / "golden"
USAGE = "build.py build: error: "
ONE_STEP = "title: t\nsteps: [{title: s, text: s.md}]\n"


def scenario_from(root: Path, files: dict[str, str]) -> Scenario:
    """Write `files` under `root` and read them back as a scenario."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    result = read_scenario(root)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    return result.scenario


def golden(case: str, tmp_path: Path) -> Path:
    """A private copy of a golden input (so builds can write next to it)."""
    target = tmp_path / case
    shutil.copytree(GOLDEN / case / "input", target)
    return target


# --- Katacoda -----------------------------------------------------------------------------------------


def test_katacoda_page_translation(tmp_path: Path) -> None:
    """`exec` -> `execute`, `{{}}` dropped, expect/requires comments stripped, images under assets/."""
    page = "`ls`{{exec}}\n<!-- expect: foo -->\n`x`{{}}\n```\nmake\n```{{exec interrupt}}\n![p](pics/a.png)\n"
    scenario = scenario_from(
        tmp_path,
        {"scenario.yaml": "title: t\nsteps: [{title: s, text: s.md}]\n", "s.md": page, "pics/a.png": "png"},
    )
    output = katacoda.render(scenario)
    assert output.files["step1.md"].decode() == (
        "`ls`{{execute}}\n`x`\n```\nmake\n```{{execute interrupt}}\n![p](assets/pics/a.png)\n"
    )
    assert output.files["assets/pics/a.png"] == b"png"


def test_katacoda_assets_from_other_folders_go_under_assets(tmp_path: Path) -> None:
    """Files of `source: app` are copied to assets/app/ and referenced from there; caches are left out."""
    scenario = scenario_from(
        tmp_path,
        {
            "scenario.yaml": "title: t\nsteps: [{title: s, text: s.md}]\n"
            "assets: [{file: '**', source: app, target: /root/app}]\n",
            "s.md": "hi\n",
            "app/main.py": "print()\n",
            "app/pkg/mod.py": "x = 1\n",
            "app/pkg/__pycache__/mod.cpython-311.pyc": "junk",
        },
    )
    output = katacoda.render(scenario)
    assert sorted(name for name in output.files if name.startswith("assets/")) == [
        "assets/app/main.py",
        "assets/app/pkg/mod.py",
    ]
    manifest = json.loads(output.files["index.json"])
    assert manifest["details"]["assets"] == {"host01": [{"file": "app/**", "target": "/root/app"}]}
    in_place = json.loads(katacoda.root_manifest(scenario))
    assert in_place["details"]["steps"][0]["text"] == "s.md"
    assert in_place["details"]["assets"] == {"host01": [{"file": "../app/**", "target": "/root/app"}]}


def test_katacoda_output_is_sorted_indented_and_ends_with_newline() -> None:
    """index.json: sorted keys, 2-space indent, trailing newline."""
    scenario = read_scenario(GOLDEN / "katacoda-classic" / "input").scenario
    assert scenario is not None
    raw = katacoda.render(scenario).files["index.json"].decode()
    assert raw == json.dumps(json.loads(raw), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- Killercoda ---------------------------------------------------------------------------------------


def test_killercoda_translation_and_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each thing Killercoda cannot express is a warning at its place; the text keeps what it can."""
    page = (
        "`a`{{execute T2}}\n"
        "`b`{{execute HOST2 interrupt}}\n"
        "`^C`{{execute ctrl-seq}}\n"
        "`c`{{execute no-newline}}\n"
        "`d`{{execute test-d}}\n"
        "`f.txt`{{open}}\n"
        '<pre class="file" data-filename="f.txt" data-target="append">x</pre>\n'
        "\n"
        ">>Q1: Why?<<\n"
        "=== because\n"
    )
    files = {
        "scenario.yaml": "title: t\n"
        "environment:\n"
        "  uilayout: editor-terminal\n"
        "  terminals: [{name: T}]\n"
        "  dashboards: [{name: D, port: 80}]\n"
        "steps: [{title: s, text: s.md, answer: a.md, hint: h.sh}]\n"
        "assets: [{file: f.txt, target: /root, host: client}]\n",
        "s.md": page,
        "a.md": "`ls`{{execute}}\n",
        "h.sh": "echo hint\n",
        "assets/f.txt": "x\n",
    }
    scenario_from(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    scenario = read_scenario(Path(".")).scenario
    assert scenario is not None
    output = killercoda.render(scenario)
    lost = "warning: Killercoda"
    assert output.diagnostics[0].format().splitlines()[1:] == ["    `a`{{execute T2}}", "       ^"]
    assert [d.format().splitlines()[0].replace(lost, "~") for d in output.diagnostics] == [
        "s.md:1:4: ~ has one terminal: 'T2' is dropped, the snippet runs in it",
        "s.md:2:4: ~ cannot pick a host: 'HOST2' is dropped, the snippet runs on host01",
        "s.md:3:5: ~ cannot send control sequences: the snippet is kept as plain code",
        "s.md:4:4: ~ cannot type without Enter: the snippet becomes {{copy}}",
        "s.md:5:4: ~ has no snippet classes: 'test-d' is dropped",
        "s.md:6:8: ~ has no {{open}}: the file name is kept as plain code",
        "s.md:7:1: ~ has no copy-to-editor blocks: kept as a plain <pre> block",
        "s.md:9:1: ~ has no quizzes: the quiz is kept as plain text",
        "scenario.yaml:3:3: ~ has no 'editor-terminal' layout: the terminal layout is used",
        "scenario.yaml:4:3: ~ has no extra terminal tabs: environment.terminals is left out",
        "scenario.yaml:5:3: ~ has no dashboard tabs: environment.dashboards is left out",
        "scenario.yaml:6:9: ~ has no answer pane: the answer is appended as a Solution dropdown",
        "scenario.yaml:6:9: ~ has no hints: the step's hint is left out",
        "scenario.yaml:7:10: ~ uploads assets to host01 only: 'f.txt' for client goes there",
    ]
    text = output.files["step1/text.md"].decode()
    kept = "`a`{{exec}}\n`b`{{exec interrupt}}\n`^C`{{}}\n`c`{{copy}}\n`d`{{exec}}\n`f.txt`\n"
    assert text.startswith(kept)
    assert '<pre class="file" data-filename="f.txt"' in text and ">>Q1: Why?<<" in text
    assert text.endswith("<details><summary>Solution</summary>\n\n`ls`{{exec}}\n\n</details>\n")
    manifest = json.loads(output.files["index.json"])
    assert manifest["interface"] == {"layout": "ide"}
    assert manifest["details"]["assets"] == {"host01": [{"file": "f.txt", "target": "/root"}]}
    assert manifest["details"]["steps"] == [{"text": "step1/text.md", "title": "s"}]


def test_killercoda_keeps_tokens_inside_code_blocks_untouched(tmp_path: Path) -> None:
    """A `{{execute}}` shown as syntax inside a fenced block is documentation, not a snippet."""
    page = "````\n```\nls\n```{{execute T2}}\n````\n"
    scenario = scenario_from(tmp_path, {"scenario.yaml": ONE_STEP, "s.md": page})
    output = killercoda.render(scenario)
    assert output.files["step1/text.md"].decode() == page
    assert output.diagnostics == []


# --- owned folders ------------------------------------------------------------------------------------


def test_write_tree_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    """A non-empty folder without the marker is never wiped."""
    (tmp_path / "mine.txt").write_text("precious")
    with pytest.raises(ScenarioError, match=r"refusing to overwrite a folder that build\.py did not make"):
        write_tree(Output(files={"a": b"1"}), tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "precious"


def test_write_tree_wipes_its_own_folder(tmp_path: Path) -> None:
    """Stale files of a previous build disappear; the marker stays."""
    folder = tmp_path / "out"
    write_tree(Output(files={"old.txt": b"1", "sub/x": b"2"}), folder)
    write_tree(Output(files={"new.txt": b"3"}), folder)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        MARKER,
        "new.txt",
    ]


# --- the site -----------------------------------------------------------------------------------------


def test_site_pages_navigation_and_snippets() -> None:
    """One page per page, step list, previous/next, progress, a copy button per copyable snippet."""
    scenario = read_scenario(GOLDEN / "project-features" / "input").scenario
    assert scenario is not None
    output = site.render(scenario)
    pages = sorted(name for name in output.files if name.endswith(".html"))
    assert pages == ["finish.html", "index.html", "step1.html", "step2.html"]
    step1 = output.files["step1.html"].decode()
    assert '<a class="previous" rel="prev" href="index.html">← Introduction</a>' in step1
    assert '<a class="next" rel="next" href="step2.html">Edit and answer →</a>' in step1
    assert '<a href="step1.html" aria-current="page">Run commands</a>' in step1
    assert "Step 1 of 2" in step1
    assert '<code class="execute T2" data-snippet="1">top</code>' in step1
    snippets = scan(scenario.steps[0].markdown, "s").snippets
    copyable = [s for s in snippets if s.action.value != "none"]
    assert step1.count('class="copy-button"') == len(copyable) + 0
    assert step1.count("data-snippet=") == len(snippets)
    assert "expect:" not in step1 and "requires:" not in step1
    assert 'class="highlight"' in step1 and "static/pygments.css" in step1


def test_site_shows_the_answer_as_a_solution_dropdown() -> None:
    """A step's answer file is rendered under the step, folded."""
    scenario = read_scenario(GOLDEN / "project-features" / "input").scenario
    assert scenario is not None
    step2 = site.render(scenario).files["step2.html"].decode()
    assert '<details class="answer">\n      <summary>Solution</summary>' in step2
    assert '<code class="execute" data-snippet="0">uname -a</code>' in step2.split('class="answer"')[1]


def test_site_works_offline() -> None:
    """Every link, script and stylesheet is relative; the static files are in the output."""
    scenario = read_scenario(GOLDEN / "killercoda-steps" / "input").scenario
    assert scenario is not None
    output = site.render(scenario)
    for name in ("static/site.css", "static/site.js", "static/pygments.css", "step1/pod.png"):
        assert name in output.files
    for name, data in output.files.items():
        if name.endswith(".html"):
            for ref in re.findall(r'(?:src|href)="([^"]+)"', data.decode()):
                assert not re.match(r"(https?:)?//", ref), (name, ref)


def test_render_page_is_reusable(tmp_path: Path) -> None:
    """The learner page's entry point: any page, a port_url function, another static prefix."""
    scenario = scenario_from(
        tmp_path,
        {
            "scenario.yaml": "title: t\nsteps: [{title: One, text: s.md}]\n",
            "s.md": "[app]({{TRAFFIC_HOST1_8080}})\n",
        },
    )
    html = site.render_page(scenario, 0, port_url=lambda port: f"/ports/{port}/", static="/static/")
    assert 'href="/ports/8080/"' in html
    assert 'href="/static/site.css"' in html
    assert '<a href="index.html" aria-current="page">One</a>' in html  # no intro: step 1 is index.html


# --- build.py build -----------------------------------------------------------------------------------


def run_build(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `build.py build ARGS` in process."""
    status = main(["build", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_build_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The three folders and a summary; warnings are printed but do not fail the build."""
    root = golden("katacoda-classic", tmp_path)
    status, out, _ = run_build([str(root), "--out", str(tmp_path / "out")], capsys)
    assert status == 0
    warnings = out.count(": warning: ")
    assert warnings >= 3
    assert out.splitlines()[-1] == f"built katacoda, killercoda, site: 0 errors, {warnings} warnings"
    assert f"wrote {tmp_path / 'out' / 'katacoda'}/ (11 files)" in out
    assert "warning: Killercoda has no 'editor-terminal' layout" in out
    for name in ("katacoda/index.json", "killercoda/index.json", "site/index.html"):
        assert (tmp_path / "out" / name).is_file()
    assert not (root / "out").exists()


def test_build_strict_fails_on_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--strict turns the warnings into a failure; no folder is made."""
    root = golden("katacoda-classic", tmp_path)
    status, out, _ = run_build([str(root), "--out", str(tmp_path / "out"), "--strict"], capsys)
    warnings = out.count(": warning: ")
    assert status == 1 and warnings >= 3
    assert out.splitlines()[-1] == f"build failed: 0 errors, {warnings} warnings; nothing written"
    assert not (tmp_path / "out").exists()


def test_build_with_errors_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing page is an error: exit 1, the diagnostic on stderr, no output folder."""
    scenario_from(tmp_path / "s", {"scenario.yaml": ONE_STEP, "s.md": "x"})
    (tmp_path / "s" / "s.md").unlink()
    status, out, _ = run_build([str(tmp_path / "s"), "--out", str(tmp_path / "out")], capsys)
    assert status == 1
    assert out.startswith(f"{tmp_path / 's' / 'scenario.yaml'}:2:26: error: page text file not found: s.md\n")
    assert out.splitlines()[-1] == "build failed: 1 error, 0 warnings; nothing written"
    assert not (tmp_path / "out").exists()


def test_build_without_out_writes_root_index_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No --out: DIR/out/{katacoda,killercoda,site} and, for scenario.yaml, DIR/index.json."""
    root = golden("project-features", tmp_path)
    status, out, _ = run_build([str(root), "--format", "katacoda"], capsys)
    assert status == 0
    assert (root / "out" / "katacoda" / "index.json").is_file()
    assert not (root / "out" / "site").exists()
    scenario = read_scenario(root).scenario
    assert scenario is not None
    assert (root / "index.json").read_bytes() == katacoda.root_manifest(scenario)
    assert f"wrote {root / 'index.json'}" in out


def test_build_leaves_a_foreign_folder_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An --out folder with someone else's files in OUT/site is left alone, with a clear message."""
    root = golden("killercoda-steps", tmp_path)
    (tmp_path / "out" / "site").mkdir(parents=True)
    (tmp_path / "out" / "site" / "keep.txt").write_text("keep")
    status, _, err = run_build([str(root), "--out", str(tmp_path / "out")], capsys)
    assert status == 1
    assert not (tmp_path / "out" / "katacoda").exists()  # checked before anything is written
    refusal = "error: refusing to overwrite a folder that build.py did not make"
    assert err == f"{tmp_path / 'out' / 'site'}: {refusal}\n"
    assert (tmp_path / "out" / "site" / "keep.txt").read_text() == "keep"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], f"{USAGE}unknown format 'pdf' (choose from katacoda, killercoda, site)\n"),
        (["/nonexistent/folder"], f"{USAGE}/nonexistent/folder: no such folder\n"),
    ],
)
def test_build_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad usage exits 2 with one line on stderr."""
    status, _, err = run_build(args, capsys)
    assert (status, err) == (2, message)


def test_build_reports_an_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An --out path under a regular file cannot be made: one message, exit 1, no traceback."""
    root = golden("killercoda-steps", tmp_path)
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "out"
    status, _, err = run_build([str(root), "--out", str(out), "--format", "site"], capsys)
    assert status == 1
    assert err.startswith(f"{tmp_path / 'file' / 'out' / 'site'}: error: cannot write: Not a directory")


def test_build_needs_a_scenario_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without scenario.yaml or index.json is bad usage."""
    status, _, err = run_build([str(tmp_path)], capsys)
    assert status == 2
    assert err == f"{USAGE}{tmp_path}: not a scenario folder (no scenario.yaml or index.json)\n"


def test_build_help_documents_the_layout(capsys: pytest.CaptureFixture[str]) -> None:
    """--help explains where files go."""
    status, out, _ = run_build(["--help"], capsys)
    assert status == 0
    assert "Without --out, OUT is DIR/out" in out and "DIR/index.json" in out


@pytest.mark.browser
def test_site_copy_buttons_in_chromium(tmp_path: Path) -> None:
    """From file://, offline: a click on Copy puts the snippet's exact text on the clipboard."""
    from playwright.sync_api import sync_playwright

    scenario = read_scenario(GOLDEN / "project-features" / "input").scenario
    assert scenario is not None
    site.write(scenario, tmp_path / "site")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True)
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.goto((tmp_path / "site" / "step1.html").as_uri())
            page.locator("span.snippet:has(code.T2) button.copy-button").first.click()
            page.wait_for_selector(".copy-button.copied")
            assert page.locator(".copy-button.copied").inner_text() == "Copied"
            assert page.evaluate("navigator.clipboard.readText()") == "top"
            page.locator("div.snippet-block button.copy-button").first.click()
            page.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('docker'))")
            assert page.evaluate("navigator.clipboard.readText()") == "docker version\ndocker info"
            page.get_by_role("link", name="Edit and answer →").click()
            page.wait_for_url("**/step2.html")
            page.wait_for_load_state("load")  # the stylesheet too, before its style is read
            style = "getComputedStyle(document.querySelector('.steps')).borderRightStyle"
            assert page.evaluate(style) == "solid"  # site.css loaded from the relative static/ folder
        finally:
            browser.close()


@pytest.mark.parametrize("case", ["project-features", "katacoda-classic", "killercoda-steps"])
def test_outputs_read_back_as_their_format(case: str, tmp_path: Path) -> None:
    """A written folder is detected as its format and keeps every runnable snippet (Katacoda: its tab)."""
    from scenario.model import Action
    from scenario.readers import detect_format

    scenario = read_scenario(GOLDEN / case / "input").scenario
    assert scenario is not None

    def runnable(text: str, fmt: str) -> list[tuple[str, int, bool]]:
        text = text.split("<details><summary>Solution</summary>")[0]  # Killercoda's appended answer
        found = scan(text, "page").snippets
        plain = [s for s in found if s.action is Action.EXECUTE and not s.ctrl_seq and not s.no_newline]
        return [(s.text, s.terminal if fmt == "katacoda" else 1, s.interrupt) for s in plain]

    for writer, fmt in ((katacoda, "katacoda"), (killercoda, "killercoda")):
        writer.write(scenario, tmp_path / fmt)
        assert detect_format(tmp_path / fmt) == fmt
        again = read_scenario(tmp_path / fmt).scenario
        assert again is not None and again.source_format == fmt
        assert [page.title for page in again.steps] == [page.title for page in scenario.steps]
        for old, new in zip(scenario.pages, again.pages, strict=True):
            assert runnable(new.markdown, fmt) == runnable(old.markdown, fmt)
