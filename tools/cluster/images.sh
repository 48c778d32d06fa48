#!/usr/bin/env bash
# Builds the service image once, tags it with every version the profile deploys (stable, canary)
# and loads the tags into the kind cluster's nodes.
# usage: images.sh <kind-cluster> <node-base-image> <image:tag>...
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 <kind-cluster> <node-base-image> <image:tag>..." >&2
  exit 2
fi
cluster=$1
base=$2
shift 2
first=$1

docker build --build-arg "NODE_IMAGE=${base}" --tag "$first" .
for tag in "$@"; do
  [ "$tag" = "$first" ] || docker tag "$first" "$tag"
done
kind load docker-image --name "$cluster" "$@"
