#!/bin/sh
# tests/e2e/check.sh ICP -- end-to-end tests of `icp check`: every problem
# of a pack listed with file:line, exit codes, warnings, --help.
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: check.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_check.XXXXXX") || exit 1
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

cat > good.lua <<'LUA'
profile { name = "good", version = "2", dimensions = { fit = 1 },
  tiers = { {"A", 80}, {"B", 0} } }
rule "size" { dimension = "fit", points = 10, when = field "employees" :gt(10) }
exclude "tiny" { when = field "employees" :lt(2) }
route { default = true, to = "nurture" }
LUA
"$ICP" check good.lua >good.out 2>&1
st=$?
check "a good pack exits 0" [ "$st" = 0 ]
check "a good pack is summarised" has good.out "good.lua: ok (good 2: 1 rules, 1 excludes, 1 dimensions, 2 tiers, 1 routes)"

cat > bad.lua <<'LUA'
profile { name = "bad", dimensions = { fit = 1, spare = 2 },
  tiers = { {"B", 50}, {"A", 80} } }
rule "size" { dimension = "fit", points = 10, when = field "employees" :gt(10) }
rule "size" { dimension = "fit", points = 5, when = field "industry" :has "x" }
rule "typo" { dimension = "fti", pionts = 3, points = 1e9, when = field "x" :eq(1) }
rule "decays" { dimension = "fit", points = 1, when = field "x" :eq(1),
  decay = { date = "seen", half_life_days = 0 } }
route { tier = "Z", to = "nobody" }
LUA
"$ICP" check bad.lua >bad.out 2>&1
st=$?
check "a bad pack exits 1" [ "$st" = 1 ]
check "non-descending tiers named with file:line" has bad.out "bad.lua:1: profile: tiers must be in descending order"
check "duplicate name named with file:line" has bad.out "bad.lua:4: rule 'size': duplicate name (first at line 3)"
check "wrong-type predicate named with file:line" has bad.out "bad.lua:4: rule 'size': has on field 'industry' (string) needs a list field"
check "unknown key named with file:line" has bad.out "bad.lua:5: rule 'typo': unknown key 'pionts'"
check "oversized points named with file:line" has bad.out "bad.lua:5: rule 'typo': points 1e+09 outside [-1e6, 1e6]"
check "unknown dimension named with file:line" has bad.out "bad.lua:5: rule 'typo': unknown dimension 'fti'"
check "bad half-life named with file:line" has bad.out "bad.lua:6: rule 'decays': decay half_life_days must be a number > 0"
check "empty dimension named" has bad.out "bad.lua:1: dimension 'spare' has no rules"
check "unknown route tier named with file:line" has bad.out "bad.lua:8: route: unknown tier 'Z'"
check "every problem is listed (9 lines)" [ "$(grep -c '^bad.lua:[0-9]*: ' bad.out)" = 9 ]
check "a bad pack gets no ok line" [ "$(grep -c ': ok (' bad.out)" = 0 ]

# Errors and warnings together, in the order of the file: a pack with
# errors still gets its unknown-field warnings, so one run shows every fix.
cat > mixed.lua <<'LUA'
profile { name = "m", dimensions = { fit = 1 },
  tiers = { {"A", 80}, {"D", 0} } }
rule "size" { dimension = "fit", pionts = 20, when = field "employes" :between(50, 2000) }
rule "ind" { dimension = "fit", points = 15, when = field "industy" :one_of { "Software" } }
rule "c" { dimension = "fit", points = 5, when = field "country" :starts_with("U") }
rule "d" { dimension = "fit", points = 5, when = field "revenu_usd" :gte(5) }
LUA
"$ICP" check mixed.lua >mixed.out 2>&1
st=$?
check "a pack with errors exits 1" [ "$st" = 1 ]
check "its unknown key is an error" has mixed.out "mixed.lua:3: rule 'size': unknown key 'pionts' (did you mean 'points'?)"
check "its unknown predicate is an error" has mixed.out "mixed.lua:5: unknown predicate ':starts_with'"
check "an unknown field before the errors is still a warning" has mixed.out "warning: mixed.lua:3: rule 'size' reads field 'employes', which is neither canonical nor declared in fields { } (did you mean 'employees'?)"
check "an unknown field between errors is a warning" has mixed.out "warning: mixed.lua:4: rule 'ind' reads field 'industy'"
check "an unknown field after the errors is a warning" has mixed.out "warning: mixed.lua:6: rule 'd' reads field 'revenu_usd'"
grep -o '^\(warning: \)\{0,1\}mixed.lua:[0-9]*' mixed.out | sed 's/.*://' >mixed.lines
check "errors and warnings come in line order" sh -c "sort -n -c mixed.lines && [ \$(wc -l <mixed.lines) = 7 ]"

printf 'profile { name = "w", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nrule "r" { dimension = "fit", points = 1, when = field "stack" :has "x" }\n' >warn.lua
"$ICP" check warn.lua >warn.out 2>&1
st=$?
check "warnings alone exit 0" [ "$st" = 0 ]
check "an undeclared list field is a warning with file:line" has warn.out "warning: warn.lua:2: field 'stack' is not declared"
check "a missing default route is a warning" has warn.out "warning: warn.lua:1: no default route"

printf 'profile { name = "s", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nrule "r" {\n' >syntax.lua
"$ICP" check syntax.lua >syntax.out 2>&1
st=$?
check "a syntax error exits 1" [ "$st" = 1 ]
check "a syntax error names file and line" grep -q '^syntax.lua:[23]: ' syntax.out

printf 'local x = string.rep("x", 10)\nwhile true do end\n' >spin.lua
"$ICP" check spin.lua >spin.out 2>&1
st=$?
check "a pack that never ends loading is stopped (exit 1)" [ "$st" = 1 ]
check "and says why" has spin.out "instruction budget exceeded"

"$ICP" check good.lua bad.lua >both.out 2>&1
st=$?
check "one bad pack among several exits 1" [ "$st" = 1 ]
check "the good one is still reported ok" has both.out "good.lua: ok"

"$ICP" check nothere.lua >nf.out 2>&1
st=$?
check "a missing pack exits 1" [ "$st" = 1 ]
check "a missing pack is named" has nf.out "nothere.lua"

"$ICP" check >none.out 2>&1
st=$?
check "no pack exits 1" [ "$st" = 1 ]
"$ICP" check --bogus good.lua >/dev/null 2>&1
st=$?
check "an unknown option exits 1" [ "$st" = 1 ]
"$ICP" check --help >help.out 2>&1
st=$?
check "check --help exits 0" [ "$st" = 0 ]
check "check --help shows the usage" has help.out "usage: icp check PACK"

if [ -f "$ROOT/rules/b2b_saas.lua" ]; then
  "$ICP" check "$ROOT/rules/b2b_saas.lua" >ship.out 2>&1
  st=$?
  check "the shipped pack checks clean" [ "$st" = 0 ]
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
