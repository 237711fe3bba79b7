"""install_assets: globs, target folders and chmod, into a real local sandbox."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scenario.model import Asset, Scenario, SourceLocation
from scenario.sandbox.assets import AssetError, file_mode, install_assets
from scenario.sandbox.local import LocalSandbox


def make_scenario(root: Path, *assets: Asset) -> Scenario:
    return Scenario(root=root, source_format="project", title="Assets", assets=assets)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "assets" / "app" / "deep").mkdir(parents=True)
    (tmp_path / "assets" / "wait.sh").write_text("#!/bin/sh\necho waited\n")
    (tmp_path / "assets" / "app" / "a.json").write_text("{}\n")
    (tmp_path / "assets" / "app" / "deep" / "b.json").write_text("[]\n")
    (tmp_path / "assets" / "app" / "deep" / "c.txt").write_text("c\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print(1)\n")
    return tmp_path


def test_files_globs_and_modes(root: Path, tmp_path: Path) -> None:
    scenario = make_scenario(
        root,
        Asset(file="wait.sh", target="/usr/local/bin/", chmod="+x"),
        Asset(file="app/**/*.json", target="~/data"),
        Asset(file="**", target="/root/code", source_dir="src", chmod="600"),
        Asset(file="wait.sh", target="/elsewhere", host="host02"),
    )
    with LocalSandbox(tmp_path / "sandboxes") as sandbox:
        installed = install_assets(scenario, sandbox)
        assert [item.target for item in installed] == [
            "/usr/local/bin/wait.sh",
            "~/data/a.json",
            "~/data/deep/b.json",
            "/root/code/main.py",
        ]
        assert sandbox.read_file("/usr/local/bin/wait.sh") == b"#!/bin/sh\necho waited\n"
        assert sandbox.run_script("wait.sh").output == "waited\n"  # executable, on PATH
        assert sandbox.read_file("~/data/deep/b.json") == b"[]\n"
        home = Path(sandbox.home)
        assert stat.S_IMODE((home / "code" / "main.py").stat().st_mode) == 0o600
        assert not (home / "elsewhere").exists()


def test_an_asset_matching_nothing_names_its_line(root: Path, tmp_path: Path) -> None:
    where = SourceLocation("scenario.yaml", 12, 5)
    scenario = make_scenario(root, Asset(file="*.md", target="~", location=where))
    with LocalSandbox(tmp_path / "sandboxes") as sandbox, pytest.raises(AssetError) as raised:
        install_assets(scenario, sandbox)
    assert str(raised.value) == "scenario.yaml:12:5: error: asset '*.md' matched no file under assets/"


@pytest.mark.parametrize(
    ("chmod", "before", "after"),
    [
        ("+x", 0o644, 0o755),
        ("u+x", 0o644, 0o744),
        ("go-rw", 0o666, 0o600),
        ("u=rwx,go=", 0o644, 0o700),
        ("755", 0o600, 0o755),
        ("0640", 0o777, 0o640),
        (None, 0o640, 0o640),
    ],
)
def test_file_mode(chmod: str | None, before: int, after: int) -> None:
    assert file_mode(Asset(file="f", target="~", chmod=chmod), before) == after


def test_a_bad_chmod_is_an_error() -> None:
    asset = Asset(file="f", target="~", chmod="everyone", location=SourceLocation("scenario.yaml", 3, 5))
    with pytest.raises(AssetError) as raised:
        file_mode(asset, 0o644)
    message = "scenario.yaml:3:5: error: asset chmod 'everyone' is not understood (try 755 or +x)"
    assert str(raised.value) == message
