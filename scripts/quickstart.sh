#!/usr/bin/env bash
# Quick start: installs dependencies, builds, installs `ccload` (and a `pyload` link) on the PATH,
# then runs a real load test against ccload's own built-in target server on loopback, storing every
# request in the default SQLite database (./load.db), and prints the report and the history.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
"${as_root[@]}" cmake --install build --prefix /usr/local >/dev/null
for program in ccload pyload; do
  command -v "$program" >/dev/null || { echo "quickstart: $program is not on the PATH" >&2; exit 1; }
done
echo "installed: $(command -v ccload) and $(command -v pyload)"

server_log=$(mktemp)
ccload serve --port 0 >"$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -f "$server_log"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$server_log" && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$server_log" | head -n 1)
[ -n "$url" ] || { echo "quickstart: the built-in server did not start:" >&2; cat "$server_log" >&2; exit 1; }

echo "\$ ccload -u $url/get -n 10000 -c 20 -GET"
ccload -u "$url/get" -n 10000 -c 20 -GET
echo
echo "\$ ccload -history"
ccload -history --limit 5
