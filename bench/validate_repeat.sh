#!/usr/bin/env bash
# Runs `fleetsim validate` REPEAT times per scenario and balancer and prints each run's deltas:
# where the validation tolerances of docs/validation.md come from.
# usage: bench/validate_repeat.sh [REPEAT] (default 5); build first (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-5}
out=$(mktemp -d /tmp/fleetsim-validate-repeat.XXXXXX)
trap 'rm -rf "$out"' EXIT
printf "%-10s %-8s %4s %10s %10s %10s %12s %s\n" scenario lb run "p50 %" "p99 %" "avail pp" "failed" verdict
for scenario in steady kill-task; do
  for lb in nginx haproxy; do
    for run in $(seq 1 "$repeat"); do
      status=0
      build/fleetsim validate "scenarios/validation/$scenario.json" --lb "$lb" --out "$out/r" --quiet --seed "$run" >/dev/null 2>&1 || status=$?
      python3 - "$out/r/validation.json" "$scenario" "$lb" "$run" "$status" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
rows = {r["metric"].split(" (")[0]: r for r in v["rows"]}
def rel(name):
    r = rows[name]
    return 100 * (r["measured"] - r["predicted"]) / r["predicted"] if r["predicted"] else float("nan")
failed = next((f'{r["measured"]:.0f}/{r["predicted"]:.0f}' for m, r in rows.items() if m.startswith("failed after")), "-")
avail = rows["availability"]["measured"] - rows["availability"]["predicted"]
print(f'{sys.argv[2]:<10} {sys.argv[3]:<8} {sys.argv[4]:>4} {rel("latency p50"):>+10.1f} {rel("latency p99"):>+10.1f} {avail:>+10.2f} {failed:>12} {"pass" if sys.argv[5] == "0" else "FAIL"}')
PY
      rm -rf "$out/r"
    done
  done
done
