"""Shared pieces of the readers: the result type, file reading and page-text loading."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scenario.model import Diagnostic, Scenario, Severity, SourceLocation


@dataclass
class ReadResult:
    """What a reader returns: the scenario (None when it could not be read at all) and every problem."""

    scenario: Scenario | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def display_path(root: Path, relative: str) -> str:
    """The path users see for a file of the scenario: the root as given, joined with `relative`."""
    if not relative:
        return str(root)
    return str(root / relative) if str(root) not in ("", ".") else relative


def read_text(path: Path) -> str | None:
    """The file's text (UTF-8, undecodable bytes replaced), or None when it is missing or unreadable."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


def load_page_text(
    root: Path, relative: str, where: SourceLocation, diagnostics: list[Diagnostic], source: str | None = None
) -> str:
    """Read a page's Markdown; a missing file becomes an error at `where` (line text `source`), empty page."""
    if not relative:
        return ""
    target = root / relative
    text = read_text(target) if _inside(root, target) else None
    if text is None:
        diagnostics.append(Diagnostic(where, Severity.ERROR, f"page text file not found: {relative}", source))
        return ""
    return text


def source_line(lines: list[str], line: int) -> str | None:
    """The text of 1-based `line`, if there is one."""
    return lines[line - 1] if 0 < line <= len(lines) else None


def _inside(root: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return target.is_file()


def flatten_extra(prefix: str, value: object, skip: frozenset[str] = frozenset()) -> list[tuple[str, object]]:
    """Unmodelled keys of a mapping as (dotted key, value) pairs, kept for round trips."""
    if not isinstance(value, dict):
        return []
    return [(f"{prefix}{key}", item) for key, item in value.items() if key not in skip]
