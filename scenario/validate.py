"""Every rule a scenario must follow, collected as diagnostics (never raised one at a time)."""

from __future__ import annotations

import dataclasses
import difflib
import glob
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scenario.model import Action, Asset, Diagnostic, Page, Scenario, Severity, Snippet, SourceLocation
from scenario.snippets import FLAG_MODIFIERS, HOST_RE, TERMINAL_RE, ScanResult, scan

MAX_TERMINALS = 8  # Katacoda opens a tab per T<n>; more than this is a typo
MAX_ASSET_BYTES = 1024 * 1024  # Katacoda's limit per asset file
EDITOR_LAYOUTS = ("editor-terminal", "editor-terminal-v1", "editor-iframe-split", "vscode-terminal-split")
KNOWN_LAYOUTS = (
    "terminal",
    "terminal-terminal",
    "terminal-iframe",
    "terminal-iframe-split",
    "iframe",
    *EDITOR_LAYOUTS,
)
CLUSTER_HINTS = ("terminal-terminal",)
CLUSTER_IMAGES = re.compile(r"swarm|cluster|2nodes|minikube", re.IGNORECASE)
KATACODA_PLACEHOLDERS = re.compile(
    r"HOST\d*_IP|HOST\d*_SUBDOMAIN|KATACODA_HOST|KATACODA_DOMAIN|CLIENT_SUBDOMAIN"
)
CHMOD_RE = re.compile(r"[ugoa]*[-+=][rwxXst]+|[0-7]{3,4}")
PROMPTS = ("$ ", "# ")
KILLERCODA_ONLY = {"exec": "needs {{execute}}", "": "shows {{}} as text"}
SCRIPT_KEYS = ("background", "foreground", "verify", "answer", "hint")


def validate(scenario: Scenario) -> list[Diagnostic]:
    """Every problem of a scenario read by scenario.readers, sorted by place; empty when clean."""
    found: list[Diagnostic] = []
    found.extend(_check_structure(scenario))
    found.extend(_check_environment(scenario))
    for number, page in enumerate(scenario.pages):
        found.extend(_check_page(scenario, page, _page_label(scenario, page, number)))
    found.extend(_check_assets(scenario))
    found = list(_with_manifest_source(scenario, found))
    return sorted(dict.fromkeys(found), key=lambda d: (d.location, d.severity.value, d.message))


def _with_manifest_source(scenario: Scenario, found: list[Diagnostic]) -> Iterator[Diagnostic]:
    """Add the manifest's line (scenario.yaml / index.json) to the diagnostics that point into it."""
    where = manifest_location(scenario)
    name = Path(where.path).name
    try:
        lines = (scenario.root / name).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for diagnostic in found:
        line = diagnostic.location.line
        if (
            diagnostic.location.path == where.path
            and diagnostic.source_line is None
            and 0 < line <= len(lines)
        ):
            diagnostic = dataclasses.replace(diagnostic, source_line=lines[line - 1])
        yield diagnostic


def manifest_location(scenario: Scenario) -> SourceLocation:
    """Where the scenario is declared: scenario.yaml or index.json, as the user sees the path."""
    name = "scenario.yaml" if scenario.source_format == "project" else "index.json"
    return SourceLocation(_shown(scenario.root, name))


def _shown(root: Path, relative: str) -> str:
    return str(root / relative) if str(root) not in ("", ".") else relative


def _page_label(scenario: Scenario, page: Page, number: int) -> str:
    if page.kind != "step":
        return page.kind
    return f"step {scenario.steps.index(page) + 1}" if page in scenario.steps else f"page {number + 1}"


def _error(where: SourceLocation, message: str) -> Diagnostic:
    return Diagnostic(where, Severity.ERROR, message)


def _warning(where: SourceLocation, message: str) -> Diagnostic:
    return Diagnostic(where, Severity.WARNING, message)


def _check_structure(scenario: Scenario) -> Iterator[Diagnostic]:
    where = manifest_location(scenario)
    if scenario.scenario_type.startswith("jupyter"):  # a notebook scenario needs only its backend
        return
    if not scenario.title.strip():
        yield _error(where, "scenario has no title")
    if not scenario.steps and scenario.source_format != "killercoda":  # Killercoda allows intro only
        yield _error(where, "scenario has no steps")
    for number, page in enumerate(scenario.steps, start=1):
        if not page.title.strip() and scenario.source_format == "katacoda":  # project: the reader requires it
            yield _warning(page.location or where, f"step {number} has no title")


def host_limit(scenario: Scenario) -> int:
    """How many hosts the environment has: declared, implied by assets, layout or a cluster image."""
    hosts = [scenario.environment.hosts]
    for asset in scenario.assets:
        match = re.fullmatch(r"host(\d+)", asset.host)
        if match:
            hosts.append(int(match.group(1)))
    if scenario.environment.uilayout in CLUSTER_HINTS or CLUSTER_IMAGES.search(
        f"{scenario.katacoda_image} {scenario.killercoda_image}"
    ):
        hosts.append(2)
    return max(hosts)


def _check_environment(scenario: Scenario) -> Iterator[Diagnostic]:
    where = manifest_location(scenario)
    env = scenario.environment
    if env.uilayout not in KNOWN_LAYOUTS:
        yield _warning(where, f"unknown uilayout '{env.uilayout}' (known: {', '.join(KNOWN_LAYOUTS)})")
    if env.dashboards and not env.show_dashboard and scenario.source_format != "killercoda":
        yield _warning(where, "dashboards are shown only with showdashboard: true")
    for dashboard in env.dashboards:
        if dashboard.port is not None and not 0 < dashboard.port < 65536:
            yield _error(where, f"dashboard '{dashboard.name}' has port {dashboard.port}, not in 1-65535")
    for terminal in env.terminals:
        match = re.fullmatch(r"host(\d+)", terminal.target)
        hosts = host_limit(scenario)
        if match and int(match.group(1)) > hosts:
            yield _error(where, f"terminal '{terminal.name}' targets {terminal.target}, but {_hosts(hosts)}")


def has_editor(scenario: Scenario) -> bool:
    """True when the layout shows an editor (or an IDE tab) that {{open}} and editor blocks can use."""
    env = scenario.environment
    return (
        env.uilayout in EDITOR_LAYOUTS or env.ide or dict(scenario.extra).get("environment.showide") is True
    )


def _check_page(scenario: Scenario, page: Page, label: str) -> Iterator[Diagnostic]:
    where = page.location or manifest_location(scenario)
    for key in SCRIPT_KEYS:
        relative = getattr(page, key)
        if relative and not is_file(scenario.root / relative):
            yield _error(where, f"{label}: {key} file not found: {relative}")
    if not page.markdown:
        return
    found = scan(page.markdown, _shown(scenario.root, page.text_path))
    yield from found.diagnostics
    yield from _with_source(page, _check_text(scenario, page, found))


def _with_source(page: Page, found: Iterator[Diagnostic]) -> Iterator[Diagnostic]:
    """Add the offending Markdown line to each diagnostic, for the caret under the fault."""
    lines = page.markdown.replace("\r\n", "\n").split("\n")
    for diagnostic in found:
        line = diagnostic.location.line
        if diagnostic.source_line is None and 0 < line <= len(lines):
            diagnostic = dataclasses.replace(diagnostic, source_line=lines[line - 1])
        yield diagnostic


def _check_text(scenario: Scenario, page: Page, found: ScanResult) -> Iterator[Diagnostic]:
    yield from _check_images(scenario, page, found)
    yield from _check_placeholders(scenario, found)
    for editor in found.editor_blocks:
        if editor.target == "insert" and not editor.marker:
            yield _error(editor.location, 'data-target="insert" needs a data-marker (the text to insert at)')
        if editor.target != "clipboard" and not has_editor(scenario):
            yield _warning(editor.location, _no_editor(scenario, "a copy-to-editor block"))
    for snippet in found.snippets:
        yield from check_snippet(scenario, snippet)


def _no_editor(scenario: Scenario, what: str) -> str:
    return f"{what} needs an editor layout (uilayout is '{scenario.environment.uilayout}')"


def _check_images(scenario: Scenario, page: Page, found: ScanResult) -> Iterator[Diagnostic]:
    base = (scenario.root / page.text_path).parent
    for image in found.images:
        parts = urlsplit(image.path)
        if parts.scheme or parts.netloc or image.path.startswith(("/", "[[", "{{")) or not parts.path:
            continue
        if not is_file(base / unquote(parts.path)):
            yield _error(image.location, f"image not found: {image.path}")


def _check_placeholders(scenario: Scenario, found: ScanResult) -> Iterator[Diagnostic]:
    hosts = host_limit(scenario)
    for placeholder in found.placeholders:
        name = placeholder.name
        if placeholder.port is not None and not 0 < placeholder.port < 65536:
            yield _error(placeholder.location, f"port {placeholder.port} is not in 1-65535")
        if not name.startswith("TRAFFIC_") and not KATACODA_PLACEHOLDERS.fullmatch(name):
            yield _warning(placeholder.location, f"unknown placeholder '[[{name}]]'")
        match = re.match(r"(?:TRAFFIC_)?HOST(\d+)", name)
        if match and int(match.group(1)) > hosts:
            yield _error(placeholder.location, f"'{name}' names host {match.group(1)}, but {_hosts(hosts)}")


def _hosts(count: int) -> str:
    return "the environment has 1 host" if count == 1 else f"the environment has {count} hosts"


def check_snippet(scenario: Scenario, snippet: Snippet) -> Iterator[Diagnostic]:
    """The rules for one snippet: modifiers, terminal and host numbers, prompts, layout, expectations."""
    where = snippet.location
    token = "{{" + " ".join([snippet.verb, *snippet.modifiers]) + "}}"
    for word in snippet.modifiers:
        yield from _check_modifier(scenario, snippet, word, token)
    if not snippet.text.strip() and snippet.action is not Action.NONE:
        yield _warning(where, f"{token}: the snippet is empty")
    runs = snippet.action in (Action.EXECUTE, Action.COPY) and not snippet.ctrl_seq
    prompts = PROMPTS if not snippet.block else PROMPTS[:1]
    if runs and snippet.text.startswith(prompts):
        prompt = snippet.text[:2]
        yield _warning(where, f"{token}: the snippet starts with a prompt '{prompt}'; learners would type it")
    if scenario.source_format == "katacoda" and snippet.verb in KILLERCODA_ONLY:
        yield _warning(where, f"{token} is Killercoda's; Katacoda {KILLERCODA_ONLY[snippet.verb]}")
    if snippet.action is Action.OPEN and not has_editor(scenario):
        yield _warning(where, _no_editor(scenario, "{{open}}"))
    if (
        snippet.expect is not None or snippet.expect_exit is not None
    ) and snippet.action is not Action.EXECUTE:
        yield _warning(where, f"{token}: expect comments only apply to executed snippets")


def _check_modifier(scenario: Scenario, snippet: Snippet, word: str, token: str) -> Iterator[Diagnostic]:
    where = snippet.location
    terminal, host = TERMINAL_RE.fullmatch(word), HOST_RE.fullmatch(word)
    if (terminal or host or word in FLAG_MODIFIERS) and snippet.action is not Action.EXECUTE:
        yield _warning(where, f"{token}: '{word}' has no effect on {{{{{snippet.verb}}}}}")
    if terminal:
        number = int(terminal.group(1))
        if not 1 <= number <= MAX_TERMINALS:
            yield _error(where, f"{token}: terminal {word} is not in T1-T{MAX_TERMINALS}")
    elif host:
        number, hosts = int(host.group(1)), host_limit(scenario)
        if number < 1 or number > hosts:
            yield _error(where, f"{token}: {word} is not a host of this environment ({_hosts(hosts)})")
    elif word not in FLAG_MODIFIERS:
        hint = _modifier_hint(word)
        if hint:
            yield _warning(where, f"{token}: unknown modifier '{word}' (did you mean '{hint}'?)")


def _modifier_hint(word: str) -> str:
    """The known modifier a free word is probably a typo of, or '' for a deliberate CSS class."""
    if re.fullmatch(r"t\d+", word) or re.fullmatch(r"host\d+", word, re.IGNORECASE):
        return word.upper()
    if word in ("T", "HOST"):
        return f"{word}1"
    close = difflib.get_close_matches(word.lower(), FLAG_MODIFIERS, n=1, cutoff=0.75)
    return close[0] if close and close[0] != word else ""


def is_file(path: Path) -> bool:
    """True for an existing regular file; False for anything else, odd names (NUL bytes) included."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _check_assets(scenario: Scenario) -> Iterator[Diagnostic]:
    for asset in scenario.assets:
        where = asset.location or manifest_location(scenario)
        if asset.chmod is not None and not CHMOD_RE.fullmatch(asset.chmod):
            yield _error(where, f"asset chmod '{asset.chmod}' is not a mode like +x or 755")
        matches = asset_files(scenario.root, asset)
        if not matches:
            yield _error(where, f"asset not found: {_asset_pattern(asset)}")
        for path in matches:
            size = path.stat().st_size
            if size > MAX_ASSET_BYTES:
                shown = path.relative_to(scenario.root).as_posix()
                yield _error(where, f"asset is larger than 1 MB ({size / 1048576:.1f} MB): {shown}")


def _asset_pattern(asset: Asset) -> str:
    return f"{asset.source_dir.rstrip('/')}/{asset.file}" if asset.source_dir else asset.file


def asset_files(root: Path, asset: Asset) -> list[Path]:
    """The files an asset entry names (its `file` may be a glob like `*`, `**`, `app*/*.json`)."""
    base = root / asset.source_dir if asset.source_dir else root
    if not glob.has_magic(asset.file):
        path = base / asset.file
        return [path] if is_file(path) else []
    pattern = str(base / asset.file)
    return sorted(Path(p) for p in glob.glob(pattern, recursive=True) if is_file(Path(p)))
