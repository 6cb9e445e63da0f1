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

# Test files run in parallel (one worker per core, a file's tests on one worker, so a
# module's fixtures are built once); TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= 2

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

clean:
	rm -rf var
