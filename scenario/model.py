"""The scenario model: frozen dataclasses shared by readers, validation, writers, the server and the checker."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in a source file; `line` and `col` are 1-based, `path` is as the user should see it."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


class Severity(enum.Enum):
    """How bad a diagnostic is: errors fail a build, warnings fail it only under --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a scenario, printed as `path:line:col: error: message`."""

    location: SourceLocation
    severity: Severity
    message: str
    source_line: str | None = None  # the offending line's text, for a caret line under the fault

    def format(self) -> str:
        """Render as the one-line message users see, plus a caret line when the source line is known."""
        head = f"{self.location}: {self.severity.value}: {self.message}"
        if self.source_line is None or self.location.col <= 0:
            return head
        caret = " " * (self.location.col - 1) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"


class Action(enum.Enum):
    """What a click on a snippet does."""

    EXECUTE = "execute"  # Katacoda {{execute}}, Killercoda {{exec}}
    COPY = "copy"  # {{copy}}
    OPEN = "open"  # {{open}}: show a file from the sandbox
    NONE = "none"  # Killercoda {{}}: explicitly not copyable


@dataclass(frozen=True)
class Snippet:
    """A code span or fenced block followed by an action token, as found in a step's raw Markdown."""

    text: str  # the payload, exactly as it will be typed (fenced: body without the final newline)
    action: Action
    location: SourceLocation  # where the code starts (the opening backtick or fence)
    verb: str  # as written: "execute", "exec", "copy", "open", "" for {{}}
    modifiers: tuple[str, ...] = ()  # every token after the verb, in written order
    terminal: int = 1  # T<n>
    host: int | None = None  # HOST<n>
    interrupt: bool = False
    ctrl_seq: bool = False
    no_newline: bool = False
    classes: tuple[str, ...] = ()  # free words, kept as CSS classes
    block: bool = False  # fenced block rather than inline code
    language: str = ""  # fence info string's first word
    expect: str | None = None  # <!-- expect: REGEX --> under the snippet
    expect_exit: int | None = None  # <!-- expect-exit: N -->
    requires: tuple[str, ...] = ()  # <!-- requires: docker --> under the snippet


@dataclass(frozen=True)
class EditorBlock:
    """A copy-to-editor block: `<pre class="file" data-filename=... data-target=... data-marker=...>`."""

    filename: str
    target: str  # replace | append | prepend | insert | clipboard
    text: str
    location: SourceLocation
    marker: str | None = None


@dataclass(frozen=True)
class QuizAnswer:
    """One answer line of a quiz question."""

    text: str
    correct: bool


@dataclass(frozen=True)
class Quiz:
    """A `>>Q1: question<<` block with its answers."""

    question: str
    kind: str  # exact (===) | contains (=~=) | multiple ([*]/[ ]) | single ((*)/( ))
    answers: tuple[QuizAnswer, ...]
    location: SourceLocation


@dataclass(frozen=True)
class Page:
    """The intro, one step, or the finish page; script paths are relative to the scenario root."""

    kind: str  # intro | step | finish
    title: str
    text_path: str  # relative to the scenario root; "" when the page has no text file
    markdown: str  # the raw Markdown text ("" when missing)
    background: str | None = None  # hidden setup script (Katacoda courseData)
    foreground: str | None = None  # script typed in the visible terminal (Katacoda code)
    verify: str | None = None
    answer: str | None = None  # Katacoda answer markdown
    hint: str | None = None
    requires: tuple[str, ...] = ()  # e.g. ("kubernetes",): the checker skips the page without it
    location: SourceLocation | None = None  # where the page is declared (index.json / scenario.yaml)


@dataclass(frozen=True)
class Asset:
    """Files copied into the learner's environment: `file` may be a glob, relative to `source_dir`."""

    file: str
    target: str
    host: str = "host01"  # client | host01 | host02 ...
    chmod: str | None = None
    source_dir: str = "assets"  # relative to the scenario root
    location: SourceLocation | None = None


@dataclass(frozen=True)
class Terminal:
    """An extra terminal tab opened at start (Katacoda environment.terminals)."""

    name: str
    target: str = "host01"
    command: str | None = None


@dataclass(frozen=True)
class Dashboard:
    """A dashboard tab: a port of the environment or a link."""

    name: str
    port: int | None = None
    href: str | None = None


@dataclass(frozen=True)
class Environment:
    """Where and how the learner works: layout, terminals, dashboards, hosts."""

    uilayout: str = "terminal"
    hosts: int = 1
    terminals: tuple[Terminal, ...] = ()
    dashboards: tuple[Dashboard, ...] = ()
    show_dashboard: bool = False
    editor_path: str = "/root"
    ide: bool = False  # Killercoda interface.layout == "ide"


@dataclass(frozen=True)
class Scenario:
    """A whole scenario, whatever format it was read from."""

    root: Path
    source_format: str  # project | katacoda | killercoda
    title: str
    description: str = ""
    difficulty: str = ""
    time: str = ""  # as written, e.g. "45 minutes"
    intro: Page | None = None
    steps: tuple[Page, ...] = ()
    finish: Page | None = None
    assets: tuple[Asset, ...] = ()
    environment: Environment = field(default_factory=Environment)
    katacoda_image: str = "ubuntu"  # backend.imageid for Katacoda
    killercoda_image: str = "ubuntu"  # backend.imageid for Killercoda
    scenario_type: str = ""  # Katacoda "type", e.g. challenge@0.8
    extra: tuple[tuple[str, object], ...] = ()  # source keys kept for round trips, sorted by key

    @property
    def pages(self) -> tuple[Page, ...]:
        """Intro, steps and finish, in the order a learner meets them."""
        head = (self.intro,) if self.intro else ()
        tail = (self.finish,) if self.finish else ()
        return head + self.steps + tail
