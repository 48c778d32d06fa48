##@ Cluster (kind + Istio; needs docker, kind, kubectl, helm)
# Every version lives in tools/cluster/versions.env (KEY=value, also sourced by the scripts).
include tools/cluster/versions.env

KIND_CLUSTER ?= petstore
PROFILE ?= kind
# CLUSTER=kind (default): the kind cluster. CLUSTER=local: the control plane of `make control-plane`
# (kube-apiserver, controllers and kwok's fake nodes; no images to build or load: fake pods pull nothing).
CLUSTER ?= kind
ifeq ($(CLUSTER),local)
KUBE_CONTEXT := mmf-local
export KUBECONFIG = $(abspath $(CONTROL_PLANE_DIR))/kubeconfig
DEPLOY_NEEDS := control-plane-running
else ifeq ($(CLUSTER),kind)
KUBE_CONTEXT := kind-$(KIND_CLUSTER)
DEPLOY_NEEDS := images
else
$(error CLUSTER must be kind or local, not '$(CLUSTER)')
endif
NAMESPACE_PETSTORE := petstore
KUBE_SCORE := bin/kube-score
# Every kubectl/helm call names the kind context, so a newcomer's other clusters are never touched.
KUBECTL := kubectl --context $(KUBE_CONTEXT)
HELM := helm --kube-context $(KUBE_CONTEXT)
PLATFORM := dist/platform

TOOLS += $(KUBE_SCORE)
TEST_TARGETS += cluster-check

.PHONY: synth
synth: ## Synthesize the Kubernetes YAML of both profiles into dist/kind and dist/production
	node charts-src/main.ts dist

.PHONY: kind-up
kind-up: synth ## Create the kind cluster with metrics-server, Istio, kube-prometheus-stack, prometheus-adapter, VPA
	tools/cluster/require.sh docker kind kubectl helm
	kind get clusters | grep -qx '$(KIND_CLUSTER)' || kind create cluster --name $(KIND_CLUSTER) --config kind-config.yaml --image $(KIND_NODE_IMAGE) --wait 120s
	helm repo add metrics-server https://kubernetes-sigs.github.io/metrics-server/ --force-update
	helm repo add istio https://istio-release.storage.googleapis.com/charts --force-update
	helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
	helm repo add fairwinds-stable https://charts.fairwinds.com/stable --force-update
	$(HELM) upgrade --install metrics-server metrics-server/metrics-server --version $(METRICS_SERVER_CHART_VERSION) --namespace kube-system -f $(PLATFORM)/metrics-server-values.yaml --wait
	$(HELM) upgrade --install istio-base istio/base --version $(ISTIO_VERSION) --namespace istio-system --create-namespace --wait
	$(HELM) upgrade --install istiod istio/istiod --version $(ISTIO_VERSION) --namespace istio-system -f $(PLATFORM)/istiod-values.yaml --wait
	$(HELM) upgrade --install istio-ingressgateway istio/gateway --version $(ISTIO_VERSION) --namespace istio-ingress --create-namespace -f $(PLATFORM)/istio-ingressgateway-values.yaml --wait
	$(HELM) upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack --version $(KUBE_PROMETHEUS_STACK_CHART_VERSION) --namespace monitoring --create-namespace -f $(PLATFORM)/kube-prometheus-stack-values.yaml --wait --timeout 10m
	$(HELM) upgrade --install prometheus-adapter prometheus-community/prometheus-adapter --version $(PROMETHEUS_ADAPTER_CHART_VERSION) --namespace monitoring -f $(PLATFORM)/prometheus-adapter-values.yaml --wait
	$(HELM) upgrade --install vpa fairwinds-stable/vpa --version $(VPA_CHART_VERSION) --namespace vpa --create-namespace -f $(PLATFORM)/vpa-values.yaml --wait
	@echo "kind cluster '$(KIND_CLUSTER)' is ready: next, make deploy (Grafana: http://localhost:3000, admin/admin)"

.PHONY: images
images: ## Build the one service image (stable + canary tags) and load it into the kind cluster
	tools/cluster/require.sh docker kind node
	tools/cluster/images.sh $(KIND_CLUSTER) $(NODE_IMAGE) $$(node charts-src/images.ts $(PROFILE))

# Server-side apply as field manager mmf-petstore (catalog/cluster.ts), except VirtualService routing
# the canary promoter owns (kept; RESET_ROUTES=1 takes it back): tools/cluster/apply.ts, docs/cluster.md.
APPLY = node tools/cluster/apply.ts --context $(KUBE_CONTEXT) $(if $(RESET_ROUTES),--reset-routes)
DEPLOY_FILES = dist/$(PROFILE)/00-namespace.k8s.yaml dist/$(PROFILE)/10-petstore.k8s.yaml

.PHONY: deploy deploy-dry-run deploy-diff
deploy: install synth $(DEPLOY_NEEDS) ## Apply PROFILE (server-side) to CLUSTER (kind|local) and wait until every workload has rolled out
	tools/cluster/require.sh kubectl
	$(APPLY) $(DEPLOY_FILES)
	tools/cluster/wait-rollout.sh $(KUBE_CONTEXT) $(NAMESPACE_PETSTORE) 300
	$(if $(filter kind,$(CLUSTER)),@echo "storefront: http://localhost:8080/  (canary: curl -H 'canary: true' http://localhost:8080/...)")

deploy-dry-run: install synth ## Server-side dry run of PROFILE on CLUSTER: validated and admitted by the API server, nothing stored
	$(APPLY) --dry-run $(DEPLOY_FILES)

deploy-diff: install synth ## What `make deploy` would change on CLUSTER (kubectl diff; fails when anything would)
	$(APPLY) --diff $(DEPLOY_FILES)

.PHONY: load-cluster
load-cluster: bin/k6 ## Run one k6 scenario as a Job in the cluster: make load-cluster SCENARIO=scaling
	@if [ -z "$(SCENARIO)" ] || [ ! -f load/scenarios/$(SCENARIO).ts ]; then \
	  echo "usage: make load-cluster SCENARIO=<name>; scenarios: $(LOAD_SCENARIOS)" >&2; exit 2; fi
	@mkdir -p build/load
	bin/k6 archive --quiet load/scenarios/$(SCENARIO).ts -O build/load/$(SCENARIO).tar
	node charts-src/main.ts dist
	$(KUBECTL) -n $(NAMESPACE_PETSTORE) delete job k6-$(SCENARIO) --ignore-not-found --wait
	$(APPLY) dist/$(PROFILE)/load/k6-$(SCENARIO).k8s.yaml
	tools/cluster/wait-job.sh $(KUBE_CONTEXT) $(NAMESPACE_PETSTORE) k6-$(SCENARIO) 1800

.PHONY: hpa-watch
hpa-watch: ## Watch the autoscalers (replicas and metrics) while load runs
	$(KUBECTL) -n $(NAMESPACE_PETSTORE) get hpa --watch

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	kind delete cluster --name $(KIND_CLUSTER)

# kube-score: built from source, pinned. Phony so that a binary of another version is replaced; the
# module version is read from the binary (`go install` builds report "development" in `version`).
.PHONY: $(KUBE_SCORE)
$(KUBE_SCORE):
	@if [ -x $@ ] && go version -m $@ 2>/dev/null | grep -qE '^\s+mod\s+github.com/zegl/kube-score\s+$(KUBE_SCORE_VERSION)\s'; then :; else \
	  echo "building kube-score $(KUBE_SCORE_VERSION) into ./bin (go install)"; \
	  go install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION); fi

# The Kubernetes minor the kind node image runs (kube-score wants vN.NN).
KUBE_MINOR := $(subst $(eval) ,.,$(wordlist 1,2,$(subst ., ,$(lastword $(subst :, ,$(firstword $(subst @, ,$(KIND_NODE_IMAGE))))))))
# kube-score fails on CRITICAL and on WARNING: every result is fixed or written down as an exception.
# Exceptions for one object are annotations the charts set (`kube-score/ignore`, and the reason in
# `kube-score-ignore.mmf-petstore/<check>`; see charts-src/lib/labels.ts). Bundle-wide exceptions:
#
# Images are pinned by exact tag, and the service images exist only in the kind nodes' cache
# (`kind load docker-image`): pullPolicy Always would make the kubelet pull them from a registry
# that does not have them.
KUBE_SCORE_IGNORE += container-image-pull-policy
# Pods are spread over nodes with topologySpreadConstraints (kubernetes.io/hostname) instead of pod
# anti-affinity: spread keeps scheduling possible when the HPA runs more pods than there are nodes
# (kind has two workers), which required anti-affinity would block. kube-score only knows affinity.
KUBE_SCORE_IGNORE += deployment-has-host-podantiaffinity
KUBE_SCORE_FLAGS := --kubernetes-version $(KUBE_MINOR) --output-format ci --exit-one-on-warning \
  $(foreach t,$(KUBE_SCORE_IGNORE),--ignore-test $(t))

# kube-score scores the kinds it knows (workloads, Services, HPAs, PDBs, NetworkPolicies) and skips
# the others (Istio, ServiceMonitor, VPA, ConfigMap...): those are checked by the chart tests' schemas.
# Its `ci` output lists every result; only the non-OK lines are shown.
.PHONY: kube-score
kube-score: synth $(KUBE_SCORE) ## Score both profiles with kube-score (fails on critical and warning results)
	@mkdir -p build
	@for profile in kind production; do \
	  echo "$(KUBE_SCORE) score $(KUBE_SCORE_FLAGS) dist/$$profile/*.yaml dist/$$profile/load/*.yaml"; \
	  $(KUBE_SCORE) score $(KUBE_SCORE_FLAGS) dist/$$profile/*.yaml dist/$$profile/load/*.yaml > build/kube-score-$$profile.txt \
	    && status=0 || status=$$?; \
	  grep -v -e '^\[OK\]' -e '^\[SKIPPED\]' build/kube-score-$$profile.txt || true; \
	  [ $$status -eq 0 ] || { echo "kube-score: $$profile profile fails (full output: build/kube-score-$$profile.txt)" >&2; exit 1; }; \
	  echo "kube-score: $$profile profile passes ($$(grep -c '^\[OK\]' build/kube-score-$$profile.txt) checks OK)"; \
	done

.PHONY: cluster-check
cluster-check: kube-score ## Offline checks of the cluster workflow: kube-score, shellcheck
	shellcheck tools/cluster/*.sh
