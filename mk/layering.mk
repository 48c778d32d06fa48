##@ Architecture checks (part of make lint)
# Layering (dependency-cruiser, rules in .dependency-cruiser.mjs): catalog <- kit <- services, which
# meet only through contract.ts modules; charts-src, dashboards, load and tools never reach service
# internals; shipped code never imports test code. Dead code (knip, knip.jsonc): unused files,
# exports and dependencies.
LAYERED_DIRS := $(wildcard catalog services charts-src alerts dashboards load tools test bench)

LINT_TARGETS += layering deadcode

.PHONY: layering
layering: install ## Check the import layering (dependency-cruiser)
	depcruise $(LAYERED_DIRS) --config .dependency-cruiser.mjs --output-type err

.PHONY: deadcode
deadcode: install ## Find unused files, exports and dependencies (knip)
	knip --no-progress
