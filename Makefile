# Everything a fresh machine with only python3 needs: `make test`, `make serve`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: venv test test-fast lint typecheck unit bench clean

venv: $(STAMP)

$(STAMP): setup.cfg setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check apistack tests benchmarks
	$(BIN)/ruff format --check apistack tests benchmarks

typecheck: venv
	$(BIN)/mypy --strict apistack

test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Quick local loop: no Keystone and no served (gunicorn) tests.
test-fast: lint typecheck
	$(BIN)/python -m pytest -m 'not keystone' $(PYTEST_ARGS)

bench: venv
	for b in benchmarks/*_bench.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
