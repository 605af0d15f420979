#!/bin/sh
# bench/peers.sh -- icp against the tools a team would otherwise score
# accounts with: the same policy (rules/b2b_saas.lua) written for
# json-rules-engine (npm), for GoRules zen-engine (npm; Rust core behind a
# Node binding) and as a vectorised pandas script, scoring the same
# accounts in one invocation. Called by `make bench` from the repository
# root, with build/icp, build/gen_accounts and build/runstat built.
#
# 1. Generates the accounts as CSV and JSONL with build/gen_accounts (the
#    files bench/score.sh makes, reused when current).
# 2. Installs the pinned engines of bench/peers/package.json into
#    build/peers/node_modules with npm (once; again when package.json
#    changes). Needs node and npm (`make deps-bench`) and the npm registry.
# 3. Runs once each, timed by build/runstat, every output written to a
#    file in build/bench/: icp score --threads 1 on the CSV and on the
#    JSONL file; bench/peers/score_pandas.py on the CSV (pandas reads CSV);
#    bench/peers/rules_engine.js and bench/peers/zen.js on the JSONL (the
#    engines take JSON objects). Start-up is measured apart: python3
#    importing numpy and pandas, node loading each engine.
# 4. Checks, before printing any figure, that every peer wrote the same
#    domain and tier as icp on the same input, row by row, and a score
#    that rounds to icp's to 6 decimals (bench/peers/check.py); a
#    difference fails the bench and no ratio is printed.
# 5. Prints per run accounts/s, wall and CPU seconds, peak RSS and the
#    ratio of its wall and CPU time to icp's on the same input format,
#    with and without start-up, and the load average before and after.
#
# Knobs (environment): PEERS_N (accounts; default BENCH_COUNT or
# 1,000,000; PEERS_N=2000 is a smoke run of a few seconds), BENCH_SEED
# (42), BENCH_AS_OF (2026-11-01), ZEN_INFLIGHT (zen evaluations in flight,
# 64). Exit status: 0 ok; 1 a tool is missing, a run failed or an output
# differs from icp's.
set -eu

BUILD=build
OUT=$BUILD/bench
PACK=rules/b2b_saas.lua
COUNT=${PEERS_N:-${BENCH_COUNT:-1000000}}
SEED=${BENCH_SEED:-42}
AS_OF=${BENCH_AS_OF:-2026-11-01}
GEN=$BUILD/gen_accounts
RUNSTAT=$BUILD/runstat
ICP=$BUILD/icp
PY=/usr/bin/python3
NPMDIR=$BUILD/peers

die() {
  echo "bench: $*" >&2
  exit 1
}
for tool in "$GEN" "$RUNSTAT" "$ICP"; do
  [ -x "$tool" ] || die "$tool is missing; build it first (make)"
done
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  die "needs node and npm: make deps-bench (or apt-get install -y nodejs npm)"
"$PY" -c 'import pandas' 2>/dev/null ||
  die "needs pandas: make deps-bench (or apt-get install -y python3-pandas)"
mkdir -p "$OUT" "$NPMDIR"

gen() { # COUNT FORMAT FILE: (re)generate FILE unless current (as score.sh)
  if [ -s "$3" ] && [ -n "$(find "$3" -newer "$GEN" 2>/dev/null)" ]; then
    return 0
  fi
  echo "bench: generating $3 ($1 accounts, seed $SEED)" >&2
  "$GEN" --count "$1" --seed "$SEED" --format "$2" > "$3.tmp" ||
    die "gen_accounts failed"
  mv "$3.tmp" "$3"
}
CSV=$OUT/accounts_${COUNT}_s${SEED}.csv
JSONL=$OUT/accounts_${COUNT}_s${SEED}.jsonl
gen "$COUNT" csv "$CSV"
gen "$COUNT" jsonl "$JSONL"

# the engines, pinned by bench/peers/package.json
if ! cmp -s bench/peers/package.json "$NPMDIR/package.json" ||
   [ ! -d "$NPMDIR/node_modules/json-rules-engine" ] ||
   [ ! -d "$NPMDIR/node_modules/@gorules/zen-engine" ]; then
  echo "bench: npm install into $NPMDIR" >&2
  rm -rf "$NPMDIR/node_modules" "$NPMDIR/package.json"
  cp bench/peers/package.json "$NPMDIR/package.json.tmp"
  mv "$NPMDIR/package.json.tmp" "$NPMDIR/package.json"
  (cd "$NPMDIR" && npm install --no-audit --no-fund --no-package-lock \
    --loglevel=error) >&2 || {
    rm -f "$NPMDIR/package.json"
    die "npm install of bench/peers/package.json failed (see above)"
  }
fi
NODE_PATH=$PWD/$NPMDIR/node_modules
export NODE_PATH
version() { # the installed version of an npm package
  node -p "require('$1/package.json').version" 2>/dev/null || echo '?'
}
JRE_V=$(version json-rules-engine)
ZEN_V=$(version @gorules/zen-engine)
PD_V=$("$PY" -c 'import pandas; print(pandas.__version__)')
NODE_V=$(node --version)

ERR=$OUT/peers_stderr.txt
# measure LABEL STDOUT CMD...: run CMD under runstat, stdout to STDOUT;
# prints "WALL_S MAXRSS_KB CPU_S"
measure() {
  label=$1
  out=$2
  shift 2
  rc=0
  "$RUNSTAT" --stdout "$out" -- "$@" 2> "$ERR" || rc=$?
  stat=$(grep '^wall_s=' "$ERR" | tail -n 1)
  if [ "$rc" -ne 0 ] || [ -z "$stat" ]; then
    grep -v '^wall_s=' "$ERR" | tail -n 20 >&2 || true
    die "$label failed (exit $rc): $*"
  fi
  echo "$stat" | sed 's/wall_s=\([^ ]*\) maxrss_kb=\([0-9]*\) cpu_s=\(.*\)/\1 \2 \3/'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
RES=$OUT/peers_results.txt
: > "$RES"
P=$OUT/peers
echo "bench: icp (CSV, JSONL), pandas, json-rules-engine, zen-engine on" \
  "$COUNT accounts" >&2
echo "icp_csv $(measure 'icp (CSV)' "$P.icp_csv.jsonl" "$ICP" score \
  --threads 1 --rules "$PACK" --as-of "$AS_OF" "$CSV")" >> "$RES"
echo "pandas $(measure pandas /dev/null "$PY" bench/peers/score_pandas.py \
  "$CSV" "$P.pandas.csv" "$AS_OF")" >> "$RES"
echo "pandas_start $(measure 'python3 start-up' /dev/null "$PY" -c \
  'import numpy, pandas')" >> "$RES"
echo "icp_jsonl $(measure 'icp (JSONL)' "$P.icp_jsonl.jsonl" "$ICP" score \
  --threads 1 --rules "$PACK" --as-of "$AS_OF" "$JSONL")" >> "$RES"
echo "jre $(measure json-rules-engine /dev/null node \
  bench/peers/rules_engine.js "$JSONL" "$P.jre.csv" "$AS_OF")" >> "$RES"
echo "jre_start $(measure 'node start-up' /dev/null node -e \
  'require("json-rules-engine")')" >> "$RES"
echo "zen $(measure zen-engine /dev/null node bench/peers/zen.js "$JSONL" \
  "$P.zen.csv" "$AS_OF")" >> "$RES"
echo "zen_start $(measure 'node start-up' /dev/null node -e \
  'require("@gorules/zen-engine")')" >> "$RES"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# equal outputs first: no figure is printed for outputs that differ
echo "outputs against icp's on the same input:"
"$PY" bench/peers/check.py "$P.icp_csv.jsonl" "$P.pandas.csv" ||
  die "pandas disagrees with icp: no ratio printed"
"$PY" bench/peers/check.py "$P.icp_jsonl.jsonl" "$P.jre.csv" "$P.zen.csv" ||
  die "a JavaScript peer disagrees with icp: no ratio printed"
echo

awk -v count="$COUNT" -v seed="$SEED" -v asof="$AS_OF" -v pack="$PACK" \
    -v pd="$PD_V" -v jre="$JRE_V" -v zen="$ZEN_V" -v nodev="$NODE_V" \
    -v cores="$(nproc 2>/dev/null || echo '?')" \
    -v load0="$LOAD_BEFORE" -v load1="$LOAD_AFTER" '
{ wall[$1] = $2; rss[$1] = $3; cpu[$1] = $4 }
function pos(x) { return x > 0 ? x : 0 }
function row(label, input, k, ref, start,    w, c) {
  w = wall[k]; c = cpu[k]
  printf "%-28s %-5s %12.0f %8.2f %8.2f %9.1f %8.2f %8.2f", label, input,
         count / w, w, c, rss[k] / 1024, w / wall[ref], c / cpu[ref]
  # (a tiny PEERS_N run can time start-up above the whole run: 0)
  if (start != "")
    printf "   %6.2f %6.2f  (start-up %.2f s wall, %.2f s CPU)",
           pos(w - wall[start]) / wall[ref], pos(c - cpu[start]) / cpu[ref],
           wall[start], cpu[start]
  printf "\n"
}
END {
  printf "peers benchmark: %d accounts (seed %d), %s, --as-of %s, one run " \
         "each; %s cores, load average %s before, %s after\n\n", count,
         seed, pack, asof, cores, load0, load1
  printf "%-28s %-5s %12s %8s %8s %9s %8s %8s   %s\n", "run", "input",
         "accounts/s", "wall s", "CPU s", "peak MiB", "x wall", "x CPU",
         "without start-up (x wall, x CPU)"
  row("icp score --threads 1", "CSV", "icp_csv", "icp_csv", "")
  row("pandas " pd, "CSV", "pandas", "icp_csv", "pandas_start")
  row("icp score --threads 1", "JSONL", "icp_jsonl", "icp_jsonl", "")
  row("json-rules-engine " jre, "JSONL", "jre", "icp_jsonl", "jre_start")
  row("zen-engine " zen, "JSONL", "zen", "icp_jsonl", "zen_start")
  printf "\nx wall, x CPU: the run'\''s time over icp'\''s on the same input " \
         "format (node %s; icp writes its full JSONL record, the peers " \
         "domain,score,tier)\n", nodev
}' "$RES"
rm -f "$P.icp_csv.jsonl" "$P.icp_jsonl.jsonl" "$P.pandas.csv" "$P.jre.csv" \
  "$P.zen.csv" "$ERR"
