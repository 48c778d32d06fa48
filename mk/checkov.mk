##@ Security scan (checkov, pinned in .venv)
# checkov's Kubernetes checks on both profiles' synthesized manifests: production 0 failed checks;
# kind skips exactly what tools/checkov/skips.yaml lists, each with its reason (tools/checkov/run.ts).
CHECKOV := $(VENV)/bin/checkov

TEST_TARGETS += checkov

.PHONY: checkov
checkov: install synth $(VENV_STAMP) ## Scan dist/kind and dist/production with checkov (skips and their reasons: tools/checkov/skips.yaml)
	node tools/checkov/run.ts $(CHECKOV) dist
