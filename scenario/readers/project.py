"""Read this project's scenario.yaml (composed YAML nodes, so every problem has a line and column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from scenario.model import (
    Asset,
    Dashboard,
    Diagnostic,
    Environment,
    Page,
    Scenario,
    Severity,
    SourceLocation,
    Terminal,
)
from scenario.readers.common import ReadResult, display_path, load_page_text, read_text, source_line

_TOP_KEYS = frozenset(
    {"title", "description", "difficulty", "time", "backend", "environment"}
    | {"intro", "finish", "steps", "assets"}
)
_BACKEND_KEYS = frozenset({"katacoda", "killercoda"})
_ENV_KEYS = frozenset({"uilayout", "hosts", "terminals", "dashboards", "showdashboard", "editorpath", "ide"})
_PAGE_KEYS = frozenset({"title", "text", "background", "foreground", "verify", "answer", "hint", "requires"})
_TERMINAL_KEYS = frozenset({"name", "target", "command"})
_DASHBOARD_KEYS = frozenset({"name", "port", "href"})
_ASSET_KEYS = frozenset({"file", "source", "target", "chmod", "host"})
_REQUIRES = frozenset({"docker", "kubernetes"})


def read(root: Path) -> ReadResult:
    """Read `root`/scenario.yaml and the page files it names."""
    shown = display_path(root, "scenario.yaml")
    text = read_text(root / "scenario.yaml")
    if text is None:
        return ReadResult(None, [Diagnostic(SourceLocation(shown), Severity.ERROR, "file not found")])
    lines = text.splitlines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        return ReadResult(None, [_yaml_error(error, shown, lines)])
    except yaml.reader.ReaderError as error:
        return ReadResult(None, [_reader_error(error, shown, text)])
    parser = _YamlParser(root, shown, lines)
    if not isinstance(node, MappingNode):
        where = parser.at(node) if node is not None else SourceLocation(shown, 1, 1)
        return ReadResult(None, [Diagnostic(where, Severity.ERROR, "scenario.yaml must hold a mapping")])
    scenario = parser.scenario(node)
    return ReadResult(scenario, parser.diagnostics)


def _yaml_error(error: yaml.MarkedYAMLError, shown: str, lines: list[str]) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = f"invalid YAML: {error.problem or error.context}"
    source = lines[line - 1] if 0 < line <= len(lines) else None
    return Diagnostic(SourceLocation(shown, line, col), Severity.ERROR, message, source)


def _reader_error(error: yaml.reader.ReaderError, shown: str, text: str) -> Diagnostic:
    """A character YAML refuses (NUL, other control characters), at its line and column."""
    before = text[: error.position]
    line = before.count("\n") + 1
    col = error.position - (before.rfind("\n") + 1) + 1
    code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
    message = f"invalid YAML: character #x{code:04x} is not allowed"
    return Diagnostic(SourceLocation(shown, line, col), Severity.ERROR, message)


@dataclass
class _YamlParser:
    """Walks composed YAML nodes into the model, collecting diagnostics instead of raising."""

    root: Path
    shown: str
    lines: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at(self, node: Node) -> SourceLocation:
        """Where `node` starts."""
        return SourceLocation(self.shown, node.start_mark.line + 1, node.start_mark.column + 1)

    def report(self, node: Node, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a diagnostic at `node`, with its source line."""
        where = self.at(node)
        source = self.lines[where.line - 1] if 0 < where.line <= len(self.lines) else None
        self.diagnostics.append(Diagnostic(where, severity, message, source))

    def mapping(self, node: Node, what: str, known: frozenset[str]) -> dict[str, Node]:
        """A mapping node's items by key; unknown keys are warnings, a non-mapping an error."""
        if not isinstance(node, MappingNode):
            self.report(node, f"'{what}' must be a mapping")
            return {}
        items: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, f"keys in {what} must be plain names")
                continue
            key = str(key_node.value)
            if key not in known:
                self.report(key_node, f"unknown key '{key}' in {what}", Severity.WARNING)
            items[key] = value_node
        return items

    def sequence(self, node: Node | None, what: str) -> list[Node]:
        """A sequence node's items; anything else is an error."""
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{what}' must be a list")
            return []
        return list(node.value)

    def string(self, items: dict[str, Node], key: str, what: str, default: str = "") -> str:
        """A scalar value as a string (numbers allowed), or `default`."""
        node = items.get(key)
        if node is None:
            return default
        if not isinstance(node, ScalarNode):
            self.report(node, f"'{what}.{key}' must be a string" if what else f"'{key}' must be a string")
            return default
        return str(node.value)

    def value(self, node: Node) -> object:
        """The Python value of a scalar node (int, bool, str...); None when its tag cannot be built."""
        try:
            return yaml.SafeLoader("").construct_object(node, deep=True)
        except yaml.YAMLError:
            return None

    def required(self, items: dict[str, Node], key: str, node: Node, what: str) -> None:
        """Report `key` missing from the mapping `node`."""
        if key not in items:
            self.report(node, f"missing required key '{key}'" + (f" in {what}" if what else ""))

    def scenario(self, node: MappingNode) -> Scenario:
        """Build the whole scenario."""
        items = self.mapping(node, "scenario.yaml", _TOP_KEYS)
        self.required(items, "title", node, "")
        backend = self.mapping(items["backend"], "backend", _BACKEND_KEYS) if "backend" in items else {}
        steps = [
            self.page(step, "step", f"steps[{index}]")
            for index, step in enumerate(self.sequence(items.get("steps"), "steps"))
        ]
        return Scenario(
            root=self.root,
            source_format="project",
            title=self.string(items, "title", ""),
            description=self.string(items, "description", ""),
            difficulty=self.string(items, "difficulty", ""),
            time=self.string(items, "time", ""),
            intro=self.page(items["intro"], "intro", "intro") if "intro" in items else None,
            steps=tuple(page for page in steps if page is not None),
            finish=self.page(items["finish"], "finish", "finish") if "finish" in items else None,
            assets=self.assets(items.get("assets")),
            environment=self.environment(items.get("environment")),
            katacoda_image=self.string(backend, "katacoda", "backend", "ubuntu"),
            killercoda_image=self.string(backend, "killercoda", "backend", "ubuntu"),
        )

    def page(self, node: Node, kind: str, what: str) -> Page | None:
        """One intro, step or finish page."""
        items = self.mapping(node, what, _PAGE_KEYS)
        if not items and not isinstance(node, MappingNode):
            return None
        self.required(items, "text", node, what)
        if kind == "step":
            self.required(items, "title", node, what)
        text_path = self.string(items, "text", what)
        where = self.at(items["text"]) if "text" in items else self.at(node)
        shown = source_line(self.lines, where.line)
        markdown = load_page_text(self.root, text_path, where, self.diagnostics, shown)
        names = ("background", "foreground", "verify", "answer", "hint")
        scripts = {key: self.string(items, key, what) or None for key in names}
        return Page(
            kind=kind,
            title=self.string(items, "title", what),
            text_path=text_path,
            markdown=markdown,
            requires=self.requires(items.get("requires"), what),
            location=self.at(node),
            **scripts,
        )

    def requires(self, node: Node | None, what: str) -> tuple[str, ...]:
        """A page's `requires: [docker, kubernetes]`."""
        names: list[str] = []
        for item in self.sequence(node, f"{what}.requires"):
            name = str(item.value) if isinstance(item, ScalarNode) else ""
            if name not in _REQUIRES:
                self.report(item, f"'{what}.requires' items must be one of: docker, kubernetes")
                continue
            names.append(name)
        return tuple(names)

    def assets(self, node: Node | None) -> tuple[Asset, ...]:
        """The assets list."""
        assets: list[Asset] = []
        for index, item in enumerate(self.sequence(node, "assets")):
            what = f"assets[{index}]"
            items = self.mapping(item, what, _ASSET_KEYS)
            if not isinstance(item, MappingNode):
                continue
            self.required(items, "file", item, what)
            self.required(items, "target", item, what)
            chmod = self.string(items, "chmod", what)
            assets.append(
                Asset(
                    file=self.string(items, "file", what),
                    target=self.string(items, "target", what),
                    host=self.string(items, "host", what, "host01"),
                    chmod=chmod or None,
                    source_dir=self.string(items, "source", what, "assets").strip("/") or "assets",
                    location=self.at(item),
                )
            )
        return tuple(assets)

    def environment(self, node: Node | None) -> Environment:
        """The environment mapping (every key optional)."""
        if node is None:
            return Environment()
        items = self.mapping(node, "environment", _ENV_KEYS)
        hosts = self.integer(items.get("hosts"), "environment.hosts", 1)
        return Environment(
            uilayout=self.string(items, "uilayout", "environment", "terminal"),
            hosts=hosts,
            terminals=self.terminals(items.get("terminals")),
            dashboards=self.dashboards(items.get("dashboards")),
            show_dashboard=self.boolean(items.get("showdashboard"), "environment.showdashboard"),
            editor_path=self.string(items, "editorpath", "environment", "/root"),
            ide=self.boolean(items.get("ide"), "environment.ide"),
        )

    def integer(self, node: Node | None, what: str, default: int) -> int:
        """A positive integer scalar."""
        if node is None:
            return default
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.report(node, f"'{what}' must be a positive integer")
            return default
        return value

    def boolean(self, node: Node | None, what: str) -> bool:
        """A true/false scalar."""
        if node is None:
            return False
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            self.report(node, f"'{what}' must be true or false")
            return False
        return value

    def terminals(self, node: Node | None) -> tuple[Terminal, ...]:
        """environment.terminals."""
        terminals: list[Terminal] = []
        for index, item in enumerate(self.sequence(node, "environment.terminals")):
            what = f"environment.terminals[{index}]"
            items = self.mapping(item, what, _TERMINAL_KEYS)
            if isinstance(item, MappingNode):
                self.required(items, "name", item, what)
                command = self.string(items, "command", what)
                target = self.string(items, "target", what, "host01")
                terminals.append(Terminal(self.string(items, "name", what), target, command or None))
        return tuple(terminals)

    def dashboards(self, node: Node | None) -> tuple[Dashboard, ...]:
        """environment.dashboards."""
        dashboards: list[Dashboard] = []
        for index, item in enumerate(self.sequence(node, "environment.dashboards")):
            what = f"environment.dashboards[{index}]"
            items = self.mapping(item, what, _DASHBOARD_KEYS)
            if isinstance(item, MappingNode):
                self.required(items, "name", item, what)
                port = self.integer(items["port"], f"{what}.port", 0) if "port" in items else 0
                href = self.string(items, "href", what)
                dashboards.append(Dashboard(self.string(items, "name", what), port or None, href or None))
        return tuple(dashboards)
