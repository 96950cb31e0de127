#!/usr/bin/env bash
# Soak (issue 7): `fleetsim load` against the local stack at a steady rate for 10 minutes, with
# the memory and file descriptors of every process sampled every 10 s. A bench, not a CI test.
#
# usage: bench/soak.sh [OUT_DIR] [LOAD_S]
#   OUT_DIR  where everything goes (default: a new /tmp/fleetsim-soak.XXXXXX, kept)
#   LOAD_S   seconds of load (default 600)
#   FLEETSIM=path/to/fleetsim (default build/fleetsim), LB=nginx|haproxy (default nginx)
#
# It starts `fleetsim stack up bench/soak.json --detach` (3 emulators behind the balancer),
# samples the idle stack, runs `fleetsim load` on its endpoint for LOAD_S (400 rps, at most 256
# connections) sampling every 10 s from the load's start, then samples the stack once more
# DRAIN_S (65) seconds after the load's end, once nginx's idle upstream connections have timed
# out (keepalive_timeout 60 s). Samples VmRSS (/proc/PID/status) and open descriptors
# (/proc/PID/fd) of: the load process, the stack's supervisor and watchdog, each emulator, the
# balancer's master and each worker. Writes OUT_DIR/soak.csv (phase,t_s,role,pid,rss_kb,fds),
# prints first / minute 2 / last / max per process, then stops the stack.
#
# Exit status 0 when every rule holds, 1 otherwise. "Minute 2" is the first sample at t >= 120 s
# (pools and caches have filled), "the end" the last sample under load.
#   - descriptors of the stack's processes: drained - idle <= 4 (under load they follow the open
#     connections, which come and go; once the connections are gone every descriptor must be);
#   - descriptors of the load process: never above 256 (its connection cap) + 16 (standard
#     streams, each thread's epoll and timer descriptors: 11 here): pooled connections are the
#     only descriptors it opens per request;
#   - memory: rss(end) <= 1.10 x rss(minute 2), or rss(end) - rss(minute 2) <= 256 KiB (a few
#     pages of a 2 MiB nginx worker are more than 10 %, and are not a leak). The load process
#     keeps one latency histogram per second of the run for its time series (~11 KB each at
#     these latencies; ~40 MB at the 3600 s maximum), so it is allowed 32 KiB per second
#     between minute 2 and the end on top;
#   - every process sampled in the idle stack is still there in the drained one (nothing
#     crashed or was replaced), and the stack's log shows no discovery change (a listing that
#     drops a task means a health probe failed: an error the run did not inject);
# and for the run: results.json has failed == 0 (the run injects no fault, so any failure is a
# defect) and sent within 2 % of 400 x (LOAD_S - warmup).
set -euo pipefail
cd "$(dirname "$0")/.."
fleetsim=${FLEETSIM:-build/fleetsim}
out=${1:-$(mktemp -d /tmp/fleetsim-soak.XXXXXX)}
load_s=${2:-600}
lb=${LB:-nginx}
interval_s=10
drain_s=${DRAIN_S:-65}
max_connections=256
mkdir -p "$out"
rm -rf "$out/stack" "$out/load"
csv="$out/soak.csv"

"$fleetsim" stack up bench/soak.json --lb "$lb" --dir "$out/stack" --detach --quiet
load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then kill "$load_pid" 2>/dev/null || true; fi
  "$fleetsim" stack down --dir "$out/stack" >/dev/null || true
}
trap cleanup EXIT

state() { python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$out/stack/stack.json" "$1"; }
endpoint=$(state 's["endpoint"]')
supervisor=$(state 's["pid"]')
watchdog=$(state 's["reaper_pid"]')
balancer=$(state 's["balancer"]["pid"]')

# One CSV row per process: phase,t_s,role,pid,rss_kb,fds. A process gone between the listing
# and the read is skipped (the rules then notice it missing).
sample_one() {
  local phase=$1 t=$2 role=$3 pid=$4 rss fds
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 0
  [ -n "$rss" ] || return 0
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
  echo "$phase,$t,$role,$pid,$rss,$fds" >>"$csv"
}
sample_stack() {
  local phase=$1 t=$2 label pid
  sample_one "$phase" "$t" supervisor "$supervisor"
  sample_one "$phase" "$t" watchdog "$watchdog"
  while read -r label pid; do sample_one "$phase" "$t" "emulator:$label" "$pid"; done \
    < <(state '"\n".join(t["task"] + " " + str(t["pid"]) for t in s["tasks"])')
  sample_one "$phase" "$t" "$lb-master" "$balancer"
  for pid in $(pgrep -P "$balancer"); do sample_one "$phase" "$t" "$lb-worker" "$pid"; done
}

echo "phase,t_s,role,pid,rss_kb,fds" >"$csv"
sample_stack idle -1

"$fleetsim" load bench/soak.json --target "$endpoint" --duration "$load_s" --max-connections "$max_connections" \
  --out "$out/load" --quiet >"$out/load.out" 2>"$out/load.err" &
load_pid=$!
start=$(date +%s.%N)
echo "soak: $load_s s of load on $endpoint ($lb); samples every $interval_s s in $csv" >&2
# Sleeps until `start + $1` seconds: ticks of the load's clock, no drift.
sleep_until() { sleep "$(python3 -c "import sys, time; print(max(0.0, float(sys.argv[1]) + float(sys.argv[2]) - time.time()))" "$start" "$1")"; }
k=0
while kill -0 "$load_pid" 2>/dev/null; do
  t=$((k * interval_s))
  if [ "$t" -lt "$load_s" ]; then  # while the load runs, not at its very end
    sample_one load "$t" load "$load_pid"
    sample_stack load "$t"
  fi
  k=$((k + 1))
  sleep_until $((k * interval_s))
done
load_status=0
wait "$load_pid" || load_status=$?
load_pid=""
echo "soak: load exited with status $load_status; sampling the stack again in $drain_s s" >&2
ended=$(python3 -c "import sys, time; print(round(time.time() - float(sys.argv[1])))" "$start")
sleep "$drain_s"
sample_stack drained $((ended + drain_s))
# Stopped here: the supervisor writes its events (discovery, tasks) to stack.log as it stops.
"$fleetsim" stack down --dir "$out/stack" >/dev/null

python3 - "$csv" "$out/load/results.json" "$load_s" "$max_connections" "$out/stack/stack.log" <<'PY'
import csv, json, sys
from collections import OrderedDict

csv_path, results_path, load_s, max_connections, stack_log = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
series = OrderedDict()  # (role, pid) -> {phase: [(t, rss_kb, fds)]}
for row in csv.DictReader(open(csv_path)):
    by_phase = series.setdefault((row["role"], row["pid"]), {"idle": [], "load": [], "drained": []})
    by_phase[row["phase"]].append((int(row["t_s"]), int(row["rss_kb"]), int(row["fds"])))
failures = []
print(f"{'process':<22} {'pid':>7} {'rss first':>10} {'rss 2 min':>10} {'rss last':>10} {'rss max':>10} "
      f"{'fd idle':>7} {'fd first':>8} {'fd 2 min':>8} {'fd last':>8} {'fd max':>7} {'fd drained':>10}   (RSS in KiB)")
for (role, pid), phases in series.items():
    load = phases["load"]
    if not load:
        failures.append(f"{role} {pid}: not seen under load")
        continue
    first, last = load[0], load[-1]
    at2 = next((s for s in load if s[0] >= 120), last)
    idle = phases["idle"][0][2] if phases["idle"] else None
    drained = phases["drained"][0][2] if phases["drained"] else None
    show = lambda x: "-" if x is None else x
    print(f"{role:<22} {pid:>7} {first[1]:>10} {at2[1]:>10} {last[1]:>10} {max(s[1] for s in load):>10} "
          f"{show(idle):>7} {first[2]:>8} {at2[2]:>8} {last[2]:>8} {max(s[2] for s in load):>7} {show(drained):>10}")
    allowance_kb = 256
    if role == "load":
        allowance_kb += 32 * (last[0] - at2[0])  # one latency histogram per second of the run
        if max(s[2] for s in load) > max_connections + 16:
            failures.append(f"load: {max(s[2] for s in load)} descriptors, above its {max_connections} connections")
    else:
        if idle is not None and drained is None:
            failures.append(f"{role} {pid}: gone before the end")
        elif idle is not None and drained - idle > 4:
            failures.append(f"{role} {pid}: {idle} descriptors idle before the load, {drained} after it")
    if last[1] > 1.10 * at2[1] and last[1] - at2[1] > allowance_kb:
        failures.append(f"{role} {pid}: RSS grew from {at2[1]} to {last[1]} KiB after minute 2")

r = json.load(open(results_path))
req = r["requests"]
warmup = r["window"]["start_s"]
expected = 400 * (load_s - warmup)
print(f"\nrequests: sent {req['sent']}, ok {req['ok']}, failed {req['failed']}, retries {req.get('retries', 0)}, "
      f"failures by outcome {{{', '.join(f'{k}: {v}' for k, v in req.get('by_outcome', {}).items() if k != 'ok' and v)}}}; "
      f"expected about {expected:.0f}")
print(f"latency ms: p50 {r['latency_ms']['p50']:.3f}  p99 {r['latency_ms']['p99']:.3f}  max {r['latency_ms']['max']:.3f}")
# Stalls of the machine (other work on a shared box) show as seconds with a p99 above 100 ms; a
# stall piles up connections and raises nginx's memory high-water mark, so they are listed.
ts = r["timeseries"]
stalls = [f"{t:.0f} s: {p:.0f} ms" for t, p in zip(ts["t"], ts["p99_ms"]) if p > 100]
print(f"seconds with p99 > 100 ms: {len(stalls)}" + (" (" + ", ".join(stalls[:12]) + (", ..." if len(stalls) > 12 else "") + ")" if stalls else ""))
if req["failed"] != 0:
    failures.append(f"{req['failed']} failed requests in a run that injects no fault")
if abs(req["sent"] - expected) > 0.02 * expected:
    failures.append(f"sent {req['sent']} requests, expected about {expected:.0f}")
changes = [line.strip() for line in open(stack_log) if " discovery " in line or "task_" in line]
print(f"stack events: {len(changes)} discovery changes or task events" + "".join("\n  " + c for c in changes))
if changes:
    failures.append("the stack's discovery or tasks changed in a run without faults")
for f in failures:
    print("FAIL: " + f)
print("soak: " + ("pass" if not failures else "FAIL"))
sys.exit(1 if failures else 0)
PY
