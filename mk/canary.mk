##@ Canary (promotion with a statistical judge; docs/canary.md)
# PROFILE (kind | production) picks the interval and soak; the thresholds and steps are in the catalog.
.PHONY: canary-simulate
canary-simulate: install ## The judge in seeded simulated promotions: PROFILE=production TRIALS=100 RPS=20
	PROFILE=$(PROFILE) TRIALS=$(or $(TRIALS),100) RPS=$(or $(RPS),20) node tools/canary/simulate.ts
