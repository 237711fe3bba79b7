"""Build the app's images on chosen base images and measure them: the sizes the tutorial quotes."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors

from scenario import standins
from scenario.imagechart import svg

APP = standins.REPO / "app"
VERSION_TAG = "0.1.0"
NOTE = (
    "Measured on local stand-ins of the public base images (built from Debian 12 packages by "
    "scripts/stand-in-bases.sh, because no registry can be reached here), not on the public images."
)
PUBLIC_NOTE = "Measured on the public base images present on this machine."
# Build arguments of the Dockerfiles and the base each one names.
ROLES = {"PYTHON_IMAGE": "full", "SLIM_IMAGE": "slim", "DISTROLESS_IMAGE": "distroless"}


@dataclass(frozen=True)
class Spec:
    """One image to build: its name, its Dockerfile (relative to app/) and the base of its final stage."""

    name: str
    dockerfile: str
    final_base: str  # a key of ROLES' values, or "scratch"


SPECS: tuple[Spec, ...] = (
    Spec("client-bloated", "client/Dockerfile-bloated", "full"),
    Spec("client-small", "client/Dockerfile-small", "slim"),
    Spec("client-secure", "client/Dockerfile-secure", "distroless"),
    Spec("server-bloated", "server/Dockerfile-bloated", "full"),
    Spec("server-small", "server/Dockerfile-small", "slim"),
    Spec("server-secure", "server/Dockerfile-secure", "distroless"),
    Spec("server-limit", "limit/Dockerfile", "scratch"),
)


@dataclass(frozen=True)
class BaseChoice:
    """The local image used for a base, the public image it is or stands for, and whether it is a stand-in."""

    image: str
    stands_for: str
    stand_in: bool


class MeasureError(Exception):
    """The measurement cannot go on; the message says why."""


def spec(name: str) -> Spec:
    """The image spec called `name` (e.g. server-secure)."""
    for candidate in SPECS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def standin_bases() -> dict[str, BaseChoice]:
    """The stand-in bases, by role."""
    return {b.key: BaseChoice(b.tag, b.public, True) for b in standins.BASES}


def public_bases(labels_of: Callable[[str], Mapping[str, str] | None]) -> dict[str, BaseChoice]:
    """The public bases, by role; MeasureError when one is missing (labels_of gives None) or is a stand-in."""
    chosen: dict[str, BaseChoice] = {}
    for stand_in in standins.BASES:
        labels = labels_of(stand_in.public)
        if labels is None:
            raise MeasureError(
                f"{stand_in.public}: not present on this machine, and no registry can be reached here; "
                "load it first, or use --bases standin"
            )
        if standins.RECIPE_LABEL in labels:
            raise MeasureError(
                f"{stand_in.public}: this is a local stand-in (tagged by scripts/stand-in-bases.sh "
                "--tag-public), not the public image; use --bases standin"
            )
        chosen[stand_in.key] = BaseChoice(stand_in.public, stand_in.public, False)
    return chosen


def image_labels(client: docker.DockerClient) -> Callable[[str], Mapping[str, str] | None]:
    """A labels_of function for public_bases that asks the engine."""

    def labels_of(reference: str) -> Mapping[str, str] | None:
        try:
            labels: dict[str, str] = client.images.get(reference).labels or {}
        except docker.errors.ImageNotFound:
            return None
        return labels

    return labels_of


def build_args(dockerfile: Path, bases: Mapping[str, BaseChoice]) -> dict[str, str]:
    """The build arguments the Dockerfile declares (ARG NAME=default) that name a base, set to `bases`."""
    names = re.findall(r"^ARG\s+(\w+)=", dockerfile.read_text(), flags=re.MULTILINE)
    return {name: bases[ROLES[name]].image for name in names if name in ROLES}


def tag_for(prefix: str, name: str) -> str:
    """The tag an image gets, e.g. mountains-server-secure:0.1.0."""
    return f"{prefix}-{name}:{VERSION_TAG}"


def build_image(client: docker.DockerClient, image: Spec, bases: Mapping[str, BaseChoice], tag: str) -> str:
    """Build one image from app/ with the classic builder; return its tag."""
    args = build_args(APP / image.dockerfile, bases)
    try:
        standins.build(client, str(APP), image.dockerfile, tag, args)
    except standins.StandinError as error:
        raise MeasureError(str(error)) from None
    return tag


def measure(
    client: docker.DockerClient, bases: Mapping[str, BaseChoice], prefix: str, log: Callable[[str], None]
) -> dict[str, int]:
    """Build every image in SPECS on `bases`; their sizes in bytes, by name."""
    sizes: dict[str, int] = {}
    for image in SPECS:
        tag = build_image(client, image, bases, tag_for(prefix, image.name))
        sizes[image.name] = int(client.images.get(tag).attrs["Size"])
        log(f"{image.name}: {megabytes(sizes[image.name])} MB ({tag})")
    return sizes


def megabytes(size: int) -> float:
    """Bytes in megabytes (10^6, as `docker images` counts), to one decimal."""
    return round(size / 1_000_000, 1)


def report(sizes: Mapping[str, int], bases: Mapping[str, BaseChoice], prefix: str) -> dict[str, Any]:
    """The measurement as a JSON-ready dictionary: per image, the bases and the server's ratios."""
    images: dict[str, Any] = {}
    for image in SPECS:
        choice = bases.get(image.final_base, BaseChoice("scratch", "scratch", False))
        images[image.name] = {
            "base": {"image": choice.image, "stands_for": choice.stands_for},
            "bytes": sizes[image.name],
            "mb": megabytes(sizes[image.name]),
            "tag": tag_for(prefix, image.name),
        }
    secure = sizes["server-secure"]
    stand_in = any(choice.stand_in for choice in bases.values())
    return {
        "bases": {
            key: {"image": choice.image, "stand_in": choice.stand_in, "stands_for": choice.stands_for}
            for key, choice in bases.items()
        },
        "images": images,
        "note": NOTE if stand_in else PUBLIC_NOTE,
        "ratios": {
            "server_secure_to_bloated": round(secure / sizes["server-bloated"], 3),
            "server_secure_to_limit": round(secure / sizes["server-limit"], 3),
        },
    }


def to_json(data: Mapping[str, Any]) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, a trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write(data: Mapping[str, Any], out: Path) -> list[Path]:
    """Write image-sizes.json and image-sizes.svg into `out`; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "image-sizes.json", out / "image-sizes.svg"]
    written[0].write_text(to_json(data))
    written[1].write_text(svg(data))
    return written


def remove(client: docker.DockerClient, prefix: str) -> None:
    """Remove the tags measure() made (the images go when no other tag holds them)."""
    for image in SPECS:
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(tag_for(prefix, image.name))
    standins.prune_dangling(client)
