#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 7): builds
# into build-asan/ with GCC, -O1, line tables and assertions on (NDEBUG off), every UB check
# fatal, then runs every ctest case. The tests start build-asan/fleetsim itself, so the emulators,
# `load`, `stack` and `validate` processes they start are sanitized too, and a report in any of
# them fails the test that started it. Leaks are checked at every process's exit.
# usage: scripts/sanitize.sh [ctest args...]; scripts/test.sh runs it after the normal suite.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DFLEETSIM_SANITIZE=ON -DFLEETSIM_BUILD_TESTS=ON -DFLEETSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0:strict_string_checks=1"
# Open MPI keeps allocations from MPI_Init for the process's life (not freed at MPI_Finalize).
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
