#!/usr/bin/env bash
# Runs `make <step>` for each step in order and prints how long each took, as a table at the end
# (also when a step fails), so a CI log shows where `make test` spends its budget.
# Usage: tools/timed-steps.sh STEP...   (MAKE is the make to call; make sets it for its recipes)
# A step `a+b+c` runs those targets side by side in one `make -j`, each target's output kept together.
set -uo pipefail
make_cmd=${MAKE:-make}
names=()
secs=()
status=0
total_start=$(date +%s)
for step in "$@"; do
  start=$(date +%s)
  printf '\n\033[1m==> make %s\033[0m\n' "$step"
  if [[ $step == *+* ]]; then
    IFS=+ read -ra group <<<"$step"
    "$make_cmd" -j"${#group[@]}" --output-sync=target "${group[@]}" || status=$?
  else
    "$make_cmd" "$step" || status=$?
  fi
  names+=("$step")
  secs+=($(($(date +%s) - start)))
  [ "$status" -eq 0 ] || break
done
printf '\n%-50s %8s\n' step seconds
for i in "${!names[@]}"; do printf '%-50s %8s\n' "${names[$i]}" "${secs[$i]}"; done
printf '%-50s %8s\n' total $(($(date +%s) - total_start))
[ "$status" -eq 0 ] || printf 'FAILED at make %s (exit %s)\n' "${names[-1]}" "$status"
exit "$status"
