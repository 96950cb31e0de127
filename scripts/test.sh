#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DFLEETSIM_BUILD_TESTS=ON -DFLEETSIM_BUILD_BENCH=ON
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
# The fuzz targets (clang, ASan + UBSan), each for a bounded time: a crash fails CI.
cd ..
scripts/fuzz.sh "${FLEETSIM_FUZZ_SECONDS:-30}"
# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
scripts/sanitize.sh
