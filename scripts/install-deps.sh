#!/usr/bin/env bash
# Installs what ccload needs to build and test, from Debian 12's archive. Idempotent: when
# everything is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  gcc g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev node-llhttp libnghttp2-dev
  libpcre2-dev libluajit-5.1-dev   # --check regexes; -s scripts (wrk's Lua)
  libprotobuf-dev protobuf-compiler libsnappy-dev   # Prometheus remote write
  wrk                           # tests: wrk runs the same scripts as ccload
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
# No package installed here starts its service (nginx, PostgreSQL, Prometheus, InfluxDB): the tests run their own
# servers with their own configuration. A policy-rc.d that answers 101 ("action forbidden") is what
# invoke-rc.d and deb-systemd-invoke ask; one the machine already has (a container's) is kept.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
  printf '#!/bin/sh\n# scripts/install-deps.sh: no service starts during the install\nexit 101\n' |
    "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
fi
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# Whatever policy-rc.d said, no service of a package just installed is left running.
installed=" ${missing[*]} "
for service in nginx postgresql prometheus influxdb; do
  case "$service:$installed" in
    nginx:*" nginx "* | nginx:*" nginx-light "* | nginx:*" nginx-full "*) ;;
    postgresql:*" postgresql "* | postgresql:*" postgresql-15 "*) ;;
    prometheus:*" prometheus "* | influxdb:*" influxdb "*) ;;
    *) continue ;;
  esac
  if [ -d /run/systemd/system ]; then
    "${as_root[@]}" systemctl stop "$service" 2>/dev/null || true
  elif [ -x "/etc/init.d/$service" ]; then
    "${as_root[@]}" "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  fi
done
