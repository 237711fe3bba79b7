"""The checker's annotations: `<!-- expect: RE -->`, `<!-- expect-exit: N -->`, `<!-- requires: X -->`."""

from __future__ import annotations

import dataclasses
import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from scenario.md_blocks import Block
from scenario.model import Severity, Snippet

KNOWN_REQUIREMENTS = ("docker", "kubernetes")
ANNOTATION_RE = re.compile(r"<!--\s*(expect-exit|expect|requires)\s*:(.*?)-->")
BROKEN_ANNOTATION_RE = re.compile(r"\s*(<!--\s*(expect-exit|expect|requires)\s*:)")
Report = Callable[[Severity, int, int, str], None]  # severity, 0-based line and column, message


@dataclass
class _Context:
    """The page's lines, the snippets being annotated, where their tokens end, and the reporter."""

    lines: list[str]
    snippets: list[Snippet]
    ends: list[tuple[int, int]]
    report: Report


def blank_annotations(line: str, *, strip: bool = True) -> str:
    """The line with its expect/requires comments blanked (no code is sought there), trailing ones cut."""
    blanked = ANNOTATION_RE.sub(lambda match: " " * len(match.group(0)), line)
    if strip and blanked != line and len(blanked.rstrip()) < len(line.rstrip()):
        return blanked.rstrip()
    return blanked


def attach(
    lines: list[str],
    blocks: list[Block],
    snippets: list[Snippet],
    ends: list[tuple[int, int]],
    report: Report,
) -> None:
    """Fill `snippets` (in place) from the comments right after each token (`ends`: where tokens end)."""
    ctx = _Context(lines, snippets, ends, report)
    owner: dict[int, int] = {}  # line of a snippet's action token -> index of the last snippet there
    for number, (line, _col) in enumerate(ctx.ends):
        owner[line] = number
    annotation_lines = {i for b in blocks if b.kind == "annotation" for i in range(b.start, b.end)}
    for index in sorted(annotation_lines):
        probe = index - 1
        while probe in annotation_lines:
            probe -= 1
        _apply(ctx, index, 0, owner.get(probe))
    for line_index, number in sorted(owner.items()):
        _apply(ctx, line_index, ctx.ends[number][1], number)
    for block in blocks:  # comments in running text, before any snippet of their line, are orphans
        for index in range(block.start, block.end) if block.kind == "text" else ():
            stop = ctx.ends[owner[index]][1] if index in owner else len(ctx.lines[index])
            _apply(ctx, index, 0, None, stop)


def _apply(ctx: _Context, index: int, start: int, target: int | None, stop: int = -1) -> None:
    line = ctx.lines[index]
    for match in ANNOTATION_RE.finditer(line, start, stop if stop >= 0 else len(line)):
        col = match.start()
        if target is None:
            ctx.report(
                Severity.WARNING,
                index,
                col,
                f"'{match.group(1)}' comment is not right after a snippet; it is ignored",
            )
            continue
        _apply_one(ctx, index, col, target, match.group(1), match.group(2).strip())


def _apply_one(ctx: _Context, index: int, col: int, target: int, key: str, value: str) -> None:
    snippet = ctx.snippets[target]
    if key == "expect":
        error, doubts = regex_problems(value)
        if error is not None:
            ctx.report(Severity.ERROR, index, col, f"expect: invalid regular expression: {error}")
            return
        for doubt in doubts:
            ctx.report(Severity.WARNING, index, col, f"expect: {doubt}")
        ctx.snippets[target] = _replace(snippet, expect=value)
    elif key == "expect-exit":
        if not re.fullmatch(r"-?\d+", value):
            ctx.report(Severity.ERROR, index, col, f"expect-exit: '{value}' is not an integer")
            return
        ctx.snippets[target] = _replace(snippet, expect_exit=int(value))
    else:
        names = tuple(word for word in re.split(r"[\s,]+", value) if word)
        for name in names:
            if name not in KNOWN_REQUIREMENTS:
                ctx.report(
                    Severity.WARNING,
                    index,
                    col,
                    f"requires: unknown requirement '{name}' (known: {', '.join(KNOWN_REQUIREMENTS)})",
                )
        ctx.snippets[target] = _replace(snippet, requires=snippet.requires + names)


@functools.cache
def regex_problems(pattern: str) -> tuple[str | None, tuple[str, ...]]:
    """Why `pattern` does not compile (or None), and the warnings Python gives about it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            re.compile(pattern, re.UNICODE)  # explicit flag: its own cache entry, so warnings show
        except re.error as error:
            return str(error), ()
    return None, tuple(str(warning.message) for warning in caught)


def _replace(snippet: Snippet, **changes: object) -> Snippet:
    return dataclasses.replace(snippet, **changes)  # type: ignore[arg-type]
