##@ Canary (promotion with a statistical judge; docs/canary.md)
# PROFILE (kind | production) picks the interval and soak; the thresholds and steps are in the catalog.
.PHONY: canary-simulate
canary-simulate: install ## The judge in seeded simulated promotions: PROFILE=production TRIALS=100 RPS=20
	PROFILE=$(PROFILE) TRIALS=$(or $(TRIALS),100) RPS=$(or $(RPS),20) node tools/canary/simulate.ts

.PHONY: canary-demo
canary-demo: install bin/k6 bin/prometheus ## Local promotion (stable + canary petstore, router, Prometheus, k6): CANARY=good|bad|idle
	@case "$(CANARY)" in good|bad|idle) ;; *) echo "usage: make canary-demo CANARY=good|bad|idle" >&2; exit 2;; esac
	node tools/canary/demo-cli.ts $(CANARY)

.PHONY: canary-schema
canary-schema: install ## Regenerate tools/canary/canary_report.schema.json from the report's zod schema
	node tools/canary/report.ts
