#!/usr/bin/env bash
# Waits until every Deployment and StatefulSet in the namespace has finished rolling out.
# usage: wait-rollout.sh <kube-context> <namespace> <timeout-seconds>
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 <kube-context> <namespace> <timeout-seconds>" >&2
  exit 2
fi
context=$1
namespace=$2
timeout=$3

mapfile -t workloads < <(kubectl --context "$context" -n "$namespace" get deployments,statefulsets -o name)
if [ ${#workloads[@]} -eq 0 ]; then
  echo "no workloads in namespace $namespace" >&2
  exit 1
fi
for workload in "${workloads[@]}"; do
  kubectl --context "$context" -n "$namespace" rollout status "$workload" --timeout "${timeout}s"
done
echo "all ${#workloads[@]} workloads in $namespace rolled out"
