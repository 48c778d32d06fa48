##@ Canary (promotion with a statistical judge; docs/canary.md)
# PROFILE (kind | production) picks the interval and soak; the thresholds and steps are in the catalog.
.PHONY: canary-simulate
# Production timing unless PROFILE is given on the command line (mk/cluster.mk defaults it to kind).
canary-simulate: install ## The judge in seeded simulated promotions: [PROFILE=production] [TRIALS=100] [RPS=20]
	PROFILE=$(if $(filter command line,$(origin PROFILE)),$(PROFILE),production) TRIALS=$(or $(TRIALS),100) RPS=$(or $(RPS),20) node tools/canary/simulate.ts

.PHONY: canary-demo
canary-demo: install bin/k6 bin/prometheus ## Local promotion (stable + canary petstore, router, Prometheus, k6): CANARY=good|bad|idle
	@case "$(CANARY)" in good|bad|idle) ;; *) echo "usage: make canary-demo CANARY=good|bad|idle" >&2; exit 2;; esac
	node tools/canary/demo-cli.ts $(CANARY)

.PHONY: canary-schema
canary-schema: install ## Regenerate tools/canary/canary_report.schema.json from the report's zod schema
	node tools/canary/report.ts

# The cluster: PROFILE picks the timing, CLUSTER (kind | local) and KUBE_CONTEXT the cluster (mk/cluster.mk).
.PHONY: promote
promote: install ## Promote the canary step by step on the cluster, or roll it back (DRY_RUN=1: the plan only)
	DRY_RUN=$(DRY_RUN) PROFILE=$(PROFILE) KUBE_CONTEXT=$(KUBE_CONTEXT) node tools/canary/promote-cli.ts

# The load of a promotion: the canary scenario as a k6 Job that runs as long as a promotion can last
# (CANARY_DURATION from the profile), without gating the split, which the promotion moves. Starts the
# Job and returns; `make promote` then judges what it sends through the gateway.
.PHONY: canary-load
canary-load: install bin/k6 ## Start the canary scenario in the cluster as the load of a promotion (returns at once)
	@mkdir -p build/load
	bin/k6 archive --quiet load/scenarios/canary.ts -O build/load/canary.tar
	node charts-src/main.ts dist
	$(KUBECTL) -n $(NAMESPACE_PETSTORE) delete job k6-canary-promotion --ignore-not-found --wait
	$(APPLY) dist/$(PROFILE)/load/k6-canary-promotion.k8s.yaml
	@echo "k6-canary-promotion started: $(KUBECTL) -n $(NAMESPACE_PETSTORE) logs -f job/k6-canary-promotion; next: make promote"

# The three demo outcomes, scaled down, on one stack (about 75 s here): test/e2e/canary-demo.e2e.ts.
TEST_TARGETS += canary-test
.PHONY: canary-test
canary-test: install bin/k6 bin/prometheus ## The local canary demo scaled down: good promoted, bad rolled back, idle halted
	vitest run --config vitest.canary.config.ts
