# The portal's commands. `make demo` and `make test` work on a fresh machine with only
# Python 3.11: they create .venv and install the pinned dependencies the first time, and
# skip the install afterwards until pyproject.toml or requirements.lock change.
#
# With nothing set the portal uses SQLite (db.sqlite3) and runs Celery tasks in-process.
# Set DATABASE_URL / REDIS_URL to use PostgreSQL / Redis instead (see README.md).

VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock
# The stamps record that the install matching the current pyproject.toml/lock is done.
STAMP_APP := $(VENV)/.installed-app
STAMP_DEV := $(VENV)/.installed-dev
PYTEST_ARGS ?=
# `make demo PORT=8001` when 8000 is taken.
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help demo test lint check install install-dev

help:
	@echo "make demo   install, migrate, seed the demo city, serve http://127.0.0.1:$(PORT) (PORT=8001 for another)"
	@echo "make test   install with dev tools, run the whole suite in parallel"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make check  migrations match the models; Django's system checks"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_APP): pyproject.toml requirements.lock | $(PY)
	$(PIP_INSTALL) -e .
	@touch $@

$(STAMP_DEV): pyproject.toml requirements.lock | $(PY)
	$(PIP_INSTALL) -e ".[dev]"
	@touch $@ $(STAMP_APP)

install: $(STAMP_APP)
install-dev: $(STAMP_DEV)

demo: $(STAMP_APP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --port $(PORT)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP_DEV)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(STAMP_APP)
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# The province-scale benchmark (docs/performance.md). Fills BENCH_DATABASE_URL with a
# province the first time (a few minutes), then measures and writes bench-out/*.json, *.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_ARGS ?=
.PHONY: bench
bench: $(STAMP_APP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_data --if-empty
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench $(BENCH_ARGS)

# Production rehearsed on this machine (deploy/rehearsal/run.sh): PostgreSQL with an owner
# and an app role, Redis, gunicorn x2, two Celery workers and one beat with DEBUG=false,
# driven over HTTP; a worker is killed mid-job; a backup is restored and verified.
.PHONY: prod-rehearsal backup restore
prod-rehearsal: $(STAMP_APP)
	PYTHON=$(abspath $(PY)) deploy/rehearsal/run.sh

# A dated backup (audit head, pg_dump custom format, uploads) into BACKUP_DIR, with the
# portal's environment (DATABASE_URL, MEDIA_ROOT, AUDIT_KEY ...) set.
BACKUP_DIR ?= backups
backup: $(STAMP_APP)
	PYTHON=$(abspath $(PY)) deploy/backup.sh $(BACKUP_DIR)

# make restore BACKUP=backups/portal-2026-12-01T013000 RESTORE_DATABASE_URL=postgres://.../portal_restored
restore: $(STAMP_APP)
	@test -n "$(BACKUP)" -a -n "$(RESTORE_DATABASE_URL)" || { echo "usage: make restore BACKUP=dir RESTORE_DATABASE_URL=postgres://..."; exit 2; }
	PYTHON=$(abspath $(PY)) deploy/restore.sh $(BACKUP) $(RESTORE_DATABASE_URL) $(RESTORE_MEDIA_ROOT)
