# Leitai — the two commands a new machine needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip's own notes about this machine's local package mirrors are noise, not news.
QUIET_PIP := grep -v -e "^WARNING: Location 'file:" || true
# Two workers on our two cores; a module's tests stay on one worker (they share set-up).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: help install install-dev install-bench messages demo serve test lint typecheck migrations-check messages-check \
        pytest bench bench-smoke makemessages clean

help:
	@echo "make demo   install, migrate, load the demo city and serve it at http://127.0.0.1:8000"
	@echo "make test   lint, type-check, migrations and translations checks, tests, benchmark smoke"
	@echo "make bench  the benchmarks at full size (figures go into docs/benchmarks.md)"

# Three installs, each a stamp in the venv: `make demo` gets the product and nothing else,
# `make test` adds the dev extras (test runners, linters, type checker, browser driver, the
# independent implementations tests compare against), and the benchmarks add their peers
# (pingouin, polars — which pull in pandas, matplotlib, scikit-learn). `make test` runs the
# benchmark smoke, which checks our figures against those peers, so it installs them too.
# `make install` keeps its contract: the product, and the command at .venv/bin/leitai.
install: $(VENV)/.installed-product
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

EXTRAS_product :=
EXTRAS_dev := [dev]
EXTRAS_bench := [bench]

$(VENV)/.installed-%: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Leitai needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Leitai$(EXTRAS_$*) and its pinned dependencies into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.$(EXTRAS_$*)' 2>&1 | $(QUIET_PIP)
	@test -x $(BIN)/leitai
	@touch $@

# The JavaScript linter (Biome) comes from npm, pinned by package-lock.json; reinstalled when the
# lock is newer than node_modules.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make lint needs Node.js and npm (apt-get install nodejs npm)"; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Compiled catalogues are build output (.gitignore'd); Babel compiles them without GNU gettext.
messages: install
	@$(BIN)/pybabel compile --use-fuzzy -d leitai/locale -D django 2>&1 | grep -v "^compiling" || true

demo: install messages
	@$(BIN)/leitai migrate --noinput -v 0
	@$(BIN)/leitai demo
	@$(BIN)/leitai serve $(SERVE_ARGS)

serve: install messages
	@$(BIN)/leitai serve $(SERVE_ARGS)

test: install-dev messages lint typecheck migrations-check messages-check pytest bench-smoke

# Python style, the import contracts between layers (.importlinter), and the static JavaScript
# (Biome, and its unit tests under Node's test runner: tests/js/).
lint: install-dev node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	npx --no-install biome ci --colors=off leitai
	node --test tests/js/*.test.js

# mypy over leitai/, compared with the committed baseline (tools/mypy_baseline.py): new errors fail,
# and so do baseline entries that no longer occur (the baseline only shrinks).
typecheck: install-dev
	$(BIN)/python tools/mypy_baseline.py

migrations-check: install-dev
	$(BIN)/leitai makemigrations --check --dry-run

messages-check: install-dev
	$(BIN)/leitai check_translations

pytest: install-dev messages
	$(BIN)/pytest $(PYTEST_ARGS)

bench-smoke: install-bench messages
	$(BIN)/python -m bench.run --smoke

bench: install-bench messages
	$(BIN)/python -m bench.run

# For developers (needs GNU gettext's xgettext): refresh the catalogue from the sources.
makemessages: install
	$(BIN)/leitai makemessages -l zh_Hans --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"

clean:
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache node_modules
