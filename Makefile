# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Embedded default: SQLite file db.sqlite3, jobs in-process, demo data, http://127.0.0.1:8000
run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo --if-empty
	@echo "Open http://127.0.0.1:8000/ and log in with one of the demo accounts above."
	DEBUG=true DEMO_ACCOUNTS_HINT=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# Uses DATABASE_URL / REDIS_URL when set (CI: PostgreSQL and Redis), else SQLite.
test: install
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
