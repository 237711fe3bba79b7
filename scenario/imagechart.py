"""The image-size chart: a hand-written SVG bar chart of a measurement made by scenario.imagesize."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

WIDTH = 820
LABEL_X = 170  # right edge of the row labels
BAR_X = 180
BAR_MAX = 500  # pixels of the largest bar
ROW = 30
GAP = 14  # extra space between the client, server and limit groups
TOP = 100
COLOURS = {"bloated": "#c0392b", "small": "#e67e22", "secure": "#27ae60", "limit": "#34495e"}
ROLE_NAMES = {"full": "full", "slim": "slim", "distroless": "distroless"}
SIDES = ("client", "server")
VARIANTS = ("bloated", "small", "secure", "limit")


def _text(x: float, y: float, body: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{x:g}" y="{y:g}"{extra}>{escape(body)}</text>'


def _order(name: str) -> tuple[int, int, str]:
    """Client before server before the limit; bloated, small, secure within each."""
    side, variant = name.split("-", 1)
    group = 2 if variant == "limit" else SIDES.index(side) if side in SIDES else 1
    return group, VARIANTS.index(variant) if variant in VARIANTS else len(VARIANTS), name


def _rows(images: Mapping[str, Any]) -> list[tuple[str, str, float, int]]:
    """(label, variant, y, bytes) for each image, top to bottom, groups apart."""
    rows: list[tuple[str, str, float, int]] = []
    y = float(TOP)
    previous = ""
    for name in sorted(images, key=_order):
        side, variant = name.split("-", 1)
        group = "limit" if variant == "limit" else side
        if previous and group != previous:
            y += GAP
        previous = group
        label = "server, physical limit" if variant == "limit" else f"{side}, {variant}"
        rows.append((label, variant, y, int(images[name]["bytes"])))
        y += ROW
    return rows


def svg(data: Mapping[str, Any]) -> str:
    """The chart for a measurement report (see scenario.imagesize.report), as SVG text."""
    images = data["images"]
    rows = _rows(images)
    largest = max(size for *_, size in rows)
    bases = data["bases"]
    footer_y = rows[-1][2] + ROW + 16
    height = footer_y + 18 * (len(bases) + 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:g}" '
        f'viewBox="0 0 {WIDTH} {height:g}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">',
        f'<rect width="{WIDTH}" height="{height:g}" fill="#ffffff"/>',
        _text(20, 30, "Image sizes of the mountains app, in MB", font_size="18", font_weight="bold"),
        *(
            _text(20, 54 + 17 * index, line, font_size="12", fill="#555555")
            for index, line in enumerate(_notes(data))
        ),
    ]
    for label, variant, y, size in rows:
        width = max(1.0, round(BAR_MAX * size / largest, 1))
        colour = COLOURS.get(variant, "#7f8c8d")
        parts.append(_text(LABEL_X, y + 15, label, text_anchor="end"))
        parts.append(f'<rect x="{BAR_X}" y="{y:g}" width="{width:g}" height="{ROW - 8}" fill="{colour}"/>')
        parts.append(_text(BAR_X + width + 8, y + 15, f"{size / 1_000_000:.1f} MB"))
    parts.append(_text(20, footer_y, "Bases:", font_weight="bold", font_size="12"))
    for index, (role, base) in enumerate(sorted(bases.items())):
        line = f"{ROLE_NAMES.get(role, role)}: {base['image']}"
        if base["image"] != base["stands_for"]:
            line += f" (local stand-in for {base['stands_for']})"
        parts.append(_text(20, footer_y + 18 * (index + 1), line, font_size="12"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _notes(data: Mapping[str, Any]) -> tuple[str, str]:
    ratios = data["ratios"]
    where = (
        "Measured on local stand-ins of the public base images, not on the public images."
        if any(base["stand_in"] for base in data["bases"].values())
        else "Measured on the public base images."
    )
    return where, (
        f"Secure server: {ratios['server_secure_to_bloated']:.1%} of the bloated one, "
        f"{ratios['server_secure_to_limit']:.2f} times the limit "
        "(app and packages, and only the Python the server loads)."
    )
