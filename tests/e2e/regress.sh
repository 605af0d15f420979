#!/bin/sh
# tests/e2e/regress.sh -- rule regression testing end to end: a broken
# case fails with its message and line, a changed weight shows up in
# `icp diff` as the movers computed by hand, golden --update round trips.
# Usage: sh tests/e2e/regress.sh path/to/icp
set -u
ICP=${1:-build/icp}
case "$ICP" in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
check() { # description, command...
  d=$1
  shift
  if "$@" >/dev/null 2>&1; then
    pass=$((pass + 1)); echo "ok - $d"
  else
    fail=$((fail + 1)); echo "FAIL - $d"
  fi
}
cd "$T"

# ---- a small pack, and the same with one weight changed ----------------
cat > old.lua <<'P'
profile { name = "small", version = "1",
  dimensions = { fit = 1 }, tiers = { {"A", 75}, {"B", 40}, {"C", 0} } }
rule "a" { dimension = "fit", points = 10, when = field "employees" :gt(100) }
rule "b" { dimension = "fit", points = 10, when = field "industry" :eq "Software" }
route { tier = "A", to = "ae" }
route { tier = "B", to = "sdr" }
route { default = true, to = "nurture" }
P
sed 's/points = 10, when = field "employees"/points = 30, when = field "employees"/' old.lua > new.lua
cat > acc.csv <<'C'
domain,employees,industry
x.io,200,Software
y.io,200,Retail
z.io,50,Software
w.io,50,Retail
C

# ---- a broken case names its file, line, and expected vs actual --------
cat > old_test.lua <<'L'
as_of = "2026-11-01"
case "x is A" { account = { domain = "x.io", employees = 200, industry = "Software" },
  expect = { tier = "A", fired = { "a", "b" } } }
case "y is A (wrong: it is B)" { account = { domain = "y.io", employees = 200, industry = "Retail" },
  expect = { tier = "A", score = { min = 74, max = 76 } } }
L
"$ICP" test old_test.lua > out.txt 2>&1
st=$?
check "a failing case exits 1" [ "$st" = 1 ]
check "the failure names the file and line of the case" \
  grep -q 'FAIL old_test.lua:4: case "y is A (wrong: it is B)"' out.txt
check "expected versus actual tier" grep -q 'tier: expected "A", got "B"' out.txt
check "expected versus actual score" grep -q 'score: expected 74..76, got 50' out.txt
check "the rules that fired are shown" grep -q 'fired a +10' out.txt
check "the totals line" grep -q '^1 passed, 1 failed$' out.txt
check "a coverage line for the pack" grep -q '^coverage old.lua: 1/2 rules' out.txt
"$ICP" test old_test.lua --min-coverage 0.9 > cov.txt 2>&1
check "--min-coverage fails below the share" grep -q 'below --min-coverage' cov.txt

# ---- diff: the movers computed by hand ----------------------------------
# old: x 20/20=100 A, y 10/20=50 B, z 10/20=50 B, w 0 C
# new: x 40/40=100 A, y 30/40=75 A, z 10/40=25 C, w 0 C
"$ICP" diff --old old.lua --new new.lua --json d.json acc.csv > d.txt 2>&1
check "diff exits 0" [ $? = 0 ]
python3 - d.json > py.txt 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["matrix"]
assert m["A"]["A"] == 1 and m["B"]["A"] == 1 and m["B"]["C"] == 1 and m["C"]["C"] == 1, m
assert sum(sum(r.values()) for r in m.values()) == 4
assert d["changed_routes"] == 2, d["changed_routes"]
assert d["changed_tiers"] == 2
mv = {x["domain"]: x for x in d["movers"]}
assert set(mv) == {"y.io", "z.io"}, list(mv)
assert mv["y.io"]["old_tier"] == "B" and mv["y.io"]["new_tier"] == "A"
assert abs(mv["y.io"]["old_score"] - 50) < 1e-9 and abs(mv["y.io"]["new_score"] - 75) < 1e-9
assert "a 10 -> 30" in mv["y.io"]["rules"], mv["y.io"]["rules"]
assert mv["z.io"]["new_tier"] == "C" and abs(mv["z.io"]["new_score"] - 25) < 1e-9
assert "fit 50 -> 25" in mv["z.io"]["rules"], mv["z.io"]["rules"]
s = d["score_shift"]
assert abs(s["mean"]) < 1e-9 and s["min"] == -25 and s["max"] == 25, s
print("ok")
PY
check "diff JSON holds exactly the hand-computed matrix, routes and movers" grep -q '^ok$' py.txt
check "the table shows the migration of y.io" grep -q 'y.io *B *-> A' d.txt

# ---- golden: --update round trips ---------------------------------------
"$ICP" test --golden g.jsonl --rules old.lua --data acc.csv --as-of 2026-11-01 --update > u.txt 2>&1
check "--update writes the snapshot" [ -s g.jsonl ]
"$ICP" score --rules old.lua --as-of 2026-11-01 acc.csv > s.jsonl 2>/dev/null
check "the snapshot is what icp score writes" cmp -s g.jsonl s.jsonl
"$ICP" test --golden g.jsonl --rules old.lua --data acc.csv --as-of 2026-11-01 > c1.txt 2>&1
check "an unchanged pack passes the snapshot" [ $? = 0 ]
"$ICP" test --golden g.jsonl --rules new.lua --data acc.csv --as-of 2026-11-01 > c2.txt 2>&1
check "a changed weight fails the snapshot" [ $? = 1 ]
check "the change lists old and new tier and score" grep -q 'change y.io (acc.csv:3): tier B -> A, route sdr -> ae, score 50 -> 75' c2.txt
check "and the rule whose points changed" grep -q 'a: 10 -> 30 points' c2.txt
"$ICP" test --golden g.jsonl --rules new.lua --data acc.csv --as-of 2026-11-01 --update > u2.txt 2>&1
"$ICP" test --golden g.jsonl --rules new.lua --data acc.csv --as-of 2026-11-01 > c3.txt 2>&1
check "after --update the new pack passes" [ $? = 0 ]

# ---- scoring reads only the columns the rules read ----------------------
printf 'domain,employees,industry,revenue_usd\nq.io,200,Software,lots\n' > bad.csv
"$ICP" score --rules old.lua bad.csv > b1.jsonl 2> b1.err
check "a bad cell in a column no rule reads is not even typed" \
  sh -c '! grep -q revenue_usd b1.err'
sed 's/when = field "industry" :eq "Software"/when = function(a) return a.industry == "Software" end/' \
  old.lua > fn.lua
"$ICP" score --rules fn.lua bad.csv > b2.jsonl 2> b2.err
check "with a function rule every column is read and checked" \
  grep -q "bad.csv:2: column 'revenue_usd': 'lots' is not a number" b2.err
check "and both score the account the same" cmp -s b1.jsonl b2.jsonl

# ---- a pack that runs away while loading is named with its line --------
printf 'profile { name = "x", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nwhile true do end\n' > loop.lua
"$ICP" check loop.lua > loop.txt 2>&1
check "a pack looping at load is stopped, naming file and line" \
  grep -q '^loop.lua:2: instruction budget exceeded' loop.txt
printf 'profile { name = "x", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nt = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end\n' > hog.lua
"$ICP" check hog.lua > hog.txt 2>&1
check "a pack filling its memory at load is stopped, naming the file" \
  grep -q '^hog.lua: memory limit exceeded' hog.txt

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
