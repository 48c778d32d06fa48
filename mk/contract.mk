##@ API contracts (schemathesis)
# schemathesis (pinned in tools/python/requirements.txt) against all five services of a local stack
# on free ports, all checks, fixed seed (CONTRACT_SEED), CONTRACT_MAX_EXAMPLES per operation, the five
# services checked in parallel. Part of `make test`: it must report 0 failures (docs/contracts.md).
# 73-117 s wall here on 2 cores at load average 14-21, stack start-up included; the budget is 120 s.
TEST_TARGETS += contract-test

.PHONY: contract-test
contract-test: install $(VENV_STAMP) ## Run schemathesis (all checks, fixed seed) against every service's /openapi.json
	node test/contract/schemathesis.ts
