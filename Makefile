# suishin — the two commands of README.md: `make demo` and `make test`.
# Everything the suite needs is installed from scratch here.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

# Django 6 needs Python >= 3.12: take the first interpreter that is new enough.
PYTHON ?= $(shell for c in python3.12 $(wildcard /root/.pyenv/versions/3.12*/bin/python3) python3.13 $(wildcard /root/.pyenv/versions/3.13*/bin/python3) $(wildcard /usr/bin/python3.1[2-9]) python3; do \
	  if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$c; break; fi; done)

.PHONY: help demo test test-fast test-pg lint bench system-deps install clean

help:
	@echo "make demo   – install, migrate, load the demo and serve it on http://127.0.0.1:8000"
	@echo "make test   – install everything the suite needs and run the whole suite"
	@echo "make test-pg – the suite against PostgreSQL (DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian packages the suite uses: Chromium for the browser tests (Playwright's
# own browser download does not work here) and poppler-utils to look at PDFs.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/sbin/ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0 ' || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The demo runs long work (imports, report files) as background jobs: a
# database-queue worker (`suishin db_worker`) runs beside the web server, so the
# job pages show real progress. Ctrl+C stops both.
DEMO_TASKS := SUISHIN_TASK_BACKEND=django_tasks_db.DatabaseBackend

demo: install
	$(VENV)/bin/suishin migrate --no-input
	$(VENV)/bin/suishin demo --no-serve
	@echo ""
	@echo "http://127.0.0.1:8000/ を開き、上のユーザー名でログインしてください（取込・帳票作成はバックグラウンドで実行されます）。"
	@$(DEMO_TASKS) $(VENV)/bin/suishin db_worker --no-startup-delay --interval 0.5 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_TASKS) $(VENV)/bin/suishin runserver 127.0.0.1:8000 --noreload

test: install system-deps
	$(VENV)/bin/ruff check suishin tests
	$(VENV)/bin/pytest -q

test-pg: install system-deps
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check suishin tests
	$(VENV)/bin/ruff format --check suishin tests

# Benchmarks (not tests), at a small scale by default (a few minutes on SQLite);
# full-scale commands, method and recorded results: bench/RESULTS.md.
BENCH_DB := /tmp/suishin_bench_small.sqlite3
bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.generate --out /tmp/suishin-bench-national --scale 0.01
	$(PY) -m bench.imports.compare --rows 50000 --die-rows 2000 --small-rows 5000
	SUISHIN_BENCH_SQLITE=$(BENCH_DB) $(PY) -m bench.report.run --db sqlite --members 3000 --branches 40 --years 3 --per-month 3 --repeat 3
	SUISHIN_BENCH_SQLITE=$(BENCH_DB) $(PY) -m bench.report.compare --db sqlite --repeat 3
	$(PY) -m bench.web.load --db $(BENCH_DB) --copy --users 32 --seconds 10
	$(PY) -m bench.documents.run --db $(BENCH_DB) --summary-only --repeat 1

clean:
	rm -rf $(VENV) var/suishin.sqlite3* .pytest_cache
