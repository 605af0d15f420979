#!/bin/sh
# bench/validate.sh -- `icp validate` on 1,000,000 generated deals over
# 10,000 accounts against the same figures computed with pandas
# (bench/validate_ref.py, Debian's python3-pandas and python3-scipy),
# both timed in the same run by build/runstat. Run from the repository
# root after make. Checks first that both give the same whole-run deals,
# won and lost per group and the same AUC (else no ratio); prints wall
# times, peak RSS, the interpreter's start-up (python3 importing pandas
# and SciPy, timed alone each round) apart, and the ratio ref/icp per
# round and its median, with and without that start-up (goal: at least 5).
# Knobs: BENCH_DEALS (1000000), BENCH_ACCOUNTS (10000), BENCH_ROUNDS (3).
set -eu
BUILD=build
OUT=$BUILD/bench
DEALS=${BENCH_DEALS:-1000000}
ACCTS=${BENCH_ACCOUNTS:-10000}
ROUNDS=${BENCH_ROUNDS:-3}
PY=/usr/bin/python3
for tool in $BUILD/icp $BUILD/gen_deals $BUILD/runstat; do
  [ -x "$tool" ] || { echo "bench: $tool is missing (make)" >&2; exit 1; }
done
"$PY" -c 'import pandas, scipy' 2>/dev/null || {
  echo "bench: needs python3-pandas and python3-scipy (apt-get install)" >&2
  exit 1
}
mkdir -p "$OUT"
A=$OUT/val_accounts_$ACCTS.csv
D=$OUT/val_deals_$DEALS.csv
if ! [ -s "$D" ] || [ -n "$(find $BUILD/gen_deals -newer "$D")" ]; then
  echo "bench: generating $DEALS deals over $ACCTS accounts" >&2
  $BUILD/gen_deals --accounts "$ACCTS" --deals "$DEALS" --drift planted \
    --out-accounts "$A" --out-deals "$D"
fi
# measure CMD...: "WALL_S MAXRSS_KB" (exit 4, a review due, is expected)
measure() {
  rc=0
  $BUILD/runstat -- "$@" > /dev/null 2> "$OUT/val_err.txt" || rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
    tail -5 "$OUT/val_err.txt" >&2
    echo "bench: failed (exit $rc): $*" >&2
    exit 1
  fi
  grep '^wall_s=' "$OUT/val_err.txt" | tail -1 |
    sed 's/wall_s=\([^ ]*\) maxrss_kb=\([0-9]*\).*/\1 \2/'
}
# the same figures first: no ratio of unequal work
"$PY" bench/validate_ref.py "$A" "$D" "$OUT/val_ref.json" > /dev/null
measure $BUILD/icp validate --rules tests/fixtures/validate/grade.lua \
  --deals "$D" --accounts "$A" --json "$OUT/val.json" > /dev/null
"$PY" - "$OUT/val.json" "$OUT/val_ref.json" <<'PY' || exit 1
import json, math, sys
icp, ref = (json.load(open(f)) for f in sys.argv[1:3])
got = {g: [v["deals"], v["won"], v["lost"]]
       for g, v in icp["whole_run"]["groups"].items() if v["deals"]}
if got != ref["whole_run"] or not math.isclose(icp["auc"], ref["auc"],
                                                rel_tol=1e-9):
    sys.exit("bench: icp validate and the reference disagree: icp %r auc %r,"
             " reference %r auc %r" % (got, icp["auc"], ref["whole_run"],
                                       ref["auc"]))
print("bench: icp validate and the reference agree (deals, won, lost per "
      "group over the whole run, AUC %.6f)" % ref["auc"], file=sys.stderr)
PY
R=$OUT/val_results.txt
: > "$R"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "start $r $(measure "$PY" -c 'import numpy, pandas, scipy.stats')" >> "$R"
  echo "ref $r $(measure "$PY" bench/validate_ref.py "$A" "$D")" >> "$R"
  echo "icp $r $(measure $BUILD/icp validate \
    --rules tests/fixtures/validate/grade.lua --deals "$D" --accounts "$A" \
    --json "$OUT/val.json")" >> "$R"
  r=$((r + 1))
done
awk -v deals="$DEALS" -v accts="$ACCTS" -v rounds="$ROUNDS" '
function median(a, n,    i, j, t) {
  for (i = 2; i <= n; i++)
    for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
      t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
    }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ w[$1, $2] = $3; m[$1, $2] = $4 }
END {
  printf "validate benchmark: %d deals over %d accounts, %d rounds\n",
         deals, accts, rounds
  line = ""; line2 = ""
  for (i = 1; i <= rounds; i++) {
    q[i] = w["ref", i] / w["icp", i]; wi[i] = w["icp", i]
    q2[i] = (w["ref", i] - w["start", i]) / w["icp", i]; ws[i] = w["start", i]
    wr[i] = w["ref", i]; mi[i] = m["icp", i]; mr[i] = m["ref", i]
    line = line sprintf(" %.2f", q[i]); line2 = line2 sprintf(" %.2f", q2[i])
  }
  printf "icp validate   %8.3f s  %8.1f MiB peak\n", median(wi, rounds),
         median(mi, rounds) / 1024
  printf "pandas (ref)   %8.3f s  %8.1f MiB peak\n", median(wr, rounds),
         median(mr, rounds) / 1024
  printf "  of which python3 start-up and imports %.3f s\n", median(ws, rounds)
  printf "ratio ref/icp (time) per round:%s   median %.2f (goal >= 5)\n",
         line, median(q, rounds)
  printf "ratio without the start-up per round:%s   median %.2f\n",
         line2, median(q2, rounds)
}' "$R"
