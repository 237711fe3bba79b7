"""Write a Killercoda scenario (per-step folders); whatever Killercoda cannot express becomes a warning."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scenario import snippets
from scenario.model import Diagnostic, Page, Scenario, Severity, Snippet, SourceLocation
from scenario.writers import pagetext
from scenario.writers.output import (
    Output,
    asset_reference,
    copy_assets,
    page_ids,
    set_dotted,
    shown_path,
    write_tree,
)

_SCRIPTS = ("background", "foreground", "verify")
_TERMINAL = re.compile(r"^T(\d+)$")
_HOST = re.compile(r"^HOST\d+$")
# What each feature Killercoda cannot express turns into; every one is reported as a warning.
LOST = {
    "answer": "Killercoda has no answer pane: the answer is appended as a Solution dropdown",
    "hint": "Killercoda has no hints: the step's hint is left out",
    "open": "Killercoda has no {{open}}: the file name is kept as plain code",
    "terminal": "Killercoda has one terminal: '{word}' is dropped, the snippet runs in it",
    "host": "Killercoda cannot pick a host: '{word}' is dropped, the snippet runs on host01",
    "ctrl-seq": "Killercoda cannot send control sequences: the snippet is kept as plain code",
    "no-newline": "Killercoda cannot type without Enter: the snippet becomes {{copy}}",
    "class": "Killercoda has no snippet classes: '{word}' is dropped",
    "editor": "Killercoda has no copy-to-editor blocks: kept as a plain <pre> block",
    "quiz": "Killercoda has no quizzes: the quiz is kept as plain text",
    "asset-host": "Killercoda uploads assets to host01 only: '{file}' for {host} goes there",
    "dashboards": "Killercoda has no dashboard tabs: environment.dashboards is left out",
    "terminals": "Killercoda has no extra terminal tabs: environment.terminals is left out",
    "uilayout": "Killercoda has no '{layout}' layout: the terminal layout is used",
}


def render(scenario: Scenario) -> Output:
    """Every file of the Killercoda folder, in memory, with a warning for each thing that cannot go over."""
    writer = _Writer(scenario, Output())
    writer.key_location("title")  # loads the manifest's lines for caret lines under its warnings
    details: dict[str, object] = {}
    steps: list[dict[str, object]] = []
    for name, page in page_ids(scenario):
        entry = writer.page(name, page)
        if page.kind == "step":
            steps.append(entry)
        else:
            details[page.kind] = entry
    if steps:
        details["steps"] = steps
    assets = writer.assets()
    if assets:
        details["assets"] = {"host01": assets}
    writer.environment()
    writer.output.json("index.json", writer.manifest(details))
    writer.output.diagnostics.sort(key=lambda diagnostic: diagnostic.location)
    return writer.output


def write(scenario: Scenario, folder: Path) -> list[Diagnostic]:
    """Write the Killercoda scenario into `folder` (wiped first); return the writer's diagnostics."""
    output = render(scenario)
    write_tree(output, folder)
    return output.diagnostics


@dataclass
class _Writer:
    """Renders pages and collects warnings for one scenario."""

    scenario: Scenario
    output: Output
    warned: set[tuple[SourceLocation, str]] = field(default_factory=set)
    sources: dict[str, list[str]] = field(default_factory=dict)  # shown path -> lines, for caret lines

    def warn(self, where: SourceLocation, message: str) -> None:
        """Record one warning (once per place and message)."""
        if (where, message) not in self.warned:
            self.warned.add((where, message))
            lines = self.sources.get(where.path, [])
            source = lines[where.line - 1] if 0 < where.line <= len(lines) else None
            self.output.diagnostics.append(Diagnostic(where, Severity.WARNING, message, source))

    def page(self, name: str, page: Page) -> dict[str, object]:
        """Write `name`/text.md and the page's scripts; return its index.json entry."""
        entry: dict[str, object] = {"text": f"{name}/text.md"}
        if page.title:
            entry["title"] = page.title
        self.output.text(f"{name}/text.md", self.markdown(name, page))
        for script in _SCRIPTS:
            source = getattr(page, script)
            if source:
                entry[script] = f"{name}/{script}.sh"
                self.output.copy(f"{name}/{script}.sh", self.scenario.root / source)
        if page.hint:
            self.warn(self.where(page), LOST["hint"])
        return entry

    def where(self, page: Page) -> SourceLocation:
        """The page's declaration, for page-level warnings."""
        return page.location or SourceLocation(shown_path(self.scenario, page.text_path))

    def markdown(self, name: str, page: Page) -> str:
        """The page text for Killercoda: tokens translated, blocks kept, answer as a Solution dropdown."""
        path = shown_path(self.scenario, page.text_path)
        found = snippets.scan(page.markdown, path)
        self.sources[path] = page.markdown.splitlines()
        for block in found.editor_blocks:
            self.warn(block.location, LOST["editor"])
        for quiz in found.quizzes:
            self.warn(quiz.location, LOST["quiz"])
        text = self.translate(page.markdown, path, found.snippets)
        text = pagetext.rewrite_images(text, lambda reference: self.image(name, page, reference))
        if page.answer:
            self.warn(self.where(page), LOST["answer"])
            answer_path = shown_path(self.scenario, page.answer)
            answer_text = self.read(page.answer)
            found_answer = snippets.scan(answer_text, answer_path).snippets
            answer = self.translate(answer_text, answer_path, found_answer).strip()
            text = text.rstrip("\n") + f"\n\n<details><summary>Solution</summary>\n\n{answer}\n\n</details>\n"
        return text

    def translate(self, markdown: str, path: str, found: Sequence[Snippet]) -> str:
        """Action tokens in Killercoda's dialect, the checker's annotations stripped."""
        only = pagetext.snippet_tokens(markdown, found)
        text = pagetext.rewrite_tokens(markdown, lambda token: self.token(path, token), only)
        return pagetext.strip_annotations(text)

    def exists(self, relative: str) -> bool:
        """Whether a scenario file exists."""
        return (self.scenario.root / relative).is_file()

    def read(self, relative: str) -> str:
        """A scenario file's text ('' when missing)."""
        try:
            return (self.scenario.root / relative).read_text(errors="replace")
        except OSError:
            return ""

    def token(self, path: str, token: pagetext.Token) -> str:
        """Translate one action token to Killercoda's dialect, warning about what is lost."""
        where = pagetext.location(path, token)
        if token.verb == "open":
            self.warn(where, LOST["open"])
            return ""
        kept: list[str] = []
        verb = "exec" if token.verb in ("execute", "exec") else token.verb
        for word in token.modifiers:
            terminal = _TERMINAL.match(word)
            if word == "interrupt" and verb == "exec":
                kept.append(word)
            elif terminal is not None:
                if int(terminal.group(1)) > 1:
                    self.warn(where, LOST["terminal"].format(word=word))
            elif _HOST.match(word):
                self.warn(where, LOST["host"].format(word=word))
            elif word == "ctrl-seq":
                self.warn(where, LOST["ctrl-seq"])
                return "{{}}"
            elif word == "no-newline":
                self.warn(where, LOST["no-newline"])
                verb = "copy"
            else:
                self.warn(where, LOST["class"].format(word=word))
        return pagetext.format_token(verb, kept if verb == "exec" else [])

    def image(self, name: str, page: Page, reference: str) -> str | None:
        """Copy an image next to where the page expects it; return the reference from `name`/text.md."""
        resolved = pagetext.resolve(page.text_path, reference)
        if resolved is None or not self.exists(resolved):
            return None
        self.output.copy(resolved, self.scenario.root / resolved)
        return posixpath.relpath(resolved, name)

    def assets(self) -> list[dict[str, str]]:
        """Every asset, as host01 entries (other hosts warned about)."""
        copy_assets(self.scenario, self.output)
        entries: list[dict[str, str]] = []
        for asset in self.scenario.assets:
            if asset.host != "host01":
                where = asset.location or SourceLocation(self.manifest_path())
                self.warn(where, LOST["asset-host"].format(file=asset.file, host=asset.host))
            entry = {"file": asset_reference(asset), "target": asset.target}
            if asset.chmod:
                entry["chmod"] = asset.chmod
            entries.append(entry)
        return entries

    def manifest_path(self) -> str:
        """The source manifest's path as users see it."""
        name = "scenario.yaml" if self.scenario.source_format == "project" else "index.json"
        return shown_path(self.scenario, name)

    def key_location(self, key: str) -> SourceLocation:
        """Where `key` is first written in the source manifest (the file itself if not found)."""
        path = self.manifest_path()
        if path not in self.sources:
            self.sources[path] = self.read(Path(path).name).splitlines()
        lines = self.sources[path]
        pattern = re.compile(rf"[\"']?\b{re.escape(key)}\b[\"']?\s*:")
        for number, line in enumerate(lines, start=1):
            match = pattern.search(line)
            if match:
                return SourceLocation(path, number, match.start() + 1)
        return SourceLocation(path)

    def environment(self) -> None:
        """Warn about environment settings Killercoda has no place for."""
        env = self.scenario.environment
        if env.dashboards:
            self.warn(self.key_location("dashboards"), LOST["dashboards"])
        if env.terminals:
            self.warn(self.key_location("terminals"), LOST["terminals"])
        if env.uilayout not in ("terminal", ""):
            self.warn(self.key_location("uilayout"), LOST["uilayout"].format(layout=env.uilayout))

    def manifest(self, details: dict[str, object]) -> dict[str, object]:
        """The Killercoda index.json object."""
        scenario = self.scenario
        data: dict[str, object] = {
            "title": scenario.title,
            "details": details,
            "backend": {"imageid": scenario.killercoda_image},
        }
        for key in ("description", "difficulty", "time"):
            if getattr(scenario, key):
                data[key] = getattr(scenario, key)
        if scenario.environment.ide or "editor" in scenario.environment.uilayout:
            data["interface"] = {"layout": "ide"}
        if scenario.source_format == "killercoda":
            for dotted, value in scenario.extra:
                set_dotted(data, dotted, value)
        return data
