# Tidings: the two commands are `make run` and `make test`. Both work on a machine that has only
# Python 3.11+: PostgreSQL and Redis are started embedded under var/ unless DATABASE_URL / REDIS_URL
# are set (see scripts/devenv.py).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="tests/tenants -x"`.
PYTEST_ARGS ?=
# The newest Python 3.11+ on PATH; override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3.11 python3; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	echo $$candidate; break; fi; done)
IS_311 := import sys; sys.exit(sys.version_info < (3, 11))

.PHONY: help venv services migrate seed run test lint stop clean bench-queue

help:
	@echo "make run     set everything up, load demo data, start web + Celery worker + beat (Ctrl-C stops)"
	@echo "make test    set everything up, then ruff and the whole pytest suite"
	@echo "make venv | services | migrate | seed | lint | stop | clean"

venv: $(STAMP)

# Reinstalls only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c '$(IS_311)' >/dev/null 2>&1; then \
		echo "make: Tidings needs Python 3.11 or newer;" \
			"$(if $(PYTHON),'$(PYTHON)' is not one,none found on PATH (tried python3.14 ... python3.11, python3))." >&2; \
		echo "      Install one, or point to it: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)" >&2; \
		exit 1; fi
	@if ! $(PY) -c '$(IS_311)' >/dev/null 2>&1; then \
		rm -rf $(VENV); \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "make: '$(PYTHON) -m venv' failed. On Debian/Ubuntu install the venv module:" >&2; \
			echo "      sudo apt-get install python3-venv   (or python3.11-venv for your version)" >&2; \
			exit 1; }; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,embedded]'
	@touch $@

services: venv
	$(PY) scripts/devenv.py

migrate: services
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

run: seed
	$(PY) scripts/run_dev.py

test: services
	$(VENV)/bin/ruff check .
	@# pytest exits 5 when it collected no tests: that is a failure here, not a silent pass.
	@$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: pytest collected no tests" >&2; fi; \
	exit $$status

# Queue scaling benchmark (docs/benchmarks.md): seeds its own database once, then measures.
bench-queue: services
	$(PY) bench/queue_scaling.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Works without the virtualenv: stopping needs only the standard library.
stop:
	@$(or $(wildcard $(PY)),$(PYTHON)) scripts/devenv.py stop

# Removes the virtualenv and everything under var/ (embedded database, Redis data, screenshots).
clean: stop
	rm -rf var $(VENV) .pytest_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
