#!/usr/bin/env bash
# Resolves the digest of every image in versions.env that has a <KEY>_DIGEST line and writes it
# there, for the production profile's image:tag@digest references (charts-src/config/images.ts).
# Needs a registry that serves the tags: crane (go-containerregistry) or docker buildx.
# usage: pin-images.sh <versions.env>
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 <versions.env>" >&2
  exit 2
fi
file=$1

resolve() {
  if command -v crane >/dev/null 2>&1; then
    crane digest "$1"
  elif command -v docker >/dev/null 2>&1; then
    docker buildx imagetools inspect "$1" --format '{{json .Manifest}}' |
      sed -n 's/.*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p'
  else
    echo "pin-images needs crane (https://github.com/google/go-containerregistry) or docker buildx" >&2
    return 1
  fi
}

mapfile -t keys < <(sed -n 's/^\([A-Z0-9_]*\)_DIGEST=.*/\1/p' "$file")
for key in "${keys[@]}"; do
  image=$(sed -n "s/^${key}=//p" "$file")
  if [ -z "$image" ]; then
    echo "pin-images: ${key}_DIGEST has no ${key} line" >&2
    exit 1
  fi
  digest=$(resolve "$image")
  if ! [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "pin-images: no digest for $image (got '$digest'); $file unchanged for it" >&2
    exit 1
  fi
  sed -i "s|^${key}_DIGEST=.*|${key}_DIGEST=${digest}|" "$file"
  echo "$image -> $digest"
done
