# The README's commands. `make demo` runs the pipeline on the simulator; `make test` the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint format bench-collect clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## collect simulated days from the bundled simulator into var/hallofshame.sqlite3
	$(BIN)/hallofshame demo $(DEMO_ARGS)

test: $(STAMP)  ## the whole suite, SQLite and MariaDB, on both cores
	$(BIN)/pytest -n auto -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-collect: $(STAMP)  ## the collection benchmark (needs MariaDB)
	$(BIN)/python bench/bench_collect.py

clean:
	rm -rf var .pytest_cache .ruff_cache
