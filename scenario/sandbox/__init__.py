"""Where a learner's shell runs: a local folder with its own bash, or a Docker container."""

from __future__ import annotations

from scenario.sandbox.base import Sandbox, ScriptResult

__all__ = ["Sandbox", "ScriptResult"]
