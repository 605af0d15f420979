#!/bin/sh
# bench/score.sh -- scoring throughput and peak memory of `icp score`
# against a hand-written reference (bench/ref_score.c) measured in the same
# run. Called by `make bench` from the repository root, with the binaries in
# build/: icp, gen_accounts, ref_score, runstat.
#
# 1. Generates 1,000,000 accounts as CSV and JSONL (and 10,000 as CSV) into
#    build/bench/, unless files for the same count and seed are already
#    there and newer than build/gen_accounts.
# 2. Checks that the runs it compares agree, on the whole file, before
#    timing anything: icp reading the JSONL file writes the same JSONL as
#    icp reading the CSV file (but for "source", the file's name), and
#    icp's CSV output gives every account the domain, score, tier and
#    route of its JSONL output. (The reference is checked byte for byte
#    against icp at the end, on the small file.)
# 3. Runs the reference (CSV; --full: it writes the very JSONL that icp
#    score writes), the same reference writing only domain/score/tier/
#    route, icp CSV in -> JSONL out, icp CSV in -> CSV out and icp JSONL
#    in -> JSONL out one after the other, BENCH_ROUNDS rounds, stdout to
#    /dev/null, timed by build/runstat, all on one core (--threads 1).
# 4. Prints accounts/s (wall and per CPU second) and peak RSS (medians),
#    the time ratio icp/ref of each round's pair and the median ratio,
#    the single-core ratios of icp against itself (CSV out / JSONL out,
#    JSONL in / CSV in), and peak RSS on 10,000 rows versus 1,000,000 rows
#    (memory must not grow with the input).
#
# Knobs (environment): BENCH_COUNT (1000000), BENCH_SMALL (10000),
# BENCH_SEED (42), BENCH_ROUNDS (5), BENCH_AS_OF (2026-11-01).
# Exit status: 0 ok; 1 a binary is missing (the reference is still measured
# when only build/icp is missing) or a run failed.

set -eu

BUILD=build
OUT=$BUILD/bench
PACK=rules/b2b_saas.lua
COUNT=${BENCH_COUNT:-1000000}
SMALL=${BENCH_SMALL:-10000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-5}
AS_OF=${BENCH_AS_OF:-2026-11-01}

GEN=$BUILD/gen_accounts
REF=$BUILD/ref_score
RUNSTAT=$BUILD/runstat
ICP=$BUILD/icp

die() {
  echo "bench: $*" >&2
  exit 1
}

for tool in "$GEN" "$REF" "$RUNSTAT"; do
  [ -x "$tool" ] || die "$tool is missing; build it first (make)"
done
[ -f "$PACK" ] || die "$PACK not found; run from the repository root"

HAVE_ICP=1
if [ ! -x "$ICP" ]; then
  HAVE_ICP=0
  echo "bench: $ICP is missing: measuring the reference only" >&2
fi

mkdir -p "$OUT"

# gen COUNT FORMAT FILE: (re)generate FILE unless it is current.
gen() {
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
SMALL_CSV=$OUT/accounts_${SMALL}_s${SEED}.csv
gen "$COUNT" csv "$CSV"
gen "$SMALL" csv "$SMALL_CSV"
if [ "$HAVE_ICP" = 1 ]; then
  gen "$COUNT" jsonl "$JSONL"
fi

ERR=$OUT/stderr.txt

# The runs compared below must agree before any ratio is printed.
if [ "$HAVE_ICP" = 1 ]; then
  echo "bench: checking that the outputs agree (CSV in, JSONL in, CSV out)" >&2
  run_ok() { # the exit status of a score run: 0, or 2 (rows skipped)
    "$@" 2>/dev/null || [ $? = 2 ]
  }
  run_ok "$ICP" score --threads 1 --rules "$PACK" --as-of "$AS_OF" "$CSV" \
    > "$OUT/chk_csv.jsonl" || die "icp score $CSV failed"
  run_ok "$ICP" score --threads 1 --rules "$PACK" --as-of "$AS_OF" "$JSONL" \
    > "$OUT/chk_jsonl.jsonl" || die "icp score $JSONL failed"
  run_ok "$ICP" score --threads 1 --rules "$PACK" --as-of "$AS_OF" \
    --output-format csv "$CSV" > "$OUT/chk_csv.csv" ||
    die "icp score --output-format csv failed"
  # the files differ by name only: "source" names them
  sed 's/,"source":"[^"]*"//' "$OUT/chk_csv.jsonl" > "$OUT/chk_a.jsonl"
  sed 's/,"source":"[^"]*"//' "$OUT/chk_jsonl.jsonl" > "$OUT/chk_b.jsonl"
  cmp -s "$OUT/chk_a.jsonl" "$OUT/chk_b.jsonl" ||
    die "JSONL input and CSV input give different results: no ratio"
  python3 - "$OUT/chk_csv.jsonl" "$OUT/chk_csv.csv" <<'PY' ||
import csv, json, sys
with open(sys.argv[1]) as j, open(sys.argv[2], newline="") as c:
    rows = csv.DictReader(c)
    n = 0
    for line, row in zip(j, rows):
        o = json.loads(line)
        # the CSV score cell of an excluded account is 0 (DESIGN)
        score = 0 if o["tier"] == "excluded" else o["score"]
        want = (o["domain"] or "", float(score), o["tier"], o["route"] or "")
        got = (row["domain"], float(row["score"]), row["tier"], row["route"])
        if want != got:
            sys.exit("row %d: JSONL %r, CSV %r" % (n + 1, want, got))
        n += 1
    if next(rows, None) is not None or j.readline():
        sys.exit("the outputs have different lengths")
print("bench: CSV and JSONL outputs agree on %d accounts" % n,
      file=sys.stderr)
PY
    die "CSV output and JSONL output disagree: no ratio"
  rm -f "$OUT"/chk_*
  echo "bench: JSONL input and CSV input give the same results" >&2
fi

# measure LABEL CMD...: run CMD under runstat; print "WALL_S MAXRSS_KB".
measure() {
  label=$1
  shift
  rc=0
  "$RUNSTAT" -- "$@" 2> "$ERR" || rc=$?
  stat=$(grep '^wall_s=' "$ERR" | tail -n 1)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] || [ -z "$stat" ]; then
    grep -v '^wall_s=' "$ERR" | tail -n 20 >&2 || true
    die "$label failed (exit $rc): $*"
  fi
  if [ "$rc" -eq 2 ]; then
    echo "bench: warning: $label reported skipped rows (exit 2)" >&2
  fi
  echo "$stat" | sed 's/wall_s=\([^ ]*\) maxrss_kb=\([0-9]*\) cpu_s=\(.*\)/\1 \2 \3/'
}

# One line per run: "KIND ROUND WALL_S MAXRSS_KB".
RESULTS=$OUT/results.txt
: > "$RESULTS"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "bench: round $r/$ROUNDS" >&2
  # the reference writes the same JSONL as icp score (--full); the
  # minimal one (domain, score, tier, route) is shown for comparison
  echo "ref $r $(measure ref "$REF" --full --as-of "$AS_OF" "$CSV")" >> "$RESULTS"
  echo "ref_min $r $(measure 'ref (minimal output)' "$REF" --as-of "$AS_OF" \
    "$CSV")" >> "$RESULTS"
  if [ "$HAVE_ICP" = 1 ]; then
    echo "icp_csv $r $(measure 'icp (CSV)' "$ICP" score --threads 1 --rules "$PACK" \
      --as-of "$AS_OF" "$CSV")" >> "$RESULTS"
    echo "icp_csvout $r $(measure 'icp (CSV out)' "$ICP" score --threads 1 \
      --rules "$PACK" --as-of "$AS_OF" --output-format csv "$CSV")" \
      >> "$RESULTS"
    echo "icp_jsonl $r $(measure 'icp (JSONL)' "$ICP" score --threads 1 --rules "$PACK" \
      --as-of "$AS_OF" "$JSONL")" >> "$RESULTS"
  fi
  r=$((r + 1))
done

# Memory against input size: the small file once, beside the big medians.
echo "ref_small 1 $(measure 'ref (small)' "$REF" --full --as-of "$AS_OF" \
  "$SMALL_CSV")" >> "$RESULTS"
if [ "$HAVE_ICP" = 1 ]; then
  echo "icp_small 1 $(measure 'icp (small)' "$ICP" score --threads 1 --rules "$PACK" \
    --as-of "$AS_OF" "$SMALL_CSV")" >> "$RESULTS"
fi

awk -v count="$COUNT" -v small="$SMALL" -v rounds="$ROUNDS" \
    -v pack="$PACK" -v asof="$AS_OF" -v seed="$SEED" '
function median(a, n,    i, j, t, b) {
  for (i = 1; i <= n; i++) b[i] = a[i]
  for (i = 2; i <= n; i++)
    for (j = i; j > 1 && b[j - 1] > b[j]; j--) {
      t = b[j]; b[j] = b[j - 1]; b[j - 1] = t
    }
  return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
# a round where a run failed has no figures and is left out
function ok(kind, i) { return wall[kind, i] > 0 }
function row(label, kind,    i, n, w, m, c) {
  if (!(kind SUBSEP 1 in wall)) return
  n = 0
  for (i = 1; i <= rounds; i++)
    if (ok(kind, i)) {
      n++; w[n] = wall[kind, i]; m[n] = rss[kind, i]; c[n] = cpu[kind, i]
    }
  if (!n) return
  printf "%-16s %12.0f %12.0f %12.1f %8.3f %8.3f\n", label,
         count / median(w, n), count / median(c, n), median(m, n) / 1024,
         median(w, n), median(c, n)
}
# self(label, a, b): CPU time of a over b, per round and median
function self(label, a, b,    i, n, q, line) {
  if (!((a SUBSEP 1) in wall) || !((b SUBSEP 1) in wall)) return
  line = ""; n = 0
  for (i = 1; i <= rounds; i++)
    if (ok(a, i) && ok(b, i) && cpu[b, i] > 0) {
      q[++n] = cpu[a, i] / cpu[b, i]
      line = line sprintf(" %.2f", q[n])
    }
  if (n)
    printf "%s (CPU) per round:%s   median %.2f\n", label, line,
           median(q, n)
}
function ratios(label, kind,    i, n, q, line) {
  if (!(kind SUBSEP 1 in wall)) return
  line = ""; n = 0
  for (i = 1; i <= rounds; i++)
    if (ok(kind, i) && ok("ref", i)) {
      q[++n] = wall[kind, i] / wall["ref", i]
      line = line sprintf(" %.2f", q[n])
    }
  if (!n) return
  printf "ratio icp/ref (time), %-6s per round:%s   median %.2f\n", label,
         line, median(q, n)
  line = ""; n = 0
  for (i = 1; i <= rounds; i++)
    if (ok(kind, i) && ok("ref", i)) {
      q[++n] = cpu[kind, i] / cpu["ref", i]
      line = line sprintf(" %.2f", q[n])
    }
  printf "ratio icp/ref (CPU),  %-6s per round:%s   median %.2f\n", label,
         line, median(q, n)
}
{ wall[$1, $2] = $3; rss[$1, $2] = $4; cpu[$1, $2] = $5 }
END {
  printf "scoring benchmark: %d accounts (seed %d), %s, --as-of %s, " \
         "%d rounds, medians\n\n", count, seed, pack, asof, rounds
  printf "%-16s %12s %12s %12s %8s %8s\n", "run", "accounts/s",
         "per CPU s", "peak RSS MiB", "wall s", "CPU s"
  row("ref (CSV)", "ref")
  row("ref minimal", "ref_min")
  row("icp CSV>JSONL", "icp_csv")
  row("icp CSV>CSV", "icp_csvout")
  row("icp JSONL>JSONL", "icp_jsonl")
  print ""
  # icp against the reference only where both do the same work: CSV in,
  # the same JSONL out (the reference reads no JSONL; its minimal run
  # writes less and is shown, not compared)
  ratios("CSV", "icp_csv")
  self("icp CSV out / JSONL out, CSV in (goal <= 1.00)", "icp_csvout",
       "icp_csv")
  self("icp JSONL in / CSV in, JSONL out (goal <= 1.30)", "icp_jsonl",
       "icp_csv")
  for (i = 1; i <= rounds; i++) { big_ref[i] = rss["ref", i] }
  printf "peak RSS, %d vs %d rows: ref %.1f vs %.1f MiB", small, count,
         rss["ref_small", 1] / 1024, median(big_ref, rounds) / 1024
  if (("icp_small" SUBSEP 1) in wall) {
    for (i = 1; i <= rounds; i++) { big_icp[i] = rss["icp_csv", i] }
    printf "; icp %.1f vs %.1f MiB (x%.2f)", rss["icp_small", 1] / 1024,
           median(big_icp, rounds) / 1024,
           median(big_icp, rounds) / rss["icp_small", 1]
  }
  printf "\n"
}' "$RESULTS"

if awk 'NF < 4 { bad = 1 } END { exit !bad }' "$RESULTS"; then
  echo "bench: some runs failed and were left out (see above)" >&2
  FAILED=1
fi

if [ "$HAVE_ICP" = 1 ]; then
  # the reference is an independent implementation of the pack: its
  # output must be byte-identical to the engine's
  "$REF" --full --as-of "$AS_OF" "$SMALL_CSV" > "$OUT/ref_small.jsonl"
  "$ICP" score --rules "$PACK" --as-of "$AS_OF" "$SMALL_CSV" \
    > "$OUT/icp_small.jsonl" 2>/dev/null
  if cmp -s "$OUT/ref_small.jsonl" "$OUT/icp_small.jsonl"; then
    echo "results of icp and the reference on $SMALL rows: byte-identical"
  else
    echo "results of icp and the reference on $SMALL rows: DIFFER" >&2
    exit 1
  fi
fi

if [ "$HAVE_ICP" = 0 ]; then
  die "$ICP is missing: only the reference was measured;" \
    "build icp (make) and run make bench again"
fi
[ "${FAILED:-0}" = 0 ]
