"""The measurement's writers on given sizes: JSON and SVG, deterministic; the base checks' messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scenario import imagechart, imagesize, standins
from scenario.cli import main

SIZES = {
    "client-bloated": 778_123_456,
    "client-small": 229_900_000,
    "client-secure": 57_600_000,
    "server-bloated": 771_200_000,
    "server-small": 222_900_000,
    "server-secure": 54_500_000,
    "server-limit": 40_100_000,
}
ASSETS = standins.REPO / "assets"


def test_report_holds_sizes_bases_and_ratios() -> None:
    data = imagesize.report(SIZES, imagesize.standin_bases(), "mountains")
    secure = data["images"]["server-secure"]
    assert secure == {
        "base": {
            "image": "mountains-standin/distroless-python3:debian12",
            "stands_for": "gcr.io/distroless/python3-debian12",
        },
        "bytes": 54_500_000,
        "mb": 54.5,
        "tag": "mountains-server-secure:0.1.0",
    }
    assert data["images"]["client-bloated"]["mb"] == 778.1
    assert data["images"]["server-limit"]["base"] == {"image": "scratch", "stands_for": "scratch"}
    assert data["images"]["server-small"]["base"]["stands_for"] == "python:3.11-slim-bookworm"
    assert data["ratios"] == {"server_secure_to_bloated": 0.071, "server_secure_to_limit": 1.359}
    assert data["bases"]["full"] == {
        "image": "mountains-standin/python:3.11-bookworm",
        "stand_in": True,
        "stands_for": "python:3.11-bookworm",
    }
    assert "stand-ins" in data["note"]


def test_written_files_are_deterministic(tmp_path: Path) -> None:
    data = imagesize.report(SIZES, imagesize.standin_bases(), "mountains")
    first = [path.read_bytes() for path in imagesize.write(data, tmp_path / "a")]
    second = [path.read_bytes() for path in imagesize.write(data, tmp_path / "b")]
    assert first == second
    text = first[0].decode()
    assert text.endswith("}\n")
    assert list(json.loads(text)) == sorted(json.loads(text))
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_chart_labels_bars_in_mb_and_names_the_bases() -> None:
    data = imagesize.report(SIZES, imagesize.standin_bases(), "mountains")
    chart = imagechart.svg(data)
    assert imagechart.svg(json.loads(imagesize.to_json(data))) == chart  # rows keep their order
    assert chart.startswith("<svg ") and chart.endswith("</svg>\n")
    for label in ("778.1 MB", "229.9 MB", "57.6 MB", "771.2 MB", "222.9 MB", "54.5 MB", "40.1 MB"):
        assert f">{label}</text>" in chart
    for row in ("client, bloated", "server, secure", "server, physical limit"):
        assert f">{row}</text>" in chart
    assert "local stand-in for gcr.io/distroless/python3-debian12" in chart
    assert "Measured on local stand-ins of the public base images" in chart
    widths = [float(w) for w in re.findall(r'<rect x="180" y="[\d.]+" width="([\d.]+)"', chart)]
    assert len(widths) == 7 and max(widths) == imagechart.BAR_MAX
    assert widths[-1] == pytest.approx(imagechart.BAR_MAX * 40.1 / 778.123456, abs=0.1)


def test_chart_on_public_bases_does_not_mention_stand_ins() -> None:
    bases = imagesize.public_bases(lambda reference: {})
    chart = imagechart.svg(imagesize.report(SIZES, bases, "mountains"))
    assert "stand-in" not in chart
    assert "full: python:3.11-bookworm<" in chart


def test_public_bases_missing_or_stand_in_are_refused() -> None:
    with pytest.raises(imagesize.MeasureError) as missing:
        imagesize.public_bases(lambda reference: None)
    assert str(missing.value) == (
        "python:3.11-bookworm: not present on this machine, and no registry can be reached here; "
        "load it first, or use --bases standin"
    )
    with pytest.raises(imagesize.MeasureError) as stand_in:
        imagesize.public_bases(lambda reference: {standins.RECIPE_LABEL: "abc"})
    assert str(stand_in.value) == (
        "python:3.11-bookworm: this is a local stand-in (tagged by scripts/stand-in-bases.sh --tag-public), "
        "not the public image; use --bases standin"
    )


def test_build_args_name_the_chosen_bases() -> None:
    bases = imagesize.standin_bases()
    args = imagesize.build_args(imagesize.APP / "server/Dockerfile-secure", bases)
    assert args == {
        "PYTHON_IMAGE": "mountains-standin/python:3.11-bookworm",
        "DISTROLESS_IMAGE": "mountains-standin/distroless-python3:debian12",
    }


def test_bad_bases_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", "--bases", "cloud"]) == 2
    assert "argument --bases: invalid choice: 'cloud'" in capsys.readouterr().err


def test_committed_chart_matches_committed_measurement() -> None:
    data = json.loads((ASSETS / "image-sizes.json").read_text())
    assert (ASSETS / "image-sizes.svg").read_text() == imagechart.svg(data)
    assert imagesize.to_json(data) == (ASSETS / "image-sizes.json").read_text()
    assert set(data["images"]) == {spec.name for spec in imagesize.SPECS}
