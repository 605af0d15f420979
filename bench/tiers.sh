#!/bin/sh
# bench/tiers.sh -- over the 1,000,000-account bench file, every account's
# tier agrees with its written score (DESIGN section 4, point 5): scores
# the file with the shipped pack and with bench/packs/twenty.lua (whose
# points sum exactly onto the thresholds), and checks each JSONL line's
# score against the pack's thresholds (A 80, B 60, C 40, D 0 in both).
# Prints, per pack, how many scores sit exactly on a threshold and how
# many lines disagree (must be 0). Run by `make bench` after score.sh made
# the file; knobs as in bench/score.sh (BENCH_COUNT, BENCH_SEED,
# BENCH_AS_OF). Exit status: 0 all agree; 1 a disagreement or a failure.
set -eu
BUILD=build
OUT=$BUILD/bench
COUNT=${BENCH_COUNT:-1000000}
SEED=${BENCH_SEED:-42}
AS_OF=${BENCH_AS_OF:-2026-11-01}
CSV=$OUT/accounts_${COUNT}_s${SEED}.csv
mkdir -p "$OUT"
if [ ! -s "$CSV" ]; then
  echo "bench: generating $CSV" >&2
  "$BUILD/gen_accounts" --count "$COUNT" --seed "$SEED" --format csv \
    > "$CSV.tmp" && mv "$CSV.tmp" "$CSV"
fi
rc=0
for pack in rules/b2b_saas.lua bench/packs/twenty.lua; do
  st=0
  "$BUILD/icp" score --rules "$pack" --as-of "$AS_OF" "$CSV" \
    2>/dev/null > "$OUT/tiers.jsonl" || st=$?
  if [ "$st" != 0 ] && [ "$st" != 2 ]; then
    echo "bench: icp score --rules $pack failed (exit $st)" >&2
    exit 1
  fi
  awk -v pack="$pack" '{
    s = $0; sub(/.*"score":/, "", s); sub(/,.*/, "", s)
    t = $0; sub(/.*"tier":"/, "", t); sub(/".*/, "", t)
    n++
    if (s == "40" || s == "60" || s == "80") at++
    if (t == "excluded" || t == "insufficient_data") next
    w = s + 0 >= 80 ? "A" : s + 0 >= 60 ? "B" : s + 0 >= 40 ? "C" : "D"
    if (w != t) bad++
  } END {
    printf "%s: %d accounts, %d scores exactly on a threshold, " \
           "%d tiers disagree with the written score\n", pack, n, at, bad
    exit bad > 0
  }' "$OUT/tiers.jsonl" || rc=1
done
rm -f "$OUT/tiers.jsonl"
exit $rc
