# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT ?= 8000
# The Makefile is the developer's tool: development mode unless told otherwise. The settings
# themselves fail closed (DEBUG off, a real SECRET_KEY required), as the Docker image runs them.
export DEBUG ?= 1

.PHONY: install run test lint format services db bench clean browser messages

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP) browser

# The browser tests drive Debian's Chromium (never a browser download); CJK fonts so that the
# Chinese pages render (and screenshot) as owners see them. msgfmt compiles the catalogs.
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "noto sans cjk" \
		|| { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }

# Compiled catalogs are build output (gitignored): made from locale/*.po on every run and test.
messages: install
	@$(PY) manage.py compilemessages -v0 --ignore=.venv

db: install
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(PY) manage.py migrate --noinput -v0

run: db messages
	@mkdir -p .run
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "HIMA Service: http://127.0.0.1:$(PORT)/  API docs: http://127.0.0.1:$(PORT)/api/docs/"
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

test: install messages
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: db
	$(PY) bench/availability.py
	$(PY) bench/reminders.py
	$(PY) bench/audit.py
	$(PY) bench/http.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts .run
