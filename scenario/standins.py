"""Local stand-ins for the public Python base images, built from Debian because no registry is reachable."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.models.images import Image

REPO = Path(__file__).resolve().parent.parent
BASES_DIR = REPO / "app" / "bases"
HOST_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
CA_NAME = "host-ca-certificates.crt"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
RECIPE_LABEL = "org.mountains.standin.recipe"
STANDS_FOR_LABEL = "org.mountains.standin.stands-for"
DEBIAN_TAG = "mountains-standin/debian:bookworm"
START_IT = "start it with `make docker-engine`"
BUILD_TIMEOUT = 1200  # seconds an engine call may stay silent (a long RUN step, a big import)
# Bump when the way the Debian root file system is made changes (the hash then changes too).
ROOTFS_RECIPE = "debootstrap --variant=minbase bookworm; sources from host; no apt caches or lists; v1"

Log = Callable[[str], None]


class StandinError(Exception):
    """A stand-in could not be built; the message says which and why."""


@dataclass(frozen=True)
class Base:
    """One stand-in: its folder under app/bases/, its local tag and the public image it stands for."""

    key: str
    tag: str
    public: str
    needs_ca: bool


BASES: tuple[Base, ...] = (
    Base("full", "mountains-standin/python:3.11-bookworm", "python:3.11-bookworm", True),
    Base("slim", "mountains-standin/python:3.11-slim-bookworm", "python:3.11-slim-bookworm", True),
    Base(
        "distroless",
        "mountains-standin/distroless-python3:debian12",
        "gcr.io/distroless/python3-debian12",
        False,
    ),
)


def base(key: str) -> Base:
    """The stand-in called `key` (full, slim or distroless)."""
    for candidate in BASES:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def mirror(sources: Path = HOST_SOURCES) -> str:
    """The Debian mirror from the first `URIs:` line of the host's deb822 sources file."""
    if sources.is_file():
        match = re.search(r"^URIs:\s*(\S+)", sources.read_text(), flags=re.MULTILINE)
        if match:
            return match.group(1)
    return DEFAULT_MIRROR


def _sha(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:16]


def rootfs_recipe() -> str:
    """A hash of everything that decides the Debian root file system."""
    sources = HOST_SOURCES.read_bytes() if HOST_SOURCES.is_file() else b""
    return _sha([ROOTFS_RECIPE.encode(), mirror().encode(), sources])


def base_recipe(stand_in: Base, parent_recipe: str) -> str:
    """A hash of the stand-in's folder, its parent's recipe and (when it needs one) the host's CA bundle."""
    folder = BASES_DIR / stand_in.key
    parts = [stand_in.key.encode(), parent_recipe.encode()]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts += [str(path.relative_to(folder)).encode(), path.read_bytes()]
    if stand_in.needs_ca:
        parts.append(host_ca().read_bytes())
    return _sha(parts)


def host_ca() -> Path:
    """The host's CA bundle; StandinError if it is missing."""
    if not HOST_CA.is_file():
        raise StandinError(f"{HOST_CA}: not found; the stand-ins need the host's CA bundle to reach PyPI")
    return HOST_CA


def up_to_date(client: docker.DockerClient, tag: str, recipe: str) -> bool:
    """Whether the image tagged `tag` was built from `recipe` (images derived from it inherit its label,
    so the tag, not the label alone, names the image)."""
    try:
        labels = client.images.get(tag).labels or {}
    except docker.errors.ImageNotFound:
        return False
    return bool(labels.get(RECIPE_LABEL) == recipe)


def _tag(image: Image, reference: str) -> None:
    repository, _, tag = reference.rpartition(":")
    if not repository or "/" in tag:  # no tag, as in gcr.io/distroless/python3-debian12: docker means latest
        repository, tag = reference, "latest"
    image.tag(repository, tag)


@contextmanager
def _tempdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mountains-standin-") as name:
        yield Path(name)


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise StandinError(f"{what} failed (exit {done.returncode}):\n{tail}")


def build_debian(client: docker.DockerClient, log: Log) -> str:
    """Make sure DEBIAN_TAG is a slim debootstrapped Debian 12; return its recipe hash."""
    recipe = rootfs_recipe()
    if up_to_date(client, DEBIAN_TAG, recipe):
        log(f"{DEBIAN_TAG}: up to date (recipe {recipe})")
        return recipe
    if shutil.which("debootstrap") is None:
        raise StandinError("debootstrap is not installed (apt-get install debootstrap, or make setup)")
    log(f"{DEBIAN_TAG}: debootstrap bookworm from {mirror()} (about 30 s)")
    with _tempdir() as work:
        rootfs = work / "rootfs"
        _run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), mirror()], "debootstrap")
        _slim(rootfs)
        archive = work / "rootfs.tar"
        _run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(archive), "."], "tar")
        changes = [f"LABEL {RECIPE_LABEL}={recipe}", 'CMD ["bash"]', "ENV LANG=C.UTF-8"]
        repository, tag = DEBIAN_TAG.split(":")
        client.api.import_image_from_file(str(archive), repository=repository, tag=tag, changes=changes)
    return recipe


def _slim(rootfs: Path) -> None:
    """Use the host's apt sources and drop downloaded packages and package lists."""
    if HOST_SOURCES.is_file():
        target = rootfs / "etc/apt/sources.list.d/debian.sources"
        shutil.copyfile(HOST_SOURCES, target)
        (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
    for pattern in ("var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*"):
        for path in rootfs.glob(pattern):
            if path.is_file():
                path.unlink()


def build_base(client: docker.DockerClient, stand_in: Base, parent_recipe: str, log: Log) -> str:
    """Make sure stand_in.tag is built from its folder on DEBIAN_TAG; return its recipe hash."""
    recipe = base_recipe(stand_in, parent_recipe)
    if up_to_date(client, stand_in.tag, recipe):
        log(f"{stand_in.tag}: up to date (recipe {recipe})")
        return recipe
    log(f"{stand_in.tag}: building (stands for {stand_in.public})")
    with _tempdir() as context:
        shutil.copytree(BASES_DIR / stand_in.key, context, dirs_exist_ok=True)
        if stand_in.needs_ca:
            shutil.copyfile(host_ca(), context / CA_NAME)
        labels = {RECIPE_LABEL: recipe, STANDS_FOR_LABEL: stand_in.public}
        build(client, str(context), "Dockerfile", stand_in.tag, {"DEBIAN": DEBIAN_TAG}, labels)
    return recipe


def build(
    client: docker.DockerClient,
    context: str,
    dockerfile: str,
    tag: str,
    buildargs: dict[str, str],
    labels: dict[str, str] | None = None,
) -> Image:
    """Build with the classic builder (no pull, intermediate containers removed); StandinError on failure."""
    try:
        image, _ = client.images.build(
            path=context,
            dockerfile=dockerfile,
            tag=tag,
            buildargs=buildargs,
            labels=labels or {},
            pull=False,
            forcerm=True,
            rm=True,
        )
    except docker.errors.BuildError as error:
        lines = [str(item.get("stream", item.get("error", ""))).rstrip() for item in error.build_log]
        tail = "\n".join(line for line in lines if line)
        raise StandinError(
            f"docker build -f {dockerfile} ({tag}) failed: {error.msg}\n{tail[-3000:]}"
        ) from None
    finally:
        prune_dangling(client)
    return image


def prune_dangling(client: docker.DockerClient) -> None:
    """Remove dangling images the classic builder leaves behind (skipped while another prune runs)."""
    try:
        client.images.prune(filters={"dangling": True})
    except docker.errors.APIError as error:
        if error.status_code != 409:  # 409: "a prune operation is already running"; it will do the job
            raise


def ensure(client: docker.DockerClient, log: Log = print, tag_public: bool = False) -> dict[str, Base]:
    """Build (or find) every stand-in; with tag_public, also tag each under its public name."""
    debian = build_debian(client, log)
    for stand_in in BASES:
        build_base(client, stand_in, debian, log)
        if tag_public:
            _tag(client.images.get(stand_in.tag), stand_in.public)
            log(f"{stand_in.public}: tagged as the local stand-in {stand_in.tag}")
    return {stand_in.key: stand_in for stand_in in BASES}


def is_standin(client: docker.DockerClient, reference: str) -> bool:
    """Whether the local image `reference` is one of these stand-ins (e.g. tagged by --tag-public)."""
    labels: dict[str, Any] = client.images.get(reference).labels or {}
    return RECIPE_LABEL in labels


def connect() -> docker.DockerClient:
    """A client for the local engine; StandinError with a clear message if it does not answer."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        # Checked first: docker-py would leak the socket it fails to connect.
        raise StandinError(f"the Docker engine does not answer (no socket at {host}); {START_IT}")
    client: docker.DockerClient | None = None
    try:
        client = docker.from_env(timeout=BUILD_TIMEOUT)
        client.ping()
    except docker.errors.DockerException as error:
        if client is not None:
            client.close()
        raise StandinError(f"the Docker engine does not answer ({error}); {START_IT}") from None
    return client


def main(argv: list[str] | None = None) -> int:
    """Command line of scripts/stand-in-bases.sh."""
    parser = argparse.ArgumentParser(prog="stand-in-bases.sh", description=__doc__)
    parser.add_argument(
        "--tag-public",
        action="store_true",
        help="also tag the stand-ins as python:3.11-bookworm, python:3.11-slim-bookworm and "
        "gcr.io/distroless/python3-debian12 so Dockerfiles build without build arguments",
    )
    args = parser.parse_args(argv)
    try:
        client = connect()
        with contextlib.closing(client):
            ensure(client, tag_public=args.tag_public)
    except StandinError as error:
        print(f"stand-in-bases: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
