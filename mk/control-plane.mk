##@ Local control plane (real kube-apiserver, controllers and scheduler; kwok nodes; no Docker)
# Built from pinned sources by `make tools` (tools/cluster/build-control-plane.sh; versions in
# tools/cluster/versions.env): kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd
# and kwok in ./bin. State, logs and the kubeconfig live in CONTROL_PLANE_DIR; ports count up from
# CONTROL_PLANE_PORT (API server), all on 127.0.0.1. docs/cluster.md says what this verifies.
export CONTROL_PLANE_DIR ?= .run/control-plane
export CONTROL_PLANE_PORT ?= 16443

TOOLS += control-plane-tools

.PHONY: control-plane-tools control-plane control-plane-down control-plane-status control-plane-running
control-plane-tools: ## Build the control plane's binaries into ./bin (once per version; cold: see docs/cluster.md)
	tools/cluster/build-control-plane.sh

control-plane: install control-plane-tools ## Start etcd, kube-apiserver, controller-manager, scheduler, kwok nodes; install the add-ons' CRDs
	node tools/control-plane/cli.ts up

control-plane-down: ## Stop exactly the processes `make control-plane` started
	node tools/control-plane/cli.ts down

control-plane-status: ## Show each control-plane process and its health
	node tools/control-plane/cli.ts status

# What `make deploy CLUSTER=local` needs first, with the way out when it is missing.
control-plane-running:
	@node tools/control-plane/cli.ts status >/dev/null || { node tools/control-plane/cli.ts status; \
	  echo "the local control plane is not running: make control-plane first" >&2; exit 1; }

# Every *.cluster.test.ts against one control plane, started for the run and stopped after it (one
# already started with `make control-plane` is reused and left running). Warm: see docs/cluster.md.
TEST_TARGETS += cluster-test
.PHONY: cluster-test
cluster-test: install control-plane-tools ## Control plane up, CRDs, deploy, rollouts, idempotence, field ownership, rejections, teardown
	vitest run --config vitest.cluster.config.ts
