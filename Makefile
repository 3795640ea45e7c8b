# The README's commands. `make demo` runs the pipeline on the simulator; `make test` the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
TESTED := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: demo demo-noserve test mariadb-driver lint format bench-collect bench-web bench-publish clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs only Python: SQLite, no MariaDB client headers.
$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

# The test tools. The MariaDB driver comes apart (mariadb-driver): without its build headers
# the SQLite half of the suite still runs.
$(TESTED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BASE) $(TESTED)

# Tests and deployments also talk to MariaDB: mysqlclient builds against the client headers
# (pkg-config's `mysqlclient` or `mariadb`) with a C compiler. Without them: one line naming
# the packages, and the MariaDB half of the suite is skipped with that reason (a failure under
# HALLOFSHAME_STRICT=1). Tried again on every run until the driver is in.
MARIADB_PACKAGES := build-essential pkg-config libmariadb-dev
PKG_CONFIG ?= pkg-config
CC_CHECK ?= command -v cc >/dev/null
HAVE_DRIVER ?= $(BIN)/python -c 'import importlib.util as u, sys; sys.exit(not u.find_spec("MySQLdb"))'
mariadb-driver: $(TESTED)
	@if $(HAVE_DRIVER); then :; \
	elif $(CC_CHECK) && command -v $(PKG_CONFIG) >/dev/null \
	  && { $(PKG_CONFIG) --exists mysqlclient || $(PKG_CONFIG) --exists mariadb; }; then \
	  $(BIN)/python -m pip install --quiet -e '.[dev,mariadb]'; \
	else echo "make: no MariaDB client headers, so the MariaDB half of the tests is skipped: apt-get install $(MARIADB_PACKAGES)"; fi

demo: $(BASE)  ## the pipeline on the bundled simulator, into var/demo.sqlite3, then served
	$(BIN)/hallofshame demo $(DEMO_ARGS)

demo-noserve: $(BASE)  ## the same, without serving the site at the end (scripts)
	$(BIN)/hallofshame demo --no-serve $(DEMO_ARGS)

test: $(TESTED) mariadb-driver  ## the whole suite, SQLite and MariaDB, on both cores
	$(BIN)/pytest -n auto -q $(PYTEST_ARGS)

lint: $(TESTED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(TESTED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-collect: $(TESTED) mariadb-driver  ## the collection benchmark (needs MariaDB)
	$(BIN)/python bench/bench_collect.py

bench-web: $(TESTED) mariadb-driver  ## Apache static vs Flask per request vs the API lookup (MariaDB, wrk, apache2)
	$(BIN)/python bench/bench_web.py --reuse

bench-publish: $(TESTED) mariadb-driver  ## the publishing benchmark: a year of 150 parks, 5,000 rides (MariaDB)
	$(BIN)/python bench/bench_publish.py

clean:
	rm -rf var .pytest_cache .ruff_cache
