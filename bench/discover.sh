#!/bin/sh
# bench/discover.sh -- `icp discover` on generated accounts against the
# same analysis written with pandas, SciPy and scikit-learn from Debian's
# packages (bench/discover_ref.py), measured in the same run. Run from the
# repository root after `make` (needs build/icp, build/gen_outcomes,
# build/runstat and /usr/bin/python3 with python3-pandas python3-scipy
# python3-sklearn).
#
# Checks first that both find the same counts (every value, element,
# other and missing test: best and worst counts; every numeric field: the
# medians and the Mann-Whitney p), else no ratio. Prints wall time and
# peak RSS of each (median of BENCH_ROUNDS rounds), the interpreter's
# start-up (python3 importing numpy, pandas, SciPy and scikit-learn, timed
# alone in each round) apart, the time ratio ref/icp per round with and
# without that start-up and their medians, and the memory ratio.
# Knobs: BENCH_COUNT (1000000), BENCH_SEED (42), BENCH_ROUNDS (3).
set -eu
BUILD=build
OUT=$BUILD/bench
COUNT=${BENCH_COUNT:-1000000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-3}
AS_OF=2026-11-24
PY=/usr/bin/python3
for tool in $BUILD/icp $BUILD/gen_outcomes $BUILD/runstat; do
  [ -x "$tool" ] || { echo "bench: $tool is missing (make)" >&2; exit 1; }
done
$PY -c 'import pandas, scipy, sklearn' 2>/dev/null || {
  echo "bench: needs: apt-get install python3-pandas python3-scipy python3-sklearn" >&2
  exit 1
}
mkdir -p "$OUT"
CSV=$OUT/outcomes_${COUNT}_s${SEED}.csv
if [ ! -s "$CSV" ] || [ "$BUILD/gen_outcomes" -nt "$CSV" ]; then
  echo "bench: generating $CSV" >&2
  $BUILD/gen_outcomes --count "$COUNT" --seed "$SEED" > "$CSV.tmp"
  mv "$CSV.tmp" "$CSV"
fi
measure() { # -> "wall maxrss_kb"
  $BUILD/runstat -- "$@" 2>&1 >/dev/null | sed -n 's/.*wall_s=\([0-9.]*\) maxrss_kb=\([0-9]*\).*/\1 \2/p' | tail -1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# the same findings first: no ratio of unequal work
$PY bench/discover_ref.py "$CSV" $AS_OF "$OUT/disc_ref.json" ||
  { echo "bench: the reference failed" >&2; exit 1; }
$BUILD/icp discover --outcome won --label won --ignore ltv --as-of $AS_OF \
  --json "$OUT/disc_icp.json" "$CSV" > /dev/null 2>&1 ||
  { echo "bench: icp discover failed" >&2; exit 1; }
$PY - "$OUT/disc_icp.json" "$OUT/disc_ref.json" <<'PY' || exit 1
import json, math, sys
icp, ref = (json.load(open(f)) for f in sys.argv[1:3])
bad = []
for k in ("n", "best", "worst"):
    if icp[k] != ref[k]:
        bad.append("%s: icp %s, reference %s" % (k, icp[k], ref[k]))
def counted(doc):  # value, element, other and missing tests: their counts
    return {(t["field"], t["kind"], str(t["value"]).lower()):
            (t["n_best"], t["n_worst"]) for t in doc["attributes"]
            if t["kind"] != "bin"}
a, b = counted(icp), counted(ref)
for k in sorted(set(a) | set(b), key=str):
    if a.get(k) != b.get(k):
        bad.append("%s: icp %s, reference %s" % (k, a.get(k), b.get(k)))
na = {t["field"]: t for t in icp["numeric"]}
nb = {t["field"]: t for t in ref["numeric"]}
if set(na) != set(nb):
    bad.append("numeric fields: icp %s, reference %s" % (sorted(na), sorted(nb)))
for f in set(na) & set(nb):
    x, y = na[f], nb[f]
    if x["median_best"] != y["median_best"] or x["median_worst"] != y["median_worst"] \
       or not math.isclose(x["p"], y["p"], rel_tol=1e-6, abs_tol=1e-300):
        bad.append("numeric %s: icp %s, reference %s" % (f, x, y))
if bad:
    sys.exit("icp discover and the reference disagree:\n  " + "\n  ".join(bad[:20]))
print("bench: icp discover and the reference agree: %d counted tests, %d numeric"
      % (len(a), len(na)), file=sys.stderr)
PY
START="import numpy, pandas, scipy.stats, sklearn.linear_model, sklearn.model_selection"
: > "$OUT/disc_icp.txt"; : > "$OUT/disc_ref.txt"; : > "$OUT/disc_ratio.txt"
: > "$OUT/disc_start.txt"; : > "$OUT/disc_ratio_work.txt"
r=1
while [ $r -le "$ROUNDS" ]; do
  start=$(measure $PY -c "$START")
  ref=$(measure $PY bench/discover_ref.py "$CSV" $AS_OF "$OUT/disc_ref.json")
  icp=$(measure $BUILD/icp discover --outcome won --label won --ignore ltv \
        --as-of $AS_OF --json "$OUT/disc_icp.json" "$CSV")
  [ -n "$start" ] && [ -n "$ref" ] && [ -n "$icp" ] ||
    { echo "bench: a run failed" >&2; exit 1; }
  echo "${start%% *}" >> "$OUT/disc_start.txt"
  work=$(echo "$ref $start $icp" | awk '{printf "%.2f", ($1 - $3) / $5}')
  echo "$work" >> "$OUT/disc_ratio_work.txt"
  echo "$ref" >> "$OUT/disc_ref.txt"
  echo "$icp" >> "$OUT/disc_icp.txt"
  ratio=$(echo "$ref $icp" | awk '{printf "%.2f", $1 / $3}')
  echo "$ratio" >> "$OUT/disc_ratio.txt"
  echo "round $r: reference ${ref%% *} s (start-up ${start%% *} s), icp ${icp%% *} s, ratio ${ratio}x, without start-up ${work}x"
  r=$((r + 1))
done
rt=$(cut -d' ' -f1 "$OUT/disc_ref.txt" | median); rm=$(cut -d' ' -f2 "$OUT/disc_ref.txt" | median)
it=$(cut -d' ' -f1 "$OUT/disc_icp.txt" | median); im=$(cut -d' ' -f2 "$OUT/disc_icp.txt" | median)
echo "discover on $COUNT accounts (median of $ROUNDS):"
echo "  pandas/SciPy/sklearn  ${rt} s  peak $((rm / 1024)) MiB, of which python3 start-up and imports $(median < "$OUT/disc_start.txt") s"
echo "  icp discover          ${it} s  peak $((im / 1024)) MiB"
echo "  speed ratio $(median < "$OUT/disc_ratio.txt")x (without the reference's start-up $(median < "$OUT/disc_ratio_work.txt")x), memory ratio $(echo "$rm $im" | awk '{printf "%.1f", $1 / $2}')x less"
