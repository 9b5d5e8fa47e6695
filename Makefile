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

.PHONY: help install messages demo serve test lint typecheck migrations-check messages-check \
        pytest bench bench-smoke makemessages clean

help:
	@echo "make demo   install, migrate, load the demo city and serve it at http://127.0.0.1:8000"
	@echo "make test   lint, type-check, migrations and translations checks, tests, benchmark smoke"
	@echo "make bench  the benchmarks at full size (figures go into docs/benchmarks.md)"

install: $(BIN)/leitai

$(BIN)/leitai: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Leitai needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Leitai and its pinned dependencies into $(VENV) ..."
	@$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]' 2>&1 | $(QUIET_PIP)
	@test -x $(BIN)/leitai
	@touch $(BIN)/leitai

# Compiled catalogues are build output (.gitignore'd); Babel compiles them without GNU gettext.
messages: install
	@$(BIN)/pybabel compile --use-fuzzy -d leitai/locale -D django 2>&1 | grep -v "^compiling" || true

demo: install messages
	@$(BIN)/leitai migrate --noinput -v 0
	@$(BIN)/leitai demo
	@$(BIN)/leitai serve $(SERVE_ARGS)

serve: install messages
	@$(BIN)/leitai serve $(SERVE_ARGS)

test: install messages lint typecheck migrations-check messages-check pytest bench-smoke

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

migrations-check: install
	$(BIN)/leitai makemigrations --check --dry-run

messages-check: install
	$(BIN)/leitai check_translations

pytest: install messages
	$(BIN)/pytest $(PYTEST_ARGS)

bench-smoke: install messages
	$(BIN)/python -m bench.run --smoke

bench: install messages
	$(BIN)/python -m bench.run

# For developers (needs GNU gettext's xgettext): refresh the catalogue from the sources.
makemessages: install
	$(BIN)/leitai makemessages -l zh_Hans --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"

clean:
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache
