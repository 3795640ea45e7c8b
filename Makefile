# The README's commands. `make demo` runs the pipeline on the simulator; `make test` the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
TESTED := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: demo demo-noserve test lint format bench-collect bench-publish bench-web clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs only Python: SQLite, no MariaDB client headers.
$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

# Tests and deployments also talk to MariaDB: mysqlclient needs the client headers.
$(TESTED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,mariadb]'
	touch $(BASE) $(TESTED)

demo: $(BASE)  ## the pipeline on the bundled simulator, into var/demo.sqlite3, then served
	$(BIN)/hallofshame demo $(DEMO_ARGS)

demo-noserve: $(BASE)  ## the same, without serving the site at the end (scripts)
	$(BIN)/hallofshame demo --no-serve $(DEMO_ARGS)

test: $(TESTED)  ## the whole suite, SQLite and MariaDB, on both cores
	$(BIN)/pytest -n auto -q $(PYTEST_ARGS)

lint: $(TESTED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(TESTED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-collect: $(TESTED)  ## the collection benchmark (needs MariaDB)
	$(BIN)/python bench/bench_collect.py

bench-publish: $(TESTED)  ## the publishing benchmark: a year of 150 parks, 5,000 rides (MariaDB)
	$(BIN)/python bench/bench_publish.py

bench-web: $(TESTED)  ## Apache static vs Flask per request vs the API lookup (MariaDB, wrk, apache2)
	$(BIN)/python bench/bench_web.py --reuse

clean:
	rm -rf var .pytest_cache .ruff_cache
