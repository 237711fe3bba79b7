"""Preparing a learner's sandbox: copying the scenario's assets and running a page's setup scripts."""

from __future__ import annotations

import logging
import stat
from pathlib import Path, PurePosixPath

from scenario.model import Asset, Page, Scenario
from scenario.sandbox.base import Sandbox, ScriptResult

log = logging.getLogger(__name__)


def asset_mode(current: int, chmod: str | None) -> int:
    """The permission bits a copied file gets: its own, changed by `chmod` (`+x`, `-w`, `755`)."""
    mode = current & 0o777
    if not chmod:
        return mode
    if chmod.isdigit():
        return int(chmod, 8) & 0o7777
    bits = {"r": 0o444, "w": 0o222, "x": 0o111}
    change = 0
    for letter in chmod[1:]:
        change |= bits.get(letter, 0)
    return mode & ~change if chmod.startswith("-") else mode | change


def asset_files(root: Path, asset: Asset) -> list[tuple[Path, str]]:
    """Each file an asset entry names, with the path it gets in the sandbox, sorted."""
    source = root / asset.source_dir
    matches = sorted(p for p in source.glob(asset.file) if p.is_file())
    target = asset.target.rstrip("/") or "/"
    pairs = []
    for path in matches:
        relative = path.relative_to(source).as_posix()
        pairs.append((path, str(PurePosixPath(target) / relative)))
    return pairs


def copy_assets(scenario: Scenario, sandbox: Sandbox) -> int:
    """Copy every asset file into the sandbox with its mode; return how many files were copied."""
    count = 0
    for asset in scenario.assets:
        for path, destination in asset_files(scenario.root, asset):
            mode = asset_mode(stat.S_IMODE(path.stat().st_mode), asset.chmod)
            sandbox.write_file(destination, path.read_bytes(), mode)
            count += 1
    return count


def read_script(scenario: Scenario, relative: str | None) -> str | None:
    """The text of a script named by a page, or None when the page names none or it is missing."""
    if not relative:
        return None
    path = scenario.root / relative
    return path.read_text(encoding="utf-8") if path.is_file() else None


def run_background(scenario: Scenario, page: Page, sandbox: Sandbox, log_path: Path) -> ScriptResult | None:
    """Run the page's hidden background script, its output written to `log_path`; blocking."""
    script = read_script(scenario, page.background)
    if script is None:
        return None
    result = sandbox.run_script(script, timeout=600.0)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(result.output + f"\n[exit {result.exit_code}]\n", encoding="utf-8")
    if not result.ok:
        log.warning("background script %s failed with exit %s", page.background, result.exit_code)
    return result
