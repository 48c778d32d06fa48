##@ Load (k6)
# k6 is built from source with `go install` into ./bin, pinned; every load target uses ./bin/k6.
# k6 runs the TypeScript scenarios directly (it strips types); `load-typecheck` checks them.

K6_VERSION := v1.8.1
K6 := bin/k6
# Smoke: every duration and rate scaled down (floors: 1 s per stage, 5 requests/s) -> seconds per scenario.
LOAD_SMOKE_SCALE ?= 0.01
LOAD_SCENARIOS := $(sort $(basename $(notdir $(wildcard load/scenarios/*.ts))))
# Every scenario, in smoke order: the store scenarios (order, payment, inventory), then the two that
# go through the storefront (all five services), then the long ones.
LOAD_SMOKE_SCENARIOS := baseline high-load errors mixed journey canary stress scaling soak
# k6 would otherwise try to send an anonymous usage report at the end of every run.
export K6_NO_USAGE_REPORT := true

TOOLS += $(K6)
TEST_TARGETS += load-typecheck load-selftest load-test

# Phony on purpose: the recipe itself decides, so a k6 of another version is replaced.
.PHONY: $(K6)
$(K6):
	@if [ -x $@ ] && $@ version 2>/dev/null | grep -q '^k6 $(K6_VERSION) '; then :; else \
	  echo "building k6 $(K6_VERSION) into ./bin (go install; takes minutes the first time)"; \
	  go install go.k6.io/k6@$(K6_VERSION); fi

.PHONY: load-typecheck
load-typecheck: install ## Type-check the k6 scripts against @types/k6 (no Node types)
	tsc -p load/tsconfig.json

.PHONY: load-selftest
load-selftest: $(K6) load-bundle ## Run the load lib's self-test in k6, from source and bundled (no services needed)
	$(K6) run --quiet load/selftest.ts
	$(K6) run --quiet build/load/selftest.js

# One self-contained JavaScript file per scenario (catalog and lib inlined, k6 modules external) for
# places that cannot hold the source tree, such as the ConfigMap of the cluster's k6 Job.
.PHONY: load-bundle
load-bundle: install ## Bundle every scenario into build/load/<name>.js (esbuild) for the k6 Job
	esbuild $(wildcard load/scenarios/*.ts) load/selftest.ts --bundle --format=esm --platform=neutral \
	  --target=es2023 --external:k6 '--external:k6/*' --outdir=build/load --entry-names='[name]' --log-level=warning

.PHONY: load
load: $(K6) ## Run one scenario against the local stack: make load SCENARIO=baseline [LOAD_SCALE=0.1]
	@if [ -z "$(SCENARIO)" ] || [ ! -f load/scenarios/$(SCENARIO).ts ]; then \
	  echo "usage: make load SCENARIO=<name>; scenarios: $(LOAD_SCENARIOS)" >&2; exit 2; fi
	@mkdir -p reports
	$(K6) run load/scenarios/$(SCENARIO).ts

.PHONY: load-smoke
load-smoke: $(K6) ## Every scenario at smoke scale against an already running stack (all five services)
	@if [ "$(sort $(LOAD_SMOKE_SCENARIOS))" != "$(LOAD_SCENARIOS)" ]; then \
	  echo "LOAD_SMOKE_SCENARIOS ($(LOAD_SMOKE_SCENARIOS)) must list every load/scenarios/*.ts ($(LOAD_SCENARIOS))" >&2; exit 2; fi
	@mkdir -p reports; failed=""; \
	for s in $(LOAD_SMOKE_SCENARIOS); do \
	  echo "== load-smoke: $$s (LOAD_SCALE=$(LOAD_SMOKE_SCALE))"; \
	  LOAD_SCALE=$(LOAD_SMOKE_SCALE) $(K6) run --quiet load/scenarios/$$s.ts || failed="$$failed $$s"; \
	done; \
	if [ -n "$$failed" ]; then echo "load-smoke failed:$$failed" >&2; exit 1; fi; \
	echo "load-smoke: all $(words $(LOAD_SMOKE_SCENARIOS)) scenarios held their thresholds"

# Uses a stack that is already fully up (and leaves it running); otherwise starts one and stops it
# afterwards, also when the smoke fails.
.PHONY: load-test
load-test: $(K6) install ## Start the local stack, run load-smoke against it, stop the stack
	@if $(MAKE) status >/dev/null 2>&1; then \
	  echo "load-test: stack already running, using it"; $(MAKE) load-smoke; \
	else \
	  trap '$(MAKE) down' EXIT; $(MAKE) up && $(MAKE) load-smoke; \
	fi
