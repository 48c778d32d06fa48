##@ Chaos (exactly-once checkout under kill -9)
# make chaos: the local stack in .run/chaos (free ports, fresh data), k6 checkout load with faults and
# replayed Idempotency-Keys (load/probes/chaos.ts) while order, payment and inventory processes are
# killed with SIGKILL and restarted; then the audit of every invariant (tools/chaos, docs/chaos.md).
# Writes reports/chaos_<YYYYMMDD_HHMMSS>.json; exits 1 on any violation. bin/k6 is mk/load.mk's
# target, named literally because that file is read after this one.
CHAOS_SECONDS ?= 120

.PHONY: chaos
chaos: install bin/k6 ## Checkout load + kill -9 of order/payment/inventory, then the exactly-once audit (CHAOS_SECONDS=120, >= 10 kills)
	CHAOS_SECONDS=$(CHAOS_SECONDS) node tools/chaos/cli.ts

.PHONY: chaos-test
chaos-test: install bin/k6 ## make chaos scaled down (30 s, >= 3 kills; about a minute): 0 violations, report vs its schema
	vitest run --config tools/chaos/vitest.e2e.config.ts

.PHONY: chaos-schema
chaos-schema: install ## Regenerate tools/chaos/chaos_report.schema.json from the report's zod schema
	node tools/chaos/report.ts

# make chaos-cluster: the same audit against the deployed services of CLUSTER (kind|local, mk/cluster.mk),
# with pod deletion as the fault; the load runs alongside as its own Job (docs/chaos.md, "On a cluster").
.PHONY: chaos-cluster
chaos-cluster: install ## Delete order/payment/inventory pods for CHAOS_SECONDS, then the audit through port-forwards (CLUSTER=kind|local)
	CHAOS_SECONDS=$(CHAOS_SECONDS) KUBE_CONTEXT=$(KUBE_CONTEXT) node tools/chaos/cluster-cli.ts

TEST_TARGETS += chaos-test
