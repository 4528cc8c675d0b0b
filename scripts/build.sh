#!/usr/bin/env bash
# Configures and builds ccload and its tests into ./build (Release with debug info, -Werror).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCLOAD_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
