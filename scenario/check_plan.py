"""What the checker will do: the options, the pages in order, each page's clicks (snippets, editor blocks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scenario.markdown_ext import substitute_ports
from scenario.model import Action, EditorBlock, Page, Scenario, Snippet, SourceLocation
from scenario.readers.common import display_path
from scenario.snippets import scan


@dataclass(frozen=True)
class CheckOptions:
    """How to run: the per-snippet timeout, requirements that must be met, how far to go."""

    timeout: float = 120.0
    require: frozenset[str] = frozenset()
    last_step: int | None = None  # stop after this step (1-based)
    verify_fails_first: bool = False
    grace: float = 2.0  # how long a command left running (a server) gets to fail before the run goes on


@dataclass
class Click:
    """One thing a learner clicks, in page order: an execute snippet or a copy-to-editor block."""

    location: SourceLocation
    snippet: Snippet | None = None
    editor: EditorBlock | None = None
    left_running: bool = False  # a later snippet interrupts it, or nothing else runs in its terminal


@dataclass
class PageRun:
    """One page as planned: its label (`step 2`) and its clicks."""

    label: str
    page: Page
    clicks: list[Click] = field(default_factory=list)


def page_label(page: Page, index: int) -> str:
    """`intro`, `step N` or `finish`."""
    return f"step {index}" if page.kind == "step" else page.kind


def plan(scenario: Scenario, options: CheckOptions) -> list[PageRun]:
    """The pages to run, in order, with their clicks; marks the commands left running."""
    pages: list[tuple[str, Page]] = []
    if scenario.intro:
        pages.append(("intro", scenario.intro))
    steps = scenario.steps if options.last_step is None else scenario.steps[: options.last_step]
    pages.extend((page_label(page, number), page) for number, page in enumerate(steps, 1))
    if scenario.finish and options.last_step is None:
        pages.append(("finish", scenario.finish))
    runs = [PageRun(label, page, clicks(scenario, page)) for label, page in pages]
    mark_left_running([click for run in runs for click in run.clicks if click.snippet is not None])
    return runs


def clicks(scenario: Scenario, page: Page) -> list[Click]:
    """A page's execute snippets and editor blocks, in the order they appear."""
    if not page.markdown:
        return []
    found = scan(page.markdown, display_path(scenario.root, page.text_path))
    items = [Click(item.location, snippet=item) for item in found.snippets if item.action is Action.EXECUTE]
    blocks = [block for block in found.editor_blocks if block.target != "clipboard"]
    items += [Click(block.location, editor=block) for block in blocks]
    return sorted(items, key=lambda click: (click.location.line, click.location.col))


def mark_left_running(items: list[Click]) -> None:
    """A command is left running when the next one in its terminal interrupts it, or none comes (T2+)."""
    snippets = [item.snippet for item in items if item.snippet is not None]
    for index, item in enumerate(items):
        terminal = snippets[index].terminal
        later = [other for other in snippets[index + 1 :] if other.terminal == terminal]
        item.left_running = (later[0].interrupt or later[0].ctrl_seq) if later else terminal != 1


def typed(text: str) -> str:
    """A snippet as typed inside the sandbox: port URLs and `[[HOST_IP]]` point at the sandbox itself."""
    text = substitute_ports(text, lambda port: f"http://127.0.0.1:{port}/")
    return text.replace("[[HOST_IP]]", "127.0.0.1").replace("[[HOST1_IP]]", "127.0.0.1")


def control_bytes(text: str) -> str:
    """A ctrl-seq payload as the bytes a keyboard sends: `^C` -> \\x03, `^ESC` -> \\x1b."""
    out: list[str] = []
    for token in re.findall(r"\^ESC|\^.|[^^]+", text.strip()):
        if token == "^ESC":
            out.append("\x1b")
        elif token.startswith("^") and len(token) == 2:
            out.append(chr(ord(token[1].upper()) ^ 0x40))
        else:
            out.append(token)
    return "".join(out)


def editor_path(block: EditorBlock, editor_root: str) -> str:
    """Where a copy-to-editor block writes: its file name, relative to the environment's editor path."""
    if block.filename.startswith(("/", "~")):
        return block.filename
    return f"{editor_root.rstrip('/')}/{block.filename}"


def edited(current: str | None, block: EditorBlock) -> str:
    """The file's text after the click: replaced, appended to, prepended to, or inserted at the marker."""
    text = block.text if block.text.endswith("\n") else block.text + "\n"
    old = current or ""
    if block.target == "append":
        return old + ("" if not old or old.endswith("\n") else "\n") + text
    if block.target == "prepend":
        return text + old
    if block.target == "insert":
        if not block.marker or block.marker not in old:
            raise ValueError(f"marker {block.marker!r} is not in {block.filename}")
        return old.replace(block.marker, text.rstrip("\n"), 1)
    return text
