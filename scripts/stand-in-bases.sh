#!/usr/bin/env bash
# Build (or reuse, by recipe hash) the local stand-ins for the public Python base images; see
# scenario/standins.py. `--tag-public` also tags them under the public names.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" -m scenario.standins "$@"
