#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 into ./build-fuzz (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 30) from its seed corpus, fuzz/corpus/<target>/. New inputs go to
# build-fuzz/corpus/<target>/ (the seed corpus in the repository is not changed). A crash stops
# the script with the reproducer's path: run build-fuzz/fuzz/fuzz_<target> FILE to reproduce it,
# then add the input to a unit test.
#   scripts/fuzz.sh [TARGET...]     (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
seconds=${FUZZ_SECONDS:-30}
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(response_parser env_file command_line url thresholds targets_file template data_file
           server_input)

CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCCLOAD_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
root=$PWD   # absolute paths: the command_line target works in a temporary directory
for target in "${targets[@]}"; do
  work=$root/build-fuzz/corpus/$target
  artifacts=$root/build-fuzz/artifacts/$target/
  mkdir -p "$work" "$artifacts"
  echo "fuzz: $target for ${seconds}s"
  if ! build-fuzz/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "$root/fuzz/corpus/$target" \
      >"build-fuzz/$target.log" 2>&1; then
    tail -n 60 "build-fuzz/$target.log" >&2
    echo "fuzz: $target failed; reproducer(s): $(ls "$artifacts")" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "build-fuzz/$target.log" | tr '\n' ' '
  echo
done
