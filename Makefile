# Everything a fresh machine with only python3 needs: `make test`, `make serve`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: venv test test-fast test-downstream lint typecheck bench serve clean

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

# Quick local loop: skips the tests marked keystone (the real Keystone's install and server)
# and downstream (cinder's and nova's own code in cached venvs).
test-fast: lint typecheck
	$(BIN)/python -m pytest -m 'not keystone and not downstream' $(PYTEST_ARGS)

# Only the downstream stage: cinder's and nova's code against apistack (tests/downstream/).
test-downstream: venv
	$(BIN)/python -m pytest -m downstream $(PYTEST_ARGS)

HOST ?= 127.0.0.1
PORT ?= 8774
WORKERS ?= 2
STATE_DIR ?= $(CURDIR)/.state
SERVE_ARGS ?=

# The example compute stack (paste-examples/api-paste.ini, noauth2) on http://$(HOST):$(PORT).
serve: venv
	@echo
	@echo "apistack example compute API: http://$(HOST):$(PORT)/v2.1  (noauth2: any token"
	@echo "'user:project' is accepted; the user 'admin' is an admin). Data: $(STATE_DIR)"
	@echo
	@echo "Try:"
	@echo "  curl -s http://$(HOST):$(PORT)/v2.1/flavors -H 'X-Auth-Token: demo:demo'"
	@echo "  export OS_AUTH_TYPE=admin_token OS_TOKEN=demo:demo OS_IDENTITY_API_VERSION=3 \\"
	@echo "    OS_ENDPOINT=http://$(HOST):$(PORT)/v2.1 OS_IDENTITY_ENDPOINT_OVERRIDE=http://$(HOST):$(PORT)/v2.1"
	@echo "  $(BIN)/openstack flavor list"
	@echo "  $(BIN)/openstack server create --flavor m1.tiny --wait \\"
	@echo "    --block-device uuid=70a599e0-31e7-49b7-b260-868f441e862b,source_type=image,destination_type=local,boot_index=0 vm1"
	@echo "  $(BIN)/openstack server list"
	@echo
	APISTACK_STATE_DIR=$(STATE_DIR) $(BIN)/apistack serve paste-examples/api-paste.ini \
		--host $(HOST) --port $(PORT) --workers $(WORKERS) $(SERVE_ARGS)

# The long schemathesis run: the served example against its OpenAPI document, for the whole
# range and every microversion, $(OPENAPI_EXAMPLES) examples per operation and mode
# (tests/openapi/served.py). `make test` runs a short seeded one. Part of `make fuzz`.
OPENAPI_EXAMPLES ?= 200
OPENAPI_SEED ?= 1
.PHONY: fuzz fuzz-openapi fuzz-stack
fuzz-openapi: venv
	$(BIN)/python -m tests.openapi.served --examples $(OPENAPI_EXAMPLES) --seed $(OPENAPI_SEED)

# The long Hypothesis run: $(FUZZ_REQUESTS) seeded requests against `apistack serve
# paste-examples/api-paste.ini --workers 2`; prints counts by status, broken properties and the
# slowest requests (tests/fuzz/served.py). `make test` runs a short in-process one. Part of
# `make fuzz`.
FUZZ_REQUESTS ?= 50000
FUZZ_SEED ?= 13
fuzz-stack: venv
	$(BIN)/python -m tests.fuzz.served --requests $(FUZZ_REQUESTS) --seed $(FUZZ_SEED) --workers 2

fuzz: fuzz-stack fuzz-openapi

bench: venv
	for b in benchmarks/*_bench.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
