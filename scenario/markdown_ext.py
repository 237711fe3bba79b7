"""Python-Markdown extension that renders clickable snippets, reusing the grammar of scenario.snippets.

Processors, by priority:
- preprocessor `snippet_blocks` (27, between normalize_whitespace 30 and fenced_code 25): the blocks that
  scenario.md_blocks.segment finds (fences with or without actions, raw HTML, copy-to-editor blocks,
  quizzes, indented code) are rendered here and stashed; annotation comments are dropped (a blank line stays);
- inline `snippet_inline` (195, before backtick 190): `` `code`{{action}} ``;
- inline `port_link_md` (187) and `port_link` (186): port placeholders become links;
- treeprocessor `plain_code_copy` (5, only with copy_plain_code): Killercoda's default, plain inline
  code is copied by a click;
- postprocessor `snippet_numbers` (1, after raw HTML 30): numbers snippets in document order.
"""

from __future__ import annotations

import html
import re
import secrets
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from scenario.annotate import blank_annotations
from scenario.md_blocks import QUESTION_RE, Block, editor_content, quiz_answer, segment
from scenario.model import Action, EditorBlock, Quiz, Snippet, SourceLocation
from scenario.snippets import (
    CODE_SPAN_RE,
    KATACODA_URL_RE,
    TOKEN_RE,
    TRAFFIC_RE,
    fence_body,
    fence_highlights,
    fence_language,
    inline_payload,
    make_snippet,
    parse_action,
    scan,
)

PortUrl = Callable[[int], str]
COPY_BUTTON = '<button class="copy-button" type="button">Copy</button>'
EDITOR_BUTTON = '<button class="editor-button" type="button">Copy to Editor</button>'
URL_CHAR = r"[^\s<>()\[\]\"'`]"
PORT_TAIL = rf"(?:[/?#](?:{URL_CHAR}*[^\s<>()\[\]\"'`.,;:!?])?)?"  # a path, not trailing punctuation
PORT_URL_RE = re.compile(rf"(?:{KATACODA_URL_RE.pattern}|{TRAFFIC_RE.pattern}){PORT_TAIL}")
PORT_LINK_MD_RE = re.compile(rf"\[([^\]\n]*)\]\(\s*<?({PORT_URL_RE.pattern})>?\s*\)")
PLAIN_LANGUAGES = ("", "text", "plain", "plaintext", "txt", "none")


def default_port_url(port: int) -> str:
    """Where the learner's browser reaches a port of the environment when nothing else is said."""
    return f"http://localhost:{port}/"


def pygments_css(selector: str = ".highlight") -> str:
    """The stylesheet for the highlighted code blocks (Pygments classes, no inline styles)."""
    return str(HtmlFormatter().get_style_defs(selector))


def snippet_classes(snippet: Snippet) -> str:
    """The Katacoda classes of a snippet's `<code>`: normalised verb, then every modifier as written."""
    if snippet.action is Action.NONE:
        return "nocopy"
    return " ".join([snippet.action.value, *snippet.modifiers])


def resolve_port_url(url: str, port_url: PortUrl) -> tuple[int | None, str]:
    """The port a placeholder URL names and the address it becomes ("#ports" for a port picker)."""
    match = KATACODA_URL_RE.match(url) or TRAFFIC_RE.match(url)
    assert match is not None
    tail = url[match.end() :]
    groups = match.groupdict()
    raw_port = groups.get("port") if "port" in groups else match.group(3)
    if not raw_port:
        return None, "#ports"
    port = int(raw_port)
    base = port_url(port)
    if tail.startswith("/") and base.endswith("/"):
        tail = tail[1:]
    return port, base + tail


def substitute_ports(text: str, port_url: PortUrl) -> str:
    """Replace every port placeholder URL in raw text (HTML blocks) by the address it resolves to."""

    def resolve(match: re.Match[str]) -> str:
        port, href = resolve_port_url(match.group(0), port_url)
        return match.group(0) if port is None else href

    return PORT_URL_RE.sub(resolve, text)


def _lexer(language: str, snippet: Snippet | None) -> Lexer:
    if not language and snippet is not None and snippet.action is Action.EXECUTE:
        language = "bash"
    if language.lower() in PLAIN_LANGUAGES:
        return TextLexer()
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return TextLexer()


def highlight_code(code: str, language: str, snippet: Snippet | None, lines: tuple[int, ...] = ()) -> str:
    """Code as Pygments spans (CSS classes only), without a wrapper."""
    formatter = HtmlFormatter(nowrap=True, hl_lines=list(lines))
    return str(highlight(code, _lexer(language, snippet), formatter)).rstrip("\n")


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


@dataclass(frozen=True)
class RenderedPage:
    """A page's HTML and the snippets its `data-snippet` attributes index, in document order."""

    html: str
    snippets: tuple[Snippet, ...]


class SnippetExtension(Extension):
    """Clickable snippets, copy buttons, copy-to-editor blocks, quizzes and port links."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "path": ["", "the page's path, for snippet locations"],
            "port_url": [default_port_url, "a function from a port number to the URL a browser opens"],
            "copy_plain_code": [False, "plain inline code is copyable by a click (Killercoda's default)"],
        }
        super().__init__(**kwargs)
        self.nonce = secrets.token_hex(8)
        self.pending: list[Snippet] = []
        self.snippets: list[Snippet] = []
        self.editor_blocks: list[EditorBlock] = []
        self.quizzes: list[Quiz] = []
        self.source_lines: list[str] | None = None  # the raw lines, so code keeps its tabs

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Register the processors (priorities in the module docstring)."""
        md.registerExtension(self)
        md.preprocessors.register(SnippetBlockPreprocessor(md, self), "snippet_blocks", 27)
        md.inlinePatterns.register(InlineSnippetProcessor(self, md), "snippet_inline", 195)
        md.inlinePatterns.register(PortLinkMarkdownProcessor(self, md), "port_link_md", 187)
        md.inlinePatterns.register(PortLinkProcessor(self, md), "port_link", 186)
        md.postprocessors.register(SnippetNumberPostprocessor(md, self), "snippet_numbers", 1)
        if self.getConfig("copy_plain_code"):
            md.treeprocessors.register(PlainCodeCopyTreeprocessor(md), "plain_code_copy", 5)

    def reset(self) -> None:
        """Forget the previous document's snippets (Python-Markdown calls this between documents)."""
        self.pending = []
        self.snippets = []
        self.editor_blocks = []
        self.quizzes = []

    @property
    def port_url(self) -> PortUrl:
        """The configured port-to-URL function."""
        value: PortUrl = self.getConfig("port_url")
        return value

    def mark(self, snippet: Snippet) -> str:
        """A temporary `data-snippet` value, numbered in document order by the postprocessor."""
        self.pending.append(snippet)
        return f"{self.nonce}-{len(self.pending) - 1}"


class SnippetBlockPreprocessor(Preprocessor):
    """Render the scanner's non-text blocks (fences, raw HTML, editor blocks, quizzes, code); stash them."""

    def __init__(self, md: markdown.Markdown, ext: SnippetExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        """Replace each non-text block by a stashed HTML placeholder; drop annotation comments."""
        self.ext.reset()
        out: list[str] = []
        for block in segment(lines):
            if block.kind == "annotation":  # a comment line ends the paragraph, as the scanner sees it
                out.append("")
                continue
            if block.kind == "text":
                out.extend(blank_annotations(line) for line in lines[block.start : block.end])
                continue
            rendered = self.render(lines, block)
            indent = block.fence.indent if block.fence else 0
            placeholder = " " * indent + self.md.htmlStash.store(rendered)
            out.extend(["", placeholder, ""] if indent == 0 else [placeholder])
        return out

    def raw(self, lines: list[str]) -> list[str]:
        """The page's raw lines (tabs kept) when they match the normalised `lines`, else `lines`."""
        source = self.ext.source_lines
        if source is None or len(source) > len(lines):
            return lines
        tab = self.md.tab_length
        if any(raw.expandtabs(tab) != line and raw.strip() for raw, line in zip(source, lines, strict=False)):
            return lines
        return source + lines[len(source) :]

    def render(self, lines: list[str], block: Block) -> str:
        """The HTML of one block."""
        if block.kind == "fence":
            return self.render_fence(lines, block)
        if block.kind == "editor":
            return self.render_editor(lines, block)
        if block.kind == "quiz":
            return self.render_quiz(lines, block)
        if block.kind == "code":
            body = "\n".join(line[4:] for line in lines[block.start : block.end])
            return f"<pre><code>{html.escape(body, quote=False)}\n</code></pre>"
        return substitute_ports("\n".join(lines[block.start : block.end]), self.ext.port_url)

    def render_fence(self, lines: list[str], block: Block) -> str:
        """A fenced block: highlighted, with a copy button; with the snippet classes when it has an action."""
        fence = block.fence
        assert fence is not None
        body = "\n".join(fence_body(self.raw(lines), block))
        language = fence_language(fence.info)
        snippet = self._fence_snippet(lines, block, body, language)
        code = highlight_code(body, language, snippet, fence_highlights(fence.info))
        lang_attr = f' data-language="{_attr(language)}"' if language else ""
        if snippet is None:
            return (
                f'<div class="code-block"><pre class="highlight"><code{lang_attr}>{code}</code></pre>'
                f"{COPY_BUTTON}</div>"
            )
        button = "" if snippet.action is Action.NONE else COPY_BUTTON
        classes = snippet_classes(snippet)
        return (
            f'<div class="snippet snippet-block"><pre class="highlight"><code class="{classes}"'
            f'{lang_attr} data-snippet="{self.ext.mark(snippet)}">{code}</code></pre>{button}</div>'
        )

    def _fence_snippet(self, lines: list[str], block: Block, body: str, language: str) -> Snippet | None:
        fence = block.fence
        assert fence is not None
        if fence.close is None:
            return None
        token_match = TOKEN_RE.match(lines[fence.close], fence.close_end)
        token = parse_action(token_match.group(1)) if token_match else None
        if token is None:
            return None
        location = SourceLocation(self.ext.getConfig("path"), block.start + 1, fence.indent + 1)
        return make_snippet(body, token, location, block=True, language=language)

    def render_editor(self, lines: list[str], block: Block) -> str:
        """A copy-to-editor block: `<pre class="file" data-...>` and its button."""
        attrs, text = editor_content(lines, block)
        target = attrs.get("data-target", "replace")
        marker = attrs.get("data-marker")
        number = len(self.ext.editor_blocks)
        location = SourceLocation(self.ext.getConfig("path"), block.start + 1)
        self.ext.editor_blocks.append(
            EditorBlock(attrs.get("data-filename", ""), target, text, location, marker)
        )
        data = f'data-filename="{_attr(attrs.get("data-filename", ""))}" data-target="{_attr(target)}"'
        if marker is not None:
            data += f' data-marker="{_attr(marker)}"'
        button = COPY_BUTTON if target == "clipboard" else EDITOR_BUTTON
        return (
            f'<div class="editor-block"><pre class="file" {data} data-editor="{number}">'
            f"<code>{html.escape(text, quote=False)}</code></pre>{button}</div>"
        )

    def render_quiz(self, lines: list[str], block: Block) -> str:
        """A `>>Q1: ...<<` quiz as a form the page script checks."""
        question_match = QUESTION_RE.match(lines[block.start])
        assert question_match is not None
        number = len(self.ext.quizzes)
        parsed = [quiz_answer(line) for line in lines[block.start + 1 : block.end]]
        answers = tuple(p[1] for p in parsed if p is not None)
        kind = next((p[0] for p in parsed if p is not None), "")
        location = SourceLocation(self.ext.getConfig("path"), block.start + 1)
        self.ext.quizzes.append(Quiz(question_match.group(1), kind, answers, location))
        parts = [
            f'<form class="quiz" data-quiz="{number}" data-kind="{kind}">',
            f'<p class="quiz-question">{html.escape(question_match.group(1))}</p>',
        ]
        for index, answer in enumerate(answers):
            parts.append(_quiz_input(number, index, kind, answer.text, answer.correct))
        parts.append('<button class="quiz-check" type="submit">Check</button></form>')
        return "\n".join(parts)


def _quiz_input(number: int, index: int, kind: str, text: str, correct: bool) -> str:
    name = f"quiz-{number}"
    if kind in ("exact", "contains"):  # one box; further accepted answers ride along hidden
        shown = 'type="text"' if index == 0 else 'type="hidden"'
        return (
            f'<input class="quiz-answer" {shown} name="{name}" data-match="{kind}" '
            f'data-answer="{_attr(text)}" autocomplete="off">'
        )
    kind_attr = "checkbox" if kind == "multiple" else "radio"
    return (
        f'<label class="quiz-choice"><input type="{kind_attr}" name="{name}" value="{index}" '
        f'data-correct="{str(correct).lower()}"> {html.escape(text)}</label>'
    )


class InlineSnippetProcessor(InlineProcessor):
    """`` `code`{{action}} `` -> `<span class="snippet"><code class="execute ...">` with a copy button."""

    def __init__(self, ext: SnippetExtension, md: markdown.Markdown) -> None:
        super().__init__(CODE_SPAN_RE.pattern, md)
        self.ext = ext

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Make a snippet when an action token directly follows the code span."""
        token_match = TOKEN_RE.match(data, m.end())
        token = parse_action(token_match.group(1)) if token_match else None
        if token is None or token_match is None:
            return None, None, None
        payload = inline_payload(m.group(2))
        snippet = make_snippet(payload, token, SourceLocation(self.ext.getConfig("path")))
        wrapper = etree.Element("span", {"class": "snippet"})
        code = etree.SubElement(
            wrapper, "code", {"class": snippet_classes(snippet), "data-snippet": self.ext.mark(snippet)}
        )
        code.text = util.AtomicString(payload)
        if snippet.action is not Action.NONE:
            button = etree.SubElement(wrapper, "button", {"class": "copy-button", "type": "button"})
            button.text = "Copy"
        return wrapper, m.start(0), token_match.end()


def _port_link(url: str, port_url: PortUrl) -> etree.Element:
    port, href = resolve_port_url(url, port_url)
    if port is None:
        return etree.Element("a", {"class": "port-selector", "href": href})
    return etree.Element("a", {"class": "port-link", "data-port": str(port), "href": href})


class PortLinkMarkdownProcessor(InlineProcessor):
    """`[text](https://[[HOST_SUBDOMAIN]]-80-...)` or `[text]({{TRAFFIC_HOST1_80}})` -> a port link."""

    def __init__(self, ext: SnippetExtension, md: markdown.Markdown) -> None:
        super().__init__(PORT_LINK_MD_RE.pattern, md)
        self.ext = ext

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        """Link the text to the port's address."""
        link = _port_link(m.group(2), self.ext.port_url)
        link.text = m.group(1)
        return link, m.start(0), m.end(0)


class PortLinkProcessor(InlineProcessor):
    """A bare port placeholder URL in text -> a port link showing the address."""

    def __init__(self, ext: SnippetExtension, md: markdown.Markdown) -> None:
        super().__init__(PORT_URL_RE.pattern, md)
        self.ext = ext

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        """Link the address to itself."""
        link = _port_link(m.group(0), self.ext.port_url)
        link.text = util.AtomicString("ports" if link.get("href") == "#ports" else str(link.get("href")))
        return link, m.start(0), m.end(0)


class SnippetNumberPostprocessor(Postprocessor):
    """Number the snippets' `data-snippet` attributes in document order and record that order."""

    def __init__(self, md: markdown.Markdown, ext: SnippetExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        """Replace the temporary marks by 0, 1, 2... as they appear in the HTML."""
        pattern = re.compile(rf'data-snippet="{self.ext.nonce}-(\d+)"')

        def number(match: re.Match[str]) -> str:
            self.ext.snippets.append(self.ext.pending[int(match.group(1))])
            return f'data-snippet="{len(self.ext.snippets) - 1}"'

        return pattern.sub(number, text)


def makeExtension(**kwargs: Any) -> SnippetExtension:
    """Python-Markdown's entry point: `markdown.Markdown(extensions=["scenario.markdown_ext"])`."""
    return SnippetExtension(**kwargs)


def _same(a: Snippet, b: Snippet) -> bool:
    return (a.text, a.action, a.verb, a.modifiers, a.block) == (
        b.text,
        b.action,
        b.verb,
        b.modifiers,
        b.block,
    )


class PlainCodeCopyTreeprocessor(Treeprocessor):
    """Marks plain inline code (no action token) as copyable, as Killercoda does by default."""

    def run(self, root: etree.Element) -> None:
        """Give every bare `<code>` outside `<pre>` the `copy-plain` class the page scripts copy on click."""
        for parent in root.iter():
            if parent.tag == "pre":
                continue
            for child in parent:
                if child.tag == "code" and not child.attrib:
                    child.set("class", "copy-plain")
                    child.set("title", "Click to copy")
                    child.set("tabindex", "0")
                    child.set("role", "button")


def render_markdown(
    text: str, path: str, *, port_url: PortUrl | None = None, copy_plain_code: bool = False
) -> RenderedPage:
    """Render a page's Markdown to HTML; its snippets are the scanner's, in the order of `data-snippet`.

    With `copy_plain_code` (Killercoda scenarios), plain inline code without an action is copyable too."""
    ext = SnippetExtension(path=path, port_url=port_url or default_port_url, copy_plain_code=copy_plain_code)
    ext.source_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    md = markdown.Markdown(extensions=[ext, "tables"], output_format="html")
    body = md.convert(text)
    scanned = scan(text, path).snippets
    rendered = tuple(ext.snippets)
    if len(scanned) == len(rendered) and all(map(_same, scanned, rendered)):
        return RenderedPage(body, scanned)
    return RenderedPage(body, rendered)
