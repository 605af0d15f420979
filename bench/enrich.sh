#!/bin/sh
# bench/enrich.sh [ICP] -- enrichment throughput against the loopback
# fixture server, reported as ratios against references measured in the
# same run (DESIGN §8):
#   1. 5,000 domains, 50 ms per answer, 64 transfers in flight: elapsed
#      time against the ideal 5000 * 0.05 / 64 s (goal: within 1.25x);
#   2. max_rps = 50 over 500 requests: measured rate against 50/s
#      (goal: within 5%);
#   3. the same 5,000 accounts again, fully cached: no request, and the
#      time against the first run.
set -u
ICP=${1:-build/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/icp_bench_enrich.XXXXXX)
N=${BENCH_ENRICH_N:-5000}

start_server() { # latency-ms port-file
  python3 "$ROOT/tests/fixture_server.py" --port-file "$2" \
    --latency-ms "$1" --idle-exit 120 >/dev/null 2>&1 &
  echo $!
}
wait_port() {
  i=0
  while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  cat "$1"
}
now() { python3 -c 'import time; print("%.6f" % time.time())'; }

S1=$(start_server 50 "$T/p1")
S2=$(start_server 0 "$T/p2")
trap 'kill $S1 $S2 2>/dev/null; rm -rf "$T"' EXIT INT TERM
P1=$(wait_port "$T/p1")
P2=$(wait_port "$T/p2")

export BENCH_API_KEY=bench_fake_key_0001
export ICP_ENRICHER_PATH=$(dirname "$ICP")/enrichers:$ROOT/build/enrichers

cat >"$T/latency.lua" <<LUA
provider "clearbit" { enricher = "clearbit", api_key = env "BENCH_API_KEY",
  base_url = "http://127.0.0.1:$P1", timeout_ms = 10000 }
enrich { firmographic = { "clearbit" } }
cache { path = "$T/c1.sqlite" }
LUA
cat >"$T/rps.lua" <<LUA
provider "clearbit" { enricher = "clearbit", api_key = env "BENCH_API_KEY",
  base_url = "http://127.0.0.1:$P2", timeout_ms = 10000, max_rps = 50 }
enrich { firmographic = { "clearbit" } }
cache { path = "$T/c2.sqlite" }
LUA

python3 - "$T" "$N" <<'PY'
import sys
t, n = sys.argv[1], int(sys.argv[2])
with open(t + "/domains.csv", "w") as f:
    f.write("domain\n")
    for i in range(n):
        f.write("bench%d.example.com\n" % i)
with open(t + "/rps.csv", "w") as f:
    f.write("domain\n")
    for i in range(500):
        f.write("rate%d.example.com\n" % i)
PY

t0=$(now)
"$ICP" enrich --max-in-flight 64 --providers "$T/latency.lua" \
  "$T/domains.csv" -o "$T/out1.jsonl" 2>"$T/run1.log"
t1=$(now)
"$ICP" enrich --providers "$T/rps.lua" "$T/rps.csv" -o "$T/out2.jsonl" \
  2>"$T/run2.log"
t2=$(now)
"$ICP" enrich --max-in-flight 64 --providers "$T/latency.lua" \
  "$T/domains.csv" -o "$T/out3.jsonl" 2>"$T/run3.log"
t3=$(now)

python3 - "$t0" "$t1" "$t2" "$t3" "$N" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
n = int(sys.argv[5])
ideal = n * 0.05 / 64
e1, e2, e3 = t1 - t0, t2 - t1, t3 - t2
rate = 500 / e2 if e2 > 0 else 0
print("enrich bench")
print("  %d domains, 50 ms each, 64 in flight: %.2f s, ideal %.2f s, "
      "ratio %.2fx (goal <= 1.25x)" % (n, e1, ideal, e1 / ideal))
print("  max_rps 50 over 500 requests: %.1f s, %.1f req/s, %.1f%% off "
      "50/s (goal <= 5%%)" % (e2, rate, abs(rate - 50) / 50 * 100))
print("  cached re-run of %d accounts: %.2f s (%.0f accounts/s), "
      "%.3fx the first run" % (n, e3, n / e3 if e3 > 0 else 0, e3 / e1))
PY
grep -h 'requests' "$T/run1.log" "$T/run3.log" | sed 's/^/  /'
