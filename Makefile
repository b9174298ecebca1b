# Set-up and everyday commands. `make run` and `make test` are all a new machine needs.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run serve test fuzz lint format typecheck pytest openapi openapi-check migration services postgres redis browser loadtools clean

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(STAMP) ## Create the virtualenv and install the project with its dev tools

run: install ## Migrate the embedded SQLite database, load the demo organisation, serve on :8000
	$(BIN)/mentorship migrate
	$(BIN)/mentorship seed-demo
	$(BIN)/mentorship serve

serve: install ## Serve without touching the data
	$(BIN)/mentorship serve

test: install lint typecheck openapi-check pytest ## Everything CI checks: lint, types, OpenAPI drift, tests on SQLite and PostgreSQL

# The suite talks to the machine's PostgreSQL and Redis (see `make services`).
pytest: install
	MENTOR_TEST_REDIS_URL=$${MENTOR_TEST_REDIS_URL:-async+redis://127.0.0.1:6379} $(BIN)/pytest

fuzz: install ## Wide random fuzzing of REST and GraphQL (fresh cases each run; longer than `make test`)
	MENTOR_FUZZ=wide MENTOR_FUZZ_EXAMPLES=$${MENTOR_FUZZ_EXAMPLES:-150} $(BIN)/pytest tests/fuzz -q

lint: install
	$(BIN)/ruff check app tests alembic bench
	$(BIN)/ruff format --check app tests alembic bench

format: install ## Fix what ruff can fix
	$(BIN)/ruff check --fix app tests alembic bench
	$(BIN)/ruff format app tests alembic bench

typecheck: install
	$(BIN)/mypy app tests

openapi: install ## Regenerate openapi/openapi.json and openapi/schema.graphql from the code
	$(BIN)/mentorship openapi

openapi-check: install
	$(BIN)/mentorship openapi --check

migration: install ## New Alembic revision from the models: make migration m="add programs"
	@test -n "$(m)" || (echo 'usage: make migration m="what changed"' && exit 2)
	MENTOR_DATABASE_URL=sqlite+aiosqlite:///./.migration-check.db $(BIN)/mentorship migrate
	MENTOR_DATABASE_URL=sqlite+aiosqlite:///./.migration-check.db $(BIN)/alembic revision --autogenerate -m "$(m)"
	rm -f .migration-check.db*

services: postgres redis browser ## Start PostgreSQL and Redis, install Chromium for the browser tests (CI does this)

redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 1; done; \
	  echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian's Chromium, driven headless by tests/integration/test_browser.py.
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "Chromium could not be installed" >&2; exit 1; }

# Debian's HTTP load generators, for bench/load.py: wrk (saturation) and hey (a constant rate).
loadtools: ## Install the load generators bench/load.py drives (wrk, hey)
	@command -v wrk >/dev/null 2>&1 && command -v hey >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk hey >/dev/null; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1

clean: ## Remove the virtualenv, caches and the local database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mentorship.db mentorship.db-*
