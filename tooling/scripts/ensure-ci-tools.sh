#!/usr/bin/env bash
# Installs the system tools the test suite drives for real, when they are missing: Debian's
# chromium (the quality package's HTML report is checked in headless Chromium) and prometheus
# (the http package's /metrics is scraped by a real Prometheus and checked with promtool).
# Idempotent: installs only what is missing. Exits non-zero when an install fails.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v prometheus >/dev/null && command -v promtool >/dev/null; } || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-ci-tools: chromium and prometheus present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "ensure-ci-tools: installing ${missing[*]}"
# Wait for another apt run to finish instead of failing on its lock.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
[ -x /usr/bin/chromium ] || { echo "ensure-ci-tools: /usr/bin/chromium is missing after the install" >&2; exit 1; }
command -v promtool >/dev/null || { echo "ensure-ci-tools: promtool is missing after the install" >&2; exit 1; }
echo "ensure-ci-tools: $(/usr/bin/chromium --version 2>/dev/null || echo chromium); $(promtool --version 2>&1 | head -1)"
