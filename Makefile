# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python

.PHONY: run test install browser-deps lint format migrate seed messages check-deploy worker beat clean loadtest bench

# axe-core for the accessibility tests in Chromium (tests/test_accessibility_browser.py), from
# the npm registry at the version of tests/browser/package-lock.json. Without npm the target
# only warns: the accessibility tests then fail, saying why (they never skip when Chromium is
# there). npm stamps a package's files with a fixed old date: `touch` makes the file newer
# than the lock.
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund && touch $(AXE); \
	else \
	  echo "WARNING: npm not found (apt-get install npm): the accessibility tests will fail without axe-core"; \
	fi

browser-deps: $(AXE)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install lint browser-deps
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l fr -l nl --ignore=.venv --ignore=staticfiles \
	  --ignore=node_modules --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DJANGO_ENV=production SECRET_KEY=$${SECRET_KEY:-check-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEF} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-rcd.example.be} $(PY) manage.py check --deploy --fail-level WARNING

# 50 users for 60 s on gunicorn + PostgreSQL, loopback only (benchmarks/load_test.py); needs
# DATABASE_URL, an admin connection to PostgreSQL (it creates and drops a database of its own).
loadtest:
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make loadtest needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make loadtest"; exit 2;; esac
	$(MAKE) install
	$(PY) -m pip install --quiet -r requirements.lock -r requirements-bench.lock
	$(PY) benchmarks/load_test.py

# The main pages and jobs against issue 15's targets (benchmarks/bench.py), on a PostgreSQL
# database loaded by `manage.py seed_scale --cases N`; everything it writes is rolled back.
bench:
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "make bench needs PostgreSQL loaded by seed_scale: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rcd_scale make bench"; exit 2;; esac
	$(MAKE) install
	$(PY) benchmarks/bench.py

worker: install
	$(BIN)/celery -A mediation worker -l info

beat: install
	$(BIN)/celery -A mediation beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache tests/browser/node_modules test-artifacts
