#!/bin/sh
# bench/messy.sh -- what the value normaliser costs: the bench accounts
# scored as written (plain numbers) and with every numeric cell written as
# money ("$1,234,567"), by the same icp in the same run. With BEFORE=path
# to another icp binary (e.g. one built from the previous commit), the
# plain file is also scored by it, for the "within 5% of before" check.
#
# 1. Generates BENCH_COUNT accounts (gen_accounts, seed 42) as CSV into
#    build/bench/, and the messy copy beside it (same file name in another
#    directory, so that `source` is the same in both outputs).
# 2. Checks that both files give byte-identical output (else exit 1: a
#    ratio of different work means nothing).
# 3. Runs plain and messy (and BEFORE on plain) one after the other,
#    BENCH_ROUNDS rounds, output to a file, timed by build/runstat, and
#    prints the median CPU time (user + system, steadier than wall time on
#    a shared machine) of each and the ratios messy/plain (the
#    issue's bar: at most 1.3) and plain/before (at most 1.05).
#
# Knobs: BENCH_COUNT (1000000), BENCH_ROUNDS (5), BENCH_AS_OF (2026-11-01),
# BEFORE (unset).
set -eu

BUILD=build
OUT=$BUILD/bench
PACK=rules/b2b_saas.lua
COUNT=${BENCH_COUNT:-1000000}
ROUNDS=${BENCH_ROUNDS:-5}
AS_OF=${BENCH_AS_OF:-2026-11-01}
ICP=$BUILD/icp
GEN=$BUILD/gen_accounts
RUNSTAT=$BUILD/runstat

die() {
  echo "bench: $*" >&2
  exit 1
}
for tool in "$ICP" "$GEN" "$RUNSTAT"; do
  [ -x "$tool" ] || die "$tool is missing; build it first (make)"
done
[ -z "${BEFORE:-}" ] || [ -x "$BEFORE" ] || die "BEFORE=$BEFORE is not a program"

mkdir -p "$OUT/plain" "$OUT/messy"
PLAIN=$OUT/plain/accounts_$COUNT.csv
MESSY=$OUT/messy/accounts_$COUNT.csv
if [ ! -s "$PLAIN" ] || [ -n "$(find "$GEN" -newer "$PLAIN" 2>/dev/null)" ]; then
  echo "bench: generating $PLAIN ($COUNT accounts)" >&2
  "$GEN" --count "$COUNT" --seed 42 --format csv > "$PLAIN.tmp"
  mv "$PLAIN.tmp" "$PLAIN"
fi
if [ ! -s "$MESSY" ] || [ "$PLAIN" -nt "$MESSY" ]; then
  echo "bench: writing every numeric cell of $PLAIN as money" >&2
  python3 - "$PLAIN" "$MESSY.tmp" <<'PY'
import csv, sys
NUM = {"employees", "revenue_usd", "funding_total_usd", "open_jobs",
       "content_downloads", "founded_year"}
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as o:
    rd = csv.reader(f)
    wr = csv.writer(o, lineterminator="\n")
    head = next(rd)
    wr.writerow(head)
    num = [h in NUM for h in head]
    for row in rd:
        wr.writerow(["${:,}".format(int(float(c))) if n and c else c
                     for c, n in zip(row, num)])
PY
  mv "$MESSY.tmp" "$MESSY"
fi
grep -q '"\$[0-9]*,[0-9]' "$MESSY" || die "$MESSY holds no money cell"

# same results first
"$ICP" score --rules "$PACK" --as-of "$AS_OF" "$PLAIN" > "$OUT/plain.jsonl" 2>/dev/null || [ $? = 2 ]
(cd "$OUT/messy" && "$OLDPWD/$ICP" score --rules "$OLDPWD/$PACK" --as-of "$AS_OF" "accounts_$COUNT.csv" > ../messy.jsonl 2>/dev/null) || [ $? = 2 ]
(cd "$OUT/plain" && "$OLDPWD/$ICP" score --rules "$OLDPWD/$PACK" --as-of "$AS_OF" "accounts_$COUNT.csv" > ../plain_rel.jsonl 2>/dev/null) || [ $? = 2 ]
cmp -s "$OUT/plain_rel.jsonl" "$OUT/messy.jsonl" ||
  die "plain and messy files do not score the same: no ratio"
echo "bench: plain and messy files give identical output ($(wc -l < "$OUT/messy.jsonl") accounts)" >&2

measure() { # prints CPU seconds (user + system): the machine may be shared
  "$RUNSTAT" -- "$@" > /dev/null 2> "$OUT/messy_stat.txt" || true
  sed -n 's/^wall_s=.* cpu_s=\([^ ]*\).*/\1/p' "$OUT/messy_stat.txt" | tail -1
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$OUT/messy_results.txt"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "bench: round $r/$ROUNDS" >&2
  echo "plain $(measure "$ICP" score --rules "$PACK" --as-of "$AS_OF" -o "$OUT/p.jsonl" "$PLAIN")" >> "$OUT/messy_results.txt"
  echo "messy $(measure "$ICP" score --rules "$PACK" --as-of "$AS_OF" -o "$OUT/m.jsonl" "$MESSY")" >> "$OUT/messy_results.txt"
  if [ -n "${BEFORE:-}" ]; then
    echo "before $(measure "$BEFORE" score --rules "$PACK" --as-of "$AS_OF" -o "$OUT/b.jsonl" "$PLAIN")" >> "$OUT/messy_results.txt"
  fi
  r=$((r + 1))
done
P=$(awk '$1 == "plain" {print $2}' "$OUT/messy_results.txt" | median)
M=$(awk '$1 == "messy" {print $2}' "$OUT/messy_results.txt" | median)
echo "messy values ($COUNT accounts, median of $ROUNDS): plain ${P}s, every numeric cell as money ${M}s, ratio $(awk -v m="$M" -v p="$P" 'BEGIN {printf "%.3f", m / p}') (bar: 1.3)"
if [ -n "${BEFORE:-}" ] && ! cmp -s "$OUT/p.jsonl" "$OUT/b.jsonl"; then
  echo "canonical file: BEFORE writes different output: no ratio"
elif [ -n "${BEFORE:-}" ]; then
  B=$(awk '$1 == "before" {print $2}' "$OUT/messy_results.txt" | median)
  echo "canonical file: before ${B}s, now ${P}s, ratio $(awk -v b="$B" -v p="$P" 'BEGIN {printf "%.3f", p / b}') (bar: 1.05)"
fi
