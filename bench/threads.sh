#!/bin/sh
# bench/threads.sh -- `icp score --threads N` against `--threads 1` on the
# same 1,000,000-account CSV file (the one bench/score.sh generates), in
# the same invocation. Called by `make bench` from the repository root.
#
# Each round runs --threads 1, then --threads N (N = THREADS_N, default 2)
# and, before any ratio is printed, checks that both wrote the same bytes
# (cmp) and the same stderr; a round whose outputs differ fails the bench.
# Prints per round the wall-time ratio (1 thread / N threads: the speedup)
# and the CPU-time ratio (N threads / 1 thread: the cost of splitting),
# their medians, and peak RSS of both on a small and the big file (memory
# must stay flat with input size).
#
# The speedup needs N idle cores: on a machine shared with other work the
# wall ratio shows what the other work left over. So each round also
# measures the machine's own ceiling: N independent `--threads 1` runs
# started side by side, each writing its own output. N runs' work in the
# time they took, against one run alone in the same round, is the most any
# split of the work into N could give on this machine at that moment
# (N x wall(1 alone) / wall(N side by side)); the efficiency is the
# speedup over that ceiling.
#
# Knobs: BENCH_COUNT (1000000), BENCH_SMALL (10000), BENCH_SEED (42),
# BENCH_ROUNDS (5), BENCH_AS_OF (2026-11-01), THREADS_N (2), THREADS_FORMAT
# (csv: the input; jsonl also works).
set -eu

BUILD=build
OUT=$BUILD/bench
PACK=rules/b2b_saas.lua
COUNT=${BENCH_COUNT:-1000000}
SMALL=${BENCH_SMALL:-10000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-5}
AS_OF=${BENCH_AS_OF:-2026-11-01}
N=${THREADS_N:-2}
FMT=${THREADS_FORMAT:-csv}
GEN=$BUILD/gen_accounts
RUNSTAT=$BUILD/runstat
ICP=$BUILD/icp

die() {
  echo "bench: $*" >&2
  exit 1
}
for tool in "$GEN" "$RUNSTAT" "$ICP"; do
  [ -x "$tool" ] || die "$tool is missing; build it first (make)"
done
mkdir -p "$OUT"

gen() { # COUNT FILE: (re)generate unless current (as bench/score.sh)
  if [ -s "$2" ] && [ -n "$(find "$2" -newer "$GEN" 2>/dev/null)" ]; then
    return 0
  fi
  echo "bench: generating $2 ($1 accounts, seed $SEED)" >&2
  "$GEN" --count "$1" --seed "$SEED" --format "$FMT" > "$2.tmp" ||
    die "gen_accounts failed"
  mv "$2.tmp" "$2"
}
BIG=$OUT/accounts_${COUNT}_s${SEED}.$FMT
SMALLF=$OUT/accounts_${SMALL}_s${SEED}.$FMT
gen "$COUNT" "$BIG"
gen "$SMALL" "$SMALLF"

# run THREADS FILE OUTFILE: prints "WALL MAXRSS_KB CPU"
run() {
  rc=0
  "$RUNSTAT" --stdout "$3" -- "$ICP" score --rules "$PACK" --as-of "$AS_OF" \
    --threads "$1" "$2" 2> "$3.err" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] ||
    die "icp score --threads $1 failed (exit $rc)"
  grep '^wall_s=' "$3.err" | tail -n 1 |
    sed 's/wall_s=\([^ ]*\) maxrss_kb=\([0-9]*\) cpu_s=\(.*\)/\1 \2 \3/'
  grep -v '^wall_s=' "$3.err" > "$3.msg" || true
}

# side N FILE: N `--threads 1` runs side by side; prints the wall time of
# the slowest (they start together, so it is the whole span)
side() {
  i=1
  while [ "$i" -le "$1" ]; do
    "$RUNSTAT" --stdout "$OUT/side$i.out" -- "$ICP" score --rules "$PACK" \
      --as-of "$AS_OF" --threads 1 "$2" 2> "$OUT/side$i.err" &
    i=$((i + 1))
  done
  wait
  i=1
  worst=0
  while [ "$i" -le "$1" ]; do
    cmp -s "$OUT/t1.out" "$OUT/side$i.out" ||
      die "ceiling run $i: output differs from --threads 1"
    w=$(sed -n 's/^wall_s=\([^ ]*\) .*/\1/p' "$OUT/side$i.err" | tail -n 1)
    [ -n "$w" ] || die "ceiling run $i failed: $(tail -n 1 "$OUT/side$i.err")"
    worst=$(awk -v a="$worst" -v b="$w" 'BEGIN { print (b > a) ? b : a }')
    rm -f "$OUT/side$i.out" "$OUT/side$i.err"
    i=$((i + 1))
  done
  echo "$worst"
}

RES=$OUT/threads.txt
: > "$RES"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "bench: round $r/$ROUNDS" >&2
  one=$(run 1 "$BIG" "$OUT/t1.out")
  many=$(run "$N" "$BIG" "$OUT/tn.out")
  cmp -s "$OUT/t1.out" "$OUT/tn.out" ||
    die "round $r: --threads $N output differs from --threads 1"
  cmp -s "$OUT/t1.out.msg" "$OUT/tn.out.msg" ||
    die "round $r: --threads $N messages differ from --threads 1"
  ceil=$(side "$N" "$BIG")
  echo "$r $one $many $ceil" >> "$RES"
  r=$((r + 1))
done
bytes=$(wc -c < "$OUT/t1.out" | tr -d ' ')
small1=$(run 1 "$SMALLF" "$OUT/s1.out")
smalln=$(run "$N" "$SMALLF" "$OUT/sn.out")
cmp -s "$OUT/s1.out" "$OUT/sn.out" || die "small file: outputs differ"
rm -f "$OUT"/t1.out "$OUT"/tn.out "$OUT"/s1.out "$OUT"/sn.out \
  "$OUT"/*.out.err "$OUT"/*.out.msg

awk -v n="$N" -v count="$COUNT" -v bytes="$bytes" -v fmt="$FMT" \
    -v s1="$small1" -v sn="$smalln" -v small="$SMALL" '
function median(a, k,    i, j, t, b) {
  for (i = 1; i <= k; i++) b[i] = a[i]
  for (i = 2; i <= k; i++)
    for (j = i; j > 1 && b[j - 1] > b[j]; j--) {
      t = b[j]; b[j] = b[j - 1]; b[j - 1] = t
    }
  return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
}
{ k++; w1[k] = $2; m1[k] = $3; c1[k] = $4; wn[k] = $5; mn[k] = $6
  cn[k] = $7; sp[k] = $2 / $5; cr[k] = $7 / $4; ce[k] = n * $2 / $8
  ef[k] = sp[k] / ce[k]
  ls = ls sprintf(" %.2f", sp[k]); lc = lc sprintf(" %.2f", cr[k])
  le = le sprintf(" %.2f", ce[k]); lf = lf sprintf(" %.2f", ef[k]) }
END {
  split(s1, a, " "); split(sn, b, " ")
  printf "threads benchmark: %d accounts (%s), %d rounds, outputs equal " \
         "(%d bytes) in every round\n\n", count, fmt, k, bytes
  printf "%-14s %12s %10s %10s %14s\n", "run", "accounts/s", "wall s",
         "CPU s", "peak RSS MiB"
  printf "%-14s %12.0f %10.3f %10.3f %14.1f\n", "--threads 1",
         count / median(w1, k), median(w1, k), median(c1, k),
         median(m1, k) / 1024
  printf "%-14s %12.0f %10.3f %10.3f %14.1f\n", "--threads " n,
         count / median(wn, k), median(wn, k), median(cn, k),
         median(mn, k) / 1024
  printf "\nspeedup (wall, 1 thread / %d), per round:%s   median %.2f\n", n,
         ls, median(sp, k)
  printf "CPU cost (%d threads / 1), per round:%s   median %.2f\n", n, lc,
         median(cr, k)
  printf "machine ceiling (%d runs side by side: %d x 1 run alone / their " \
         "wall), per round:%s   median %.2f\n", n, n, le, median(ce, k)
  printf "efficiency (speedup / ceiling), per round:%s   median %.2f\n", lf,
         median(ef, k)
  printf "peak RSS, %d vs %d rows: 1 thread %.1f vs %.1f MiB; %d threads " \
         "%.1f vs %.1f MiB\n", small, count, a[2] / 1024,
         median(m1, k) / 1024, n, b[2] / 1024, median(mn, k) / 1024
}' "$RES"
