#!/usr/bin/env bash
# Waits for a Job to complete or fail, then prints its logs; exits non-zero when the Job failed.
# usage: wait-job.sh <kube-context> <namespace> <job> <timeout-seconds>
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 <kube-context> <namespace> <job> <timeout-seconds>" >&2
  exit 2
fi
context=$1
namespace=$2
job=$3
timeout=$4
k=(kubectl --context "$context" -n "$namespace")

deadline=$((SECONDS + timeout))
status=running
while [ "$status" = running ]; do
  succeeded=$("${k[@]}" get job "$job" -o jsonpath='{.status.succeeded}')
  failed=$("${k[@]}" get job "$job" -o jsonpath='{.status.failed}')
  if [ "${succeeded:-0}" -ge 1 ]; then
    status=succeeded
  elif [ "${failed:-0}" -ge 1 ]; then
    status=failed
  elif [ "$SECONDS" -ge "$deadline" ]; then
    status=timeout
  else
    sleep 5
  fi
done
"${k[@]}" logs "job/$job" --tail=-1 || true
echo "job $job: $status"
[ "$status" = succeeded ]
