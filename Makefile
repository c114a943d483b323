# Khabar: the two commands a new user needs.
#   make run   set up, index seeds/ and serve http://127.0.0.1:5000
#   make test  set up and run the whole test suite (and the linter)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: run test lint index serve clean system-check

$(BIN)/khabar: setup.cfg pyproject.toml
	@$(MAKE) --no-print-directory system-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# PyICU has no wheels: it compiles against the system ICU, found through pkg-config.
system-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Khabar needs Python 3.11 or newer")'
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: sudo apt-get install python3-venv"; exit 1; }
	@command -v pkg-config >/dev/null 2>&1 || { echo "pkg-config is missing (PyICU needs it to find ICU): sudo apt-get install pkg-config libicu-dev"; exit 1; }
	@pkg-config --exists icu-uc icu-i18n || { echo "ICU headers are missing (PyICU compiles against them): sudo apt-get install libicu-dev pkg-config"; exit 1; }
	@command -v c++ >/dev/null 2>&1 || { echo "A C++ compiler is missing (PyICU compiles): sudo apt-get install build-essential"; exit 1; }

index: $(BIN)/khabar
	$(BIN)/khabar reindex seeds

serve: $(BIN)/khabar
	$(BIN)/khabar serve --port $(PORT)

run: index serve

test: $(BIN)/khabar
	$(BIN)/ruff check indexer webapp tests tools
	$(BIN)/python -m pytest

lint: $(BIN)/khabar
	$(BIN)/ruff check indexer webapp tests tools
	$(BIN)/ruff format --check indexer webapp tests tools

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
