# Two commands matter: `make run` and `make test`. Both set up everything they need from scratch.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed

.PHONY: run serve deploy-local test setup setup-dev system-deps lint typecheck unit e2e test-postgres demo migration bench clean

run: setup ## set up, migrate, load demo data when the database is empty, start the app
	bash scripts/install-system-deps.sh run
	$(BIN)/python -m outreach.demo --if-empty
	$(BIN)/streamlit run serve.py

serve: setup ## PostgreSQL + KYR_PROCESSES app processes (default 2) + Caddy with TLS in front; Ctrl-C stops all
	bash scripts/install-system-deps.sh serve
	$(BIN)/python scripts/stack.py

deploy-local: serve

test: setup-dev system-deps ## set up and run every check and test
	bash scripts/run-tests.sh

setup: $(RUNTIME_STAMP)
setup-dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { bash scripts/install-system-deps.sh venv && $(PYTHON) -m venv $(VENV); }

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

system-deps: ## Debian packages the tests need (Chromium, PostgreSQL, fonts); installs them when root
	bash scripts/install-system-deps.sh test

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	$(BIN)/mypy

unit: setup-dev
	$(BIN)/pytest -m "not e2e"

e2e: setup-dev system-deps
	$(BIN)/pytest -m e2e

demo: setup ## (re)load demo data into an empty database
	$(BIN)/python -m outreach.demo --if-empty

migration: setup-dev ## a new migration for a model change: make migration m="what changed"
	bash scripts/new-migration.sh "$(m)"

bench: setup-dev
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
