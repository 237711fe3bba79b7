"""Shared pytest options: `--update-golden` rewrites the expected trees under tests/golden/."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --update-golden."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected output trees under tests/golden/ and print what changed",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether the run was asked to rewrite golden files instead of comparing against them."""
    return bool(request.config.getoption("--update-golden"))
