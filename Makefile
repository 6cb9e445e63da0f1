# Flywheel developer entry points. `make demo` runs the whole loop on one machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo demo-once test lint clean

# Re-install whenever pyproject.toml changes; the stamp records the last install.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test,spark]'
	touch $@

$(VENV): $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/flywheel demo

demo-once: $(VENV)/.installed
	$(BIN)/flywheel demo --once

lint: $(VENV)/.installed
	$(BIN)/ruff check .

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest -q

clean:
	rm -rf var
