#!/bin/sh
# tests/e2e/report.sh -- `icp report` runs the validation or the scoring
# itself in-process: no temporary file (it works with TMPDIR pointing
# nowhere), the page names what it ran instead of a file, its figures are
# those of the documents icp validate and icp score write, a run that
# skipped rows exits 2, options that do not apply are refused, --json of a
# validation is written. No browser needed (report_browser.sh renders).
# $1 is the icp binary. Ends with "N passed, N failed".
set -u
ICP=${1:-build/asan/icp}
GEN=build/gen_deals
FIX=tests/fixtures/validate
T=build/e2e-report-run
mkdir -p "$T"
rm -f "$T"/*
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { # name command...
  name=$1
  shift
  if "$@"; then ok "$name"; else ko "$name"; fi
}
# the page without its list of inputs (the names differ by design)
body() { grep -v 'id="asof"' "$1"; }
if [ ! -x "$GEN" ]; then
  echo "FAIL $GEN is missing (make)"
  echo "0 passed, 1 failed"
  exit 1
fi
"$GEN" --accounts 300 --deals 6000 --drift planted \
  --out-accounts "$T/acc.csv" --out-deals "$T/deals.csv"
NOWHERE=$T/no/such/dir

# ---- a validation run in-process -----------------------------------------
TMPDIR=$NOWHERE "$ICP" report --html "$T/v.html" --rules $FIX/grade.lua \
  --deals "$T/deals.csv" --accounts "$T/acc.csv" --as-of 2026-06-30 \
  --json "$T/v_by_report.json" > "$T/v.out" 2> "$T/v.err"
st=$?
check "a validation run writes the page with TMPDIR pointing nowhere (exit $st)" \
  sh -c "[ $st = 0 ] || [ $st = 4 ]"
check "the page names the validation it ran" grep -q \
  "Inputs: <code>$T/deals.csv and $T/acc.csv validated with $FIX/grade.lua</code>" \
  "$T/v.html"
check "and no temporary file" sh -c "! grep -q 'icp-report-' '$T/v.html'"
check "the flags are printed as by icp validate --quiet" grep -q '^flags:' \
  "$T/v.out"
"$ICP" validate --rules $FIX/grade.lua --deals "$T/deals.csv" \
  --accounts "$T/acc.csv" --as-of 2026-06-30 --json "$T/v.json" --quiet \
  > "$T/v2.out" 2>/dev/null
vst=$?
check "the exit status is validate's ($vst)" [ "$st" = "$vst" ]
check "--json beside --deals is written, as icp validate writes it" \
  cmp -s "$T/v.json" "$T/v_by_report.json"
"$ICP" report --html "$T/v_doc.html" "$T/v.json" 2>/dev/null
body "$T/v.html" > "$T/v_body"
body "$T/v_doc.html" > "$T/v_doc_body"
check "the page is the one made from icp validate's JSON" \
  sh -c "[ -s '$T/v_body' ] && cmp -s '$T/v_body' '$T/v_doc_body'"

# ---- a scoring run in-process --------------------------------------------
TMPDIR=$NOWHERE "$ICP" report --html "$T/s.html" --rules $FIX/grade.lua \
  --as-of 2026-06-30 "$T/acc.csv" 2> "$T/s.err"
check "a scoring run writes the page with TMPDIR pointing nowhere" [ $? = 0 ]
check "the page names the accounts scored" grep -q \
  "Inputs: <code>$T/acc.csv scored with $FIX/grade.lua</code>" "$T/s.html"
"$ICP" score --rules $FIX/grade.lua --as-of 2026-06-30 "$T/acc.csv" \
  > "$T/s.jsonl" 2>/dev/null
"$ICP" report --html "$T/s_doc.html" "$T/s.jsonl" 2>/dev/null
# the page from the JSONL lacks what only the pack tells (data coverage
# by field), so compare the tiers and the top accounts
sec() { sed -n "/<section id=\"$2\"/,/<\/section>/p" "$1"; }
sec "$T/s.html" score > "$T/s_score"
sec "$T/s_doc.html" score > "$T/s_doc_score"
sec "$T/s.html" top > "$T/s_top"
sec "$T/s_doc.html" top > "$T/s_doc_top"
check "its tiers are those of icp score's JSONL" \
  sh -c "[ -s '$T/s_score' ] && cmp -s '$T/s_score' '$T/s_doc_score'"
check "and so are its top accounts" \
  sh -c "[ -s '$T/s_top' ] && cmp -s '$T/s_top' '$T/s_doc_top'"
"$ICP" report --html "$T/s2.html" --rules $FIX/grade.lua \
  --as-of 2026-06-30 --threads 2 "$T/acc.csv" 2>/dev/null
check "--threads 2 makes the same page" cmp -s "$T/s.html" "$T/s2.html"

# a bad row: skipped, said, and exit 2 with the page written
{ cat "$T/acc.csv"; printf '"unterminated,x,y,z\n'; } > "$T/bad.csv"
"$ICP" report --html "$T/bad.html" --rules $FIX/grade.lua \
  --as-of 2026-06-30 "$T/bad.csv" 2> "$T/bad.err"
st=$?
check "a scoring run that skipped a row exits 2 (got $st)" [ "$st" = 2 ]
check "and says which row" grep -q "bad.csv:" "$T/bad.err"
check "and still writes the page" [ -s "$T/bad.html" ]

# options that do not apply to scoring are refused, not ignored
"$ICP" report --html "$T/x.html" --rules $FIX/grade.lua --period 30d \
  "$T/acc.csv" 2> "$T/opt.err"
st=$?
check "--period without --deals is a usage error (got $st)" [ "$st" = 1 ]
check "naming the option" grep -q -- "--period goes with --deals" "$T/opt.err"
check "and no page is written" [ ! -e "$T/x.html" ]
"$ICP" report --html "$T/x.html" --bogus 1 "$T/v.json" 2> "$T/opt2.err"
check "an unknown option is a usage error" [ $? = 1 ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
