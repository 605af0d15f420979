#!/bin/sh
# tests/e2e/discover.sh -- icp discover end to end: usage, the table, the
# JSON, the draft pack (icp check, icp test, icp score accept it), no
# draft without signal. $1 is the icp binary; data comes from
# build/gen_outcomes (planted effects). Ends with "N passed, N failed".
set -u
ICP=${1:-build/icp}
GEN=build/gen_outcomes
T=$(mktemp -d /tmp/icp_e2e_discover.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { # name command...
  name=$1
  shift
  if "$@" >"$T/out" 2>"$T/err"; then ok "$name"; else no "$name"; sed 's/^/     /' "$T/err" | head -5; fi
}

check "--help prints usage" sh -c "'$ICP' discover --help | grep -q -- '--draft-pack'"
"$ICP" discover in.csv >/dev/null 2>&1
[ $? = 1 ] && ok "no --outcome is a usage error" || no "no --outcome is a usage error"
"$ICP" discover --outcome ltv in.csv >/dev/null 2>&1
[ $? = 1 ] && ok "ltv without --value is a usage error" || no "ltv without --value is a usage error"

if [ ! -x "$GEN" ]; then
  no "build/gen_outcomes is missing (make)"
  echo "$pass passed, $fail failed"
  exit 1
fi
"$GEN" --count 6000 --seed 3 --noise 5 > "$T/acc.csv"
"$GEN" --count 3000 --seed 4 --null > "$T/null.csv"

"$ICP" discover --outcome won --label won --ignore ltv --as-of 2026-11-24 \
  --holdout 0.3 --seed 2 --json "$T/d.json" --draft-pack "$T/pack.lua" \
  "$T/acc.csv" >"$T/table" 2>"$T/err"
[ $? = 0 ] && ok "discover with a draft exits 0" || { no "discover with a draft exits 0"; head -5 "$T/err"; }
grep -q 'More common among the best' "$T/table" && ok "table: positive section" || no "table: positive section"
grep -q 'Less common among the best' "$T/table" && ok "table: negative section" || no "table: negative section"
grep -q 'industry = Software' "$T/table" && ok "table: planted industry found" || no "table: planted industry found"
grep -q 'AUC on .* holdout rows' "$T/table" && ok "table: holdout AUCs" || no "table: holdout AUCs"
check "json: every test with its fields" python3 -c "
import json,sys
d=json.load(open('$T/d.json'))
for k in ('n','best','worst','attributes','numeric','model'): assert k in d, k
a=d['attributes'][0]
for k in ('field','n_best','n_worst','lift','lift_ci','p','q','significant'): assert k in a, k
sw=[x for x in d['attributes'] if x['field']=='industry' and x.get('value')=='Software'][0]
assert sw['significant'] and sw['lift']>1
assert d['model']['auc_holdout_pack'] > 0.6
assert not any(x['field']=='ltv' for x in d['attributes'])
"
check "the draft passes icp check" "$ICP" check "$T/pack.lua"
check "the companion cases pass icp test" sh -c "'$ICP' test '$T/pack_test.lua' | grep -q ' 0 failed'"
check "the draft scores the same input" "$ICP" score --rules "$T/pack.lua" --as-of 2026-11-24 -o "$T/scored.jsonl" "$T/acc.csv"
n=$(wc -l < "$T/scored.jsonl")
[ "$n" = 6000 ] && ok "every account scored" || no "every account scored ($n)"
grep -q '^-- .*lift .*p .*q ' "$T/pack.lua" && ok "rules carry their evidence" || no "rules carry their evidence"

"$ICP" discover --outcome won --label won --ignore ltv --draft-pack "$T/null.lua" \
  "$T/null.csv" >"$T/table2" 2>"$T/err2"
st=$?
[ $st = 3 ] && ok "no signal: exit 3" || no "no signal: exit 3 (got $st)"
grep -q 'nothing to build' "$T/err2" && ok "no signal: says so" || no "no signal: says so"
[ ! -e "$T/null.lua" ] && ok "no signal: no pack written" || no "no signal: no pack written"

"$ICP" discover --outcome ltv --value ltv --ignore won "$T/acc.csv" >"$T/table3" 2>"$T/err3"
[ $? = 0 ] && grep -q 'top 20% by ltv' "$T/table3" && ok "ltv outcome" || no "ltv outcome"

# errors that say what to do: a column name in the wrong case, a label
# column whose values are no outcome
"$ICP" discover --outcome won --label WON --ignore ltv "$T/acc.csv" \
  >/dev/null 2>"$T/err4"
grep -q "no column 'WON' in .*; did you mean 'won'?" "$T/err4" \
  && ok "a missing column suggests the one meant" || no "a missing column suggests the one meant"
"$ICP" discover --outcome won --label industry --ignore ltv "$T/acc.csv" \
  >/dev/null 2>"$T/err5"
grep -q "no row has a usable outcome: column 'industry' holds 'Software', " "$T/err5" \
  && ok "no usable outcome lists the values seen" || no "no usable outcome lists the values seen"
# drafted numeric bins meet: no "between(lo, hi)" followed by a bin
# starting above hi (a value in between would go to "other")
: >"$T/ranges"
grep -q -E ':(gte|lt)\(' "$T/pack.lua" || echo "no number bin drafted" >"$T/ranges"
grep -E 'field "[^"]+" :between\([0-9.e+-]+, [0-9.e+-]+\)' "$T/pack.lua" \
  | grep -v -E ':between\(([0-9.e+-]+), \1\)' >>"$T/ranges"
[ ! -s "$T/ranges" ] && ok "drafted number bins are written to meet (gte/lt)" || { no "drafted number bins are written to meet (gte/lt)"; head -3 "$T/ranges"; }

# the draft scores the accounts discovery read: a draft from standard
# input works (the inputs are read once), and a bad row is reported once,
# with its file and line, on stderr
{ head -1 "$T/acc.csv"; sed -n '2,3000p' "$T/acc.csv"; echo 'bad,row'; sed -n '3001,$p' "$T/acc.csv"; } >"$T/bad.csv"
"$ICP" discover --outcome won --label won --ignore ltv --as-of 2026-11-24 \
  --format csv --draft-pack "$T/stdin.lua" - <"$T/bad.csv" >/dev/null 2>"$T/err6"
st=$?
[ $st = 2 ] && ok "a draft from stdin with a bad row: exit 2" || { no "a draft from stdin with a bad row: exit 2 (got $st)"; head -3 "$T/err6"; }
n=$(grep -c '^<stdin>:3001: ' "$T/err6")
[ "$n" = 1 ] && ok "the bad row is reported once with its line" || no "the bad row is reported once with its line ($n)"
check "the cases drafted from stdin pass icp test" sh -c "'$ICP' test '$T/stdin_test.lua' | grep -q ' 0 failed'"
grep -q '^-- <stdin>:' "$T/stdin_test.lua" && ok "cases name <stdin> and the line" || no "cases name <stdin> and the line"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
