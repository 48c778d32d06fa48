##@ Cluster (kind + Istio; needs docker, kind, kubectl, helm)
# Every version lives in tools/cluster/versions.env (KEY=value, also sourced by the scripts).
include tools/cluster/versions.env

KIND_CLUSTER ?= petstore
KUBE_CONTEXT := kind-$(KIND_CLUSTER)
PROFILE ?= kind
NAMESPACE_PETSTORE := petstore
KUBE_LINTER := bin/kube-linter
# Every kubectl/helm call names the kind context, so a newcomer's other clusters are never touched.
KUBECTL := kubectl --context $(KUBE_CONTEXT)
HELM := helm --kube-context $(KUBE_CONTEXT)
PLATFORM := dist/platform

TOOLS += $(KUBE_LINTER)
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

.PHONY: deploy
deploy: synth images ## Apply the kind profile (server-side) and wait until every workload has rolled out
	tools/cluster/require.sh kubectl
	$(KUBECTL) apply --server-side --field-manager=mmf-petstore --force-conflicts -f dist/$(PROFILE)/00-namespace.k8s.yaml
	$(KUBECTL) apply --server-side --field-manager=mmf-petstore --force-conflicts -f dist/$(PROFILE)/10-petstore.k8s.yaml
	tools/cluster/wait-rollout.sh $(KUBE_CONTEXT) $(NAMESPACE_PETSTORE) 300
	@echo "storefront: http://localhost:8080/  (canary: curl -H 'canary: true' http://localhost:8080/...)"

.PHONY: cluster-load
cluster-load: bin/k6 ## Run one k6 scenario as a Job in the cluster: make cluster-load SCENARIO=scaling
	@if [ -z "$(SCENARIO)" ] || [ ! -f load/scenarios/$(SCENARIO).ts ]; then \
	  echo "usage: make cluster-load SCENARIO=<name>; scenarios: $(LOAD_SCENARIOS)" >&2; exit 2; fi
	@mkdir -p build/load
	bin/k6 archive --quiet load/scenarios/$(SCENARIO).ts -O build/load/$(SCENARIO).tar
	node charts-src/main.ts dist
	$(KUBECTL) -n $(NAMESPACE_PETSTORE) delete job k6-$(SCENARIO) --ignore-not-found --wait
	$(KUBECTL) apply --server-side --field-manager=mmf-petstore --force-conflicts -f dist/$(PROFILE)/load/k6-$(SCENARIO).k8s.yaml
	tools/cluster/wait-job.sh $(KUBE_CONTEXT) $(NAMESPACE_PETSTORE) k6-$(SCENARIO) 1800

.PHONY: hpa-watch
hpa-watch: ## Watch the autoscalers (replicas and metrics) while load runs
	$(KUBECTL) -n $(NAMESPACE_PETSTORE) get hpa --watch

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	kind delete cluster --name $(KIND_CLUSTER)

# kube-linter: built from source, pinned. Phony so a binary of another version is replaced.
.PHONY: $(KUBE_LINTER)
$(KUBE_LINTER):
	@if [ -x $@ ] && $@ version 2>/dev/null | grep -q '$(KUBE_LINTER_VERSION:v%=%)'; then :; else \
	  echo "building kube-linter $(KUBE_LINTER_VERSION) into ./bin (go install)"; \
	  go install golang.stackrox.io/kube-linter/cmd/kube-linter@$(KUBE_LINTER_VERSION); fi

.PHONY: kube-lint
kube-lint: synth $(KUBE_LINTER) ## Lint both profiles with kube-linter (exceptions and reasons in .kube-linter.yaml)
	$(KUBE_LINTER) lint --config .kube-linter.yaml dist/kind dist/production

.PHONY: cluster-check
cluster-check: kube-lint ## Offline checks of the cluster workflow: kube-linter, shellcheck
	shellcheck tools/cluster/*.sh
