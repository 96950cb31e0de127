#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DFLEETSIM_BUILD_TESTS=OFF -DFLEETSIM_BUILD_BENCH=OFF
build/fleetsim run scenarios/quickstart.json --out out/quickstart
