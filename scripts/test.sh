#!/usr/bin/env bash
# The whole test suite: installs dependencies (if missing), builds, runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium   # the HTML report is checked in a real browser
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 --timeout 600
