"""The scenario's content: every step is complete, the commands match the app, verify scripts are honest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from scenario.cli import main
from scenario.model import Action, Page, Scenario, Snippet
from scenario.readers import read_scenario
from scenario.snippets import scan

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
SIDES = ("server", "client")
KINDS = ("bloated", "small", "secure")
DOCKER_STEPS = {
    "Build bloated images", "Build small images in two stages", "Build secure images on distroless",
}
CLUSTER_STEPS = {
    "Check the cluster", "Run a registry inside the cluster", "Push the images and deploy", "Use the app",
}
BUILD_RE = re.compile(
    r"^docker build -f (?P<file>\S+) -t \$REGISTRY/(?P<tag>mountains-(?P<side>\w+)-(?P<kind>\w+)):0\.1\.0 \.$"
)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """This repository's scenario, read with no errors."""
    result = read_scenario(ROOT)
    assert result.scenario is not None, [item.format() for item in result.diagnostics]
    return result.scenario


def snippets(page: Page) -> list[Snippet]:
    """The execute snippets of a page, in order."""
    return [item for item in scan(page.markdown, page.text_path).snippets if item.action is Action.EXECUTE]


def all_snippets(scenario: Scenario) -> list[Snippet]:
    """Every execute snippet of the scenario, in the order a learner meets them."""
    return [item for page in scenario.pages for item in snippets(page)]


def test_intro_eight_steps_and_finish(scenario: Scenario) -> None:
    assert scenario.intro is not None and scenario.finish is not None
    assert len(scenario.steps) == 8
    assert scenario.katacoda_image.startswith("kubernetes-")
    assert scenario.killercoda_image == "kubernetes-kubeadm-2nodes"


def test_every_step_has_a_title_a_text_and_a_verify_script(scenario: Scenario) -> None:
    for number, step in enumerate(scenario.steps, 1):
        assert step.title.strip(), f"step {number} has no title"
        heading = f"# {step.title}\n"
        assert step.markdown.startswith(heading), f"step {number}'s page must start with its title"
        assert step.verify, f"step {number} has no verify script"
        assert (ROOT / step.verify).is_file(), step.verify


def test_verify_scripts_are_self_contained_bash_that_print_done(scenario: Scenario) -> None:
    for step in scenario.steps:
        assert step.verify is not None
        path = ROOT / step.verify
        text = path.read_text()
        assert text.startswith("#!/usr/bin/env bash\n"), path
        assert path.stat().st_mode & 0o111, f"{path} is not executable"
        syntax = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, syntax.stderr
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        assert lines[-1] == "echo done", f"{path}: the last command must print done"
        # A verify script runs in a fresh shell: the learner's variables are not there.
        assert "$REGISTRY" not in text and "$SUFFIX" not in text, path


def test_image_steps_need_docker_and_cluster_steps_need_kubernetes(scenario: Scenario) -> None:
    titles = {step.title: step.requires for step in scenario.steps}
    assert set(titles) >= DOCKER_STEPS | CLUSTER_STEPS
    for title in DOCKER_STEPS:
        assert titles[title] == ("docker",), title
    for title in CLUSTER_STEPS:
        assert titles[title] == ("kubernetes",), title
    assert titles["Look at the source"] == ()


def test_app_reaches_the_learner_as_assets(scenario: Scenario) -> None:
    app_assets = [asset for asset in scenario.assets if asset.source_dir == "app"]
    assert [(asset.file, asset.target) for asset in app_assets] == [("**/*", "/root/mountains")]
    commands = "\n".join(item.text for item in all_snippets(scenario))
    assert "git clone" not in commands and "curl -L" not in commands and "helm" not in commands


def test_builds_use_the_six_dockerfiles_and_the_agreed_tags(scenario: Scenario) -> None:
    built: dict[tuple[str, str], str] = {}
    for item in all_snippets(scenario):
        if not item.text.startswith("docker build"):
            continue
        match = BUILD_RE.match(item.text)
        assert match, f"{item.location}: unexpected build command {item.text!r}"
        side, kind = match["side"], match["kind"]
        assert match["file"] == f"{side}/Dockerfile-{kind}", item.text
        built[(side, kind)] = match["file"]
    assert sorted(built) == sorted((side, kind) for side in SIDES for kind in KINDS)
    for dockerfile in built.values():
        assert (APP / dockerfile).is_file(), f"app/{dockerfile} is missing"


def test_builds_run_from_the_app_folder_with_a_registry_default(scenario: Scenario) -> None:
    shell_state: dict[str, bool] = {"in_app": False, "registry": False}
    for item in all_snippets(scenario):
        if "cd ~/mountains" in item.text:
            shell_state["in_app"] = True
        if "REGISTRY=${REGISTRY:-localhost:30500}" in item.text:
            shell_state["registry"] = True
        if item.text.startswith("docker build"):
            assert shell_state == {"in_app": True, "registry": True}, item.location


def test_the_no_shell_proof_expects_docker_to_refuse(scenario: Scenario) -> None:
    proofs = [
        item for item in all_snippets(scenario)
        if "--entrypoint sh" in item.text and "mountains-server-secure" in item.text
    ]
    assert len(proofs) == 1
    assert proofs[0].expect_exit == 127
    assert proofs[0].expect is not None and "executable file not found" in proofs[0].expect


def test_registry_comes_from_the_app_manifest_and_deploy_uses_envsubst(scenario: Scenario) -> None:
    commands = [item.text for item in all_snippets(scenario)]
    assert "kubectl apply -f ~/mountains/kubernetes/registry.yaml" in commands
    deploy = [text for text in commands if "envsubst" in text and "kubectl apply" in text]
    assert deploy, "no snippet renders the manifests with envsubst and applies them"
    for part in re.findall(r"kubernetes/(\w+)\.yaml", " ".join(commands)):
        assert (APP / "kubernetes" / f"{part}.yaml").is_file(), f"app/kubernetes/{part}.yaml is missing"


def test_last_step_opens_the_page_through_a_port_placeholder(scenario: Scenario) -> None:
    last = scenario.steps[-1]
    found = scan(last.markdown, last.text_path).placeholders
    assert {item.port for item in found} == {30300}
    assert "Mont Blanc" in last.markdown and "Add a mountain" in last.markdown


def test_every_page_teaches_more_than_commands(scenario: Scenario) -> None:
    for page in scenario.pages:
        prose = re.sub(r"`[^`]*`(\{\{[^}]*\}\})?", "", page.markdown)
        words = len(re.findall(r"[A-Za-z]+", prose))
        assert words >= 80, f"{page.text_path}: only {words} words of explanation"


def test_distroless_step_covers_what_the_issue_asks(scenario: Scenario) -> None:
    text = scenario.steps[5].markdown
    for needle in ("kubectl debug", ":debug", "musl", "glibc", "CVE", "no shell", "python3.11", "65532"):
        assert needle in text, needle


def test_pictures_exist_and_are_labelled_svg(scenario: Scenario) -> None:
    seen: set[Path] = set()
    for page in scenario.pages:
        for image in scan(page.markdown, page.text_path).images:
            path = (ROOT / page.text_path).parent / image.path
            assert path.is_file(), f"{page.text_path}: {image.path} is missing"
            seen.add(path.resolve())
    names = {path.name for path in seen}
    assert {"distillation.svg", "image-sizes.svg"} <= names
    for path in seen:
        tree = ElementTree.parse(path)
        texts = [node.text for node in tree.iter("{http://www.w3.org/2000/svg}text") if node.text]
        assert len(texts) >= 6, f"{path.name} has too few text labels"


def copy_app(home: Path) -> Path:
    """The app as the scenario's asset puts it in a learner's home."""
    target = home / "mountains"
    shutil.copytree(APP, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_verify(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run a verify script as the checker does: bash in the learner's home, HOME set, no variables."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin"}
    return subprocess.run(
        ["bash", str(ROOT / script)], cwd=home, env=env, capture_output=True, text=True, check=False,
        timeout=60,
    )


def test_step3_verify_fails_before_the_commit_and_passes_after(scenario: Scenario, tmp_path: Path) -> None:
    step = scenario.steps[2]
    assert step.verify is not None
    no_app = run_verify(step.verify, tmp_path)
    assert (no_app.returncode, no_app.stdout, no_app.stderr) == (1, "", "there is no ~/mountains folder\n")
    copy_app(tmp_path)
    no_repository = run_verify(step.verify, tmp_path)
    wanted = "~/mountains is not a Git repository yet: run git init\n"
    assert (no_repository.returncode, no_repository.stderr) == (1, wanted)
    commit = next(item.text for item in snippets(step) if item.text.startswith("git init"))
    done = subprocess.run(
        ["bash", "-c", f"cd ~/mountains && {commit}"], env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    result = run_verify(step.verify, tmp_path)
    assert (result.returncode, result.stdout) == (0, "done\n")


def start_app_process(script: str, env: dict[str, str], ready: str) -> tuple[subprocess.Popen[str], str]:
    """Start one side of the real app from the repository; wait for the first line starting with `ready`."""
    process = subprocess.Popen(
        [sys.executable, str(APP / script)], env={**os.environ, **env}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith(ready):
            return process, line
    raise AssertionError(f"{script} exited early:\n{''.join(seen)}")


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a process started by start_app_process."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture
def app_on_node_port() -> Iterator[str]:
    """The real server and web client, the client on 30300 where step 8's check looks for it."""
    server, line = start_app_process("server/server.py", {"PORT": "0"}, "listening on")
    try:
        env = {"PORT": "30300", "MOUNTAINS_SERVER": f"localhost:{line.split()[-1]}"}
        client, _ = start_app_process("client/app.py", env, " * Running on")
        try:
            yield "http://localhost:30300"
        finally:
            stop(client)
    finally:
        stop(server)


def post(url: str, fields: dict[str, str]) -> None:
    """Send a form as the browser does (urllib follows the 303 back to the list)."""
    body = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
        assert response.status == 200


def test_step8_verify_fails_until_a_mountain_is_added_and_mont_blanc_removed(
    scenario: Scenario, app_on_node_port: str, tmp_path: Path
) -> None:
    step = scenario.steps[7]
    assert step.verify is not None
    before = run_verify(step.verify, tmp_path)
    assert (before.returncode, before.stderr) == (1, "Mont Blanc is still on the list\n")
    with urllib.request.urlopen(app_on_node_port + "/", timeout=10) as response:
        page = response.read().decode()
    found = re.search(r"<td>Mont Blanc</td>.*?/mountains/([^/\"]+)/edit", page, re.DOTALL)
    assert found, page
    post(f"{app_on_node_port}/mountains/{found[1]}/delete", {})
    removed_only = run_verify(step.verify, tmp_path)
    assert (removed_only.returncode, removed_only.stderr) == (1, "no mountain of yours on the list yet\n")
    post(f"{app_on_node_port}/mountains", {"name": "Ben Nevis", "elevation": "1345", "location": "Scotland"})
    after = run_verify(step.verify, tmp_path)
    assert (after.returncode, after.stdout) == (0, "done\n")


def test_scenario_validates_strict_clean() -> None:
    assert main(["validate", str(ROOT), "--strict"]) == 0


def test_the_deploy_step_renders_valid_manifests_naming_the_secure_images(
    scenario: Scenario, tmp_path: Path
) -> None:
    step = scenario.steps[6]
    texts = [item.text for item in snippets(step)]
    apply = next(text for text in texts if "envsubst" in text and "kubectl apply" in text)
    suffix = next(text for text in texts if text.startswith("export SUFFIX="))
    render = apply.removesuffix("| kubectl apply -f -").strip()
    assert render != apply
    copy_app(tmp_path)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "REGISTRY": "localhost:30500"}
    done = subprocess.run(
        ["bash", "-c", f"cd ~/mountains && {suffix} && {render}"], env=env, capture_output=True, text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    docs = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    images = sorted(
        container["image"]
        for doc in docs if doc["kind"] == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
    )
    assert images == [f"localhost:30500/mountains-{side}-secure:0.1.0" for side in ("client", "server")]
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30", strict=True)


SIZES = ROOT / "assets" / "image-sizes.json"
SIZE_LINE_RE = re.compile(
    r"^- \*\*(?P<kind>bloated|small|secure)\*\*: client (?P<client>[\d.]+) MB, server (?P<server>[\d.]+) MB$"
)
QUOTED_RE = re.compile(r"(\d[\d,.]*)\s*(MB|GB|MiB|GiB|kB)\b")


def measured() -> dict[str, Any]:
    """The committed measurement that `build.py images` wrote."""
    data: dict[str, Any] = json.loads(SIZES.read_text())
    return data


def printed(megabytes: float) -> str:
    """A size as the prose prints it: megabytes to one decimal."""
    return f"{megabytes:.1f}"


def test_the_sizes_list_matches_the_measurement(scenario: Scenario) -> None:
    images = measured()["images"]
    text = scenario.steps[5].markdown
    rows = {match["kind"]: match for match in map(SIZE_LINE_RE.match, text.splitlines()) if match}
    assert sorted(rows) == sorted(KINDS)
    for kind, row in rows.items():
        for side in SIDES:
            expected = printed(images[f"{side}-{kind}"]["mb"])
            said = row[side]
            assert said == expected, f"{side}-{kind}: the prose says {said} MB, measured {expected} MB"


def test_every_size_quoted_anywhere_is_a_measured_one(scenario: Scenario) -> None:
    allowed = {printed(image["mb"]) for image in measured()["images"].values()}
    quoted = 0
    for page in scenario.pages:
        prose = re.sub(r"`[^`\n]*`", "", page.markdown)  # commands and their tags are not sizes
        for number, unit in QUOTED_RE.findall(prose):
            assert unit == "MB", f"{page.text_path}: a size in {unit}: {number} {unit}"
            assert number in allowed, f"{page.text_path}: {number} MB is not in assets/image-sizes.json"
            quoted += 1
    assert quoted >= 7  # the six images and the server's limit


def test_the_text_says_how_the_sizes_were_measured(scenario: Scenario) -> None:
    data = measured()
    text = scenario.steps[5].markdown
    stand_ins = [base["stands_for"] for base in data["bases"].values() if base["stand_in"]]
    if stand_ins:
        assert "local stand-ins" in text and "scripts/stand-in-bases.sh" in text
        for public in stand_ins:
            assert f"`{public}`" in text, public
    else:
        assert "stand-in" not in text
    assert "../assets/image-sizes.svg" in text
