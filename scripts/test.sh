#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): installs dependencies (if missing), then
#   1. builds into ./build (-Werror) and runs every test through CTest;
#   2. builds the Debian package (scripts/package.sh: Release, -Werror, into ./build-package), so
#      CI sees what a packager's build sees;
#   3. builds the whole suite with AddressSanitizer + UndefinedBehaviorSanitizer (./build-asan)
#      and runs it;
#   4. builds the engine, store, sinks and metrics tests with ThreadSanitizer (./build-tsan) and
#      runs them;
#   5. builds the libFuzzer targets with clang (./build-fuzz) and runs each for FUZZ_SECONDS
#      (default 30) from its seed corpus (scripts/fuzz.sh).
# SKIP_SANITIZERS=1 leaves out steps 3 and 4, SKIP_FUZZ=1 step 5 (for a quick local run).
# Every test runs: in CI (CI=true, or STRICT_SKIPS=1) a test that CTest reports as skipped fails
# the step (everything a test needs is installed here); elsewhere skips are listed as a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
# The HTML report is checked in a real browser; PostgreSQL 15 runs for the store tests; nginx is
# the second HTTP/2 server (its service is not started: the tests run it with their own config).
scripts/install-deps.sh chromium postgresql-15 postgresql-client-15 nginx prometheus influxdb tmux
jobs=$(nproc)
step() { printf '\n=== test.sh [%4ds] %s\n' "$SECONDS" "$*"; }
# ctest ARGS..., then a failure if any test was skipped (GTEST_SKIP), naming them.
run_ctest() {
  local log
  log=$(mktemp)
  ctest "$@" 2>&1 | tee "$log"
  if grep -q '(Skipped)$' "$log"; then
    if [ "${CI:-}" = true ] || [ "${STRICT_SKIPS:-0}" = 1 ]; then
      echo "test.sh: these tests were skipped; install what they need (scripts/install-deps.sh):" >&2
      grep '(Skipped)$' "$log" >&2
      rm -f "$log"
      exit 1
    fi
    # Outside CI a machine may lack what a test needs and cannot be installed (a chroot cannot
    # make a mount namespace of its own): said, not failed.
    echo "test.sh: warning: these tests were skipped here (in CI a skip fails the run):" >&2
    grep '(Skipped)$' "$log" >&2
  fi
  rm -f "$log"
}

step "build (-Werror) and test"
scripts/build.sh
run_ctest --test-dir build --output-on-failure -j 2 --timeout 600

step "package: Release build (-Werror) and the .deb (scripts/package.sh)"
scripts/package.sh

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  # -O1 keeps the sanitized tests fast and the builds short; Debug keeps assertions on. No -Werror
  # here: GCC 12's instrumentation adds false -Wmaybe-uninitialized (in std::regex) and -Wtsan
  # (Asio's atomic_thread_fence) warnings; the build of step 1 holds the code to -Werror.
  sanitized=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DCMAKE_C_FLAGS=-O1
             -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  # Suites named *Allocation(s) count heap allocations, and a sanitizer owns malloc: they run in
  # step 1 only (left out here rather than reported as skipped).
  not_sanitized='[A-Za-z]+Allocations?\.'

  step "AddressSanitizer + UndefinedBehaviorSanitizer: build and test everything"
  cmake -S . -B build-asan "${sanitized[@]}" -DCCLOAD_SANITIZE=address >/dev/null
  cmake --build build-asan -j "$jobs"
  run_ctest --test-dir build-asan --output-on-failure -j 2 --timeout 900 \
    -E "^(ClangFormat\$|$not_sanitized)"

  step "ThreadSanitizer: build and test the engine, store, sinks and metrics outputs"
  cmake -S . -B build-tsan "${sanitized[@]}" -DCCLOAD_SANITIZE=thread >/dev/null
  cmake --build build-tsan -j "$jobs" --target test_engine test_store test_sinks test_metrics
  run_ctest --test-dir build-tsan --output-on-failure -j 2 --timeout 900 \
    -L '^(engine|store|sinks|metrics)$' -E "^$not_sanitized"
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "libFuzzer: build and run each target"
  scripts/fuzz.sh
fi
step "all passed"
