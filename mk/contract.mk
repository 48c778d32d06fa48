##@ API contracts (schemathesis)
# schemathesis (pinned in tools/python/requirements.txt) against all five services of a local stack
# on free ports, all checks, fixed seed (CONTRACT_SEED), CONTRACT_MAX_EXAMPLES per operation.
# Not yet in TEST_TARGETS: it still reports the failures listed in docs/contracts.md.
.PHONY: contract-test
contract-test: install $(VENV_STAMP) ## Run schemathesis (all checks, fixed seed) against every service's /openapi.json
	node test/contract/schemathesis.ts
