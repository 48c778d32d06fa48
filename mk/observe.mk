##@ Observability (Prometheus, alert rules, dashboards)
# Prometheus and promtool are built from the Prometheus Go module pinned in tools/prometheus/go.mod:
# the same release kube-prometheus-stack deploys (see tools/cluster/versions.env). Prometheus's own
# go.mod has a replace directive, so `go install module@version` refuses it; a small module of ours
# requires it (with the same replace) and `go build` builds both commands from there.
PROMETHEUS := bin/prometheus
PROMTOOL := bin/promtool
PROMETHEUS_MODULE_VERSION := $(shell awk '$$1 == "github.com/prometheus/prometheus" { print $$2 }' tools/prometheus/go.mod)
# The module numbers Prometheus v3.M.P as v0.3MM.P: v0.306.0 is Prometheus 3.6.0.
PROMETHEUS_VERSION := $(shell echo $(PROMETHEUS_MODULE_VERSION) | awk -F'[v.]' '{ printf "%d.%d.%d", $$3 / 100, $$3 % 100, $$4 }')
PROMETHEUS_LDFLAGS := -s -w -X github.com/prometheus/common/version.Version=$(PROMETHEUS_VERSION) \
  -X github.com/prometheus/common/version.Branch=$(PROMETHEUS_MODULE_VERSION)
# Local Prometheus of `make observe` (127.0.0.1:$(OBSERVE_PORT)).
OBSERVE_PORT ?= 9090
RULES_DIR := dist/rules
ALERTS_TEST_DIR := build/alerts-test
# alerts-test checks its own copy of the generated rules: `make synth` rewrites dist/rules, and make
# test runs the two side by side (a clean-clone run once read dist/rules while synth had removed it).
ALERTS_TEST_RULES := build/alerts-rules

TOOLS += $(PROMETHEUS) $(PROMTOOL)
TEST_TARGETS += alerts-test

# Phony on purpose: the recipe checks the version each binary reports and rebuilds both if either
# differs. Cold: about 4 minutes on 2 idle cores (module download ~1 min + compile); docs/observability.md.
.PHONY: $(PROMETHEUS) $(PROMTOOL)
$(PROMTOOL): $(PROMETHEUS)
$(PROMETHEUS):
	@if [ -x $(PROMETHEUS) ] && [ -x $(PROMTOOL) ] \
	  && $(PROMETHEUS) --version 2>/dev/null | grep -q '^prometheus, version $(PROMETHEUS_VERSION) ' \
	  && $(PROMTOOL) --version 2>/dev/null | grep -q '^promtool, version $(PROMETHEUS_VERSION) '; then :; else \
	  echo "building prometheus and promtool $(PROMETHEUS_VERSION) ($(PROMETHEUS_MODULE_VERSION)) into ./bin (go build; minutes the first time)"; \
	  cd tools/prometheus && go build -trimpath -ldflags '$(PROMETHEUS_LDFLAGS)' -o $(CURDIR)/bin/ \
	    github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool; fi

.PHONY: observe
observe: install $(PROMETHEUS) ## Prometheus scraping the running local stack (make up) with the alert rules; prints its URL
	node tools/observe/cli.ts --port $(OBSERVE_PORT)

.PHONY: rules
rules: install ## Write the alert and recording rules to dist/rules/*.yaml (make synth does too)
	node alerts/rules.ts $(RULES_DIR)

# promtool unit tests generated from test/alerts/*-cases.ts (one node run writes the rule files, as
# `make rules` does but into $(ALERTS_TEST_RULES), and the tests), one file per group, run in parallel.
.PHONY: alerts-test
alerts-test: install $(PROMTOOL) ## promtool check + unit tests of every alert (fires when it should, silent otherwise)
	node test/alerts/write-promtool-tests.ts $(ALERTS_TEST_RULES) $(ALERTS_TEST_DIR) >/dev/null
	$(PROMTOOL) check rules $(ALERTS_TEST_RULES)/*.yaml
	@ls $(ALERTS_TEST_DIR)/*.test.yaml | xargs -P $$(nproc) -I{} sh -c \
	  'out=$$($(PROMTOOL) test rules {} 2>&1) && echo "promtool test rules {}: SUCCESS" || { echo "promtool test rules {}: FAILED"; echo "$$out"; exit 1; }'

.PHONY: dashboards
dashboards: install ## Write the Grafana dashboard to dist/dashboards/petstore.json (make synth does too)
	node dashboards/main.ts dist/dashboards

# The live proof: real services, real Prometheus with dist/rules, k6 with injected faults, then every
# dashboard query and rule through the HTTP API (test/observability/live-proof.ts).
TEST_TARGETS += observe-test
.PHONY: observe-test
observe-test: rules $(PROMETHEUS) $(K6) ## Live proof: every dashboard query and rule against a real Prometheus scraping the services under faults
	node test/observability/live-proof.ts
