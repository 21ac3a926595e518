# Wuye — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser fuzz lint format bench install install-dev messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Wuye needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/wuye migrate --noinput
	$(BIN)/wuye demo
	$(BIN)/wuye serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/wuye makemigrations --check --dry-run
	$(BIN)/python -m pytest -m "not browser and not fuzz" $(PYTEST_ARGS)

test-browser: install-dev
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# Schemathesis over the whole OpenAPI, as a staff member and as a resident, in-process on a test
# database; a fixed seed and FUZZ_EXAMPLES examples per operation (a few minutes).
fuzz: install-dev
	$(BIN)/python -m pytest -m fuzz tests/fuzz $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench

messages: install-dev
	cd src/wuye && WUYE_VAR_DIR=$(CURDIR)/var ../../$(BIN)/wuye makemessages -l en --no-obsolete && WUYE_VAR_DIR=$(CURDIR)/var ../../$(BIN)/wuye compilemessages -l en

clean:
	rm -rf $(VENV) var
