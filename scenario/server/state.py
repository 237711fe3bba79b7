"""What every request handler of the learner's server shares: scenario, pages, sessions, progress, token."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from scenario.model import Scenario
from scenario.server.content import LearnerPage
from scenario.server.progress import ProgressStore
from scenario.server.sessions import SessionRegistry

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "learner"


@dataclass
class ServerState:
    """The shared state handed to every handler through tornado's initialize()."""

    scenario: Scenario
    pages: tuple[LearnerPage, ...]
    store: ProgressStore
    registry: SessionRegistry
    token: str
    node_modules: Path
    templates: jinja2.Environment
    sockets: set[Any] = field(default_factory=set)  # open terminal websockets, closed when the server stops

    def page(self, index: object) -> LearnerPage | None:
        """The page at `index`, or None when `index` is not a valid page number."""
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(self.pages):
            return self.pages[index]
        return None


def template_environment() -> jinja2.Environment:
    """The Jinja2 environment for the learner's page templates, HTML-escaping by default."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
