#!/usr/bin/env bash
# The whole test suite: installs dependencies (if missing), builds, runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The HTML report is checked in a real browser; PostgreSQL 15 runs for the store tests.
scripts/install-deps.sh chromium postgresql-15 postgresql-client-15
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 --timeout 600
