#!/usr/bin/env bash
# Installs the system tools the test suite drives for real, when they are missing: Debian's
# chromium (the quality package's HTML report is checked in headless Chromium). Idempotent:
# does nothing when /usr/bin/chromium exists. Exits non-zero when an install fails.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "ensure-ci-tools: chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "ensure-ci-tools: installing chromium"
# Wait for another apt run to finish instead of failing on its lock.
$SUDO apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-ci-tools: chromium was installed but /usr/bin/chromium is missing" >&2
  exit 1
fi
echo "ensure-ci-tools: chromium installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
