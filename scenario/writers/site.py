"""Write a static site: one HTML page per scenario page, with navigation, copy buttons and a stylesheet."""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from scenario.model import Diagnostic, Page, Scenario
from scenario.writers import pagetext
from scenario.writers.output import Output, shown_path, write_tree

PortUrl = Callable[[int], str]  # a port of the environment -> the URL a browser opens
STATIC_FILES = ("site.css", "site.js")


@dataclass(frozen=True)
class PageLink:
    """One entry of the step list: where it points and what it says."""

    index: int
    kind: str
    title: str
    href: str


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment over scenario/templates (templates under site/ extend site/base.html)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("scenario", "templates"),
        autoescape=jinja2.select_autoescape(("html",)),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def page_title(page: Page, number: int) -> str:
    """The title shown for a page: its own, else Introduction / Step N / Finish."""
    if page.title:
        return page.title
    return {"intro": "Introduction", "finish": "Finish"}.get(page.kind, f"Step {number}")


def page_links(scenario: Scenario) -> list[PageLink]:
    """Every page's link: index.html (intro), step1.html..., finish.html."""
    links: list[PageLink] = []
    step = 0
    for index, page in enumerate(scenario.pages):
        step += page.kind == "step"
        href = {"intro": "index.html", "finish": "finish.html"}.get(page.kind, f"step{step}.html")
        links.append(PageLink(index, page.kind, page_title(page, step), href))
    if links and links[0].kind != "intro":
        first = links[0]
        links[0] = PageLink(first.index, first.kind, first.title, "index.html")
    return links


@cache
def pygments_css() -> str:
    """The highlighting stylesheet for the code blocks."""
    from scenario.markdown_ext import pygments_css as css

    return css(".highlight")


def page_body(
    scenario: Scenario, page: Page, *, port_url: PortUrl | None = None, images: Output | None = None
) -> str:
    """A page's Markdown rendered to HTML (snippets clickable); images are copied into `images` if given."""
    from scenario.markdown_ext import render_markdown

    text = page.markdown
    if images is not None:
        text = pagetext.rewrite_images(text, lambda reference: _copy_image(scenario, page, reference, images))
    path = shown_path(scenario, page.text_path) if page.text_path else shown_path(scenario, "")
    killercoda = scenario.source_format == "killercoda"
    html: str = render_markdown(text, path, port_url=port_url, copy_plain_code=killercoda).html
    return html


def _copy_image(scenario: Scenario, page: Page, reference: str, images: Output) -> str | None:
    resolved = pagetext.resolve(page.text_path, reference)
    if resolved is None or not (scenario.root / resolved).is_file():
        return None
    images.copy(resolved, scenario.root / resolved)
    return resolved


def _answer_html(scenario: Scenario, page: Page, port_url: PortUrl | None) -> str:
    """A step's answer file rendered like a page ('' when it is missing or not Markdown)."""
    if not page.answer or not page.answer.endswith(".md"):
        return ""
    try:
        text = (scenario.root / page.answer).read_text(errors="replace")
    except OSError:
        return ""
    answer = Page("step", "", page.answer, text)
    return page_body(scenario, answer, port_url=port_url)


def page_context(
    scenario: Scenario,
    page_index: int,
    *,
    port_url: PortUrl | None = None,
    static: str = "static/",
    images: Output | None = None,
) -> dict[str, object]:
    """The template variables for one page (the learner's page reuses them with its own template)."""
    pages = scenario.pages
    page = pages[page_index]
    links = page_links(scenario)
    steps = [link for link in links if link.kind == "step"]
    body = page_body(scenario, page, port_url=port_url, images=images)
    progress = None
    if page.kind == "step":
        number = next(position for position, link in enumerate(steps, 1) if link.index == page_index)
        progress = {"number": number, "total": len(steps), "percent": round(100 * number / len(steps))}
    return {
        "scenario": scenario,
        "page": links[page_index],
        "source": page,
        "index": page_index,
        "pages": links,
        "previous": links[page_index - 1] if page_index > 0 else None,
        "next": links[page_index + 1] if page_index + 1 < len(links) else None,
        "progress": progress,
        "body": markupsafe.Markup(body),
        "body_has_title": body.lstrip().startswith("<h1"),
        "answer": markupsafe.Markup(_answer_html(scenario, page, port_url)) if page.answer else None,
        "static": static,
    }


def render_page(
    scenario: Scenario,
    page_index: int,
    *,
    port_url: PortUrl | None = None,
    template: str = "site/page.html",
    static: str = "static/",
    images: Output | None = None,
) -> str:
    """One page of the site as HTML; `template` may extend site/page.html and override its blocks."""
    context = page_context(scenario, page_index, port_url=port_url, static=static, images=images)
    return environment().get_template(template).render(context)


def render(scenario: Scenario) -> Output:
    """Every file of the site, in memory."""
    output = Output()
    for link in page_links(scenario):
        output.text(link.href, render_page(scenario, link.index, images=output))
    if not scenario.pages:
        output.text("index.html", _empty_page(scenario))
    for name in STATIC_FILES:
        resource = importlib.resources.files("scenario") / "static" / name
        output.files[f"static/{name}"] = resource.read_bytes()
    output.text("static/pygments.css", pygments_css())
    return output


def _empty_page(scenario: Scenario) -> str:
    template = environment().from_string(
        '{% extends "site/base.html" %}{% block title %}{{ scenario.title }}{% endblock %}'
        '{% block body %}<main class="page"><h1>{{ scenario.title }}</h1>'
        "<p>{{ scenario.description }}</p></main>{% endblock %}"
    )
    return template.render(scenario=scenario, static="static/", page=None)


def write(scenario: Scenario, folder: Path) -> list[Diagnostic]:
    """Write the site into `folder` (wiped first); return the writer's diagnostics."""
    output = render(scenario)
    write_tree(output, folder)
    return output.diagnostics
