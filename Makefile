# qiproject: `make run` serves the demo, `make test` runs lint and the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run test lint install migrate seed chromium pdf-libs bench clean

$(STAMP): requirements.lock requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed pdf-libs
	PORT=$${PORT:-8000} ./bin/serve

# Browser tests drive Debian's chromium; a test tool's own browser download is not used.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver; fi; }

# The PDF reports are drawn by WeasyPrint, which needs Pango and HarfBuzz; DejaVu is their font.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@dpkg -s $(PDF_LIBS) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(PDF_LIBS); \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $(PDF_LIBS); fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint chromium pdf-libs
	$(VENV)/bin/pytest

bench: install pdf-libs
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
