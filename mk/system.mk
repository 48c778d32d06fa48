##@ System packages
.PHONY: system
system: ## Install the Debian packages the tests need, when any is missing (tools/install-system.sh)
	@bash tools/install-system.sh
