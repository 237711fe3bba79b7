"""Write a Katacoda scenario: index.json, step Markdown, scripts and assets/ (camelCase keys live here)."""

from __future__ import annotations

from pathlib import Path

from scenario import snippets
from scenario.model import Diagnostic, Page, Scenario
from scenario.writers import pagetext
from scenario.writers.output import (
    Output,
    asset_reference,
    copy_assets,
    json_bytes,
    page_ids,
    set_dotted,
    suffix,
    write_tree,
)

# Model field -> Katacoda key, in the order the keys are written (json sorts them anyway).
_SCRIPT_KEYS = {
    "background": "courseData",
    "foreground": "code",
    "verify": "verify",
    "answer": "answer",
    "hint": "hint",
}


def render(scenario: Scenario) -> Output:
    """Every file of the Katacoda folder, in memory."""
    output = Output()
    layout: dict[str, dict[str, str]] = {}
    for name, page in page_ids(scenario):
        layout[name] = _render_page(scenario, output, name, page)
    copy_assets(scenario, output)
    output.json("index.json", manifest(scenario, layout))
    return output


def write(scenario: Scenario, folder: Path) -> list[Diagnostic]:
    """Write the Katacoda scenario into `folder` (wiped first); return the writer's diagnostics."""
    output = render(scenario)
    write_tree(output, folder)
    return output.diagnostics


def root_manifest(scenario: Scenario) -> bytes:
    """index.json for the scenario's own root: it names the source files where they are (steps/...)."""
    layout = {name: _source_paths(page) for name, page in page_ids(scenario)}
    return json_bytes(manifest(scenario, layout, in_place=True))


def _source_paths(page: Page) -> dict[str, str]:
    paths = {"text": page.text_path}
    for field_name, key in _SCRIPT_KEYS.items():
        value = getattr(page, field_name)
        if value:
            paths[key] = value
    return paths


def _render_page(scenario: Scenario, output: Output, name: str, page: Page) -> dict[str, str]:
    """Write one page's Markdown and scripts; return its index.json entry's file keys."""
    paths = {"text": f"{name}.md"}
    output.text(paths["text"], page_markdown(scenario, output, page))
    for field_name, key in _SCRIPT_KEYS.items():
        source = getattr(page, field_name)
        if source:
            paths[key] = f"{name}-{field_name}{suffix(source)}"
            output.copy(paths[key], scenario.root / source)
            if field_name == "answer" and paths[key] in output.files and suffix(source) == ".md":
                answer = Page("step", "", source, output.files[paths[key]].decode("utf-8", "replace"))
                output.text(paths[key], page_markdown(scenario, output, answer))
    return paths


def page_markdown(scenario: Scenario, output: Output, page: Page) -> str:
    """The page's Markdown for Katacoda: annotations stripped, `exec` -> `execute`, images under assets/."""
    found = snippets.scan(page.markdown, page.text_path).snippets
    only = pagetext.snippet_tokens(page.markdown, found)
    text = pagetext.rewrite_tokens(page.markdown, _katacoda_token, only)
    text = pagetext.strip_annotations(text)

    def move_image(reference: str) -> str | None:
        resolved = pagetext.resolve(page.text_path, reference)
        if resolved is None or not (scenario.root / resolved).is_file():
            return None
        target = resolved if resolved.startswith("assets/") else f"assets/{resolved}"
        output.copy(target, scenario.root / resolved)
        return target

    return pagetext.rewrite_images(text, move_image)


def _katacoda_token(token: pagetext.Token) -> str:
    if token.verb == "":
        return ""  # Killercoda's {{}} (not copyable) is Katacoda's plain code
    verb = "execute" if token.verb == "exec" else token.verb
    return pagetext.format_token(verb, token.modifiers)


def manifest(
    scenario: Scenario, layout: dict[str, dict[str, str]], *, in_place: bool = False
) -> dict[str, object]:
    """The index.json object; `layout` maps each page name to its file keys (text, courseData...)."""
    details: dict[str, object] = {}
    steps: list[dict[str, object]] = []
    for name, page in page_ids(scenario):
        entry: dict[str, object] = dict(layout[name])
        if page.kind == "step":
            entry["title"] = page.title
            steps.append(entry)
        else:
            details[page.kind] = entry
    if steps or not scenario.scenario_type.startswith("jupyter"):
        details["steps"] = steps
    assets = _assets(scenario, in_place)
    if assets:
        details["assets"] = assets
    data: dict[str, object] = {
        "title": scenario.title,
        "details": details,
        "environment": _environment(scenario),
        "backend": {"imageid": scenario.katacoda_image},
    }
    for key in ("description", "difficulty", "time"):
        if getattr(scenario, key):
            data[key] = getattr(scenario, key)
    if scenario.scenario_type:
        data["type"] = scenario.scenario_type
    if scenario.source_format == "katacoda":
        for dotted, value in scenario.extra:
            set_dotted(data, dotted, value)
    return data


def _assets(scenario: Scenario, in_place: bool) -> dict[str, list[dict[str, str]]]:
    hosts: dict[str, list[dict[str, str]]] = {}
    for asset in scenario.assets:
        file = asset.file
        if asset.source_dir != "assets":
            file = f"../{asset.source_dir}/{asset.file}" if in_place else asset_reference(asset)
        entry = {"file": file, "target": asset.target}
        if asset.chmod:
            entry["chmod"] = asset.chmod
        hosts.setdefault(asset.host, []).append(entry)
    return hosts


def _environment(scenario: Scenario) -> dict[str, object]:
    env = scenario.environment
    layout = "editor-terminal" if env.ide and env.uilayout == "terminal" else env.uilayout
    data: dict[str, object] = {"uilayout": layout}
    if env.terminals:
        data["terminals"] = [
            {"name": t.name, "target": t.target, **({"command": t.command} if t.command else {})}
            for t in env.terminals
        ]
    if env.dashboards:
        data["dashboards"] = [
            {"name": d.name, **({"port": d.port} if d.port else {}), **({"href": d.href} if d.href else {})}
            for d in env.dashboards
        ]
    if env.show_dashboard:
        data["showdashboard"] = True
    if env.editor_path != "/root":
        data["uieditorpath"] = env.editor_path
    return data
