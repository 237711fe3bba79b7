"""Stand-in recipes and the engine-missing messages, without an engine."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scenario import standins
from scenario.cli import main

NO_ENGINE = "unix:///nonexistent/docker.sock"


def test_mirror_comes_from_the_first_uris_line(tmp_path: Path) -> None:
    sources = tmp_path / "debian.sources"
    sources.write_text(
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n\n"
        "Types: deb\nURIs: http://security.example/debian-security\n"
    )
    assert standins.mirror(sources) == "http://mirror.example/debian"
    assert standins.mirror(tmp_path / "missing") == standins.DEFAULT_MIRROR


def test_recipes_change_with_their_inputs() -> None:
    full, distroless = standins.base("full"), standins.base("distroless")
    assert standins.base_recipe(full, "a") == standins.base_recipe(full, "a")
    assert standins.base_recipe(full, "a") != standins.base_recipe(full, "b")
    assert standins.base_recipe(full, "a") != standins.base_recipe(distroless, "a")
    assert standins.rootfs_recipe() == standins.rootfs_recipe()


def test_stand_ins_name_the_public_images_they_stand_for() -> None:
    assert [(b.key, b.public) for b in standins.BASES] == [
        ("full", "python:3.11-bookworm"),
        ("slim", "python:3.11-slim-bookworm"),
        ("distroless", "gcr.io/distroless/python3-debian12"),
    ]
    for stand_in in standins.BASES:
        assert (standins.BASES_DIR / stand_in.key / "Dockerfile").is_file()
        assert stand_in.tag.startswith("mountains-standin/")


def test_no_engine_is_a_clear_error_for_build_py_images(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)
    assert main(["images", "--out", "unused"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"build.py images: error: the Docker engine does not answer (no socket at {NO_ENGINE}); "
        "start it with `make docker-engine`\n"
    )


def test_no_engine_is_a_clear_error_for_the_script() -> None:
    done = subprocess.run(
        ["bash", str(standins.REPO / "scripts/stand-in-bases.sh")],
        env={"DOCKER_HOST": NO_ENGINE, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("stand-in-bases: error: the Docker engine does not answer (")
    assert "Traceback" not in done.stderr
