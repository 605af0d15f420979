#!/bin/sh
# bench/diff.sh -- regression testing speed (issue: fast enough to run on
# every commit), measured against references in the same run:
#   1. `icp diff` of two packs over 1,000,000 accounts against one
#      `icp score` of the same file (goal: at most 2.2x);
#   2. `icp test` on 20 packs with 50 cases each (goal: well under 1 s),
#      against `icp check` of the same 20 packs (the load-only floor).
# The tier matrix of icp diff is first checked against two icp score
# runs (old and new pack) over the same file: no ratio of unequal work.
# Called by `make bench` from the repo root; binaries in build/.
set -eu
OUT=build/bench
COUNT=${BENCH_COUNT:-1000000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-3}
AS_OF=2026-11-01
ICP=build/icp
mkdir -p "$OUT"
CSV=$OUT/accounts_${COUNT}_s$SEED.csv
[ -s "$CSV" ] || build/gen_accounts --count "$COUNT" --seed "$SEED" > "$CSV"

# the proposed pack: heavier industry and tech weights, a higher A bar
NEW=$OUT/b2b_saas_new.lua
sed -e 's/points = 15,/points = 25,/' -e 's/{"A", 80}/{"A", 85}/' \
  rules/b2b_saas.lua > "$NEW"

wall() { # command... -> seconds on stdout
  build/runstat -- "$@" 2>&1 >/dev/null | sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p'
}

# the runs compared must agree first: the tier migration matrix of icp
# diff is the one that two icp score runs (old pack, new pack) give
$ICP score --rules rules/b2b_saas.lua --as-of $AS_OF "$CSV" \
  > "$OUT/diff_old.jsonl" 2>/dev/null || [ $? = 2 ]
$ICP score --rules "$NEW" --as-of $AS_OF "$CSV" \
  > "$OUT/diff_new.jsonl" 2>/dev/null || [ $? = 2 ]
$ICP diff --old rules/b2b_saas.lua --new "$NEW" --as-of $AS_OF --json - \
  "$CSV" > "$OUT/diff.json" 2>/dev/null || [ $? = 2 ]
python3 - "$OUT/diff_old.jsonl" "$OUT/diff_new.jsonl" "$OUT/diff.json" <<'PY' || {
import collections, json, sys
with open(sys.argv[1]) as a, open(sys.argv[2]) as b:
    pairs = collections.Counter((json.loads(x)["tier"], json.loads(y)["tier"])
                                for x, y in zip(a, b))
m = json.load(open(sys.argv[3]))["matrix"]
got = {(o, n): c for o, row in m.items() for n, c in row.items() if c}
if got != dict(pairs):
    sys.exit("icp diff matrix %r != icp score pairs %r" % (got, dict(pairs)))
print("bench: icp diff's tier matrix equals two icp score runs (%d accounts)"
      % sum(pairs.values()))
PY
  echo "bench: icp diff and icp score disagree: no ratio" >&2
  exit 1
}
rm -f "$OUT/diff_old.jsonl" "$OUT/diff_new.jsonl" "$OUT/diff.json"

echo "icp diff vs icp score, $COUNT accounts, $ROUNDS rounds"
ratios=""
i=1
while [ $i -le "$ROUNDS" ]; do
  s=$(wall $ICP score --rules rules/b2b_saas.lua --as-of $AS_OF "$CSV")
  d=$(wall $ICP diff --old rules/b2b_saas.lua --new "$NEW" --as-of $AS_OF "$CSV")
  r=$(echo "$d $s" | awk '{printf "%.2f", $1 / $2}')
  echo "  round $i: score ${s}s  diff ${d}s  ratio $r"
  ratios="$ratios $r"
  i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n | awk '
  { v[NR] = $1 } END { printf "  median ratio diff/score: %s (goal <= 2.2)\n", v[int((NR + 1) / 2)] }'

# 20 packs x 50 cases
T=$OUT/packs
rm -rf "$T"
mkdir -p "$T"
p=1
while [ $p -le 20 ]; do
  sed "s/name = \"b2b-saas-midmarket\"/name = \"pack$p\"/" rules/b2b_saas.lua > "$T/pack$p.lua"
  {
    echo "pack = \"pack$p.lua\""
    echo "as_of = \"$AS_OF\""
    c=1
    while [ $c -le 50 ]; do
      emp=$((c * 37 % 3000))
      echo "case \"case $c\" { account = { domain = \"a$c.io\", employees = $emp, industry = \"Software\", tech = { \"Snowflake\" }, budget_confirmed = true }, expect = { fired_includes = { \"target_industry\" } } }"
      c=$((c + 1))
    done
  } > "$T/pack${p}_test.lua"
  p=$((p + 1))
done
packs=$(ls "$T"/pack*.lua | grep -v _test)
t=$(wall $ICP test "$T")
c=$(wall $ICP check $packs)
# what is timed must be right: every case passes, every pack loads
$ICP test "$T" | tail -1
$ICP test "$T" > /dev/null || { echo "bench: icp test failed: no figure" >&2; exit 1; }
$ICP check $packs > /dev/null || { echo "bench: icp check failed: no figure" >&2; exit 1; }
echo "icp test on 20 packs x 50 cases: ${t}s (goal well under 1 s); icp check of the 20 packs alone: ${c}s"
