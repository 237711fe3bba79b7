"""The learner's page in headless chromium (Debian's) through Playwright: click, see, check, reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from .harness import Served, start_server, wait_for_local_process

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, served: Served) -> Iterator[BrowserContext]:
    """A fresh browser profile allowed to use the clipboard on the served page."""
    created = browser.new_context(viewport={"width": 1280, "height": 800})
    created.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.origin)
    yield created
    created.close()


def open_page(context: BrowserContext, url: str) -> Page:
    """Open the learner's page and wait until its script is ready and terminal 1 is connected."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#terminal-1 .xterm-accessibility-tree")).to_contain_text(re.compile(r"[$#]"))
    assert errors == []
    return page


def terminal_text(page: Page, n: int) -> str:
    """What terminal tab n shows, as assistive technology reads it (xterm.js's screen-reader mode)."""
    return str(page.locator(f"#terminal-{n} .xterm-accessibility-tree").inner_text())


def test_a_learner_runs_snippets_checks_and_reloads(
    context: BrowserContext, served: Served, tmp_path: Path
) -> None:
    page = open_page(context, served.url)
    expect(page.locator("#page-0")).to_be_visible()
    page.locator("#next").click()
    step = page.locator("#page-1")
    expect(step).to_be_visible()
    expect(page.locator("#page-number")).to_have_text("2")

    step.locator('code[data-snippet="0"]').click()
    expect(page.locator("#terminal-1 .xterm-accessibility-tree")).to_contain_text("hello-42")

    step.locator('code[data-snippet="2"]').click()
    expect(page.locator("#tab-2")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#terminal-2 .xterm-accessibility-tree")).to_contain_text("in-two-4")
    page.locator("#tab-1").click()

    step.locator('code[data-snippet="3"]').click()
    wait_for_local_process("sleep 300")
    step.locator('code[data-snippet="4"]').press("Enter")  # keyboard works as well as the mouse
    expect(page.locator("#terminal-1 .xterm-accessibility-tree")).to_contain_text("after-2")

    step.locator('code[data-snippet="5"]').click()
    expect(page.locator("#status")).to_have_text("Copied the snippet to the clipboard")
    assert page.evaluate("navigator.clipboard.readText()") == "copy me please"

    step.locator(".check-button").click()
    expect(step.locator(".check-result")).to_contain_text("Not yet (exit 1)")
    expect(step.locator(".check-result pre")).to_have_text("no ~/made yet")
    step.locator('code[data-snippet="1"]').click()
    expect(step.locator(".check-result")).to_contain_text("Not yet")
    page.wait_for_timeout(300)  # let the shell run `touch` before checking again
    step.locator(".check-button").click()
    expect(step.locator(".check-result")).to_have_text("Passed: well done.")
    expect(page.locator('.page-link[data-goto="1"]')).to_have_attribute("data-verified", "")

    page.screenshot(path=str(tmp_path / "learner-page.png"))
    page.locator("#next").click()
    editors = page.locator("#page-2")
    editors.locator(".editor-button").click()
    expect(page.locator("#status")).to_have_text("Wrote /root/notes.txt in your sandbox")
    editors.locator("code.open").click()
    expect(page.locator(".file-viewer .file-body")).to_have_text("first\n#MARK\nlast\n")
    page.locator(".file-close").click()
    expect(page.locator(".file-viewer")).to_be_hidden()
    editors.locator(".quiz-answer").fill("cat")
    editors.locator(".quiz-check").click()
    expect(editors.locator(".quiz-result")).to_have_text("Not quite: try again.")
    editors.locator(".quiz-answer").fill("ls")
    editors.locator(".quiz-answer").press("Enter")
    expect(editors.locator(".quiz-result")).to_have_text("Correct.")
    page.locator("#prev").click()
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#page-1")).to_be_visible()
    expect(page.locator('.page-link[data-goto="1"]')).to_have_attribute("data-verified", "")
    # the same shell, its recent screen restored
    expect(page.locator("#terminal-1 .xterm-accessibility-tree")).to_contain_text("after-2")


def test_a_restarted_server_keeps_progress(
    browser: Browser, served: Served, scenario_dir: Path, tmp_path: Path
) -> None:
    context = browser.new_context()
    try:
        page = open_page(context, served.url)
        page.locator('.page-link[data-goto="2"]').click()
        expect(page.locator("#page-2")).to_be_visible()
        page.locator('.page-link[data-goto="2"]').focus()
        page.wait_for_function("document.getElementById('progress').value === 3")
        page.wait_for_timeout(200)  # the page's POST /api/page
        served.stop()
        again = start_server(scenario_dir, tmp_path / "state")
        try:
            page = open_page(context, again.url)
            expect(page.locator("#page-2")).to_be_visible()
            expect(page.locator("#page-1")).to_be_hidden()
            expect(page.locator("#page-number")).to_have_text("3")
        finally:
            again.stop()
    finally:
        context.close()


def test_killercoda_plain_inline_code_is_copied_by_a_click(browser: Browser, tmp_path: Path) -> None:
    root = tmp_path / "kc"
    (root / "step1").mkdir(parents=True)
    (root / "index.json").write_text(
        '{"title": "KC", "details": {"intro": {"text": "intro.md"}, "steps": [{"text": "step1/text.md"}]},'
        ' "backend": {"imageid": "ubuntu"}}\n'
    )
    (root / "intro.md").write_text("Plain code is copyable: `kubectl get nodes`\n\nRun `true`{{exec}}\n")
    (root / "step1" / "text.md").write_text("Step text.\n")
    server = start_server(root, tmp_path / "state")
    try:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
        page = open_page(context, server.url)
        page.locator("#page-0 code.copy-plain").click()
        expect(page.locator("#status")).to_have_text("Copied the code to the clipboard")
        assert page.evaluate("navigator.clipboard.readText()") == "kubectl get nodes"
        context.close()
    finally:
        server.stop()
