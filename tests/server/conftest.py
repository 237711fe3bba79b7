"""Fixtures for the learner's server tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import Served, start_server, write_scenario


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A fresh copy of the test scenario."""
    return write_scenario(tmp_path / "scenario")


@pytest.fixture
def served(scenario_dir: Path, tmp_path: Path) -> Iterator[Served]:
    """The test scenario served with the local sandbox."""
    server = start_server(scenario_dir, tmp_path / "state")
    yield server
    server.stop()
