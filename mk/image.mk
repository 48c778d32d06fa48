##@ Image (checked without a Docker daemon)
# make image-check re-enacts the Dockerfile's stages from the context .dockerignore defines, with
# production-only node_modules, and runs every service from the result (test/image/check.ts).
HADOLINT := $(VENV)/bin/hadolint

LINT_TARGETS += dockerfile-lint
TEST_TARGETS += image-check

.PHONY: dockerfile-lint
dockerfile-lint: $(VENV_STAMP) ## Lint the Dockerfile with the pinned hadolint
	$(HADOLINT) Dockerfile

.PHONY: image-check
image-check: install ## Build the image's stages without Docker, start every service from them, call each
	node test/image/check.ts
