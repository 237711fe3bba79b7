"""The scenario's pages as the learner's page shows them: rendered HTML plus the snippets it indexes."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from scenario.model import Page, Scenario, Snippet

_IMG_SRC = re.compile(r"(<img\b[^>]*?\bsrc=)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_LEADING_HEADING = re.compile(r"\s*<h[12][\s>]", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)


@dataclass(frozen=True)
class LearnerPage:
    """One page of the scenario (intro, step or finish) ready for the browser."""

    index: int
    page: Page
    html: str
    snippets: tuple[Snippet, ...]
    has_verify: bool

    @property
    def opens_with_heading(self) -> bool:
        """True when the page's own text starts with a heading (then the page title is not shown twice)."""
        return bool(_LEADING_HEADING.match(self.html))

    @property
    def title(self) -> str:
        """The page's title, with a fallback for untitled pages."""
        return self.page.title or self.page.kind.capitalize()


def port_url(port: int) -> str:
    """Where the learner's page sends a link to `port` of the learner's sandbox: the port proxy."""
    return f"/port/{port}/"


def scenario_file_url(text_path: str, src: str) -> str:
    """Rewrite an image path written relative to a Markdown file into the server's /scenario/ route."""
    if _ABSOLUTE.match(src):
        return src
    base = posixpath.dirname(text_path)
    joined = posixpath.normpath(posixpath.join(base, src))
    return "/scenario/" + joined.lstrip("/")


def rewrite_images(page_html: str, text_path: str) -> str:
    """Point every relative <img src> of a rendered page at the scenario's files."""

    def replace(match: re.Match[str]) -> str:
        quote = match.group(2)[0]
        src = html.unescape(match.group(2)[1:-1])
        return f"{match.group(1)}{quote}{html.escape(scenario_file_url(text_path, src))}{quote}"

    return _IMG_SRC.sub(replace, page_html)


Renderer = Callable[[Page], tuple[str, tuple[Snippet, ...]]]


def default_renderer(page: Page, copy_plain_code: bool = False) -> tuple[str, tuple[Snippet, ...]]:
    """Render a page's Markdown with the engine's renderer, port placeholders pointing at the proxy."""
    from scenario.markdown_ext import render_markdown

    rendered = render_markdown(page.markdown, page.text_path, port_url=port_url, copy_plain_code=copy_plain_code)
    return rendered.html, tuple(rendered.snippets)


def learner_pages(scenario: Scenario, render: Renderer | None = None) -> tuple[LearnerPage, ...]:
    """Every page of the scenario, in order, rendered for the learner's page."""
    if render is None:  # Killercoda makes plain inline code copyable by default
        render = functools.partial(default_renderer, copy_plain_code=scenario.source_format == "killercoda")
    pages = []
    for index, page in enumerate(scenario.pages):
        body, snippets = render(page)
        pages.append(
            LearnerPage(
                index=index,
                page=page,
                html=rewrite_images(body, page.text_path),
                snippets=snippets,
                has_verify=bool(page.verify),
            )
        )
    return tuple(pages)
