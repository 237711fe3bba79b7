"""Readers: turn a scenario folder (this project, Katacoda or Killercoda) into the model."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scenario.model import Diagnostic, Severity, SourceLocation
from scenario.readers import katacoda, killercoda, project
from scenario.readers.common import ReadResult, display_path, read_text

__all__ = ["FORMATS", "ReadResult", "detect_format", "read_scenario"]

FORMATS = ("project", "katacoda", "killercoda")

_KILLERCODA_TOKEN = re.compile(r"`\{\{(exec(\s[^}]*)?|\s*)\}\}")
_LINE_HIGHLIGHT = re.compile(r"^```\w+\{[\d,-]+\}\s*$", re.MULTILINE)  # Killercoda's ```yaml{2,5}
_KATACODA_TOKEN = re.compile(r"`\{\{(execute|open)(\s[^}]*)?\}\}")


def read_scenario(root: Path, source_format: str | None = None) -> ReadResult:
    """Read the scenario in `root`, detecting its format unless `source_format` names one."""
    result = _read(root, source_format or detect_format(root))
    result.diagnostics.sort(key=lambda diagnostic: diagnostic.location)
    return result


def _read(root: Path, chosen: str | None) -> ReadResult:
    if chosen == "project":
        return project.read(root)
    if chosen == "killercoda":
        return killercoda.read(root)
    if chosen == "katacoda":
        return katacoda.read(root)
    where = SourceLocation(display_path(root, ""))
    return ReadResult(None, [Diagnostic(where, Severity.ERROR, "no scenario.yaml or index.json here")])


def detect_format(root: Path) -> str | None:
    """`project` for scenario.yaml, else katacoda/killercoda for index.json by evidence, else None."""
    if (root / "scenario.yaml").is_file():
        return "project"
    if not (root / "index.json").is_file():
        return None
    text = read_text(root / "index.json") or ""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return "katacoda"
    if not isinstance(data, dict):
        return "katacoda"
    return "killercoda" if _killercoda_score(root, data) > _katacoda_score(root, data) else "katacoda"


def _pages(data: dict[str, object]) -> list[dict[str, object]]:
    details = data.get("details")
    if not isinstance(details, dict):
        return []
    steps = details.get("steps")
    pages = [details.get("intro"), details.get("finish"), *(steps if isinstance(steps, list) else [])]
    return [page for page in pages if isinstance(page, dict)]


def _page_texts(root: Path, data: dict[str, object]) -> str:
    texts = (page.get("text") for page in _pages(data))
    return "\n".join(read_text(root / text) or "" for text in texts if isinstance(text, str))


def _killercoda_score(root: Path, data: dict[str, object]) -> int:
    """Evidence for Killercoda: interface, its images, per-step folders, {{exec}}, no environment key."""
    score = 2 * ("interface" in data) + ("environment" not in data)
    backend = data.get("backend")
    image = backend.get("imageid") if isinstance(backend, dict) else None
    score += 2 * bool(isinstance(image, str) and killercoda.KILLERCODA_IMAGE.match(image))
    pages = _pages(data)
    score += 2 * any(killercoda.PER_STEP_TEXT.match(str(page.get("text", ""))) for page in pages)
    score += any("foreground" in page or "background" in page for page in pages)
    texts = _page_texts(root, data)
    score += 2 * bool(_KILLERCODA_TOKEN.search(texts)) + 2 * bool(_LINE_HIGHLIGHT.search(texts))
    return score


def _katacoda_score(root: Path, data: dict[str, object]) -> int:
    """Evidence for Katacoda: environment, courseData/code, type, client/host02 assets, {{execute}}."""
    score = 2 * ("environment" in data) + 2 * ("type" in data)
    pages = _pages(data)
    score += 2 * any("courseData" in page or "code" in page for page in pages)
    details = data.get("details")
    assets = details.get("assets") if isinstance(details, dict) else None
    score += 2 * bool(isinstance(assets, dict) and set(assets) - {"host01"})
    score += bool(_KATACODA_TOKEN.search(_page_texts(root, data)))
    return score
