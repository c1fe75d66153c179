# Xingfu: two commands for a new user.
#   make run   install into .venv, migrate SQLite under var/, load the demo district, serve on 127.0.0.1:8000
#   make test  install the test extras (and Debian's chromium with a CJK font when missing), run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
XINGFU := $(BIN)/xingfu
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test install install-test browser-deps lint typecheck pytest demo clean messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Xingfu needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	DEBUG=1 $(XINGFU) migrate --noinput -v0
	DEBUG=1 $(XINGFU) demo
	@echo ""
	@echo "Xingfu is at http://$(HOST)/  (Ctrl-C stops it)"
	DEBUG=1 $(XINGFU) runserver $(HOST)

demo: install
	DEBUG=1 $(XINGFU) migrate --noinput -v0
	DEBUG=1 $(XINGFU) demo

# What pip cannot bring: Debian's chromium (never a downloaded browser) and a CJK font, or Chinese
# renders as empty boxes in screenshots.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy'; then \
		echo "Installing Debian's chromium and fonts-wqy-microhei ..."; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

lint: install-test
	$(BIN)/ruff check .

typecheck: install-test
	SECRET_KEY=mypy-only-not-a-real-key $(BIN)/mypy xingfu bench

pytest: install-test browser-deps
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: install-test browser-deps lint typecheck
	SECRET_KEY=check-only-not-a-real-key $(BIN)/xingfu makemigrations --check --dry-run -v0 || (echo "Model changes without a migration"; exit 1)
	$(BIN)/pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
