#!/bin/sh
# tests/e2e/validate.sh -- `icp validate` end to end on generated deals
# (tests/tools/gen_deals.c: known rates and cycles, a planted drift in the
# last period) and, when ../shared/data is there, on the CRM practice data.
# $1 is the icp binary. Ends with "N passed, N failed".
set -u
ICP=${1:-build/asan/icp}
GEN=build/gen_deals
FIX=tests/fixtures/validate
T=build/e2e-validate
PY=/usr/bin/python3
CRM=../shared/data/crm-sales-opportunities
[ -d "$CRM" ] || CRM=/work/shared/data/crm-sales-opportunities
mkdir -p "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { # name command...
  name=$1
  shift
  if "$@"; then ok "$name"; else ko "$name"; fi
}
# reviews FILE.json: the review flags as "check:tier" lines, sorted
reviews() {
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(f["check"] + ":" + f["tier"] for f in d["flags"]
                      if f["status"] == "review")))' "$1"
}
jq_() { # FILE EXPR: evaluate a Python expression over the document d
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

if [ ! -x "$GEN" ]; then
  echo "FAIL $GEN is missing (make)"
  echo "0 passed, 1 failed"
  exit 1
fi

"$GEN" --accounts 2000 --deals 40000 --drift planted \
  --out-accounts "$T/acc.csv" --out-deals "$T/planted.csv"
"$GEN" --accounts 2000 --deals 40000 --drift none \
  --out-accounts "$T/acc.csv" --out-deals "$T/flat.csv"

# 1. planted drift: exactly the four planted flags, exit 4
"$ICP" validate --rules $FIX/grade.lua --deals "$T/planted.csv" \
  --accounts "$T/acc.csv" --as-of 2026-09-30 --json "$T/planted.json" \
  > "$T/planted.out" 2> "$T/planted.err"
st=$?
check "planted drift exits 4" [ "$st" = 4 ]
got=$(reviews "$T/planted.json")
check "planted drift raises exactly the planted flags ($got)" [ "$got" = \
  "conversion_drop:ICP cycle_increase:A deal_size_change:ICP support_increase:ICP" ]
check "flags are printed on stdout" grep -q "review  *conversion_drop" \
  "$T/planted.out"

# 2. flat history: no flag, exit 0
"$ICP" validate --rules $FIX/grade.lua --deals "$T/flat.csv" \
  --accounts "$T/acc.csv" --json "$T/flat.json" > "$T/flat.out" 2>&1
st=$?
check "flat history exits 0" [ "$st" = 0 ]
check "flat history raises no flag" [ -z "$(reviews "$T/flat.json")" ]
check "as-of defaults to the latest close date" [ \
  "$(jq_ "$T/flat.json" 'd["as_of"]')" = 2026-09-30 ]
check "every period and the whole run have every group" [ \
  "$(jq_ "$T/flat.json" 'sorted(d["whole_run"]["groups"])')" = \
  "['A', 'B', 'C', 'D', 'ICP', 'all', 'non-ICP', 'other']" ]
check "open deals without an account are counted apart" [ \
  "$(jq_ "$T/flat.json" 'd["input"]["blank_account"] > 0')" = True ]

# 3. thresholds by option: a 60% tolerance silences the drift
"$ICP" validate --rules $FIX/grade.lua --deals "$T/planted.csv" \
  --accounts "$T/acc.csv" --conversion-drop 60% --cycle-increase 0.6 \
  --support-increase 200% --deal-size-change 60% --quiet > /dev/null 2>&1
check "thresholds given as options are used" [ $? = 0 ]

# 4. too few deals: insufficient_data, never review
head -60 "$T/planted.csv" > "$T/few.csv"
"$ICP" validate --rules $FIX/grade.lua --deals "$T/few.csv" \
  --accounts "$T/acc.csv" --json "$T/few.json" > /dev/null 2>&1
st=$?
check "few deals exit 0 (no review)" [ "$st" = 0 ]
check "few deals say insufficient_data" [ "$(jq_ "$T/few.json" \
  'all(f["status"] == "insufficient_data" for f in d["flags"])')" = True ]

# 5. usage
"$ICP" validate --help > "$T/help.txt"
check "--help documents exit status 4" grep -q "4 a review is due" \
  "$T/help.txt"
printf 'account,close_date\nx,2026-01-01\n' > "$T/nostage.csv"
"$ICP" validate --rules $FIX/grade.lua --deals "$T/nostage.csv" \
  --accounts "$T/acc.csv" > /dev/null 2> "$T/nostage.err"
st=$?
check "a deals file without a stage column is a usage error" [ "$st" = 1 ]
check "the error names the missing column" grep -q "no stage column" \
  "$T/nostage.err"
"$ICP" validate --rules $FIX/grade.lua --deals "$T/flat.csv" \
  --accounts "$T/acc.csv" --stage outcome > /dev/null 2>&1
check "a --stage column that is not there is a usage error" [ $? = 1 ]

# 6. A/B: a backtest of two packs, then arms by a stable hash
"$ICP" validate --ab --rules $FIX/grade.lua --vs $FIX/grade_narrow.lua \
  --deals "$T/flat.csv" --accounts "$T/acc.csv" --json "$T/ab.json" \
  > "$T/ab.out" 2>&1
check "backtest: mode" [ "$(jq_ "$T/ab.json" 'd["ab"]["mode"]')" = \
  backtest ]
check "backtest: the packs disagree on the grade b accounts" [ \
  "$(jq_ "$T/ab.json" '(d["ab"]["disagree"]["accounts"], d["ab"]["disagree"]["icp_for_A_only"]["accounts"])')" = \
  "(400, 400)" ]
check "backtest: difference has an interval around it" [ \
  "$(jq_ "$T/ab.json" 'd["ab"]["difference"]["lo"] <= d["ab"]["difference"]["win_rate"] <= d["ab"]["difference"]["hi"]')" = True ]
"$ICP" validate --ab --rules $FIX/grade.lua --vs $FIX/grade_narrow.lua \
  --salt s1 --split 50 --deals "$T/flat.csv" --accounts "$T/acc.csv" \
  --json "$T/arms.json" > /dev/null 2>&1
check "arms: mode" [ "$(jq_ "$T/arms.json" 'd["ab"]["mode"]')" = arms ]
check "arms: about half the accounts in each arm" [ "$(jq_ "$T/arms.json" \
  '800 < d["ab"]["A"]["accounts"] < 1200 and d["ab"]["A"]["accounts"] + d["ab"]["B"]["accounts"] == 2000')" = True ]
"$ICP" score --rules $FIX/grade.lua --ab $FIX/grade_narrow.lua --salt s1 \
  --split 50 "$T/acc.csv" > "$T/scored.jsonl" 2>/dev/null
nb_score=$(grep -c '"arm":"B"' "$T/scored.jsonl")
check "arms: the same as icp score --ab assigns ($nb_score in B)" [ \
  "$nb_score" = "$(jq_ "$T/arms.json" 'd["ab"]["B"]["accounts"]')" ]

# 7. the CRM practice data, as a user would run it (not shipped)
if [ -f "$CRM/sales_pipeline.csv" ]; then
  "$ICP" validate --rules docs/crm_icp.lua --deals "$CRM/sales_pipeline.csv" \
    --accounts "$CRM/accounts.csv" --json "$T/crm.json" > "$T/crm.out" \
    2> "$T/crm.err"
  st=$?
  check "CRM data: runs (exit $st)" [ "$st" = 0 -o "$st" = 4 ]
  check "CRM data: columns recognised" [ "$(jq_ "$T/crm.json" \
    '[d["columns"][k] for k in ("key", "created", "closed", "stage", "amount")]')" \
    = "['account', 'engage_date', 'close_date', 'deal_stage', 'close_value']" ]
  check "CRM data: 85 accounts, 1425 open deals without account" [ \
    "$(jq_ "$T/crm.json" '(d["input"]["accounts"], d["input"]["blank_account"], d["input"]["unknown_account"])')" \
    = "(85, 1425, 0)" ]
  check "CRM data: won and lost add up" [ "$(jq_ "$T/crm.json" \
    '(d["whole_run"]["groups"]["all"]["won"], d["whole_run"]["groups"]["all"]["lost"])')" \
    = "(4238, 2473)" ]
else
  echo "note: $CRM not found; CRM checks not run"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
