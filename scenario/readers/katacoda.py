"""Read a Katacoda index.json (and, with the Killercoda dialect, a Killercoda one) into the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
from scenario.readers.common import (
    ReadResult,
    display_path,
    flatten_extra,
    load_page_text,
    read_text,
    source_line,
)
from scenario.readers.jsonloc import KeyPath, LocatedJson, load_json

# Page keys and the model field each fills; camelCase keys live only here and in the Katacoda writer.
_PAGE_SCRIPTS = {
    "courseData": "background",
    "background": "background",
    "code": "foreground",
    "foreground": "foreground",
    "verify": "verify",
    "answer": "answer",
    "hint": "hint",
}
_PAGE_KEYS = frozenset({"title", "text", *_PAGE_SCRIPTS})
_TOP_KEYS = frozenset(
    {"title", "description", "difficulty", "time", "details", "environment", "backend", "type", "interface"}
)
_ENV_KEYS = frozenset(
    {"uilayout", "terminals", "dashboards", "showdashboard", "showdashboards", "uieditorpath"}
)
_DETAILS_KEYS = frozenset({"intro", "steps", "finish", "assets"})


def read(root: Path) -> ReadResult:
    """Read `root`/index.json as a Katacoda scenario."""
    return read_index(root, "katacoda")


def read_index(root: Path, dialect: str) -> ReadResult:
    """Read `root`/index.json; `dialect` (katacoda | killercoda) is recorded as the source format."""
    shown = display_path(root, "index.json")
    text = read_text(root / "index.json")
    if text is None:
        return ReadResult(None, [Diagnostic(SourceLocation(shown), Severity.ERROR, "file not found")])
    located, diagnostics = load_json(text, shown)
    if located is None:
        return ReadResult(None, diagnostics)
    if not isinstance(located.data, dict):
        return ReadResult(None, [located.diagnostic((), "index.json must hold a JSON object")])
    parser = _IndexParser(root, located, dialect)
    scenario = parser.scenario()
    return ReadResult(scenario, parser.diagnostics)


@dataclass
class _IndexParser:
    """Turns a located index.json into a Scenario, collecting diagnostics instead of raising."""

    root: Path
    doc: LocatedJson
    dialect: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    extra: list[tuple[str, object]] = field(default_factory=list)

    def error(self, keys: KeyPath, message: str) -> None:
        """Record an error at `keys`."""
        self.diagnostics.append(self.doc.diagnostic(keys, message))

    def get(self, keys: KeyPath, kind: type, what: str) -> object | None:
        """The value at `keys` when it has type `kind`; a wrong type is reported and gives None."""
        value: object = self.doc.data
        for key in keys:
            if isinstance(value, dict) and isinstance(key, str):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        if value is None:
            return None
        if kind is int and isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind):
            self.error(keys, f"'{_dotted(keys)}' must be {what}")
            return None
        return value

    def string(self, keys: KeyPath, default: str = "") -> str:
        """A string value, or `default`."""
        value = self.get(keys, str, "a string")
        return value if isinstance(value, str) else default

    def scenario(self) -> Scenario:
        """Build the whole scenario."""
        data = self.doc.data
        assert isinstance(data, dict)
        kind = self.string(("type",))
        title = self.string(("title",))
        if "title" not in data and not kind.startswith("jupyter"):
            self.error((), "missing required key 'title'")
        image = self._image()
        details = self.get(("details",), dict, "an object")
        details = details if isinstance(details, dict) else {}
        self.extra.extend(flatten_extra("", data, _TOP_KEYS))
        self.extra.extend(flatten_extra("details.", details, _DETAILS_KEYS))
        if self.dialect == "killercoda":
            self.extra.extend(flatten_extra("interface.", data.get("interface"), frozenset({"layout"})))
        return Scenario(
            root=self.root,
            source_format=self.dialect,
            title=title,
            description=self.string(("description",)),
            difficulty=self.string(("difficulty",)),
            time=self._time(),
            intro=self._page(("details", "intro"), "intro"),
            steps=self._steps(),
            finish=self._page(("details", "finish"), "finish"),
            assets=self._assets(),
            environment=self._environment(),
            katacoda_image=image if self.dialect == "katacoda" else _katacoda_image(image),
            killercoda_image=image if self.dialect == "killercoda" else _killercoda_image(image),
            scenario_type=kind,
            extra=tuple(sorted(self.extra, key=lambda pair: pair[0])),
        )

    def _time(self) -> str:
        value = self.get(("time",), object, "a string")
        return "" if value is None else str(value)

    def _image(self) -> str:
        backend = self.get(("backend",), dict, "an object")
        if not isinstance(backend, dict):
            self.error((), "missing required key 'backend'")
            return "ubuntu"
        self.extra.extend(flatten_extra("backend.", backend, frozenset({"imageid"})))
        image = self.string(("backend", "imageid"))
        if "imageid" not in backend:
            self.error(("backend",), "missing required key 'backend.imageid'")
        return image or "ubuntu"

    def _steps(self) -> tuple[Page, ...]:
        steps = self.get(("details", "steps"), list, "an array")
        if not isinstance(steps, list):
            return ()
        pages = (self._page(("details", "steps", index), "step") for index in range(len(steps)))
        return tuple(page for page in pages if page is not None)

    def _page(self, keys: KeyPath, kind: str) -> Page | None:
        raw = self.get(keys, dict, "an object")
        if not isinstance(raw, dict):
            return None
        prefix = ".".join(str(key) for key in keys) + "."
        self.extra.extend(flatten_extra(prefix, raw, _PAGE_KEYS))
        text_path = self.string((*keys, "text"))
        if "text" not in raw:
            self.error(keys, f"missing required key '{_dotted((*keys, 'text'))}'")
        where = self.doc.where((*keys, "text"))
        shown = source_line(self.doc.lines, where.line)
        markdown = load_page_text(self.root, text_path, where, self.diagnostics, shown)
        scripts: dict[str, str] = {}
        for key, name in _PAGE_SCRIPTS.items():
            value = self.string((*keys, key))
            if value and name not in scripts:
                scripts[name] = value
        return Page(
            kind=kind,
            title=self.string((*keys, "title")),
            text_path=text_path,
            markdown=markdown,
            location=self.doc.where(keys),
            **scripts,  # type: ignore[arg-type]
        )

    def _assets(self) -> tuple[Asset, ...]:
        hosts = self.get(("details", "assets"), dict, "an object")
        if not isinstance(hosts, dict):
            return ()
        assets: list[Asset] = []
        for host in hosts:
            entries = self.get(("details", "assets", host), list, "an array")
            for index in range(len(entries) if isinstance(entries, list) else 0):
                asset = self._asset(("details", "assets", host, index), host)
                if asset is not None:
                    assets.append(asset)
        return tuple(assets)

    def _asset(self, keys: KeyPath, host: str) -> Asset | None:
        raw = self.get(keys, dict, "an object")
        if not isinstance(raw, dict):
            return None
        for required in ("file", "target"):
            if required not in raw:
                self.error(keys, f"missing required key '{_dotted((*keys, required))}'")
        chmod = self.get((*keys, "chmod"), object, "a string")
        return Asset(
            file=self.string((*keys, "file")),
            target=self.string((*keys, "target")),
            host=host,
            chmod=None if chmod is None else str(chmod),
            location=self.doc.where(keys),
        )

    def _environment(self) -> Environment:
        if self.dialect == "killercoda":
            layout = self.string(("interface", "layout"))
            return Environment(ide=layout == "ide")
        env = self.get(("environment",), dict, "an object")
        if not isinstance(env, dict):
            return Environment()
        self.extra.extend(flatten_extra("environment.", env, _ENV_KEYS))
        show = env.get("showdashboard", env.get("showdashboards", False))
        return Environment(
            uilayout=self.string(("environment", "uilayout"), "terminal"),
            terminals=self._terminals(),
            dashboards=self._dashboards(),
            show_dashboard=bool(show),
            editor_path=self.string(("environment", "uieditorpath"), "/root"),
        )

    def _terminals(self) -> tuple[Terminal, ...]:
        items = self.get(("environment", "terminals"), list, "an array")
        terminals: list[Terminal] = []
        for index in range(len(items) if isinstance(items, list) else 0):
            keys: KeyPath = ("environment", "terminals", index)
            if isinstance(self.get(keys, dict, "an object"), dict):
                command = self.string((*keys, "command"))
                target = self.string((*keys, "target"), "host01")
                terminals.append(Terminal(self.string((*keys, "name")), target, command or None))
        return tuple(terminals)

    def _dashboards(self) -> tuple[Dashboard, ...]:
        items = self.get(("environment", "dashboards"), list, "an array")
        dashboards: list[Dashboard] = []
        for index in range(len(items) if isinstance(items, list) else 0):
            keys: KeyPath = ("environment", "dashboards", index)
            if isinstance(self.get(keys, dict, "an object"), dict):
                port = self.get((*keys, "port"), int, "a number")
                href = self.string((*keys, "href"))
                name = self.string((*keys, "name"))
                dashboards.append(Dashboard(name, port if isinstance(port, int) else None, href or None))
        return tuple(dashboards)


def _katacoda_image(killercoda: str) -> str:
    """The nearest Katacoda image for a Killercoda one."""
    return "kubernetes-cluster-running:1.18" if killercoda.startswith("kubernetes") else "ubuntu"


def _killercoda_image(katacoda: str) -> str:
    """The nearest Killercoda image for a Katacoda one (Killercoda has ubuntu and Kubernetes images only)."""
    if katacoda.startswith(("kubernetes", "minikube", "openshift")):
        return "kubernetes-kubeadm-1node"
    return "ubuntu"


def _dotted(keys: KeyPath) -> str:
    parts: list[str] = []
    for key in keys:
        if isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key}]" if parts else f"[{key}]"
        else:
            parts.append(key)
    return ".".join(parts)
