# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT ?= 8000

.PHONY: install run test lint format services db bench clean

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

db: install
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(PY) manage.py migrate --noinput -v0

run: db
	@mkdir -p .run
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "HIMA Service: http://127.0.0.1:$(PORT)/  API docs: http://127.0.0.1:$(PORT)/api/docs/"
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

test: install
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: db
	$(PY) bench/availability.py
	$(PY) bench/reminders.py
	$(PY) bench/http.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles .run
