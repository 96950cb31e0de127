#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for
# SECONDS (default 60), seeded from scenarios/ and fuzz/corpus/. A crash leaves its input in
# fuzz/crashes/ and fails the script; turn each into a regression test.
# usage: scripts/fuzz.sh [SECONDS]   (per target: scenario parser + overrides, results reader, emulator)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLEETSIM_FUZZ=ON \
  -DFLEETSIM_BUILD_TESTS=OFF -DFLEETSIM_BUILD_BENCH=OFF -DFLEETSIM_WITH_MPI=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target scenario_fuzz results_fuzz emulator_fuzz
mkdir -p fuzz/crashes
work=$(mktemp -d /tmp/fleetsim-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scenario" "$work/results" "$work/emulator"
cp scenarios/*.json scenarios/validation/*.json "$work/scenario/"
cp fuzz/corpus/scenario/* "$work/scenario/" 2>/dev/null || true
cp fuzz/corpus/results/* "$work/results/" 2>/dev/null || true
cp fuzz/corpus/emulator/* "$work/emulator/" 2>/dev/null || true
printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' > "$work/emulator/health"
printf 'POST /_chaos/slow?ms=5 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n' > "$work/emulator/slow"
printf 'GET /api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' > "$work/emulator/chunked"
status=0
for target in scenario results emulator; do
  echo "== ${target}_fuzz for ${seconds} s"
  ASAN_OPTIONS=detect_leaks=0 build-fuzz/fuzz/${target}_fuzz "$work/$target" -max_total_time="$seconds" -max_len=16384 \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix=fuzz/crashes/${target}- -print_final_stats=1 2>"$work/$target.log" && passed=1 || passed=0
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)" "$work/$target.log" || true
  [ "$passed" = 1 ] && continue
  status=1
  # A CI machine keeps nothing: print the report and the input itself (base64), so that
  # `base64 -d > fuzz/regressions/NAME` reproduces it anywhere.
  grep -vE "^(INFO|#[0-9]+|  NEW_FUNC)" "$work/$target.log" | tail -n 60 || true
  for input in fuzz/crashes/${target}-*; do
    [ -f "$input" ] || continue
    echo "-- $input, base64:"
    base64 -w 100 "$input"
  done
done
exit $status
