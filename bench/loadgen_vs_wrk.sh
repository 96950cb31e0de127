#!/usr/bin/env bash
# fleetsim load against wrk on the same static nginx on 127.0.0.1, in the same run:
#  1. closed model: wrk -tT -cC -dDs, then fleetsim load --connections C --threads T --duration D;
#     prints both requests/s and the ratio (target >= 1.0);
#  2. open model: fleetsim load at RATE rps (default 20000) for D s; prints the planned and sent
#     counts (target within 1 %) and the latency from intended send times.
# usage: bench/loadgen_vs_wrk.sh [THREADS] [CONNECTIONS] [SECONDS] [RATE]; build first.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}; connections=${2:-64}; seconds=${3:-10}; rate=${4:-20000}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
dir=$(mktemp -d /tmp/fleetsim-bench-wrk.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port backlog=4096; location / { return 200 "ok"; } }
}
CONF
"$nginx_bin" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

cat > "$dir/closed.json" <<JSON
{"name": "bench-closed", "duration_s": $seconds, "traffic": {"rate_rps": 1, "clients": 1, "routes": [{"path": "/", "service": "s"}]}, "services": [{"name": "s", "service_time_ms": {"dist": "constant", "mean_ms": 1}}]}
JSON
cat > "$dir/open.json" <<JSON
{"name": "bench-open", "duration_s": $seconds, "traffic": {"arrivals": "uniform", "rate_rps": $rate, "clients": 1, "routes": [{"path": "/", "service": "s"}]}, "services": [{"name": "s", "service_time_ms": {"dist": "constant", "mean_ms": 1}}]}
JSON

echo "== closed model: $threads threads, $connections connections, $seconds s, nginx 'return 200' on 127.0.0.1:$port"
wrk_rps=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
build/fleetsim load "$dir/closed.json" --target "http://127.0.0.1:$port" --out "$dir/closed" --connections "$connections" \
  --threads "$threads" --duration "$seconds" --quiet >/dev/null || true
fleetsim_rps=$(python3 -c "import json; r=json.load(open('$dir/closed/results.json')); print(round(r['throughput_rps']))")
python3 -c "print(f'wrk      {float($wrk_rps):>10.0f} req/s'); print(f'fleetsim {float($fleetsim_rps):>10.0f} req/s'); print(f'ratio    {float($fleetsim_rps)/float($wrk_rps):>10.2f}')"

echo "== open model: $rate rps uniform for $seconds s, latency from intended send times"
build/fleetsim load "$dir/open.json" --target "http://127.0.0.1:$port" --out "$dir/open" --threads "$threads" \
  --duration "$seconds" --quiet >/dev/null || true
python3 - "$dir/open/results.json" "$rate" "$seconds" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rate = float(sys.argv[2]); seconds = float(sys.argv[3])
planned = rate * seconds
sent = sum(r["timeseries"]["rps"]) * r["timeseries"]["step_s"]
by = r["requests"]["by_outcome"]
print(f"planned  {planned:>10.0f}  sent {sent:.0f} ({100 * (sent - planned) / planned:+.2f} %)  ok {r['requests']['ok']} (window)  dropped {by.get('dropped', 0)}")
l, u = r["latency_ms"], r.get("latency_uncorrected_ms", {})
print(f"latency from intended send (ms): p50 {l['p50']:.3f}  p99 {l['p99']:.3f}  p999 {l['p999']:.3f}  max {l['max']:.3f}")
if u: print(f"uncorrected (ms):                 p50 {u['p50']:.3f}  p99 {u['p99']:.3f}  p999 {u['p999']:.3f}  max {u['max']:.3f}")
PY
