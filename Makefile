# The two commands a newcomer needs, and what they install on the way.
#   make preflight   the Step 22 preflight on the bundled example
#   make test        the whole test suite (against the installed package)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools/node_modules/.bin
INSTALLED := $(VENV)/.installed
SOURCES := pyproject.toml $(wildcard pytest_cutover/*.py pytest_cutover/schema/*.json cutover_checks/*.py)

.PHONY: preflight test lint ci clean

preflight: $(INSTALLED) $(TOOLS)/bun
	cd examples/step22 && PATH="$(CURDIR)/$(BIN):$(CURDIR)/$(TOOLS):$$PATH" \
		"$(CURDIR)/$(BIN)/pytest" -m preflight

test: $(INSTALLED) $(TOOLS)/bun
	PATH="$(CURDIR)/$(TOOLS):$$PATH" $(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

ci: lint test preflight

# The package is installed, not linked, so the suite tests what users get.
$(INSTALLED): $(BIN)/uv $(SOURCES)
	$(BIN)/uv pip install --python $(BIN)/python --quiet --reinstall-package pytest-cutover ".[test,lint]"
	rm -rf build pytest_cutover.egg-info
	touch $@

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(TOOLS)/bun:
	npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error bun@1

clean:
	rm -rf $(VENV) .tools build *.egg-info
