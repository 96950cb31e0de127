#!/usr/bin/env bash
# The fleet-scale benchmark (issue 6): bench/fleet-scale.json — 1,000 hosts, 10,000 tasks,
# 50,000 rps, one simulated hour — on one core, with wall time, events/s and peak memory; then
# the sweep speed-up with --jobs 2 and with mpirun -n 2 against one process.
# usage: bench/fleet_scale.sh [SIMULATED_SECONDS] (default 3600); build first.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
out=$(mktemp -d /tmp/fleetsim-fleet-scale.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "== fleet scale: $seconds simulated seconds"
/usr/bin/time -v taskset -c 0 build/fleetsim run bench/fleet-scale.json --set duration_s="$seconds" --out "$out/run" --quiet \
  2>"$out/time" | grep -E "^engine|^requests"
grep -E "Elapsed|Maximum resident" "$out/time"

echo "== sweep speed-up: quickstart for 1800 s, 2 points x 4 replications"
sweep() { build/fleetsim sweep scenarios/quickstart.json --set duration_s=1800 --set balancer.algorithm=least_conn,p2c --replications 4 --quiet --out "$out/s" "$@" >/dev/null; }
t() { local s; s=$(date +%s.%N); "$@" >/dev/null; python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$s" "$(date +%s.%N)"; }
one=$(t sweep --jobs 1)
two=$(t sweep --jobs 2)
mpi=$(t env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader \
  mpirun --oversubscribe -n 2 build/fleetsim sweep scenarios/quickstart.json --set duration_s=1800 --set balancer.algorithm=least_conn,p2c \
  --replications 4 --quiet --out "$out/m")
python3 -c "import sys; a,b,c = map(float, sys.argv[1:]); print(f'one process {a:.2f} s; --jobs 2 {b:.2f} s (x{a/b:.2f}); mpirun -n 2 {c:.2f} s (x{a/c:.2f})')" "$one" "$two" "$mpi"
