#!/usr/bin/env bash
# Fails early, naming every missing command, instead of halfway through a cluster target.
set -euo pipefail

missing=()
for cmd in "$@"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing commands: ${missing[*]} (the cluster targets need docker, kind, kubectl and helm; see docs/cluster.md)" >&2
  exit 1
fi
if [[ " $* " == *" docker "* ]] && ! docker info >/dev/null 2>&1; then
  echo "docker is installed but its engine is not reachable (is Docker running?)" >&2
  exit 1
fi
