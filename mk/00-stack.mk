##@ Local stack (no cluster, no Docker)
.PHONY: up down status
up: install ## Start every service in the background, wait until ready, print URLs (ports: ORDER_PORT=...)
	node tools/stack/cli.ts up

down: ## Stop the services gracefully (SIGTERM, drain)
	node tools/stack/cli.ts down

status: ## Show each service's URL, pid and readiness
	node tools/stack/cli.ts status
