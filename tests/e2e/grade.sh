#!/bin/sh
# tests/e2e/grade.sh ICP -- end-to-end tests of the grade block: icp check
# names problems with file:line, score writes grade in JSONL and CSV,
# routes on grades in file order, icp test expects grades, icp diff shows
# the grade migration beside the tier one.
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: grade.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_grade.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() {
  d=$1; shift
  if "$@"; then ok "$d"; else no "$d"; fi
}
has() { grep -q -F -- "$2" "$1"; }

cat > g.lua <<'LUA'
profile { name = "g", version = "1", dimensions = { fit = 2, eng = 1 },
  tiers = { {"A", 60}, {"B", 0} } }
rule "big" { dimension = "fit", points = 10, when = field "employees" :gt(100) }
rule "hiring" { dimension = "eng", points = 10, when = field "open_jobs" :gt(3) }
exclude "tiny" { when = field "employees" :lt(5) }
grade { rows = { dimension = "fit", cuts = { {"A", 50}, {"B", 0} } },
        cols = { dimension = "eng", cuts = { {"1", 50}, {"2", 0} } } }
route { grade = "*1", to = "hot", sla_hours = 2 }
route { tier = "A", to = "ae", sla_hours = 8 }
route { grade = "B*", to = "sdr" }
route { default = true, to = "nurture" }
LUA
cat > in.csv <<'CSV'
domain,employees,open_jobs
hot.io,200,9
fit.io,200,0
warm.io,50,9
cold.io,50,0
tiny.io,2,9
CSV

"$ICP" check g.lua >check.out 2>&1
check "a pack with a grade block checks clean" has check.out "g.lua: ok"

"$ICP" score --rules g.lua --as-of 2026-06-30 in.csv >out.jsonl 2>/dev/null
check "JSONL: grade after tier" has out.jsonl '"domain":"hot.io","score":100,"tier":"A","grade":"A1"'
check "JSONL: an excluded account's grade is null" has out.jsonl '"tier":"excluded","grade":null'
check "a grade route written before the tier route wins (A1 -> hot)" has out.jsonl '"domain":"hot.io","score":100,"tier":"A","grade":"A1","dimensions":{"fit":100,"eng":100},"coverage":1,"fired":{"big":10,"hiring":10},"unknown":[],"excluded_by":[],"route":"hot"'
grep '"domain":"fit.io"' out.jsonl >fit.line
check "a tier route before a later grade route wins (A2 -> ae)" has fit.line '"grade":"A2"'
check "  ... routed ae" has fit.line '"route":"ae"'
grep '"domain":"cold.io"' out.jsonl >cold.line
check "a row pattern routes (B2 -> sdr)" has cold.line '"route":"sdr"'
grep '"domain":"warm.io"' out.jsonl >warm.line
check "a column pattern routes (B1 -> hot)" has warm.line '"route":"hot"'

"$ICP" score --rules g.lua --as-of 2026-06-30 -o out.csv in.csv 2>/dev/null
check "CSV: a grade column after tier" has out.csv "domain,score,tier,grade,fit,eng,"
check "CSV: the grade of a row" has out.csv "warm.io,33.333333,B,B1,"
check "CSV: an empty grade when excluded (score 0: a CRM sorts it last)" has out.csv "tiny.io,0,excluded,,"

cat > bad.lua <<'LUA'
profile { name = "bad", version = "1", dimensions = { fit = 2, eng = 1 },
  tiers = { {"A", 60}, {"B", 0} } }
rule "big" { dimension = "fit", points = 10, when = field "employees" :gt(100) }
rule "hiring" { dimension = "eng", points = 10, when = field "open_jobs" :gt(3) }
grade { rows = { dimension = "fitness", cuts = { {"A", 40}, {"B", 50}, {"C", 10} } },
        cols = { dimension = "eng", cuts = { {"1", 50}, {"2", 0} } } }
route { grade = "Z*", to = "nobody" }
LUA
"$ICP" check bad.lua >bad.out 2>&1
st=$?
check "a bad grade block exits 1" [ "$st" = 1 ]
check "unknown dimension with file:line" has bad.out "bad.lua:5: grade: rows: unknown dimension 'fitness'"
check "cuts not descending with file:line" has bad.out "bad.lua:5: grade: rows: cuts must be in descending order of threshold ('B' 50 after 'A' 40)"
check "last cut not 0 with file:line" has bad.out "bad.lua:5: grade: rows: the last cut ('C' 10) must be 0"
check "a route on no grade with file:line" has bad.out "bad.lua:7: route: grade 'Z*' names no cell, row or column"

cat > g_test.lua <<'LUA'
case "hot" { account = { employees = 200, open_jobs = 9 }, expect = { grade = "A1", route = "hot" } }
case "tiny" { account = { employees = 2 }, expect = { grade = false } }
case "wrong" { account = { employees = 50, open_jobs = 0 }, expect = { grade = "A2" } }
LUA
"$ICP" test g_test.lua >test.out 2>&1
st=$?
check "icp test: a wrong grade fails the run" [ "$st" = 1 ]
check "icp test: 2 passed, 1 failed" has test.out "2 passed, 1 failed"
check "icp test: expected versus actual grade" has test.out 'grade: expected "A2", got "B2"'

sed 's/{"A", 50}, {"B", 0}/{"A", 90}, {"B", 0}/; s/version = "1"/version = "2"/' g.lua >g2.lua
"$ICP" diff --old g.lua --new g2.lua --as-of 2026-06-30 in.csv >diff.out 2>&1
check "diff: a grade migration matrix" has diff.out "grade migration (rows: old grade, columns: new grade"
check "diff: changed grades counted" has diff.out "changed grades: 0 (0.0%)"
sed 's/:gt(100)/:gt(250)/' g.lua >g3.lua
"$ICP" diff --old g.lua --new g3.lua --as-of 2026-06-30 in.csv >diff3.out 2>&1
check "diff: two accounts move from row A to row B" has diff3.out "changed grades: 2 (40.0%)"
"$ICP" diff --old g.lua --new g3.lua --as-of 2026-06-30 --json diff.json in.csv >/dev/null 2>&1
check "diff --json: the grade matrix" has diff.json '"changed_grades":2,"grade_matrix":{"A1":{"A1":0,"A2":0,"B1":1,"B2":0'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
