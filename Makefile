# One entry point for people and CI. `make run` starts the shop locally, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: venv run test lint format migrate createsuperuser bench clean-data

$(INSTALLED): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $(INSTALLED)

# Swagger UI 5 (the first to render OpenAPI 3.1) from the npm registry, pinned by checksum. Only its bundle,
# stylesheet and licence ship with the app; Python's packages of it are stuck on 4.x or pull in a web framework.
SWAGGER_UI_VERSION := 5.35.0
SWAGGER_UI_SHA256 := 1b8e891893404ea4c3558b6a87e2a3e494e7eedba41168c2ece5800a391a6ea6
SWAGGER_UI_DIR := chalicelib/docs/swagger_ui
SWAGGER_UI := $(SWAGGER_UI_DIR)/VERSION-$(SWAGGER_UI_VERSION)

$(SWAGGER_UI):
	@rm -rf $(SWAGGER_UI_DIR) && mkdir -p $(SWAGGER_UI_DIR)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null \
	  && echo "$(SWAGGER_UI_SHA256)  swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz" | sha256sum --quiet -c - \
	  && tar xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz \
	  && cp package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE package/NOTICE $(CURDIR)/$(SWAGGER_UI_DIR)/ \
	  && rm -rf $$tmp
	@touch $@

venv: $(INSTALLED) $(SWAGGER_UI)

# exec: the stack is the process a signal reaches (make forwards none), also as a background job.
run: venv ## the whole shop on http://localhost:8000 (PORT=...), state kept in .data/ (DEMO=ecoseller: the original's demo dump)
	exec $(BIN)/python -m infra.local.stack

test: venv chromium ## lint, then the whole suite (unit, moto integration, HTTP, local stack end to end, fuzzing, docs in a browser)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup
	$(BIN)/python -m pytest tests/contract/fuzz -rP  # schemathesis over every operation, in one process (tests/contract/fuzz/conftest.py)

lint: venv
	$(BIN)/ruff check .

format: venv
	$(BIN)/ruff check --fix .

migrate: venv ## create/update tables and data (STAGE=prod with AWS credentials for the real ones)
	$(BIN)/python -m chalicelib.cli $(if $(STAGE),--stage $(STAGE)) migrate

createsuperuser: venv
	$(BIN)/python -m chalicelib.cli $(if $(STAGE),--stage $(STAGE)) createsuperuser

bench: venv ## benchmarks print their figures; they are not part of the test run
	$(BIN)/python bench/cold_start.py

# The browser test renders /api/docs/ in Debian's Chromium: installed from the distribution's packages
# (Playwright's own browser download is never used).
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

.PHONY: package
package: venv ## the deployable SAM template of a stage in build/<stage>/ (STAGE=prod; checked, cfn-lint; no AWS credentials)
	$(BIN)/python -m infra.package --stage $(or $(STAGE),dev)

clean-data: ## forget the local shop's saved state
	rm -rf .data
