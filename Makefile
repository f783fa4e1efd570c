# The two commands a newcomer types: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# requirements.txt is what runs the service (all the image installs); requirements-dev.txt adds
# the development and test tools. The stamp changes when either file does.
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PORT ?= 8000
# The Makefile is the developer's tool: development mode unless told otherwise. The settings
# themselves fail closed (DEBUG off, a real SECRET_KEY required), as the Docker image runs them.
export DEBUG ?= 1

.PHONY: install run test test-slow test-browser test-fast test-dates lint typecheck format services \
	db bench clean browser gettext messages secret

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

# The service and the tools the make targets run (tests, lint), into .venv. No browser: only
# `make test` needs one.
install: $(STAMP)

# The browser tests drive Debian's Chromium (never a browser download); CJK fonts so that the
# Chinese pages render (and screenshot) as owners see them.
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "noto sans cjk" \
		|| { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }

# msgfmt compiles the catalogs.
gettext:
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }

# Compiled catalogs are build output (gitignored): made from locale/*.po on every run and test.
messages: install gettext
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

# The whole suite, as CI runs it, on fresh test databases: the quick tests and the API contract's
# fuzzing two at a time (pytest-xdist, a test database per process: they spend half their time
# waiting on PostgreSQL), then the tests with real worker processes, faults and races beside the
# browser tests. Neither keeps two cores busy: the first mostly wait for workers to start, die
# and deliver, or for a frozen Redis to time out; the second for pages and the board's polls.
# Each is one process on a test database of its own; make prints each one's output whole.
test: install browser messages
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(VENV)/bin/pytest --create-db -n 2 -m "not slow" --ignore=web/tests/browser $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-slow test-browser

# The two halves of `make test`'s second step, which compiles the catalogs and checks the services
# first.
test-slow: install
	TEST_DATABASE_NAME=test_hima_slow $(VENV)/bin/pytest --create-db -m "slow" $(PYTEST_ARGS)

test-browser: install browser
	$(VENV)/bin/pytest --create-db web/tests/browser $(PYTEST_ARGS)

# The everyday loop: no browser, no real worker processes, no fuzzing, two at a time, the test
# databases kept between runs (Django still applies any new migration to them).
test-fast: install messages
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	$(VENV)/bin/pytest --reuse-db -n 2 -m "not slow and not fuzz" --ignore=web/tests/browser \
		$(PYTEST_ARGS)

# Every test starts at one fixed instant (conftest.TEST_NOW). These run the tests that read the
# calendar again at the instants where calendars have edges: a year's last night and first
# minutes in Shanghai, a quarter's first hours (04:00 in Shanghai, before opening, while Munich
# is still on the quarter's last day), both of Berlin's daylight-saving days, and 29 February.
# Two at a time, each on a test database of its own (.ci/test-dates).
DATES := 2026-12-31T23:30:00+08:00 2027-01-01T00:30:00+08:00 2027-03-31T20:00:00+00:00 \
	2027-03-28T10:00:00+02:00 2027-10-31T09:00:00+01:00 2028-02-29T10:00:00+08:00
# Demo, audit, pages, the booking window, reminders and no-shows; not the tests that pin their
# own instants or read no calendar (the demo's any-day test, the equity simulation, plans).
# Pinned, whatever HIMA_TEST_NOW says: the dashboard pages (their module's October) and the
# audit modules whose mark gives every test `now` (audit/tests/conftest.py), which start at the
# same instant in every run (checked by starting every test at two instants and comparing
# clocks). A test added there is pinned too, so leaving these out loses no instant's test.
DATE_TESTS := demo audit web/tests/test_pages.py \
	web/tests/test_staff_pages.py web/tests/test_vehicle_dates.py \
	bookings/tests/test_availability.py bookings/tests/test_availability_api.py \
	bookings/tests/test_booking_api.py bookings/tests/test_notifications.py \
	bookings/tests/test_day_of_service.py bookings/tests/test_state_machine.py \
	bookings/tests/test_queue_and_walk_ins.py bookings/tests/test_queue_turns.py \
	bookings/tests/test_network_search.py \
	--ignore=demo/tests/test_demo_any_day.py --ignore=audit/tests/test_equity_family.py \
	--ignore=audit/tests/test_queries.py --ignore=audit/tests/test_stats.py \
	--ignore=audit/tests/test_chart_selectors.py --ignore=audit/tests/test_crews.py \
	--ignore=audit/tests/test_crews_api.py --ignore=audit/tests/test_equity_extra_work.py \
	--ignore=audit/tests/test_extra_work.py --ignore=audit/tests/test_figures.py \
	--ignore=audit/tests/test_replica_reads.py --ignore=audit/tests/test_settle.py

test-dates: install messages
	@$(PY) manage.py ensure_database
	@$(PY) manage.py check_services
	.ci/test-dates $(VENV)/bin/pytest $(DATES) -- $(DATE_TESTS)

lint: install typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# mypy with the Django and DRF plugins, on the modules pyproject.toml lists ([tool.mypy]).
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: db
	$(PY) bench/availability.py
	$(PY) bench/reminders.py
	$(PY) bench/audit.py
	$(PY) bench/http.py

# docker compose runs the production settings, which refuse to start without a real key: this
# writes production.env (gitignored, never copied into the image) with a random one, once. Not
# .env: the settings read that file on every run, the tests' and the development server's too.
secret:
	@test -f production.env || { \
		echo "# docker compose's settings (make secret). Gitignored; never in the image."; \
		python3 -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))'; \
		echo "ALLOWED_HOSTS=localhost,127.0.0.1"; \
		echo "# Plain HTTP on this machine. Behind a TLS proxy, delete this line: HTTPS required."; \
		echo "SECURE_SSL_REDIRECT=0"; \
	} > production.env
	@echo "production.env has a SECRET_KEY: docker compose up --build"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-artifacts .run
