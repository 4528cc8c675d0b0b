#!/usr/bin/env bash
# Installs what ccload needs to build and test, from Debian 12's archive. Idempotent: when
# everything is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  gcc g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev node-llhttp libnghttp2-dev
  libpq-dev sqlite3 procps clang-format git
  util-linux iproute2 tcpdump   # tests: prlimit, unshare, chrt, taskset; ip; packet capture
  clang-14 libclang-rt-14-dev   # the libFuzzer targets (scripts/fuzz.sh); GCC brings ASan/TSan
)
packages+=("$@")   # extra packages a caller needs (the benchmark adds wrk, nginx, ...)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo (missing: ${missing[*]})" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
