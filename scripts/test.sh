#!/usr/bin/env bash
# The test command (README, `.ci/run`): installs what the tests need, builds the web UI and runs
# every suite: Vitest (components), then pytest (Python, API, and the browser end-to-end tests
# in headless Chromium against a running `warroom serve`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages for the browser tests (Chromium and its driver, driven by Playwright; a CJK
# font so Chinese pages render in screenshots).
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei >/dev/null
fi

python3 -m pip install --quiet -e ".[dev]"
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
python3 -m pytest "$@"
