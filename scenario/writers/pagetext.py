"""Rewrite a page's raw Markdown for an output: action tokens, annotation comments, image paths."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scenario.model import Snippet, SourceLocation

# An action token right after a closing backtick or fence, with a known verb (or none: Killercoda {{}}).
TOKEN = re.compile(r"(?<=`)\{\{(?P<verb>execute|exec|copy|open)?(?P<mods>(?:[ \t]+[^\s{}]+)*)[ \t]*\}\}")
# <!-- expect: ... -->, <!-- expect-exit: N -->, <!-- requires: ... --> on their own line(s).
ANNOTATION = re.compile(
    r"^[ \t]*<!--[ \t]*(?:expect|expect-exit|requires)[ \t]*:.*?-->[ \t]*(?:\n|\Z)", re.MULTILINE | re.DOTALL
)
_MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)")
_HTML_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])([^\"']+)", re.IGNORECASE)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#|\{\{|\[\[)", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    """One action token: its verb, modifiers and where it starts in the page."""

    verb: str
    modifiers: tuple[str, ...]
    start: int
    end: int
    line: int
    col: int


def tokens(text: str) -> list[Token]:
    """Every action token in `text`, in order."""
    found: list[Token] = []
    for match in TOKEN.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        verb = match.group("verb") or ""
        found.append(Token(verb, tuple(match.group("mods").split()), match.start(), match.end(), line, col))
    return found


def snippet_tokens(text: str, snippets: Sequence[Snippet]) -> list[Token]:
    """The action tokens of the scanner's snippets (not look-alikes inside code blocks or raw HTML)."""
    candidates = tokens(text)
    lines = text.split("\n")
    taken: set[int] = set()
    for snippet in snippets:
        for token in candidates:
            if token.start in taken or not _belongs(token, snippet, lines):
                continue
            taken.add(token.start)
            break
    return [token for token in candidates if token.start in taken]


def _belongs(token: Token, snippet: Snippet, lines: list[str]) -> bool:
    """Whether `token` can close `snippet`: same line after an inline span, or on a closing fence line."""
    if not snippet.block:
        return token.line == snippet.location.line and token.col > snippet.location.col
    before = lines[token.line - 1][: token.col - 1] if token.line <= len(lines) else ""
    return token.line > snippet.location.line and before.strip().strip("`~") == ""


def rewrite_tokens(text: str, rewrite: Callable[[Token], str], only: Sequence[Token] | None = None) -> str:
    """Replace each action token (those in `only`, when given) by what `rewrite` returns for it."""
    pieces: list[str] = []
    last = 0
    for token in tokens(text) if only is None else only:
        pieces.append(text[last : token.start])
        pieces.append(rewrite(token))
        last = token.end
    pieces.append(text[last:])
    return "".join(pieces)


def format_token(verb: str, modifiers: tuple[str, ...] | list[str]) -> str:
    """`{{verb mod mod}}`."""
    return "{{" + " ".join([verb, *modifiers]).strip() + "}}"


def strip_annotations(text: str) -> str:
    """Remove the checker's expect/expect-exit/requires comments, which learners never see."""
    return ANNOTATION.sub("", text)


def image_sources(text: str) -> list[str]:
    """Relative image references (Markdown and <img>) in the order they appear."""
    found = [match.group(2) for match in _MD_IMAGE.finditer(text)]
    found += [match.group(2) for match in _HTML_IMAGE.finditer(text)]
    return [source for source in found if not _EXTERNAL.match(source)]


def rewrite_images(text: str, rewrite: Callable[[str], str | None]) -> str:
    """Replace each relative image reference by `rewrite(reference)` (None keeps it)."""

    def replace(match: re.Match[str]) -> str:
        source = match.group(2)
        if _EXTERNAL.match(source):
            return match.group(0)
        new = rewrite(source)
        return match.group(1) + (source if new is None else new)

    return _HTML_IMAGE.sub(replace, _MD_IMAGE.sub(replace, text))


def resolve(page_path: str, reference: str) -> str | None:
    """The root-relative path of `reference` made from the page `page_path`; None when it leaves the root."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), reference.split("#")[0]))
    if joined.startswith("../") or joined == "..":
        return None
    return joined


def location(path: str, token: Token) -> SourceLocation:
    """Where `token` sits, for diagnostics."""
    return SourceLocation(path, token.line, token.col)
