##@ API contracts (schemathesis)
# schemathesis (pinned in tools/python/requirements.txt) against all five services of a local stack
# on free ports, all checks, fixed seed (CONTRACT_SEED), CONTRACT_MAX_EXAMPLES per operation, the five
# services checked in parallel. Part of `make test`: it must report 0 failures (docs/contracts.md).
# 26 s wall here at load average 6.5, 79-117 s at 13-21 (2 cores, stack start-up included); budget 120 s.
TEST_TARGETS += contract-test

.PHONY: contract-test
contract-test: install $(VENV_STAMP) ## Run schemathesis (all checks, fixed seed) against every service's /openapi.json
	node test/contract/schemathesis.ts
