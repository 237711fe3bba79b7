"""The snippet grammar: one scanner over a page's raw Markdown that finds snippets with path:line:col."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from scenario import annotate
from scenario.annotate import BROKEN_ANNOTATION_RE, blank_annotations
from scenario.md_blocks import (
    EDITOR_TARGETS,
    HEADING_RE,
    LIST_ITEM_RE,
    QUESTION_RE,
    QUOTE_RE,
    Block,
    editor_content,
    ends_paragraph,
    quiz_answer,
    segment,
)
from scenario.model import (
    Action,
    Diagnostic,
    EditorBlock,
    Quiz,
    QuizAnswer,
    Severity,
    Snippet,
    SourceLocation,
)

VERBS: dict[str, Action] = {
    "execute": Action.EXECUTE,
    "exec": Action.EXECUTE,
    "copy": Action.COPY,
    "open": Action.OPEN,
}
FLAG_MODIFIERS = ("interrupt", "ctrl-seq", "no-newline")

# The same code-span pattern as Python-Markdown's backtick pattern: one line, closing run of equal length.
CODE_SPAN_RE = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")
# A `{{...}}` token; an action only when it directly follows code and its first word is a known verb.
TOKEN_RE = re.compile(r"\{\{([^{}\n]*)\}\}")
LOOSE_TOKEN_RE = re.compile(r"[ \t]+\{\{([^{}\n]*)\}\}")
WORDS_RE = re.compile(r"[A-Za-z][\w-]*(?:[ \t]+[\w-]+)*")
IMAGE_MD_RE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
IMAGE_TAG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
# Katacoda's port URL; one port link however it is spelt (with or without scheme and domain placeholder).
KATACODA_URL_RE = re.compile(
    r"(?:https?://)?\[\[(?P<host>HOST\d*_SUBDOMAIN|CLIENT_SUBDOMAIN)\]\]-(?:(?P<port>\d+)-)?"
    r"\[\[KATACODA_HOST\]\]\.(?:environments\.katacoda\.com|\[\[KATACODA_DOMAIN\]\])"
)
KATACODA_PLACEHOLDER_RE = re.compile(r"\[\[([A-Z][A-Z0-9_]*)\]\]")
TRAFFIC_RE = re.compile(r"\{\{(TRAFFIC_HOST(\d+)_(\d+)|TRAFFIC_SELECTOR)\}\}")
CODE_SPAN_DOTALL_RE = re.compile(CODE_SPAN_RE.pattern, re.DOTALL)
TERMINAL_RE = re.compile(r"T(\d+)")
HOST_RE = re.compile(r"HOST(\d+)")


@dataclass(frozen=True)
class Placeholder:
    """A `[[HOST_SUBDOMAIN]]`-style or `{{TRAFFIC_HOST1_8080}}` placeholder; `port` when it names one."""

    name: str
    port: int | None
    location: SourceLocation


@dataclass(frozen=True)
class ImageRef:
    """An image a page shows (Markdown `![](...)` or `<img src>`), as written."""

    path: str
    location: SourceLocation


@dataclass(frozen=True)
class ScanResult:
    """Everything the scanner found in one page, in document order."""

    snippets: tuple[Snippet, ...] = ()
    editor_blocks: tuple[EditorBlock, ...] = ()
    quizzes: tuple[Quiz, ...] = ()
    placeholders: tuple[Placeholder, ...] = ()
    images: tuple[ImageRef, ...] = ()
    # where each snippet's action token (`{{`) starts, aligned with `snippets`: for rewriting tokens
    action_tokens: tuple[SourceLocation, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class ActionToken:
    """A parsed `{{verb modifiers...}}` token."""

    verb: str
    action: Action
    modifiers: tuple[str, ...]


@dataclass
class _Collector:
    """Mutable lists filled while scanning one page."""

    path: str
    lines: list[str]
    snippets: list[Snippet] = field(default_factory=list)
    ends: list[tuple[int, int]] = field(default_factory=list)  # (line, col) after each snippet's token
    tokens: list[SourceLocation] = field(default_factory=list)  # where each snippet's token starts
    editor_blocks: list[EditorBlock] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at(self, line: int, col: int) -> SourceLocation:
        """A location from a 0-based line index and a 0-based column."""
        return SourceLocation(self.path, line + 1, col + 1)

    def report(self, severity: Severity, line: int, col: int, message: str) -> None:
        """Record a diagnostic at a 0-based line and column, with the source line for the caret."""
        source = self.lines[line] if 0 <= line < len(self.lines) else None
        self.diagnostics.append(Diagnostic(self.at(line, col), severity, message, source))


def parse_action(inner: str) -> ActionToken | None:
    """The action of a `{{...}}` token's inside, or None when it is not a known action."""
    if inner == "":
        return ActionToken("", Action.NONE, ())
    if inner[0].isspace():
        return None
    words = inner.split()
    action = VERBS.get(words[0])
    if action is None:
        return None
    return ActionToken(words[0], action, tuple(words[1:]))


def looks_like_action(inner: str) -> bool:
    """True for a `{{word ...}}` that is plainly meant as an action (not a template or a placeholder)."""
    if TRAFFIC_RE.fullmatch("{{" + inner + "}}"):
        return False
    return WORDS_RE.fullmatch(inner.strip()) is not None


def suggest_verb(inner: str) -> str:
    """A ' (did you mean ...?)' hint for a misspelt verb, or ''."""
    words = inner.split()
    first = words[0].lower() if words else ""
    if first in VERBS:
        return f" (did you mean '{{{{{' '.join([first, *words[1:]])}}}}}'?)"
    close = difflib.get_close_matches(first, list(VERBS), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def make_snippet(
    text: str, token: ActionToken, location: SourceLocation, *, block: bool = False, language: str = ""
) -> Snippet:
    """Build a Snippet from its payload and parsed action token (modifiers decoded, free words kept)."""
    terminal, host = 1, None
    flags = dict.fromkeys(FLAG_MODIFIERS, False)
    classes: list[str] = []
    for word in token.modifiers:
        if (term := TERMINAL_RE.fullmatch(word)) is not None:
            terminal = int(term.group(1))
        elif (hostm := HOST_RE.fullmatch(word)) is not None:
            host = int(hostm.group(1))
        elif word in flags:
            flags[word] = True
        else:
            classes.append(word)
    return Snippet(
        text=text,
        action=token.action,
        location=location,
        verb=token.verb,
        modifiers=token.modifiers,
        terminal=terminal,
        host=host,
        interrupt=flags["interrupt"],
        ctrl_seq=flags["ctrl-seq"],
        no_newline=flags["no-newline"],
        classes=tuple(classes),
        block=block,
        language=language,
    )


def inline_payload(raw: str) -> str:
    """The text an inline code span types: its content, line breaks as spaces, without surrounding blanks."""
    return raw.replace("\n", " ").strip()


def fence_language(info: str) -> str:
    """The language of a fence info string: `yaml{2,5}` -> yaml, `{.sh}` -> sh, `sh title=x` -> sh."""
    info = info.strip().lstrip("{").lstrip(".")
    match = re.match(r"[\w#+.-]*", info)
    return match.group(0) if match else ""


def fence_highlights(info: str) -> tuple[int, ...]:
    """The Killercoda line highlights of a fence info string: `yaml{2,5-6}` -> (2, 5, 6)."""
    match = re.search(r"\{([\d,\s-]+)\}", info)
    if match is None:
        return ()
    lines: list[int] = []
    for part in match.group(1).split(","):
        bounds = part.strip().split("-")
        if all(b.isdigit() for b in bounds) and 1 <= len(bounds) <= 2:
            lines.extend(range(int(bounds[0]), int(bounds[-1]) + 1))
    return tuple(lines)


def code_spans(line: str) -> Iterator[re.Match[str]]:
    """Code spans of one line of Markdown text, left to right, as Python-Markdown finds them."""
    return CODE_SPAN_RE.finditer(line)


def scan(text: str, path: str) -> ScanResult:
    """Scan a page's raw Markdown: snippets, editor blocks, quizzes, placeholders, images, diagnostics."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = _Collector(path, lines)
    blocks = segment(lines)
    _scan_blocks(out, blocks)
    _scan_placeholders(out)
    annotate.attach(out.lines, blocks, out.snippets, out.ends, out.report)
    return ScanResult(
        snippets=tuple(out.snippets),
        editor_blocks=tuple(out.editor_blocks),
        quizzes=tuple(out.quizzes),
        placeholders=tuple(out.placeholders),
        images=tuple(out.images),
        action_tokens=tuple(out.tokens),
        diagnostics=tuple(sorted(out.diagnostics, key=lambda d: (d.location.line, d.location.col))),
    )


def _scan_blocks(out: _Collector, blocks: list[Block]) -> None:
    """Scan text lines paragraph by paragraph (as Python-Markdown groups them) and the other blocks."""
    run: list[int] = []
    for block in blocks:
        if block.kind == "text" and out.lines[block.start].strip():
            if run and _starts_paragraph(out.lines, run, block.start):
                _scan_text_run(out, run)
                run = []
            run.append(block.start)
            continue
        _scan_text_run(out, run)
        run = []
        _scan_block(out, block)
    _scan_text_run(out, run)


def _starts_paragraph(lines: list[str], run: list[int], index: int) -> bool:
    """True when line `index` cannot continue the paragraph made of the lines in `run`."""
    line, previous = lines[index], lines[run[-1]]
    if ends_paragraph(previous, True) or HEADING_RE.match(line) or QUOTE_RE.match(line):
        return True
    return bool(LIST_ITEM_RE.match(line) and LIST_ITEM_RE.match(lines[run[0]]))


def _scan_block(out: _Collector, block: Block) -> None:
    if block.kind == "fence":
        _scan_fence(out, block)
    elif block.kind == "editor":
        _scan_editor(out, block)
    elif block.kind == "quiz":
        _scan_quiz(out, block)
    elif block.kind == "html":
        for index in range(block.start, block.end):
            _scan_images(out, index, out.lines[index], IMAGE_TAG_RE)
        broken = BROKEN_ANNOTATION_RE.match(out.lines[block.start])
        if broken is not None:
            out.report(
                Severity.WARNING,
                block.start,
                broken.start(1),
                f"'{broken.group(2)}' comment must be on one line "
                f"(<!-- {broken.group(2)}: ... -->); it is ignored",
            )


def _scan_text_run(out: _Collector, run: list[int]) -> None:
    """Scan consecutive text lines (one paragraph): code spans may cross lines, as in Python-Markdown."""
    if not run:
        return
    starts: list[int] = []
    offset = 0
    for index in run:
        starts.append(offset)
        offset += len(out.lines[index]) + 1
    joined = "\n".join(blank_annotations(out.lines[index], strip=False) for index in run)
    masked = list(joined)

    def where(pos: int) -> tuple[int, int]:
        row = bisect.bisect_right(starts, pos) - 1
        return run[row], pos - starts[row]

    for match in CODE_SPAN_DOTALL_RE.finditer(joined):
        masked[match.start() : match.end()] = [" " if c != "\n" else c for c in match.group(0)]
        payload = inline_payload(match.group(2))
        _check_after_code(out, where(match.start()), where(match.end()), payload)
    for row, line in enumerate("".join(masked).split("\n")):
        _scan_images(out, run[row], line, IMAGE_MD_RE)
        _scan_images(out, run[row], line, IMAGE_TAG_RE)


def _check_after_code(out: _Collector, begin: tuple[int, int], stop: tuple[int, int], payload: str) -> None:
    """Record the snippet whose action token follows the code ending at `stop`, or warn about near misses."""
    token = _token_after(out, *stop)
    if token is not None:
        out.snippets.append(make_snippet(payload, token, out.at(*begin)))


def _token_after(out: _Collector, index: int, end: int) -> ActionToken | None:
    """The action token right at (index, end), recording where it ends; warn about near misses."""
    line = out.lines[index]
    token_match = TOKEN_RE.match(line, end)
    if token_match is not None:
        inner = token_match.group(1)
        token = parse_action(inner)
        if token is not None:
            out.ends.append((index, token_match.end()))
            out.tokens.append(out.at(index, token_match.start()))
        elif looks_like_action(inner):
            _warn_unknown(out, index, end, inner)
        return token
    loose = LOOSE_TOKEN_RE.match(line, end)
    if loose is not None and parse_action(loose.group(1)) is not None and loose.group(1):
        out.report(
            Severity.WARNING,
            index,
            loose.start(1) - 2,
            f"'{{{{{loose.group(1)}}}}}' is separated from the code before it, so it is not an action; "
            "remove the space",
        )
    return None


def _warn_unknown(out: _Collector, index: int, col: int, inner: str) -> None:
    out.report(
        Severity.WARNING,
        index,
        col,
        f"unknown action '{{{{{inner}}}}}' after code{suggest_verb(inner)}; "
        "known actions: execute, exec, copy, open, {{}}",
    )


def _scan_fence(out: _Collector, block: Block) -> None:
    fence = block.fence
    assert fence is not None
    if fence.close is None:
        out.report(Severity.WARNING, block.start, fence.indent, "code fence is never closed")
        return
    token = _token_after(out, fence.close, fence.close_end)
    if token is None:
        return
    body = "\n".join(fence_body(out.lines, block))
    location = out.at(block.start, fence.indent)
    out.snippets.append(make_snippet(body, token, location, block=True, language=fence_language(fence.info)))


def fence_body(lines: list[str], block: Block) -> list[str]:
    """The lines of a fenced block's body, with the opening fence's indentation removed."""
    fence = block.fence
    assert fence is not None
    stop = fence.close if fence.close is not None else block.end
    body: list[str] = []
    for line in lines[block.start + 1 : stop]:
        strip = min(fence.indent, len(line) - len(line.lstrip(" ")))
        body.append(line[strip:])
    return body


def _scan_editor(out: _Collector, block: Block) -> None:
    attrs, text = editor_content(out.lines, block)
    col = out.lines[block.start].lower().index("<pre")
    if "</pre>" not in "\n".join(out.lines[block.start : block.end]).lower():
        out.report(Severity.ERROR, block.start, col, '<pre class="file"> is never closed with </pre>')
    target = attrs.get("data-target", "replace")
    if target not in EDITOR_TARGETS:
        out.report(
            Severity.ERROR,
            block.start,
            col,
            f"unknown data-target '{target}' (expected one of: {', '.join(EDITOR_TARGETS)})",
        )
    filename = attrs.get("data-filename", "")
    if not filename and target != "clipboard":
        out.report(Severity.ERROR, block.start, col, "copy-to-editor block has no data-filename")
    out.editor_blocks.append(
        EditorBlock(filename, target, text, out.at(block.start, col), attrs.get("data-marker"))
    )


def _scan_quiz(out: _Collector, block: Block) -> None:
    question_match = QUESTION_RE.match(out.lines[block.start])
    assert question_match is not None
    col = len(out.lines[block.start]) - len(out.lines[block.start].lstrip())
    kinds: list[str] = []
    answers: list[QuizAnswer] = []
    for index in range(block.start + 1, block.end):
        parsed = quiz_answer(out.lines[index])
        assert parsed is not None
        if kinds and parsed[0] != kinds[0]:
            out.report(
                Severity.ERROR, index, 0, f"quiz answer of kind '{parsed[0]}' in a '{kinds[0]}' question"
            )
        kinds.append(parsed[0])
        answers.append(parsed[1])
    kind = kinds[0] if kinds else ""
    if not answers:
        out.report(
            Severity.ERROR,
            block.start,
            col,
            "quiz question has no answers (answers must follow the question line, no blank line between)",
        )
    elif kind in ("multiple", "single") and not any(a.correct for a in answers):
        out.report(Severity.ERROR, block.start, col, "quiz question has no correct answer (mark one with *)")
    elif kind == "single" and sum(a.correct for a in answers) > 1:
        out.report(Severity.ERROR, block.start, col, "single-choice quiz question has more than one (*)")
    out.quizzes.append(Quiz(question_match.group(1), kind, tuple(answers), out.at(block.start, col)))


def _scan_images(out: _Collector, index: int, line: str, pattern: re.Pattern[str]) -> None:
    for match in pattern.finditer(line):
        out.images.append(ImageRef(match.group(1), out.at(index, match.start(1))))


def placeholders_in(line: str) -> Iterator[tuple[int, int, str, int | None]]:
    """(start, end, name, port) of every placeholder in a line, Katacoda port URLs as one placeholder."""
    found: list[tuple[int, int, str, int | None]] = []
    taken: list[tuple[int, int]] = []
    for match in KATACODA_URL_RE.finditer(line):
        port = int(match.group("port")) if match.group("port") else None
        found.append((match.start(), match.end(), match.group("host"), port))
        taken.append(match.span())
    for match in KATACODA_PLACEHOLDER_RE.finditer(line):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match.start(), match.end(), match.group(1), None))
    for match in TRAFFIC_RE.finditer(line):
        port = int(match.group(3)) if match.group(3) else None
        found.append((match.start(), match.end(), match.group(1), port))
    return iter(sorted(found))


def _scan_placeholders(out: _Collector) -> None:
    for index, line in enumerate(out.lines):
        for start, _end, name, port in placeholders_in(line):
            out.placeholders.append(Placeholder(name, port, out.at(index, start)))
