"""A learner in a real browser: the scenario served as `make serve` does, the image steps run by clicking."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from server.harness import Served, start_server  # tests/server: the learner-page engineer's harness

from .test_scenario_run import tag_public_bases

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
IMAGE_PAGES = (3, 4, 5, 6)  # intro is page 0, step N is page N
BARE_PROMPT = re.compile(r"^\S*[$#]$")  # `\w\$ `: ~/mountains$ , or # for root
SIDES = ("server", "client")
KINDS = ("bloated", "small", "secure")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """This repository's scenario, served with `make serve`'s settings (local sandbox, 127.0.0.1)."""
    tag_public_bases()
    server = start_server(ROOT, tmp_path / "state", "--host", "127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Debian's headless chromium, driven by Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def screen(page: Page) -> list[str]:
    """The lines terminal 1 shows now, without trailing blanks (as xterm.js's screen reader mode has them)."""
    text = page.locator("#terminal-1 .xterm-accessibility-tree").inner_text().replace("\xa0", " ")
    return [line.rstrip() for line in text.splitlines()]


def last_line(page: Page) -> str:
    """The last non-empty line of terminal 1."""
    lines = [line for line in screen(page) if line]
    return lines[-1] if lines else ""


def wait_until(what: str, condition: object, timeout: float) -> None:
    """Poll `condition()` until it is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def wait_for_background(state: Path, timeout: float = 120.0) -> None:
    """Wait until the intro's background script (it clears stale image tags) has finished."""

    def finished() -> bool:
        return any("[exit 0]" in log.read_text() for log in state.rglob("page0-background.log"))

    wait_until("the intro's background script", finished, timeout)


def click_and_wait(page: Page, snippet_selector: str, timeout: float = 600.0) -> None:
    """Click a snippet, then wait until the shell has run it and shows a bare prompt again."""
    before = screen(page)
    page.locator(snippet_selector).click()
    wait_until(f"{snippet_selector} to start", lambda: screen(page) != before, 30)
    finished = lambda: BARE_PROMPT.match(last_line(page)) is not None  # noqa: E731
    wait_until(f"{snippet_selector} to finish", finished, timeout)


def run_page(page: Page, number: int) -> None:
    """Open page `number`, click each of its execute snippets in order, then press Check."""
    page.locator(f'.page-link[data-goto="{number}"]').click()
    article = page.locator(f"#page-{number}")
    article.wait_for(state="visible")
    count = article.locator("code.snippet.execute").count()
    assert count >= 2
    for index in range(count):
        click_and_wait(page, f"#page-{number} code.snippet.execute >> nth={index}")
    article.locator(".check-button").click()
    result = article.locator(".check-result")
    wait_until(f"the check of page {number}", lambda: "Checking" not in result.inner_text(), 120)
    shown = "\n".join(screen(page))
    assert result.inner_text().startswith("Passed"), f"{result.inner_text()}\nterminal:\n{shown}"


@pytest.mark.docker
@pytest.mark.browser
def test_learner_builds_the_images_by_clicking(served: Served, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1800, "height": 1100})
    page.goto(served.url)
    page.wait_for_selector('body[data-ready="true"]')
    wait_for_background(tmp_path / "state")
    wait_until("the first prompt", lambda: BARE_PROMPT.match(last_line(page)) is not None, 60)
    for number in IMAGE_PAGES:
        run_page(page, number)
    # The last `docker images "*/mountains-*"` of step 6 lists all six images, as rows of its table.
    shown = "\n".join(screen(page))
    for side in SIDES:
        for kind in KINDS:
            row = rf"localhost:30500/mountains-{side}-{kind}\s+0\.1\.0\s+[0-9a-f]{{12}}\s"
            assert re.search(row, shown), f"no docker images row for mountains-{side}-{kind}:\n{shown}"
    page.close()
