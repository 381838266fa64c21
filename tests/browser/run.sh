#!/usr/bin/env bash
# Browser tests of the web UI: installs the pinned npm dependencies when missing, then
# runs node's test runner. Uses the server binaries in $RISKATLAS_BUILD_DIR (default
# build/) and the system chromium ($CHROMIUM, default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
exec node --test --test-concurrency=1 "$@" ui.test.mjs
