#!/usr/bin/env bash
# ccload's benchmark harness: loopback only, bounded in time (each mode aims at < ~5 minutes).
#
#   bench/run.sh table                          the one table: HTTP/1.1, with SQLite, HTTP/2, pipelining
#                                               at depth 16 and 10,000 connections; CPU, rate, system
#                                               calls, instructions and RSS per request vs wrk/h2load
#   bench/run.sh compare [nginx|builtin|both]   ccload (no-store and sqlite) vs wrk, h2load --h1, ab -k
#   bench/run.sh callgrind                      user-space instructions per request (ccload vs wrk)
#   bench/run.sh memory                         ccload peak RSS at n=200k and n=2M (store / no-store)
#   bench/run.sh startup                        process start -> first request arriving
#   bench/run.sh server                         built-in server vs nginx, one core each, wrk as client
#   bench/run.sh postgres                       a BENCH_N run stored in PostgreSQL vs in SQLite (wall)
#   bench/run.sh soak                           10 minutes at full speed against ccload serve, SQLite
#                                               on: RSS, descriptors and WAL size every 10 s
#   bench/run.sh http2                          HTTP/2: ccload vs h2load against nginx, h2c and TLS,
#                                               at -c 10 --streams 10 and -c 50 --streams 1
#   bench/run.sh templates                      a POST whose URL and body carry three fields and a
#                                               data column vs the same static POST: callgrind
#                                               instructions and CPU per request, ratio
#   bench/run.sh pipeline                       HTTP/1.1 pipelining at depth 16 against nginx:
#                                               ccload --pipeline 16 vs wrk with a pipeline script
#   bench/run.sh lua                            the same Lua script (request() returns a prebuilt
#                                               request) under wrk and ccload -s, against nginx;
#                                               and ccload with --check status==200 vs without
#   bench/run.sh live                           ccload with the live view (in a pty) and
#                                               --metrics-listen scraped every second, against
#                                               the same run with --no-live: CPU per request
#
# Servers run on CPU 0, clients on CPU 1 (taskset). Knobs (environment): CCLOAD (binary; default
# ./build/ccload, built with scripts/build.sh when missing), BENCH_N (200000), BENCH_ROUNDS (3),
# BENCH_BUDGET (seconds per mode before remaining rounds are skipped, 290), BENCH_SERVER_SECS (5),
# SOAK_SECONDS (600), SOAK_INTERVAL (10), BENCH_CLIENTS (compare's clients; default all five:
# "wrk ccload-nostore ccload-sqlite h2load ab"; the storage case is "wrk ccload-nostore ccload-sqlite").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELPER=(python3 "$ROOT/bench/helper.py")
MODE=${1:-compare}
TARGETS=${2:-both}
N=${BENCH_N:-200000}
C=50
ROUNDS=${BENCH_ROUNDS:-3}
BUDGET=${BENCH_BUDGET:-290}
SERVER_SECS=${BENCH_SERVER_SECS:-5}
SERVER_CPU=0
CLIENT_CPU=1
RUN_TIMEOUT=120          # hard cap for any single client run
# Descriptors: as many as this machine allows (nginx and the 10,000-connection case need them).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)

usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
case "$MODE" in table|compare|callgrind|memory|startup|server|postgres|soak|http2|templates|pipeline|lua|live) ;; -h|--help|help) usage ;; *) usage ;; esac
case "$TARGETS" in nginx|builtin|both) ;; *) usage ;; esac

log() { printf '[bench %4ds] %s\n' "$SECONDS" "$*" >&2; }

# ---------------------------------------------------------------- dependencies
ensure_deps() {
  local need=() want=(wrk:wrk nginx:nginx-light h2load:nghttp2-client ab:apache2-utils
                      /usr/bin/time:time taskset:util-linux python3:python3)
  case "$MODE" in callgrind|templates|table) want+=(valgrind:valgrind callgrind_annotate:valgrind) ;; esac
  case "$MODE" in table) want+=(strace:strace) ;; esac
  local pair
  for pair in "${want[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
  done
  if [ ${#need[@]} -gt 0 ]; then
    log "installing: ${need[*]}"
    mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
    "$ROOT/scripts/install-deps.sh" "${need[@]}"
  fi
  if [ -z "${CCLOAD:-}" ]; then
    CCLOAD="$ROOT/build/ccload"
    if [ ! -x "$CCLOAD" ]; then
      log "building ccload (scripts/build.sh)"
      "$ROOT/scripts/install-deps.sh"
      "$ROOT/scripts/build.sh" >&2
    fi
  fi
  CCLOAD=$(cd "$(dirname "$CCLOAD")" && pwd)/$(basename "$CCLOAD")
  [ -x "$CCLOAD" ] || { echo "bench: $CCLOAD is not executable" >&2; exit 1; }
  CCLOAD_VERSION=$("$CCLOAD" --version | awk '{print $2}')   # its User-Agent: ccload/VERSION
  [ "$(nproc)" -ge 2 ] || log "warning: fewer than 2 CPUs; server and client share a core"
}

# ---------------------------------------------------------------- servers and cleanup
T=$(mktemp -d /tmp/ccload-bench.XXXXXX)
chmod 755 "$T"               # nginx's worker (user nobody when run as root) must read www/
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() {  # port: waits at most 10 s until something accepts on 127.0.0.1:port
  local i
  for i in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listening on 127.0.0.1:$1" >&2; exit 1
}

NGINX_URL=""
start_nginx() {
  local port d="$T/nginx"
  port=$("${HELPER[@]}" port)
  mkdir -p "$d/www" "$d/tmp"
  head -c 100 /dev/zero | tr '\0' 'x' > "$d/www/100b"
  chmod -R a+rX "$d"
  cat > "$d/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
worker_rlimit_nofile $NOFILE;
events { worker_connections $((NOFILE - 100)); }
http {
  access_log off;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  open_file_cache max=64 inactive=300s;   # no open()/fstat()/close() per request for /100b
  open_file_cache_valid 300s;
  server {
    listen 127.0.0.1:$port;
    root $d/www;
    location = /100b { default_type application/octet-stream; }
    location = /500 { return 500; }
    location /echo/ { return 200 "ok\\n"; }   # any method, any path below /echo/ (templates)
  }
}
EOF
  # -p/-c/-e: own prefix, config and error log; nothing touches a system nginx.
  taskset -c "$SERVER_CPU" nginx -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" &
  PIDS+=($!)
  NGINX_PID=$!
  wait_port "$port"
  NGINX_URL="http://127.0.0.1:$port"
  log "nginx (pid $NGINX_PID, 1 worker, CPU $SERVER_CPU) at $NGINX_URL"
}

BUILTIN_URL=""
start_builtin() {
  local i port=""
  taskset -c "$SERVER_CPU" "$CCLOAD" serve --port 0 --threads 1 > "$T/builtin.out" 2>&1 &
  PIDS+=($!)
  BUILTIN_PID=$!
  for i in $(seq 100); do
    port=$(sed -n '1s/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/builtin.out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "bench: ccload serve did not start: $(cat "$T/builtin.out")" >&2; exit 1; }
  wait_port "$port"
  BUILTIN_URL="http://127.0.0.1:$port"
  log "ccload serve (pid $BUILTIN_PID, 1 thread, CPU $SERVER_CPU) at $BUILTIN_URL"
}

over_budget() { [ "$SECONDS" -ge "$BUDGET" ]; }

# ---------------------------------------------------------------- one measured client run
# measure TARGET CLIENT ROUND URL: runs the client pinned to CLIENT_CPU under /usr/bin/time and
# appends "target client round completed wall_s tool_rps user_s sys_s maxrss_kib" to $RESULTS.
WRK_SECS=5
WRK_SCRIPT=()   # (-s FILE) for the pipeline mode
# client_cmd CLIENT URL: sets CMD to the client's command line (from N, C, WRK_SECS, ...).
client_cmd() {
  local client=$1 url=$2 cmd=()
  case "$client" in
    ccload-nostore) cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" --threads 1 --no-store --json "$T/cc.json") ;;
    ccload-check)   cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" --threads 1 --no-store --check status==200
                         --json "$T/cc.json") ;;
    ccload-sqlite)  rm -f "$T/bench.db"*
                    cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" --threads 1 --db "$T/bench.db" --json "$T/cc.json") ;;
    wrk)            cmd=(wrk -t1 -c"$C" -d"${WRK_SECS}s" "${WRK_SCRIPT[@]}" "$url") ;;
    ccload-pipeline) cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" --pipeline "$DEPTH" --threads 1
                         --no-store --json "$T/cc.json") ;;
    ccload-lua)     cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" -s "$T/script.lua" --threads 1
                         --no-store --json "$T/cc.json") ;;
    h2load)         cmd=(h2load --h1 -n "$N" -c "$C" -t 1 "$url") ;;
    # Both under script(1), so that stdout is a terminal and the relaying costs both alike.
    ccload-plain)   cmd=(script -qefc "$CCLOAD run $url -n $N -c $C --threads 1 --no-store --no-live --json $T/cc.json" /dev/null) ;;
    ccload-watched) cmd=(script -qefc "$CCLOAD run $url -n $N -c $C --threads 1 --no-store --live --metrics-listen 127.0.0.1:$METRICS_PORT --metrics-linger 0s --json $T/cc.json" /dev/null) ;;
    ccload-h2)      cmd=("$CCLOAD" run "$url" -n "$N" -c "$C" --http2 --streams "$STREAMS" --threads 1
                         --insecure --no-store --json "$T/cc.json") ;;
    h2load-h2)      cmd=(h2load -n "$N" -c "$C" -m "$STREAMS" -t 1 "$url") ;;
    ab)             cmd=(ab -k -q -n "$N" -c "$C" "$url") ;;
  esac
  CMD=("${cmd[@]}")
}

# client_result CLIENT OUT: sets COMPLETED and RPS from the client's output (ccload: its JSON).
client_result() {
  local client=$1 out=$2 completed=0 rps=0
  case "$client" in
    ccload-*) [ -s "$T/cc.json" ] && read -r completed rps < <("${HELPER[@]}" ccload-json "$T/cc.json") ;;
    wrk)      completed=$(awk '/requests in/ {print $1; exit}' "$out")
              rps=$(awk '/^Requests\/sec:/ {print $2; exit}' "$out") ;;
    h2load*)  completed=$(sed -n 's/^requests: .* \([0-9]*\) done,.*/\1/p' "$out")
              rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$out") ;;
    ab)       completed=$(awk '/^Complete requests:/ {print $3}' "$out")
              rps=$(awk '/^Requests per second:/ {print $4}' "$out") ;;
  esac
  COMPLETED=${completed:-0}; RPS=${rps:-0}
}

measure() {
  local target=$1 client=$2 round=$3 url=$4
  local out="$T/out" tf="$T/time" completed=0 rps=0 t0 t1 rc=0
  client_cmd "$client" "$url"
  rm -f "$T/cc.json"
  t0=$(date +%s%N)
  timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -o "$tf" -f '%U %S %M' \
    taskset -c "$CLIENT_CPU" "${CMD[@]}" > "$out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  [ "$rc" -eq 0 ] || log "warning: $client exited with $rc: $(tail -3 "$out" | tr '\n' ' ')"
  client_result "$client" "$out"
  completed=$COMPLETED; rps=$RPS
  local user sys rss
  read -r user sys rss < <(tail -1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$client" "$round" "${completed:-0}" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" "${rps:-0}" \
    "$user" "$sys" "$rss" >> "$RESULTS"
  log "$target r$round $client: ${completed:-0} req, ${rps:-0} req/s, cpu ${user}+${sys}s, rss ${rss} KiB"
}

# wrk has no -n: pick the whole-second duration that gives about N requests at wrk's own rate,
# measured by a 2 s warm-up run (which also warms the server).
calibrate_wrk() {
  local url=$1 out rps
  out=$(timeout 30 taskset -c "$CLIENT_CPU" wrk -t1 -c"$C" -d2s "${WRK_SCRIPT[@]}" "$url")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  WRK_SECS=$(awk -v n="$N" -v r="$rps" 'BEGIN { d = int(n / r + 0.5); if (d < 1) d = 1; if (d > 30) d = 30; print d }')
  log "wrk warm-up at $url: $rps req/s -> -d${WRK_SECS}s for ~$N requests"
}

# ---------------------------------------------------------------- modes
mode_compare() {
  RESULTS="$T/compare.tsv"; : > "$RESULTS"
  local targets=() target url round i clients base
  read -r -a base <<<"${BENCH_CLIENTS:-wrk ccload-nostore ccload-sqlite h2load ab}"
  case "$TARGETS" in both) targets=(nginx builtin) ;; *) targets=("$TARGETS") ;; esac
  for target in "${targets[@]}"; do
    if [ "$target" = nginx ]; then start_nginx; url="$NGINX_URL/100b"; else start_builtin; url="$BUILTIN_URL/get"; fi
  done
  # Interleave: every round runs each client once against each target (A B A B ...), and the
  # client order rotates from round to round so no tool always runs first or last.
  for target in "${targets[@]}"; do
    if [ "$target" = nginx ]; then url="$NGINX_URL/100b"; else url="$BUILTIN_URL/get"; fi
    calibrate_wrk "$url"
    eval "WRK_SECS_$target=$WRK_SECS"
  done
  for round in $(seq "$ROUNDS"); do
    clients=("${base[@]:$(( (round - 1) % ${#base[@]} ))}" "${base[@]:0:$(( (round - 1) % ${#base[@]} ))}")
    for i in "${clients[@]}"; do
      for target in "${targets[@]}"; do
        if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 3; fi
        if [ "$target" = nginx ]; then url="$NGINX_URL/100b"; else url="$BUILTIN_URL/get"; fi
        eval "WRK_SECS=\$WRK_SECS_$target"
        measure "$target" "$i" "$round" "$url"
      done
    done
  done
  echo
  echo "compare: n=$N (wrk: -d chosen for ~n), c=$C, 1 client thread, client on CPU $CLIENT_CPU, server on CPU $SERVER_CPU;"
  echo "nginx serves /100b (100-byte file), ccload serve serves /get; medians over $ROUNDS rounds; ratios are per round vs wrk."
  echo
  "${HELPER[@]}" compare-table "$RESULTS"
}

# Pipelining at depth 16 against nginx: wrk with a script whose request() returns 16 GETs of
# /100b at once (as wrk's own pipeline.lua does with 3), against ccload --pipeline 16, rounds
# alternating; n is 5x BENCH_N, since pipelined requests are that much cheaper.
mode_pipeline() {
  RESULTS="$T/pipeline.tsv"; : > "$RESULTS"
  DEPTH=16
  N=$((N * 5))
  local round client url
  start_nginx; url="$NGINX_URL/100b"
  {
    echo 'init = function(args)'
    echo '  local r = {}'
    # The same request bytes as ccload's (its User-Agent and Accept fields): nginx's cost per
    # request, which sets the rate here, grows with them.
    echo "  for i = 1, $DEPTH do r[i] = wrk.format(nil, \"/100b\", {[\"User-Agent\"] = \"ccload/$CCLOAD_VERSION\", Accept = \"*/*\"}) end"
    echo '  req = table.concat(r)'
    echo 'end'
    echo 'request = function() return req end'
  } > "$T/pipeline.lua"
  WRK_SCRIPT=(-s "$T/pipeline.lua")
  calibrate_wrk "$url"
  for round in $(seq "$ROUNDS"); do
    for client in wrk ccload-pipeline; do
      [ $((round % 2)) -eq 0 ] && [ "$client" = wrk ] && continue
      if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 2; fi
      measure nginx "$client" "$round" "$url"
    done
    [ $((round % 2)) -eq 0 ] && measure nginx wrk "$round" "$url"
  done
  echo
  echo "pipeline: depth $DEPTH, n=$N (wrk: -d chosen for ~n, its script returns $DEPTH requests per call),"
  echo "c=$C, 1 client thread on CPU $CLIENT_CPU, nginx on CPU $SERVER_CPU serving /100b; medians over $ROUNDS rounds."
  echo
  "${HELPER[@]}" compare-table "$RESULTS"
}

# A script whose request() returns a request built once in init() (wrk's usual way of sending a
# fixed request from Lua): wrk -s against ccload -s with the same file, rounds alternating. The
# cost measured is Lua's call per request on top of each tool's own loop.
mode_lua() {
  RESULTS="$T/lua.tsv"; : > "$RESULTS"
  local round client url
  start_nginx; url="$NGINX_URL/100b"
  {
    echo 'init = function(args) req = wrk.format(nil, "/100b") end'
    echo 'request = function() return req end'
  } > "$T/script.lua"
  WRK_SCRIPT=(-s "$T/script.lua")
  calibrate_wrk "$url"
  for round in $(seq "$ROUNDS"); do
    for client in wrk ccload-lua ccload-nostore ccload-check; do
      [ $((round % 2)) -eq 0 ] && [ "$client" = wrk ] && continue
      if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 2; fi
      measure nginx "$client" "$round" "$url"
    done
    [ $((round % 2)) -eq 0 ] && measure nginx wrk "$round" "$url"
  done
  echo
  echo "lua: the same script (request() returns a prebuilt GET /100b) under wrk and ccload-lua; ccload-check"
  echo "is ccload-nostore with --check status==200. n=$N (wrk: -d chosen for ~n),"
  echo "c=$C, 1 client thread on CPU $CLIENT_CPU, nginx on CPU $SERVER_CPU; medians over $ROUNDS rounds."
  echo
  "${HELPER[@]}" compare-table "$RESULTS"
}

# The cost of watching a run: the live view drawn into a pty (script(1)) and /metrics scraped every
# second (a bash loop over /dev/tcp, Prometheus' pace), against the same run with --no-live under
# script(1) too; rounds alternate, wrk runs beside them for scale.
mode_live() {
  RESULTS="$T/live.tsv"; : > "$RESULTS"
  local round client url scraper
  N=${BENCH_N:-1500000}  # runs of several seconds: several scrapes and many frames each
  start_nginx; url="$NGINX_URL/100b"
  METRICS_PORT=$("${HELPER[@]}" port)
  calibrate_wrk "$url"
  ( while sleep 1; do
      { exec 3<>"/dev/tcp/127.0.0.1/$METRICS_PORT" &&
        printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3 > /dev/null; } 2>/dev/null || true
    done ) &
  scraper=$!
  for round in $(seq "$ROUNDS"); do
    for client in ccload-plain ccload-watched wrk; do
      if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 2; fi
      measure nginx "$client" "$round" "$url"
    done
  done
  kill "$scraper" 2>/dev/null || true
  echo
  echo "live: ccload-watched is --live (drawn into a pty) with --metrics-listen scraped every second;"
  echo "ccload-plain the same run with --no-live; both under script(1). n=$N, c=$C, 1 client thread"
  echo "on CPU $CLIENT_CPU, nginx on CPU $SERVER_CPU; medians over $ROUNDS rounds."
  echo
  "${HELPER[@]}" compare-table "$RESULTS"
  echo
  "${HELPER[@]}" pair-ratio "$RESULTS" ccload-watched ccload-plain
}

# HTTP/2 against nginx (http_v2): h2c (prior knowledge) and h2 over TLS (ALPN, the test
# certificate); ccload and h2load alternate, each at two shapes of concurrency.
start_nginx_h2() {  # sets H2C_PORT and H2TLS_PORT
  local port tport d="$T/nginx-h2"
  port=$("${HELPER[@]}" port); tport=$("${HELPER[@]}" port)
  mkdir -p "$d/www" "$d/tmp"
  head -c 100 /dev/zero | tr '\0' 'x' > "$d/www/100b"
  chmod -R a+rX "$d"
  cat > "$d/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 128;
  open_file_cache max=64 inactive=300s;
  open_file_cache_valid 300s;
  server {
    listen 127.0.0.1:$port http2;
    listen 127.0.0.1:$tport ssl http2;
    ssl_certificate $ROOT/tests/data/server.pem;
    ssl_certificate_key $ROOT/tests/data/server.key;
    root $d/www;
    location = /100b { default_type application/octet-stream; }
  }
}
EOF
  taskset -c "$SERVER_CPU" nginx -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" &
  PIDS+=($!)
  wait_port "$port"; wait_port "$tport"
  log "nginx (HTTP/2, 1 worker, CPU $SERVER_CPU): h2c on $port, h2 over TLS on $tport"
  H2C_PORT=$port; H2TLS_PORT=$tport
}

mode_http2() {
  local port tport round shape target url client
  start_nginx_h2; port=$H2C_PORT; tport=$H2TLS_PORT
  RESULTS="$T/http2.tsv"; : > "$RESULTS"
  for round in $(seq "$ROUNDS"); do
    for shape in 10x10 50x1; do
      C=${shape%x*}; STREAMS=${shape#*x}
      for target in h2c tls; do
        if [ "$target" = h2c ]; then url="http://127.0.0.1:$port/100b"; else url="https://127.0.0.1:$tport/100b"; fi
        for client in ccload-h2 h2load-h2; do
          if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 4; fi
          measure "$target-c$C-m$STREAMS" "$client" "$round" "$url"
        done
      done
    done
  done
  echo
  echo "http2: n=$N, 1 client thread on CPU $CLIENT_CPU, nginx on CPU $SERVER_CPU, /100b; medians over $ROUNDS rounds"
  echo
  echo "| target | ccload req/s | h2load req/s | ccload / h2load | ccload CPU s | h2load CPU s |"
  echo "|---|---:|---:|---:|---:|---:|"
  python3 - "$RESULTS" <<'PY'
import sys, statistics
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines() if l]
targets = []
for r in rows:
    if r[0] not in targets:
        targets.append(r[0])
for t in targets:
    def med(client, col):
        values = [float(r[col]) for r in rows if r[0] == t and r[1] == client]
        return statistics.median(values) if values else float("nan")
    cc, h2 = med("ccload-h2", 5), med("h2load-h2", 5)
    cpu = lambda client: med(client, 6) + med(client, 7)
    print(f"| {t} | {cc:,.0f} | {h2:,.0f} | {cc / h2:.2f} | {cpu('ccload-h2'):.2f} | {cpu('h2load-h2'):.2f} |")
PY
}

callgrind_ir() {  # callgrind output file -> total instructions (Ir)
  awk '/^(summary|totals):/ {print $2; exit}' "$1"
}

mode_callgrind() {
  start_nginx
  local url="$NGINX_URL/100b" n1=20000 n2=40000 d1=3 d2=9 ir1 ir2 r1 r2
  local vg=(valgrind --tool=callgrind --quiet)
  log "callgrind: ccload -n $n1 and -n $n2"
  for n in "$n1" "$n2"; do
    timeout -k 5 200 taskset -c "$CLIENT_CPU" "${vg[@]}" --callgrind-out-file="$T/cg.ccload.$n" \
      "$CCLOAD" run "$url" -n "$n" -c "$C" --threads 1 --no-store --json "$T/cg.$n.json" > "$T/cg.out" 2>&1 \
      || log "warning: callgrind ccload -n $n failed: $(tail -3 "$T/cg.out" | tr '\n' ' ')"
  done
  ir1=$(callgrind_ir "$T/cg.ccload.$n1"); ir2=$(callgrind_ir "$T/cg.ccload.$n2")
  read -r r1 _ < <("${HELPER[@]}" ccload-json "$T/cg.$n1.json")
  read -r r2 _ < <("${HELPER[@]}" ccload-json "$T/cg.$n2.json")
  printf 'ccload\t%s\t%s\t%s\t%s\n' "$r1" "$ir1" "$r2" "$ir2" > "$T/cg.tsv"
  log "callgrind: wrk -d${d1}s and -d${d2}s"
  for d in "$d1" "$d2"; do
    timeout -k 5 60 taskset -c "$CLIENT_CPU" "${vg[@]}" --callgrind-out-file="$T/cg.wrk.$d" \
      wrk -t1 -c"$C" -d"${d}s" "$url" > "$T/cg.wrk.$d.out" 2>&1 \
      || log "warning: callgrind wrk -d$d failed"
  done
  ir1=$(callgrind_ir "$T/cg.wrk.$d1"); ir2=$(callgrind_ir "$T/cg.wrk.$d2")
  r1=$(awk '/requests in/ {print $1; exit}' "$T/cg.wrk.$d1.out")
  r2=$(awk '/requests in/ {print $1; exit}' "$T/cg.wrk.$d2.out")
  printf 'wrk\t%s\t%s\t%s\t%s\n' "$r1" "$ir1" "$r2" "$ir2" >> "$T/cg.tsv"
  echo
  echo "callgrind: user-space instructions per request = (Ir(run 2) - Ir(run 1)) / (requests 2 - requests 1);"
  echo "against nginx /100b, c=$C, 1 client thread; ccload --no-store -n $n1 / $n2, wrk -d${d1}s / -d${d2}s."
  echo
  echo "| client | requests 1 | Ir 1 | requests 2 | Ir 2 | Ir/request (differenced) | ÷ wrk | Ir/request (run 2 alone) |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'\t' '{ per[NR] = ($5 - $3) / ($4 - $2); line[NR] = $0; name[NR] = $1; if ($1 == "wrk") w = per[NR] }
       END { for (i = 1; i <= NR; i++) { split(line[i], f, "\t");
               printf "| %s | %d | %d | %d | %d | %.0f | %.2f | %.0f |\n", f[1], f[2], f[3], f[4], f[5], per[i], per[i] / w, f[5] / f[4] } }' "$T/cg.tsv"
  echo
  echo "ccload's top 10 functions by self instructions (Ir) in the -n $n2 run:"
  echo
  echo '```'
  # Lines look like "91,120,000 (22.17%)  /path/file.ipp:ns::function(args) [object]": keep the
  # count, the share and the function name without its file and arguments.
  callgrind_annotate --inclusive=no "$T/cg.ccload.$n2" 2>/dev/null | python3 -c '
import re, sys
rows = 0
for line in sys.stdin:
    m = re.match(r"^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)$", line)
    if not m or "PROGRAM TOTALS" in line:
        continue
    where = m.group(3)
    fn = where.split(":", 1)[1] if ":" in where.split("(")[0] else where
    fn = re.sub(r"\s*\[.*\]$", "", fn)
    fn = fn.split("(")[0] if not fn.startswith("0x") else fn
    print(f"{m.group(1):>13} {m.group(2):>6}%  {fn[:110]}")
    rows += 1
    if rows == 10:
        break'
  echo '```'
}

# Templates against static requests: the same POST (same URL and body sizes), once with
# {{seq}}, {{randint}}, {{uuid}} and a {{col}} of a 1,000-row CSV in its URL and JSON body, once
# static. Callgrind counts user-space instructions per request (differenced between two run
# lengths, so start-up cancels out); rusage gives CPU per request over interleaved rounds.
mode_templates() {
  start_nginx
  local csv="$T/users.csv" i
  { echo "id,name"; for i in $(seq 1000); do printf '%d,user%04d\n' "$i" "$i"; done; } > "$csv"
  local static_url="$NGINX_URL/echo/items/1000?r=123456&u=user0001"
  local static_body='{"id":"6f1c2a4e-8b3d-4f5a-9c7e-1d2b3c4d5e6f","name":"user0001"}'
  local tmpl_url="$NGINX_URL/echo/items/{{seq}}?r={{randint 100000 999999}}&u={{col name}}"
  local tmpl_body='{"id":"{{uuid}}","name":"{{col name}}"}'
  templates_cmd() {  # KIND N JSON -> the command line in TCMD
    if [ "$1" = static ]; then
      TCMD=("$CCLOAD" run "$static_url" -m POST -d "$static_body" -n "$2" -c "$C" --threads 1 --no-store --json "$3")
    else
      TCMD=("$CCLOAD" run "$tmpl_url" -m POST -d "$tmpl_body" --data "$csv" --seed 7 -n "$2" -c "$C"
            --threads 1 --no-store --json "$3")
    fi
  }
  local n1=20000 n2=40000 kind n ir1 ir2 r1 r2
  local vg=(valgrind --tool=callgrind --quiet)
  : > "$T/tcg.tsv"
  for kind in static templated; do
    log "templates: callgrind $kind -n $n1 and -n $n2"
    for n in "$n1" "$n2"; do
      templates_cmd "$kind" "$n" "$T/tcg.$kind.$n.json"
      timeout -k 5 200 taskset -c "$CLIENT_CPU" "${vg[@]}" --callgrind-out-file="$T/tcg.$kind.$n" \
        "${TCMD[@]}" > "$T/tcg.out" 2>&1 \
        || log "warning: callgrind $kind -n $n failed: $(tail -3 "$T/tcg.out" | tr '\n' ' ')"
    done
    ir1=$(callgrind_ir "$T/tcg.$kind.$n1"); ir2=$(callgrind_ir "$T/tcg.$kind.$n2")
    read -r r1 _ < <("${HELPER[@]}" ccload-json "$T/tcg.$kind.$n1.json")
    read -r r2 _ < <("${HELPER[@]}" ccload-json "$T/tcg.$kind.$n2.json")
    printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$r1" "$ir1" "$r2" "$ir2" >> "$T/tcg.tsv"
  done
  RESULTS="$T/templates.tsv"; : > "$RESULTS"
  local round out="$T/out" tf="$T/time" completed user sys rss
  for round in $(seq "$ROUNDS"); do
    for kind in static templated; do
      if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 2; fi
      templates_cmd "$kind" "$N" "$T/tcc.json"
      rm -f "$T/tcc.json"
      timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -o "$tf" -f '%U %S %M' \
        taskset -c "$CLIENT_CPU" "${TCMD[@]}" > "$out" 2>&1 || log "warning: $kind failed: $(tail -3 "$out" | tr '\n' ' ')"
      completed=0
      [ -s "$T/tcc.json" ] && read -r completed _ < <("${HELPER[@]}" ccload-json "$T/tcc.json")
      read -r user sys rss < <(tail -1 "$tf")
      printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$round" "$completed" "$user" "$sys" >> "$RESULTS"
      log "templates r$round $kind: $completed req, cpu ${user}+${sys}s"
    done
  done
  echo
  echo "templates: POST to nginx (return 200), c=$C, 1 client thread on CPU $CLIENT_CPU, --no-store;"
  echo "templated: URL /echo/items/{{seq}}?r={{randint 100000 999999}}&u={{col name}}, body"
  echo "{\"id\":\"{{uuid}}\",\"name\":\"{{col name}}\"} with --data (1,000 rows); static: the same sizes, no fields."
  echo
  echo "| run | Ir/request (callgrind, differenced) | ÷ static | CPU µs/request (rusage, median of $ROUNDS x n=$N) | ÷ static |"
  echo "|---|---:|---:|---:|---:|"
  python3 - "$T/tcg.tsv" "$RESULTS" <<'PY'
import sys, statistics
cg = {}
for line in open(sys.argv[1]).read().splitlines():
    kind, r1, i1, r2, i2 = line.split("\t")
    cg[kind] = (float(i2) - float(i1)) / (float(r2) - float(r1))
cpu = {}
for line in open(sys.argv[2]).read().splitlines():
    kind, _, done, user, system = line.split("\t")
    if float(done) > 0:
        cpu.setdefault(kind, []).append((float(user) + float(system)) * 1e6 / float(done))
for kind in ("static", "templated"):
    c = statistics.median(cpu[kind]) if kind in cpu else float("nan")
    s = statistics.median(cpu["static"]) if "static" in cpu else float("nan")
    print(f"| {kind} | {cg.get(kind, float('nan')):,.0f} | {cg.get(kind, float('nan')) / cg['static']:.3f} | {c:.2f} | {c / s:.3f} |")
PY
}

mode_memory() {
  start_nginx
  local url="$NGINX_URL/100b" n store
  RESULTS="$T/memory.tsv"; : > "$RESULTS"
  for n in 200000 2000000; do
    for store in ccload-nostore ccload-sqlite; do
      if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 2; fi
      N=$n measure nginx "$store" "$n" "$url"
      [ "$store" = ccload-sqlite ] && log "database: $(du -h "$T/bench.db" | cut -f1)"
    done
  done
  echo
  echo "memory: ccload peak RSS against nginx /100b, c=$C, --threads 1 (client on CPU $CLIENT_CPU)."
  echo
  echo "| variant | n | completed | req/s (tool) | CPU µs/req | peak RSS MiB | RSS(2M) ÷ RSS(200k) |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' '{ k = $2; rss[k, $3] = $9; line[NR] = $0 }
       END { for (i = 1; i <= NR; i++) { split(line[i], f, "\t");
               ratio = (f[3] == 2000000 && rss[f[2], 200000] > 0) ? sprintf("%.2f", f[9] / rss[f[2], 200000]) : "";
               printf "| %s | %d | %d | %.0f | %.2f | %.1f | %s |\n", f[2], f[3], f[4], f[6], (f[7] + f[8]) * 1e6 / f[4], f[9] / 1024, ratio } }' "$RESULTS"
}

mode_startup() {
  start_nginx
  local url="$NGINX_URL/100b" runs=20 name i t0 t1
  # The floor: a minimal C client (exec, connect, one write), built here.
  cc -O2 -o "$T/minimal_client" "$ROOT/bench/minimal_client.c"
  local -A probe=(
    [minimal-c]="$T/minimal_client {PORT}"
    [ccload-nostore]="$CCLOAD run http://127.0.0.1:{PORT}/ -n 1 -c 1 --no-store"
    [ccload-sqlite]="$CCLOAD run http://127.0.0.1:{PORT}/ -n 1 -c 1 --db $T/startup.db"
    [ccload-sqlite-fresh]="$CCLOAD run http://127.0.0.1:{PORT}/ -n 1 -c 1 --db {FRESH}/load.db"
    [wrk]="wrk -t1 -c1 -d1s http://127.0.0.1:{PORT}/"
    [h2load]="h2load --h1 -n 1 -c 1 -t 1 http://127.0.0.1:{PORT}/"
    [ab]="ab -q -n 1 -c 1 http://127.0.0.1:{PORT}/"
  )
  local -A whole=(
    [ccload-nostore]="$CCLOAD run $url -n 1 -c 1 --no-store"
    [ccload-sqlite]="$CCLOAD run $url -n 1 -c 1 --db $T/startup.db"
    [h2load]="h2load --h1 -n 1 -c 1 -t 1 $url"
    [ab]="ab -q -n 1 -c 1 $url"
  )
  local -A whole_ms=()
  local probe_args=()
  for name in minimal-c ccload-nostore ccload-sqlite ccload-sqlite-fresh wrk h2load ab; do
    # shellcheck disable=SC2206
    probe_args+=("$name" ${probe[$name]} --)
  done
  # Method 1: one long-lived probe process runs the tools interleaved (A B C A B C ...).
  taskset -c "$SERVER_CPU" "${HELPER[@]}" startup-probe "$runs" "$CLIENT_CPU" "${probe_args[@]}" > "$T/probe.out"
  # Method 2: interleaved too.
  for i in $(seq "$runs"); do
    if over_budget; then log "budget reached after $((i - 1)) runs"; break; fi
    for name in ccload-nostore ccload-sqlite h2load ab; do
      t0=$(date +%s%N)
      # shellcheck disable=SC2086
      timeout 20 taskset -c "$CLIENT_CPU" ${whole[$name]} > /dev/null 2>&1 || log "warning: $name failed"
      t1=$(date +%s%N)
      whole_ms[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }') "
    done
  done
  echo
  echo "startup, method 1 - spawn to first request bytes: a loopback listener (bench/helper.py, on CPU $SERVER_CPU)"
  echo "takes a timestamp, spawns the client (taskset -c $CLIENT_CPU), and takes a second one when the first"
  echo "request's bytes arrive. Includes fork/exec, dynamic linking, the tool's initialisation, connect and send."
  echo "minimal-c is bench/minimal_client.c (connect and one write); ccload-sqlite-fresh stores into a new"
  echo "directory each run, ccload-sqlite into one database reused across runs."
  echo "$runs runs each, tools interleaved; milliseconds."
  echo
  echo "| client | median ms | min ms | max ms |"
  echo "|---|---|---|---|"
  sed 's/ / | /g; s/^/| /; s/$/ |/' "$T/probe.out"
  echo
  awk '$1 == "minimal-c" { floor = $2 } { median[$1] = $2 }
       END { for (name in median) if (name ~ /^ccload/)
               printf "%s: %.1f ms more than the minimal client (median; issue 25 target: within 8 ms)\n", name, median[name] - floor }' \
    "$T/probe.out" | sort
  echo
  echo "startup, method 2 - whole run of 1 request against nginx /100b, wall clock from before exec to exit"
  echo "(date +%s%N around the pinned process; $runs runs each, interleaved; wrk is absent: it cannot run for less than 1 s)."
  echo
  echo "| client | median ms | min ms | max ms |"
  echo "|---|---|---|---|"
  for name in ccload-nostore ccload-sqlite h2load ab; do
    # shellcheck disable=SC2086
    printf '| %s | %s |\n' "$name" "$("${HELPER[@]}" stats ${whole_ms[$name]} | sed 's/ / | /g')"
  done
}

# ---------------------------------------------------------------- the one table (issue 25)
# count_syscalls CASE CLIENT URL: one run under strace -f -c; every system call of every thread
# divided by the requests completed, appended to $SYSCALLS as "case client calls/request".
count_syscalls() {
  local case_name=$1 client=$2 url=$3 out="$T/strace.out" sum="$T/strace.sum" calls
  client_cmd "$client" "$url"
  rm -f "$T/cc.json"
  timeout -k 5 "$RUN_TIMEOUT" strace -f -c -o "$sum" taskset -c "$CLIENT_CPU" "${CMD[@]}" > "$out" 2>&1 ||
    log "warning: strace $client failed: $(tail -2 "$out" | tr '\n' ' ')"
  client_result "$client" "$out"
  calls=$(awk '$NF == "total" { print $4 }' "$sum")
  awk -v c="$case_name" -v k="$client" -v n="${calls:-0}" -v r="$COMPLETED" \
    'BEGIN { printf "%s\t%s\t%.3f\n", c, k, (r > 0 ? n / r : 0) }' >> "$SYSCALLS"
  log "$case_name $client: ${calls:-0} system calls for $COMPLETED requests (strace -f -c)"
}

# count_instructions CASE CLIENT URL: callgrind's user-space instructions per request, the
# difference of a short and a longer run (start-up and exit cancel), appended to $INSTRUCTIONS.
count_instructions() {
  local case_name=$1 client=$2 url=$3 out="$T/cg.out" run ir=() done_=() keep_n=$N keep_secs=$WRK_SECS
  for run in 1 2; do
    if [ "$client" = wrk ]; then WRK_SECS=$((run * 3)); else N=$((run * 20000)); fi
    client_cmd "$client" "$url"
    rm -f "$T/cc.json" "$T/cg.$run"
    timeout -k 5 300 taskset -c "$CLIENT_CPU" valgrind --tool=callgrind --quiet \
      --callgrind-out-file="$T/cg.$run" "${CMD[@]}" > "$out" 2>&1 ||
      log "warning: callgrind $client failed: $(tail -2 "$out" | tr '\n' ' ')"
    client_result "$client" "$out"
    ir+=("$(callgrind_ir "$T/cg.$run")"); done_+=("$COMPLETED")
  done
  N=$keep_n; WRK_SECS=$keep_secs
  awk -v c="$case_name" -v k="$client" -v i1="${ir[0]}" -v i2="${ir[1]}" -v r1="${done_[0]}" -v r2="${done_[1]}" \
    'BEGIN { printf "%s\t%s\t%.0f\n", c, k, (r2 > r1 ? (i2 - i1) / (r2 - r1) : 0) }' >> "$INSTRUCTIONS"
  log "$case_name $client: callgrind ${ir[0]} / ${ir[1]} instructions for ${done_[0]} / ${done_[1]} requests"
}

# One table of the cases issue 25 names: ccload beside wrk (HTTP/1.1) or h2load (HTTP/2) in the
# same run, rounds alternating; CPU, rate and RSS from measure(), then system calls (strace) and
# instructions (callgrind) per request from runs of their own.
mode_table() {
  RESULTS="$T/table.tsv"; SYSCALLS="$T/syscalls.tsv"; INSTRUCTIONS="$T/instructions.tsv"
  : > "$RESULTS"; : > "$SYSCALLS"; : > "$INSTRUCTIONS"
  start_nginx; start_nginx_h2
  local h1="$NGINX_URL/100b" h2="http://127.0.0.1:$H2C_PORT/100b" base_n=$N
  {
    echo 'init = function(args)'
    echo '  local r = {}'
    echo "  for i = 1, 16 do r[i] = wrk.format(nil, \"/100b\", {[\"User-Agent\"] = \"ccload/$CCLOAD_VERSION\", Accept = \"*/*\"}) end"
    echo '  req = table.concat(r)'
    echo 'end'
    echo 'request = function() return req end'
  } > "$T/pipeline16.lua"
  # case|ccload client|peer|url|connections|n|streams or depth
  local cases=(
    "http1|ccload-nostore|wrk|$h1|50|$base_n|1"
    "http1-sqlite|ccload-sqlite|wrk|$h1|50|$base_n|1"
    "http2|ccload-h2|h2load-h2|$h2|10|$base_n|10"
    "pipeline16|ccload-pipeline|wrk|$h1|50|$((base_n * 5))|16"
    "c10000|ccload-nostore|wrk|$h1|10000|$((base_n * 2))|1"
  )
  local spec case_name cc peer url round client
  for spec in "${cases[@]}"; do
    IFS='|' read -r case_name cc peer url C N STREAMS <<<"$spec"
    DEPTH=$STREAMS
    WRK_SCRIPT=(); [ "$case_name" = pipeline16 ] && WRK_SCRIPT=(-s "$T/pipeline16.lua")
    [ "$peer" = wrk ] && calibrate_wrk "$url"
    for round in $(seq "$ROUNDS"); do
      for client in $([ $((round % 2)) -eq 1 ] && echo "$cc $peer" || echo "$peer $cc"); do
        if over_budget; then log "budget of ${BUDGET}s reached: skipping the rest"; break 3; fi
        measure "$case_name" "$client" "$round" "$url"
      done
    done
    local keep_n=$N keep_secs=$WRK_SECS
    # A quarter of the requests (strace slows every system call; all of them with 10,000
    # connections, so that opening them does not dominate); wrk for at least 5 s, 20 s with
    # 10,000 connections (under strace it takes seconds to open them).
    if [ "$C" -lt 1000 ]; then N=$((N / 4)); fi
    WRK_SECS=$(( C >= 1000 ? 20 : (WRK_SECS > 5 ? WRK_SECS : 5) ))
    for client in "$cc" "$peer"; do count_syscalls "$case_name" "$client" "$url"; done
    N=$keep_n; WRK_SECS=$keep_secs
    for client in "$cc" "$peer"; do count_instructions "$case_name" "$client" "$url"; done
  done
  WRK_SCRIPT=()
  echo
  echo "table: ccload beside wrk (HTTP/1.1) or h2load (HTTP/2, -c 10 -m 10 against ccload -c 10 --streams 10),"
  echo "nginx on CPU $SERVER_CPU serving /100b, one client thread on CPU $CLIENT_CPU; medians over $ROUNDS alternating rounds;"
  echo "system calls from one strace -f -c run each (every thread), instructions from callgrind (two runs, differenced)."
  echo "pipeline16: ccload --pipeline 16 against wrk with a script returning 16 requests with ccload's bytes."
  echo "c10000: 10,000 connections; peak RSS is the whole process's."
  echo
  "${HELPER[@]}" summary-table "$RESULTS" "$SYSCALLS" "$INSTRUCTIONS"
}

server_cpu_ticks() {  # pid: utime+stime ticks of the process and its children (nginx's worker)
  local pid total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$p/stat") ))
  done
  echo "$total"
}

mode_server() {
  start_nginx
  start_builtin
  local round name url pid a b t0 t1 out rps hz
  hz=$(getconf CLK_TCK)
  : > "$T/server.tsv"
  local -A urls=([nginx-100b]="$NGINX_URL/100b" [builtin-get]="$BUILTIN_URL/get" [builtin-bytes100]="$BUILTIN_URL/bytes/100")
  local -A pids=([nginx-100b]="$NGINX_PID" [builtin-get]="$BUILTIN_PID" [builtin-bytes100]="$BUILTIN_PID")
  for name in nginx-100b builtin-get builtin-bytes100; do  # warm-up
    timeout 10 taskset -c "$CLIENT_CPU" wrk -t1 -c"$C" -d1s "${urls[$name]}" > /dev/null
  done
  for round in $(seq "$ROUNDS"); do
    for name in nginx-100b builtin-get builtin-bytes100; do
      if over_budget; then log "budget reached: skipping"; break 2; fi
      url=${urls[$name]}; pid=${pids[$name]}
      a=$(server_cpu_ticks "$pid"); t0=$(date +%s%N)
      out=$(timeout 60 taskset -c "$CLIENT_CPU" wrk -t1 -c"$C" -d"${SERVER_SECS}s" "$url")
      t1=$(date +%s%N); b=$(server_cpu_ticks "$pid")
      rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
      local reqs; reqs=$(awk '/requests in/ {print $1; exit}' <<<"$out")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$rps" "$reqs" \
        "$(awk -v t=$((b - a)) -v hz="$hz" -v r="$reqs" 'BEGIN { printf "%.2f", t / hz * 1e6 / r }')" \
        "$(awk -v t=$((b - a)) -v hz="$hz" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 100 * t / hz / ((b - a) / 1e9) }')" \
        >> "$T/server.tsv"
      log "server r$round $name: $rps req/s"
    done
  done
  echo
  echo "server: one server core (CPU $SERVER_CPU; nginx 1 worker, ccload serve --threads 1) vs wrk -t1 -c$C -d${SERVER_SECS}s"
  echo "on CPU $CLIENT_CPU; medians over $ROUNDS rounds; server CPU from /proc/PID/stat (utime+stime, ${hz} Hz ticks)."
  echo
  echo "| server | req/s | ÷ nginx | server CPU µs/req | server CPU busy % |"
  echo "|---|---|---|---|---|"
  python3 - "$T/server.tsv" <<'EOF'
import sys, statistics
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines() if l]
names = []
for r in rows:
    if r[0] not in names:
        names.append(r[0])
ngx = {r[1]: float(r[2]) for r in rows if r[0] == "nginx-100b"}
for n in names:
    sel = [r for r in rows if r[0] == n]
    rps = statistics.median(float(r[2]) for r in sel)
    ratio = statistics.median(float(r[2]) / ngx[r[1]] for r in sel if r[1] in ngx)
    cpu = statistics.median(float(r[4]) for r in sel)
    busy = statistics.median(float(r[5]) for r in sel)
    label = {"nginx-100b": "nginx /100b", "builtin-get": "ccload serve /get", "builtin-bytes100": "ccload serve /bytes/100"}[n]
    print(f"| {label} | {rps:,.0f} | {ratio:.2f} | {cpu:.2f} | {busy:.0f} |")
EOF
}

# A PostgreSQL 15 of the benchmark's own (initdb as the postgres user, unsafe-but-fast settings
# off: fsync stays on, as a real database would have it), on a free port.
PG_URL=""
start_postgres() {
  local port d="$T/pg" bin=/usr/lib/postgresql/15/bin
  [ -x "$bin/initdb" ] || "$ROOT/scripts/install-deps.sh" postgresql-15 postgresql-client-15
  port=$("${HELPER[@]}" port)
  mkdir -p "$d" && chown postgres "$d" && echo bench-pw > "$d/pw" && chown postgres "$d/pw"
  runuser -u postgres -- "$bin/initdb" -D "$d/data" -U ccload --auth=scram-sha-256 --pwfile="$d/pw" >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w \
    -o "-p $port -k $d -c listen_addresses=127.0.0.1" start >/dev/null
  PIDS+=("$(head -1 "$d/data/postmaster.pid")")
  PG_URL="postgresql://ccload:bench-pw@127.0.0.1:$port/postgres"
  log "PostgreSQL 15 at 127.0.0.1:$port"
}

mode_postgres() {
  start_builtin
  start_postgres
  local round store t0 t1 out="$T/pg.tsv"
  : > "$out"
  for round in $(seq "$ROUNDS"); do
    for store in sqlite postgres; do
      local db="$T/bench-$round.db"
      [ "$store" = postgres ] && db="$PG_URL"
      t0=$(date +%s%N)
      taskset -c "$CLIENT_CPU" "$CCLOAD" run "$BUILTIN_URL/get" -n "$N" -c "$C" --threads 1 \
        --db "$db" > "$T/pg-run.out" 2>&1 || { log "warning: $store run failed"; tail -3 "$T/pg-run.out" >&2; }
      t1=$(date +%s%N)
      printf '%s\t%s\t%s\n' "$round" "$store" "$(( (t1 - t0) / 1000000 ))" >> "$out"
    done
  done
  echo "postgres: wall time of a whole run (load and storage) of -n $N -c $C against ccload serve /get,"
  echo "client on CPU $CLIENT_CPU, server and PostgreSQL on CPU $SERVER_CPU; medians of $ROUNDS interleaved rounds."
  echo
  python3 - "$out" "$N" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
n = int(sys.argv[2])
ms = {s: statistics.median(float(r[2]) for r in rows if r[1] == s) for s in ("sqlite", "postgres")}
ratios = [float(p[2]) / float(q[2]) for p in rows if p[1] == "postgres" for q in rows if q[1] == "sqlite" and q[0] == p[0]]
print("| store | wall time (ms) | rows/s | ÷ SQLite |")
print("|---|---|---|---|")
for s in ("sqlite", "postgres"):
    ratio = 1.0 if s == "sqlite" else statistics.median(ratios)
    print(f"| {s} | {ms[s]:,.0f} | {n / ms[s] * 1000:,.0f} | {ratio:.2f} |")
PY
}

# soak: one long run at full speed (closed model, -c 50, one client thread) against the built-in
# server with every request stored; the client's RSS and open descriptors and the database's WAL
# size are sampled every SOAK_INTERVAL seconds. Flat columns mean no leak and a bounded WAL.
mode_soak() {
  local seconds=${SOAK_SECONDS:-600} interval=${SOAK_INTERVAL:-10} db="$T/soak.db" pid t=0
  start_builtin
  log "soak: ccload run $BUILTIN_URL/get -z ${seconds}s -c $C --threads 1, SQLite on"
  taskset -c "$CLIENT_CPU" "$CCLOAD" run "$BUILTIN_URL/get" -z "${seconds}s" -c "$C" --threads 1 \
    --db "$db" --json "$T/soak.json" > "$T/soak.out" 2>&1 &
  pid=$!
  printf 'second\trss_kib\tfds\twal_bytes\n' > "$T/soak.tsv"
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$interval"
    t=$((t + interval))
    [ -r "/proc/$pid/status" ] || break
    printf '%s\t%s\t%s\t%s\n' "$t" \
      "$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" \
      "$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)" \
      "$(stat -c %s "$db-wal" 2>/dev/null || echo 0)" >> "$T/soak.tsv"
  done
  wait "$pid" || log "warning: the soak run exited with $?: $(tail -3 "$T/soak.out" | tr '\n' ' ')"
  echo
  echo "soak: ccload run /get -z ${seconds}s -c $C --threads 1 against ccload serve (1 thread),"
  echo "every request stored in SQLite; sampled every ${interval}s."
  echo
  "${HELPER[@]}" ccload-json "$T/soak.json" | awk '{printf "requests: %s, requests/s: %s\n", $1, $2}' || true
  echo "database: $(stat -c %s "$db") bytes; WAL after the run: $(stat -c %s "$db-wal" 2>/dev/null || echo 0) bytes"
  echo
  echo "| second | RSS (MiB) | open descriptors | WAL (MiB) |"
  echo "|---|---|---|---|"
  awk -F'\t' 'NR > 1 && $2 != "" {printf "| %d | %.1f | %d | %.1f |\n", $1, $2 / 1024, $3, $4 / 1048576}' "$T/soak.tsv"
}

ensure_deps
log "mode $MODE; ccload: $CCLOAD; temp dir $T"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
"mode_$MODE"
echo
echo "load average (1/5/15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
log "done in ${SECONDS}s"
