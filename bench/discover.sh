#!/bin/sh
# bench/discover.sh -- `icp discover` on generated accounts against the
# same analysis written with pandas, SciPy and scikit-learn from Debian's
# packages (bench/discover_ref.py), measured in the same run. Run from the
# repository root after `make` (needs build/icp, build/gen_outcomes,
# build/runstat and /usr/bin/python3 with python3-pandas python3-scipy
# python3-sklearn).
#
# Prints wall time and peak RSS of each (median of BENCH_ROUNDS rounds),
# the time ratio ref/icp per round and its median, and the memory ratio.
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
: > "$OUT/disc_icp.txt"; : > "$OUT/disc_ref.txt"; : > "$OUT/disc_ratio.txt"
r=1
while [ $r -le "$ROUNDS" ]; do
  ref=$(measure $PY bench/discover_ref.py "$CSV" $AS_OF "$OUT/disc_ref.json")
  icp=$(measure $BUILD/icp discover --outcome won --label won --ignore ltv \
        --as-of $AS_OF --json "$OUT/disc_icp.json" "$CSV")
  [ -n "$ref" ] && [ -n "$icp" ] || { echo "bench: a run failed" >&2; exit 1; }
  echo "$ref" >> "$OUT/disc_ref.txt"
  echo "$icp" >> "$OUT/disc_icp.txt"
  ratio=$(echo "$ref $icp" | awk '{printf "%.2f", $1 / $3}')
  echo "$ratio" >> "$OUT/disc_ratio.txt"
  echo "round $r: reference ${ref%% *} s, icp ${icp%% *} s, ratio ${ratio}x"
  r=$((r + 1))
done
rt=$(cut -d' ' -f1 "$OUT/disc_ref.txt" | median); rm=$(cut -d' ' -f2 "$OUT/disc_ref.txt" | median)
it=$(cut -d' ' -f1 "$OUT/disc_icp.txt" | median); im=$(cut -d' ' -f2 "$OUT/disc_icp.txt" | median)
echo "discover on $COUNT accounts (median of $ROUNDS):"
echo "  pandas/SciPy/sklearn  ${rt} s  peak $((rm / 1024)) MiB"
echo "  icp discover          ${it} s  peak $((im / 1024)) MiB"
echo "  speed ratio $(median < "$OUT/disc_ratio.txt")x, memory ratio $(echo "$rm $im" | awk '{printf "%.1f", $1 / $2}')x less"
