##@ Demo
# make demo: the enterprise demo in one command (tools/demo, docs/demo.md). Builds what it needs
# first (npm packages; k6 from source, minutes the first time), then starts its own stack in
# .run/demo, runs the scenarios and writes reports/mmf_demo_report_<YYYYMMDD_HHMMSS>.json.
# DEMO_SCALE=2 doubles every scenario's length; DEMO_SCENARIOS=baseline,errors picks some.

.PHONY: demo
demo: install $(K6) ## The whole petstore locally: 5 k6 scenarios, live results, JSON + HTML report (about 3 min)
	node tools/demo/cli.ts

.PHONY: demo-test
demo-test: install $(K6) ## The demo end to end, scaled down (about a minute): report vs schema, injected causes
	vitest run --config tools/demo/vitest.e2e.config.ts

.PHONY: demo-schema
demo-schema: install ## Regenerate the demo report's JSON Schema from its zod definition
	node tools/demo/schema-file.ts

TEST_TARGETS += demo-test
