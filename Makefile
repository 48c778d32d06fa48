# MMF Petstore on Kubernetes — every workflow is a make target; `make help` lists them.
# Parts of the repository add their own targets in mk/*.mk and append to TEST_TARGETS.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# Project-local toolchain first: Node 24 from node_modules (devDependency `node`), Go tools in ./bin.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/bin:$(PATH)
export GOBIN := $(CURDIR)/bin

TEST_TARGETS :=
# Pinned command-line tools built into ./bin (k6, kube-score, ...); parts append to TOOLS.
TOOLS :=
# Extra checks `make lint` runs (parts append: Dockerfile lint, layering, dead code, ...).
LINT_TARGETS :=
# The project's virtual environment for pinned Python tools (built by mk/python.mk; see TOOLS).
VENV := .venv
VENV_STAMP := $(VENV)/.installed

##@ Setup
.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n\033[1m%s\033[0m\n", substr($$0, 5)} /^[a-zA-Z0-9_.-]+:.*##/ {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: install
install: node_modules/.installed ## Install npm dependencies (Node 24 comes with them)

include $(sort $(wildcard mk/*.mk))

.PHONY: tools
tools: $(TOOLS) ## Build the pinned Go tools into ./bin

##@ Quality
.PHONY: lint
lint: install $(LINT_TARGETS) ## Lint (eslint, type-aware), check formatting (prettier), and the parts' linters
	eslint .
	prettier --check .

.PHONY: format
format: install ## Format and auto-fix
	prettier --write .
	eslint --fix .

.PHONY: typecheck
typecheck: install ## Type-check every TypeScript project
	tsc -p tsconfig.json

.PHONY: unit
unit: install ## Run the vitest suites
	vitest run

# Steps that only read files or drive a local API server share the two cores (one `make -j` each,
# so their common prerequisites such as `synth` run once); load and timing-sensitive steps (k6
# thresholds, the canary judge, kill loops, SIGTERM drains) each run alone.
TEST_GROUPS := lint+typecheck cluster-check+checkov+alerts-test+load-typecheck cluster-test+contract-test
TEST_ALONE = $(filter-out $(subst +, ,$(TEST_GROUPS)),$(TEST_TARGETS))

.PHONY: test
test: ## Everything that can run on one machine (what CI runs); prints each step's time at the end
	@bash tools/timed-steps.sh system install tools $(TEST_GROUPS) unit $(TEST_ALONE)

.PHONY: clean
clean: ## Remove build output, reports and local run state
	rm -rf build dist reports .run coverage
