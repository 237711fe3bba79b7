"""Block structure of a step's Markdown (fences, raw HTML, editor blocks, quizzes) and their contents."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from scenario.model import QuizAnswer

FENCE_OPEN_RE = re.compile(r"(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
ANNOTATION_LINE_RE = re.compile(r"\s*(?:<!--\s*(?:expect-exit|expect|requires)\s*:.*?-->\s*)+")
QUESTION_RE = re.compile(r" {0,3}>>\s*Q\d*\s*:?\s*(.*?)\s*<<\s*$")
ANSWER_LINE_RE = re.compile(r"\s*(?:===|=~=|\[[ *xX]\]|\([ *xX]\))")
HEADING_RE = re.compile(r"#")  # Python-Markdown: a `#` at the margin starts a heading, space or not
RULE_RE = re.compile(r" {0,3}([-*_])(?:\s*\1){2,}\s*$")
SETEXT_RE = re.compile(r" {0,3}(?:=+|-+)\s*$")
QUOTE_RE = re.compile(r" {0,3}>")
LIST_ITEM_RE = re.compile(r" {0,3}(?:[*+-]|\d+[.)])(?:\s|$)")
EDITOR_RE = re.compile(r" {0,3}<pre\b[^>]*\bclass\s*=\s*[\"']?[^\"'>]*\bfile\b", re.IGNORECASE)
EDITOR_ATTR_RE = re.compile(r"\bdata-(?:target|filename)\s*=", re.IGNORECASE)
RAW_RE = re.compile(r" {0,3}<(pre|script|style|textarea)(?:\s|>|$)", re.IGNORECASE)
BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|"
    "dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|"
    "hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|"
    "section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
BLOCK_TAG_RE = re.compile(rf" {{0,3}}</?(?:{BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
LONE_TAG_RE = re.compile(
    r" {0,3}(?:<[A-Za-z][\w-]*(?:\s+[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
    r"|</[A-Za-z][\w-]*\s*>)\s*$"
)


@dataclass(frozen=True)
class Fence:
    """A fenced code block's opening and closing: `close` is the closing line's index (None: unclosed)."""

    indent: int
    marker: str
    info: str
    close: int | None
    close_end: int  # column right after the closing fence's characters (where an action token starts)


@dataclass(frozen=True)
class Block:
    """A run of lines [start, end) of one kind: text, fence, html, editor, quiz, code or annotation."""

    kind: str
    start: int
    end: int
    fence: Fence | None = None


def indent_of(line: str) -> int:
    """The width of a line's leading whitespace, tabs counted to the next multiple of 4."""
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _closing_fence(line: str, marker: str) -> int | None:
    """The column after the fence characters when `line` closes a fence opened with `marker`."""
    stripped = line.lstrip(" ")
    run = len(stripped) - len(stripped.lstrip(marker[0]))
    if run < len(marker):
        return None
    end = len(line) - len(stripped) + run
    rest = line[end:]
    rest = re.sub(r"^\s*\{\{[^{}\n]*\}\}", "", rest)
    if rest.strip() and not ANNOTATION_LINE_RE.fullmatch(rest):
        return None
    return end


def _fence_block(lines: list[str], start: int) -> Block | None:
    match = FENCE_OPEN_RE.match(lines[start])
    if match is None:
        return None
    marker, info = match.group("fence"), match.group("info")
    if marker[0] == "`" and "`" in info:
        return None
    for index in range(start + 1, len(lines)):
        close_end = _closing_fence(lines[index], marker)
        if close_end is not None:
            fence = Fence(len(match.group("indent")), marker, info, index, close_end)
            return Block("fence", start, index + 1, fence)
    return Block("fence", start, len(lines), Fence(len(match.group("indent")), marker, info, None, 0))


def _until(lines: list[str], start: int, needle: str, offset: int = 0) -> int:
    """The end (exclusive) of a raw block that runs to the first line holding `needle`."""
    for index in range(start, len(lines)):
        haystack = lines[index][offset:] if index == start else lines[index]
        if needle in haystack.lower():
            return index + 1
    return len(lines)


def _until_blank(lines: list[str], start: int) -> int:
    for index in range(start + 1, len(lines)):
        if not lines[index].strip():
            return index
    return len(lines)


def _html_block(lines: list[str], start: int, in_paragraph: bool) -> Block | None:
    line = lines[start]
    if EDITOR_RE.match(line) and EDITOR_ATTR_RE.search(line):
        return Block("editor", start, _until(lines, start, "</pre>", line.lower().index("<pre") + 4))
    raw = RAW_RE.match(line)
    if raw is not None:
        tag = raw.group(1).lower()
        return Block("html", start, _until(lines, start, f"</{tag}>", raw.end(1)))
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) <= 3 and stripped.startswith("<!--"):
        return Block("html", start, _until(lines, start, "-->", line.index("<!--") + 4))
    if BLOCK_TAG_RE.match(line) or (not in_paragraph and LONE_TAG_RE.match(line)):
        return Block("html", start, _until_blank(lines, start))
    return None


def _quiz_block(lines: list[str], start: int) -> Block | None:
    if QUESTION_RE.match(lines[start]) is None:
        return None
    end = start + 1
    while end < len(lines) and ANSWER_LINE_RE.match(lines[end]):
        end += 1
    return Block("quiz", start, end)


@dataclass
class _State:
    """What the previous lines leave behind: inside a paragraph, inside a list, after a blank line."""

    in_paragraph: bool = False
    in_list: bool = False
    after_blank: bool = True


def _next_block(lines: list[str], index: int, state: _State) -> Block:
    line = lines[index]
    if not line.strip():
        return Block("text", index, index + 1)
    code_indent = 8 if state.in_list else 4  # inside a list item, 4 spaces continue the item
    if state.after_blank and indent_of(line) >= code_indent:
        end = index + 1
        while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) >= code_indent):
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        return Block("code", index, end)
    if ANNOTATION_LINE_RE.fullmatch(line):
        return Block("annotation", index, index + 1)
    found = _fence_block(lines, index) or _quiz_block(lines, index)
    if found is None and indent_of(line) <= 3:
        found = _html_block(lines, index, state.in_paragraph)
    return found or Block("text", index, index + 1)


def ends_paragraph(line: str, in_paragraph: bool) -> bool:
    """True for a line after which no paragraph is open: a heading, a setext underline, a rule."""
    return bool(HEADING_RE.match(line) or RULE_RE.match(line) or (in_paragraph and SETEXT_RE.match(line)))


def _update(state: _State, lines: list[str], block: Block) -> None:
    line = lines[block.start]
    blank = not line.strip()
    if block.kind == "text" and not blank:
        if LIST_ITEM_RE.match(line) and (state.after_blank or state.in_list):
            state.in_list = True
        elif (state.after_blank and indent_of(line) < 4) or HEADING_RE.match(line) or RULE_RE.match(line):
            state.in_list = False
    elif not blank and indent_of(line) < 4:  # a fence, HTML block or quiz at the margin ends a list
        state.in_list = False
    closed = blank or block.kind != "text" or ends_paragraph(line, state.in_paragraph)
    state.in_paragraph = not closed
    state.after_blank = closed


def segment(lines: list[str]) -> list[Block]:
    """Split a page's lines into blocks; only `text` blocks hold Markdown with inline snippets."""
    blocks: list[Block] = []
    state = _State()
    index = 0
    while index < len(lines):
        block = _next_block(lines, index, state)
        blocks.append(block)
        _update(state, lines, block)
        index = block.end
    return blocks


EDITOR_TARGETS = ("replace", "append", "prepend", "insert", "clipboard")
ATTR_RE = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")


def html_attributes(tag: str) -> dict[str, str]:
    """The attributes of an HTML start tag's text, unescaped."""
    attrs: dict[str, str] = {}
    for match in ATTR_RE.finditer(tag):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def editor_content(lines: list[str], block: Block) -> tuple[dict[str, str], str]:
    """The attributes and the text of a `<pre class="file">` block (one newline after `<pre>` dropped)."""
    raw = "\n".join(lines[block.start : block.end])
    open_end = raw.index(">", raw.lower().index("<pre")) + 1
    attrs = html_attributes(raw[raw.lower().index("<pre") + 4 : open_end - 1])
    close = raw.lower().find("</pre>", open_end)
    content = raw[open_end : close if close >= 0 else len(raw)]
    if content.startswith("\n"):
        content = content[1:]
    return attrs, html.unescape(content)


ANSWER_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("exact", re.compile(r"\s*===\s?(.*)$")),
    ("contains", re.compile(r"\s*=~=\s?(.*)$")),
    ("multiple", re.compile(r"\s*\[([ *xX])\]\s?(.*)$")),
    ("single", re.compile(r"\s*\(([ *xX])\)\s?(.*)$")),
)


def quiz_answer(line: str) -> tuple[str, QuizAnswer] | None:
    """The kind and answer of one quiz answer line, or None when the line is not one."""
    for kind, pattern in ANSWER_RES:
        match = pattern.match(line)
        if match is None:
            continue
        if kind in ("exact", "contains"):
            return kind, QuizAnswer(match.group(1).strip(), True)
        return kind, QuizAnswer(match.group(2).strip(), match.group(1) != " ")
    return None
