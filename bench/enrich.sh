#!/bin/sh
# bench/enrich.sh [ICP] -- enrichment throughput against loopback servers,
# reported as ratios against references measured in the same run
# (DESIGN §8). Called by `make bench` (bench/run.sh) from the repository
# root, with the binaries in build/: icp, gen_accounts, runstat, and the
# clearbit enricher in build/enrichers/.
#
# The servers are bench/fast_server.py (one asyncio loop per process,
# Clearbit-shaped answers for any domain, GET /__stats for the request
# count): tests/fixture_server.py, a thread per connection, tops out near
# 600 requests/s here, under the 1,280/s that run 1 needs.
#
#   1. 5,000 domains, 50 ms per answer, 64 transfers in flight: elapsed
#      time against the ideal 5000 * 0.05 / 64 s (goal: within 1.25x);
#   2. max_rps = 50 over 500 requests: measured rate against 50/s
#      (goal: within 5%);
#   3. the 5,000 accounts again, fully cached: no request, time against
#      run 1;
#   4. 1,000,000 accounts (gen_accounts CSV): the cache filled once at
#      0 ms per answer and unbounded max_rps (time reported), then, 3
#      rounds alternating, `icp score --providers CFG --offline` (fully
#      cached: no request, asserted) against plain `icp score` of the same
#      file; the median ratio cached/plain. Before any ratio: the cached
#      re-run (3) writes what run 1 wrote, and cached and plain scoring
#      (4) score the same accounts in the same order.
#
# Knobs (environment): BENCH_ENRICH_N (5000), BENCH_COUNT (1000000),
# BENCH_SEED (42), BENCH_ROUNDS (3), BENCH_AS_OF (2026-11-01),
# BENCH_FILL_WORKERS (2: server processes of the 0 ms server).
# Files go to build/bench/ (the 1M-account CSV is shared with score.sh;
# the filled cache is kept as build/bench/enrich_cache_<count>.sqlite).
# Exit status: 0 ok (goals are reported, not enforced); 1 a binary is
# missing, a run failed or a request count is not the expected one.
set -u
ICP=${1:-build/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=$BUILD/bench
GEN=$BUILD/gen_accounts
RUNSTAT=$BUILD/runstat
PACK=$ROOT/rules/b2b_saas.lua
N=${BENCH_ENRICH_N:-5000}
COUNT=${BENCH_COUNT:-1000000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-3}
AS_OF=${BENCH_AS_OF:-2026-11-01}
FILL_WORKERS=${BENCH_FILL_WORKERS:-2}

die() {
  echo "bench: $*" >&2
  exit 1
}

for tool in "$ICP" "$GEN" "$RUNSTAT"; do
  [ -x "$tool" ] || die "$tool is missing; build it first (make)"
done
mkdir -p "$OUT"
T=$(mktemp -d "$OUT/enrich.XXXXXX")
S1=
S2=
trap 'kill $S1 $S2 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

start_server() { # latency-ms port-file workers
  python3 "$ROOT/bench/fast_server.py" --port-file "$2" --latency-ms "$1" \
    --workers "$3" --idle-exit 600 >"$2.log" 2>&1 &
  echo $!
}
wait_port() {
  i=0
  while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$1" ] || die "server did not start: $(cat "$1.log")"
  cat "$1"
}
S1=$(start_server 50 "$T/p1" 1)
S2=$(start_server 0 "$T/p2" "$FILL_WORKERS")
P1=$(wait_port "$T/p1")
P2=$(wait_port "$T/p2")
total() { # port: requests the server has answered so far
  python3 -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(
    "http://127.0.0.1:%s/__stats" % sys.argv[1]))["total"])' "$1"
}

export BENCH_API_KEY=bench_fake_key_0001
export ICP_ENRICHER_PATH=$(dirname "$ICP")/enrichers:$BUILD/enrichers

# config NAME PORT EXTRA CACHE: a providers config with one provider
config() {
  cat >"$T/$1.lua" <<LUA
provider "clearbit" { enricher = "clearbit", api_key = env "BENCH_API_KEY",
  base_url = "http://127.0.0.1:$2", timeout_ms = 10000, ttl_days = 30$3 }
enrich { firmographic = { "clearbit" } }
cache { path = "$4" }
LUA
}
FILL_CACHE=$OUT/enrich_cache_${COUNT}.sqlite
config latency "$P1" "" "$T/c1.sqlite"
config rps "$P2" ", max_rps = 50" "$T/c2.sqlite"
config fill "$P2" ", max_rps = 100000" "$FILL_CACHE"

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

# The 1M-account CSV, shared with bench/score.sh (same name, same rule).
CSV=$OUT/accounts_${COUNT}_s${SEED}.csv
if [ ! -s "$CSV" ] || [ -z "$(find "$CSV" -newer "$GEN" 2>/dev/null)" ]; then
  echo "bench: generating $CSV ($COUNT accounts, seed $SEED)" >&2
  "$GEN" --count "$COUNT" --seed "$SEED" --format csv >"$CSV.tmp" ||
    die "gen_accounts failed"
  mv "$CSV.tmp" "$CSV"
fi

RESULTS=$OUT/enrich_results.txt
: >"$RESULTS"

# run KIND PORT EXPECT LOG CMD...: CMD under runstat, stdout to /dev/null;
# checks the requests PORT answered meanwhile (EXPECT, or - for any) and
# appends "KIND WALL_S REQUESTS" to the results.
run() {
  kind=$1 port=$2 expect=$3 log=$4
  shift 4
  before=$(total "$port")
  rc=0
  "$RUNSTAT" -- "$@" 2>"$log" || rc=$?
  stat=$(grep '^wall_s=' "$log" | tail -n 1 | sed 's/wall_s=\([^ ]*\).*/\1/')
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] || [ -z "$stat" ]; then
    tail -n 20 "$log" >&2
    die "$kind failed (exit $rc): $*"
  fi
  if [ "$rc" -eq 2 ]; then
    echo "bench: warning: $kind: exit 2 (rows skipped or providers" \
      "failed), see $log" >&2
  fi
  reqs=$(($(total "$port") - before))
  if [ "$expect" != - ] && [ "$reqs" -ne "$expect" ]; then
    tail -n 5 "$log" >&2
    die "$kind: $reqs requests, expected $expect"
  fi
  echo "$kind $stat $reqs" >>"$RESULTS"
}

echo "bench: 1-3: $N domains at 50 ms, max_rps 50, cached re-run" >&2
run latency "$P1" "$N" "$OUT/enrich_latency.log" \
  "$ICP" enrich --max-in-flight 64 --providers "$T/latency.lua" \
  "$T/domains.csv" -o "$T/out1.jsonl"
run rps "$P2" 500 "$OUT/enrich_rps.log" \
  "$ICP" enrich --providers "$T/rps.lua" "$T/rps.csv" -o "$T/out2.jsonl"
run cached "$P1" 0 "$OUT/enrich_cached.log" \
  "$ICP" enrich --max-in-flight 64 --providers "$T/latency.lua" \
  "$T/domains.csv" -o "$T/out3.jsonl"

# the cached re-run must give what run 1 gave (its values' source is
# "cache:<provider>" instead of "<provider>"), or its time means nothing
sed 's/"cache:/"/g' "$T/out3.jsonl" | cmp -s "$T/out1.jsonl" - ||
  die "the cached re-run's output differs from run 1's: no ratio"

echo "bench: 4: filling the cache with $COUNT accounts" >&2
rm -f "$FILL_CACHE" "$FILL_CACHE-wal" "$FILL_CACHE-shm"
run fill "$P2" - "$OUT/enrich_fill.log" \
  "$ICP" enrich --max-in-flight 64 --providers "$T/fill.lua" "$CSV" \
  -o /dev/null
# cached and plain scoring must score the same accounts in the same order
# (the cached run adds the enriched fields: that is what it costs)
"$ICP" score --rules "$PACK" --as-of "$AS_OF" --providers "$T/fill.lua" \
  --offline "$CSV" 2>/dev/null | sed 's/^{"domain":\("[^"]*"\|null\),.*/\1/' \
  > "$T/dom_cached.txt"
"$ICP" score --rules "$PACK" --as-of "$AS_OF" "$CSV" 2>/dev/null |
  sed 's/^{"domain":\("[^"]*"\|null\),.*/\1/' > "$T/dom_plain.txt"
[ -s "$T/dom_plain.txt" ] && cmp -s "$T/dom_cached.txt" "$T/dom_plain.txt" ||
  die "cached and plain scoring do not score the same accounts: no ratio"
rm -f "$T/dom_cached.txt" "$T/dom_plain.txt"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "bench: 4: round $r/$ROUNDS (cached, plain)" >&2
  run "offline_$r" "$P2" 0 "$OUT/enrich_offline.log" \
    "$ICP" score --rules "$PACK" --as-of "$AS_OF" --providers "$T/fill.lua" \
    --offline "$CSV"
  run "plain_$r" "$P2" 0 "$OUT/enrich_plain.log" \
    "$ICP" score --rules "$PACK" --as-of "$AS_OF" "$CSV"
  r=$((r + 1))
done

python3 - "$RESULTS" "$N" "$COUNT" "$ROUNDS" <<'PY'
import statistics, sys
res = {}
for line in open(sys.argv[1]):
    kind, wall, reqs = line.split()
    res[kind] = (float(wall), int(reqs))
n, count, rounds = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ideal = n * 0.05 / 64
e1, e2, e3 = res["latency"][0], res["rps"][0], res["cached"][0]
rate = 500 / e2
fill, fill_reqs = res["fill"]
cached = [res["offline_%d" % i][0] for i in range(1, rounds + 1)]
plain = [res["plain_%d" % i][0] for i in range(1, rounds + 1)]
ratios = [c / p for c, p in zip(cached, plain)]
print("enrich bench (bench/fast_server.py)")
print("  %d domains, 50 ms each, 64 in flight: %.2f s, ideal %.2f s, "
      "ratio %.2fx (goal <= 1.25x)" % (n, e1, ideal, e1 / ideal))
print("  max_rps 50 over 500 requests: %.2f s, %.1f req/s, %.1f%% off "
      "50/s (goal <= 5%%)" % (e2, rate, abs(rate - 50) / 50 * 100))
print("  cached re-run of %d accounts: %.2f s, 0 requests, %.3fx run 1"
      % (n, e3, e3 / e1))
print("  cache fill, %d accounts at 0 ms: %.1f s, %d requests, %.0f req/s,"
      " %.1fx the plain scoring time" % (count, fill, fill_reqs,
      fill_reqs / fill, fill / statistics.median(plain)))
print("  %d accounts fully cached (--offline, 0 requests) vs plain score, "
      "%d rounds:" % (count, rounds))
print("    cached s: %s  plain s: %s" % (
    " ".join("%.2f" % x for x in cached), " ".join("%.2f" % x for x in plain)))
print("    ratio cached/plain per round: %s   median %.2fx" % (
    " ".join("%.2f" % x for x in ratios), statistics.median(ratios)))
PY
