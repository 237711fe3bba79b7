# The two commands a fresh machine needs: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-packages python-packages node-packages docker-engine serve test lint typecheck pytest clean

setup: system-packages python-packages node-packages

system-packages:
	@bash scripts/system-packages.sh

python-packages: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node-packages: node_modules/.installed

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

docker-engine: system-packages
	@bash scripts/docker-engine.sh

serve: setup
	$(PY) build.py serve . --host $(HOST) --port $(PORT)

lint: python-packages
	$(VENV)/bin/ruff check scenario tests bench build.py app
	$(VENV)/bin/mypy

pytest: setup docker-engine
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache _site out
