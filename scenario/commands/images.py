"""build.py images: build the app's images on local stand-ins (or the public bases) and measure them."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import docker

from scenario import imagesize, standins
from scenario.errors import ScenarioError

HELP = (
    "build the app's images (client and server: bloated, small, secure; the server's physical limit), "
    "measure them and write image-sizes.json and image-sizes.svg"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument(
        "--bases",
        choices=("standin", "public"),
        default="standin",
        help="build on local stand-ins of the public base images (default; built when missing), "
        "or on the public images, which must already be on this machine",
    )
    parser.add_argument("--out", type=Path, default=Path("assets"), help="folder for the two files (assets)")
    parser.add_argument("--prefix", default="mountains", help="tag prefix: PREFIX-server-secure:0.1.0")
    parser.add_argument("--remove", action="store_true", help="remove the images after measuring them")


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    try:
        with contextlib.closing(standins.connect()) as client:
            sizes, bases = measure(client, args)
    except (standins.StandinError, imagesize.MeasureError) as error:
        raise ScenarioError(f"build.py images: error: {error}") from None
    data = imagesize.report(sizes, bases, args.prefix)
    for path in imagesize.write(data, args.out):
        print(f"wrote {path}")
    ratios = data["ratios"]
    print(
        f"server secure/bloated = {ratios['server_secure_to_bloated']:.3f}, "
        f"secure/limit = {ratios['server_secure_to_limit']:.3f}"
    )
    return 0


def measure(
    client: docker.DockerClient, args: argparse.Namespace
) -> tuple[dict[str, int], dict[str, imagesize.BaseChoice]]:
    """Choose the bases, build every image on them and measure it (removing them after, with --remove)."""
    if args.bases == "standin":
        standins.ensure(client)
        bases = imagesize.standin_bases()
    else:
        bases = imagesize.public_bases(imagesize.image_labels(client))
    for role, choice in sorted(bases.items()):
        print(f"base {role}: {choice.image}" + ("" if choice.stand_in else " (public image)"))
    try:
        sizes = imagesize.measure(client, bases, args.prefix, print)
    finally:
        if args.remove:
            imagesize.remove(client, args.prefix)
    return sizes, bases
