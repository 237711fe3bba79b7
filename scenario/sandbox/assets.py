"""Copy a scenario's assets into a sandbox, as the platforms do before the intro's scripts run."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scenario.errors import ScenarioError
from scenario.model import Asset, Scenario, SourceLocation
from scenario.sandbox.base import Sandbox

HOSTS = ("host01", "client")  # a sandbox is one machine: the learner's host (and the browser's client)
_SYMBOLIC = re.compile(r"^([ugoa]*)([-+=])([rwxX]*)$")
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class InstalledFile:
    """One file copied in: where it came from and where it went in the sandbox."""

    source: Path
    target: str
    mode: int


class AssetError(ScenarioError):
    """An asset that cannot be installed; the text names the asset's place in the scenario."""


def install_assets(scenario: Scenario, sandbox: Sandbox) -> list[InstalledFile]:
    """Copy every asset meant for the learner's machine into `sandbox`; raises AssetError on a bad one."""
    installed: list[InstalledFile] = []
    for asset in scenario.assets:
        if asset.host in HOSTS:
            installed.extend(install_asset(scenario.root, asset, sandbox))
    return installed


def install_asset(root: Path, asset: Asset, sandbox: Sandbox) -> list[InstalledFile]:
    """Copy the files of one asset (`file` may be a glob) into its target folder."""
    files = asset_files(root, asset)
    if not files:
        raise AssetError(_where(asset, f"asset '{asset.file}' matched no file under {asset.source_dir}/"))
    installed: list[InstalledFile] = []
    for source, relative in files:
        data = source.read_bytes()
        mode = file_mode(asset, stat.S_IMODE(source.stat().st_mode))
        target = str(PurePosixPath(asset.target or "~") / relative)
        sandbox.write_file(target, data, mode)
        installed.append(InstalledFile(source, target, mode))
    return installed


def asset_files(root: Path, asset: Asset) -> list[tuple[Path, str]]:
    """The files an asset names, each with its path relative to the target folder, sorted."""
    base = root / asset.source_dir
    if not _GLOB.search(asset.file):
        path = base / asset.file
        return [(path, path.name)] if path.is_file() else []
    pattern = asset.file + "/*" if asset.file == "**" or asset.file.endswith("/**") else asset.file
    prefix = _fixed_prefix(asset.file)
    found = sorted(path for path in base.glob(pattern) if path.is_file())
    return [(path, path.relative_to(base / prefix).as_posix()) for path in found]


def _fixed_prefix(pattern: str) -> str:
    """The folders of a glob before its first wildcard: `app1/**/*.json` -> `app1`."""
    parts = PurePosixPath(pattern).parts
    fixed: list[str] = []
    for part in parts[:-1]:
        if _GLOB.search(part):
            break
        fixed.append(part)
    return "/".join(fixed)


def file_mode(asset: Asset, current: int) -> int:
    """The mode a file gets: its own, changed by the asset's chmod (`755`, `+x`, `u+x`, `go-w`)."""
    chmod = (asset.chmod or "").strip()
    if not chmod:
        return current
    if re.fullmatch(r"0?[0-7]{3}", chmod):
        return int(chmod, 8)
    mode = current
    for clause in chmod.split(","):
        match = _SYMBOLIC.match(clause.strip())
        if not match:
            raise AssetError(_where(asset, f"asset chmod '{chmod}' is not understood (try 755 or +x)"))
        mode = _apply(mode, match.group(1) or "a", match.group(2), match.group(3))
    return mode


def _apply(mode: int, who: str, operator: str, perms: str) -> int:
    """Apply one symbolic clause such as `u+x` to `mode`."""
    shifts = {"u": (6,), "g": (3,), "o": (0,), "a": (6, 3, 0)}
    values = {"r": 4, "w": 2, "x": 1, "X": 1}
    bits = 0
    for person in who:
        for shift in shifts[person]:
            for perm in perms:
                bits |= values[perm] << shift
    if operator == "+":
        return mode | bits
    if operator == "-":
        return mode & ~bits
    cleared = mode
    for person in who:
        for shift in shifts[person]:
            cleared &= ~(7 << shift)
    return cleared | bits


def _where(asset: Asset, message: str) -> str:
    location = asset.location or SourceLocation("scenario.yaml")
    return f"{location}: error: {message}"
