# Vitrine: `make run` serves the embedded default; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run install test test-pg lint format worker clean bench bench-quick

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

## Install, migrate, seed a demo (first run only) and serve on http://127.0.0.1:5000
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Test suite. TEST_DATABASE_URL / TEST_REDIS_URL select PostgreSQL / Redis (default: SQLite, in-process jobs)
test: install
	$(BIN)/pytest -q

## Test suite on the local PostgreSQL + Redis
test-pg: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} \
	$(BIN)/pytest -q

worker: install
	$(BIN)/flask worker

lint: install
	$(BIN)/ruff check webapp tests bench
	$(BIN)/ruff format --check webapp tests bench

format: install
	$(BIN)/ruff format webapp tests
	$(BIN)/ruff check --fix webapp tests

## Benchmarks (bench/README.md): PostgreSQL at BENCH_DATABASE_URL (default local), Redis db 13
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Small benchmark run, under two minutes
bench-quick: install
	$(BIN)/python -m bench.run --scale quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
