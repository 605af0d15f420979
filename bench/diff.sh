#!/bin/sh
# bench/diff.sh -- regression testing speed (issue: fast enough to run on
# every commit), measured against references in the same run:
#   1. `icp diff` of two packs over 1,000,000 accounts against one
#      `icp score` of the same file (goal: at most 2.2x);
#   2. `icp test` on 20 packs with 50 cases each (goal: well under 1 s),
#      against `icp check` of the same 20 packs (the load-only floor).
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
$ICP test "$T" | tail -1
echo "icp test on 20 packs x 50 cases: ${t}s (goal well under 1 s); icp check of the 20 packs alone: ${c}s"
