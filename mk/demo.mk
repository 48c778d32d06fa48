##@ Demo
# make demo: the enterprise demo in one command (tools/demo, docs/demo.md). Builds what it needs
# first (npm packages; k6, Jaeger and Prometheus from source, minutes the first time; bin/prometheus
# is mk/observe.mk's target, named literally because that file is read after this one), then starts
# its own stack in .run/demo, runs the scenarios and writes reports/mmf_demo_report_<...>.json/.html.
# DEMO_SCALE=2 doubles every scenario's length; DEMO_SCENARIOS=baseline,errors picks some.

# Jaeger all-in-one, the local trace backend of make demo and make trace: built from the Jaeger Go
# module pinned in tools/jaeger/go.mod (the same query API as the cluster's Jaeger). Jaeger's go.mod
# has a replace directive, so `go install module@version` refuses it; our module requires it with
# the same replace. Cold: about 12 min here with the machine shared (4 min of CPU, 2.3 GB peak
# memory while linking, ~720 MB of modules); docs/demo.md says why it is worth it.
JAEGER := bin/jaeger
JAEGER_VERSION := $(shell awk '$$1 == "github.com/jaegertracing/jaeger" { print $$2 }' tools/jaeger/go.mod)
TOOLS += $(JAEGER)

.PHONY: demo
demo: install bin/k6 $(JAEGER) bin/prometheus ## The whole petstore locally: 5 k6 scenarios, live results, JSON + HTML report (about 3 min)
	node tools/demo/cli.ts

.PHONY: demo-test
demo-test: install bin/k6 $(JAEGER) bin/prometheus ## The demo end to end, scaled down (about a minute): report vs schema, injected causes
	vitest run --config tools/demo/vitest.e2e.config.ts

.PHONY: demo-schema
demo-schema: install ## Regenerate the demo report's JSON Schema from its zod definition
	node tools/demo/schema-file.ts

TEST_TARGETS += demo-test

.PHONY: $(JAEGER)
$(JAEGER):
	@if [ -x $@ ] && $@ version 2>/dev/null | grep -q '"gitVersion":"$(JAEGER_VERSION)"'; then :; else \
	  echo "building jaeger all-in-one $(JAEGER_VERSION) into ./bin (go build; minutes the first time)"; \
	  cd tools/jaeger && go build -trimpath \
	    -ldflags '-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$(JAEGER_VERSION)' \
	    -o $(CURDIR)/$@ github.com/jaegertracing/jaeger/cmd/all-in-one; fi

.PHONY: trace
trace: install ## The tree of one transaction across services: make trace ID=TXN-... (Jaeger, else the audit logs)
	@node tools/trace/cli.ts '$(ID)'
