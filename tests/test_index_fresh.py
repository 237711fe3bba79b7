"""The committed root index.json is exactly what the Katacoda writer makes from the root scenario.yaml."""

from __future__ import annotations

from pathlib import Path

from scenario.readers import read_scenario
from scenario.writers import katacoda

ROOT = Path(__file__).resolve().parent.parent


def test_root_index_json_is_fresh() -> None:
    """Regenerate with `.venv/bin/python build.py build` (it rewrites ./index.json) when this fails."""
    result = read_scenario(ROOT)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    expected = katacoda.root_manifest(result.scenario)
    assert (ROOT / "index.json").read_bytes() == expected, "index.json is stale: run `build.py build`"


def test_root_index_json_names_files_that_exist() -> None:
    """Every page and script the root manifest names is a file of the repository (Katacoda can import it)."""
    result = read_scenario(ROOT)
    assert result.scenario is not None
    for page in result.scenario.pages:
        for name in (page.text_path, page.background, page.foreground, page.verify, page.answer, page.hint):
            assert name is None or (ROOT / name).is_file(), name
