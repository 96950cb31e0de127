#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DFLEETSIM_BUILD_TESTS=ON -DFLEETSIM_BUILD_BENCH=ON
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600 2>&1 | tee ctest.log
# This command installed everything the tests need, so a case that skipped itself (no nginx,
# no mpirun) means something is wrong here: fail rather than pass with less tested.
if grep -q "(Skipped)" ctest.log; then
  echo "error: test cases skipped although this command installed what they need:" >&2
  grep "(Skipped)" ctest.log >&2
  exit 1
fi
# The fuzz targets (clang, ASan + UBSan), each for a bounded time: a crash fails CI.
cd ..
scripts/fuzz.sh "${FLEETSIM_FUZZ_SECONDS:-30}"
# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
scripts/sanitize.sh
