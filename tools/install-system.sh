#!/usr/bin/env bash
# System packages the tests need, from Debian's archive. Idempotent: installs only what is missing,
# and costs nothing when all is there, so `make test` runs it first (make system).
set -euo pipefail

need=()
command -v make >/dev/null || need+=(make)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
command -v shellcheck >/dev/null || need+=(shellcheck)
# make demo-test opens the HTML report in headless Chromium (playwright-core drives /usr/bin/chromium);
# DejaVu is the font the report's charts name, so screenshots look the same everywhere.
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# The Python tools' virtual environment (.venv) needs venv with ensurepip.
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need[*]}" >&2
    echo "make test installs them itself when run as root; otherwise run: sudo bash tools/install-system.sh" >&2
    exit 1
  fi
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
