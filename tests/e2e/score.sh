#!/bin/sh
# tests/e2e/score.sh ICP -- end-to-end tests of `icp score`: exit codes,
# stdin, formats, outputs, --explain, duplicates, order, reproducibility.
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: score.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_score.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { # description, then a command whose status decides
  d=$1; shift
  if "$@"; then ok "$d"; else no "$d"; fi
}
has() { grep -q -F -- "$2" "$1"; }          # file contains text
hasnt() { ! grep -q -F -- "$2" "$1"; }
lines() { wc -l < "$1" | tr -d ' '; }
# the value of a top-level string/number member of a JSON line
member() { sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[-0-9.e+]*\).*/\1/p"; }

cat > pack.lua <<'LUA'
profile { name = "e2e", version = "1", dimensions = { fit = 2, eng = 1 },
  tiers = { {"A", 80}, {"B", 40}, {"C", 0} } }
fields { demo = "bool", seen = "date" }
rule "size" { dimension = "fit", points = 50, when = field "employees" :gt(100) }
rule "ind" { dimension = "fit", points = 50, when = field "industry" :one_of { "Software" } }
rule "demo" { dimension = "eng", points = 10, when = field "demo" :is_true(),
  decay = { date = "seen", half_life_days = 30 } }
rule "recent" { dimension = "eng", points = 10, when = field "seen" :within_days(30) }
rule "custom" { dimension = "eng", points = 5,
  when = function(a) return (a.open_jobs or 0) > 3, "hiring" end }
exclude "rival" { when = field "domain" :eq("rival.com"), reason = "competitor" }
route { tier = "A", to = "ae", sla_hours = 4 }
route { default = true, to = "nurture" }
LUA

# rows 2..8; the quoted industry of gamma spans physical lines 4-5
cat > in.csv <<'CSV'
domain,employees,industry,demo,seen,open_jobs
https://www.Alpha.io/,500,Software,yes,2024-05-02,5
beta.io,5,Retail,no,,
gamma.io,abc,"Soft
ware",,,
alpha.io,50,Software,,2024-01-01,1
rival.com,1000,Software,,,
delta.io,300,,true,2024-06-01,
CSV
cat > in.jsonl <<'JSONL'
{"domain":"https://www.Alpha.io/","employees":500,"industry":"Software","demo":true,"seen":"2024-05-02","open_jobs":5}
{"domain":"beta.io","employees":5,"industry":"Retail","demo":false}
{"domain":"gamma.io","employees":"abc","industry":"Soft\nware"}
{"domain":"alpha.io","employees":50,"industry":"Software","seen":"2024-01-01","open_jobs":1}
{"domain":"rival.com","employees":1000,"industry":"Software"}
{"domain":"delta.io","employees":"300","demo":true,"seen":"2024-06-01"}
JSONL
ASOF="--as-of 2024-06-01"

# ---- a good run ------------------------------------------------------------
"$ICP" score --rules pack.lua $ASOF in.csv >out1.jsonl 2>err1.txt
st=$?
check "a clean CSV run exits 0 (cell errors are warnings)" [ "$st" = 0 ]
check "one JSON line per record" [ "$(lines out1.jsonl)" = 6 ]
check "output order is input order" [ "$(member domain <out1.jsonl | tr -d '"' | tr '\n' ' ')" = "alpha.io beta.io gamma.io alpha.io rival.com delta.io " ]
check "source is the physical start line" [ "$(member source <out1.jsonl | tr -d '"' | tr '\n' ' ')" = "in.csv:2 in.csv:3 in.csv:4 in.csv:6 in.csv:7 in.csv:8 " ]
check "a cell of the wrong type is reported with file, line and column" has err1.txt "in.csv:4: column 'employees': 'abc' is not a number"
check "the duplicate domain is reported once with all its lines" [ "$(grep -c 'alpha.io' err1.txt)" = 1 ]
"$ICP" score --rules pack.lua $ASOF in.csv in.csv >/dev/null 2>twice.txt
check "an input given twice is said up front" has twice.txt "icp score: in.csv is given 2 times: its accounts are read 2 times"
check "... once" [ "$(grep -c 'given 2 times' twice.txt)" = 1 ]
check "a run with each input once says nothing of it" sh -c "! grep -q 'times: its accounts' err1.txt"
check "the duplicate report names lines 2 and 6" has err1.txt "alpha.io: lines 2, 6"
sed -n 1p out1.jsonl >l1
# alpha: fit 100; eng: demo 10 * 0.5^(30/30) = 5, recent 0 (30 days: within),
# wait: 2024-05-02 to 2024-06-01 is 30 days -> recent fires: 10; custom 5
# eng = (5 + 10 + 5) / 25 = 80; composite (2*100 + 80) / 3 = 93.333333
check "hand-computed composite with decay" has l1 '"score":93.333333,'
check "tier and route of the first account" has l1 '"tier":"A","dimensions":{"fit":100,"eng":80}'
check "route with its SLA" has l1 '"route":"ae","sla_hours":4'
check "decayed points are reported as earned" has l1 '"demo":5'
check "evidence of a function rule" has l1 '"evidence":{"custom":"hiring"}'
check "pack name and version" has l1 '"pack":{"name":"e2e","version":"1"}'
sed -n 5p out1.jsonl >l5
check "an excluded account is disqualified with its exclude" has l5 '"tier":"excluded"'
check "excluded_by names the exclude" has l5 '"excluded_by":["rival"],"route":"disqualified"'
sed -n 3p out1.jsonl >l3
check "missing and mistyped values are unknown" has l3 '"unknown":["size","demo","recent"]'
check "no NaN or infinity anywhere" hasnt out1.jsonl 'nan'
check "no inf anywhere" hasnt out1.jsonl 'inf"'

# ---- reproducibility ----------------------------------------------------------
"$ICP" score --rules pack.lua $ASOF in.csv >out2.jsonl 2>/dev/null
check "two runs give byte-identical output" cmp -s out1.jsonl out2.jsonl
"$ICP" score --rules pack.lua --as-of 2024-09-01 in.csv >out3.jsonl 2>/dev/null
check "--as-of changes date rules" [ "$(sed -n 1p out3.jsonl | member score)" != 93.333333 ]

# ---- formats and stdin --------------------------------------------------------
"$ICP" score --rules pack.lua $ASOF in.jsonl >j.jsonl 2>errj.txt
st=$?
check "a JSONL run with a mistyped number exits 0" [ "$st" = 0 ]
sed 's/"source":"[^"]*"//' out1.jsonl >a.cmp
sed 's/"source":"[^"]*"//' j.jsonl >b.cmp
check "CSV and JSONL inputs give identical results" cmp -s a.cmp b.cmp
check "JSONL sources are line numbers" [ "$(member source <j.jsonl | tr -d '"' | tr '\n' ' ')" = "in.jsonl:1 in.jsonl:2 in.jsonl:3 in.jsonl:4 in.jsonl:5 in.jsonl:6 " ]
"$ICP" score --rules pack.lua $ASOF --format csv - <in.csv >s.jsonl 2>/dev/null
st=$?
sed 's/"source":"[^"]*"//' s.jsonl >c.cmp
check "stdin with - and --format csv exits 0" [ "$st" = 0 ]
check "stdin gives the same results as the file" cmp -s a.cmp c.cmp
check "stdin sources keep line numbers" [ "$(sed -n 3p s.jsonl | member source | sed 's/.*://')" = '4"' ]
"$ICP" score --rules pack.lua $ASOF --format jsonl - <in.jsonl >s2.jsonl 2>/dev/null
sed 's/"source":"[^"]*"//' s2.jsonl >d.cmp
check "stdin JSONL with --format jsonl" cmp -s a.cmp d.cmp
"$ICP" score --rules pack.lua - <in.csv >/dev/null 2>errfmt.txt
st=$?
check "stdin without --format cannot tell the format (exit 3)" [ "$st" = 3 ]
check "and says to use --format" has errfmt.txt "use --format csv|jsonl"
cp in.csv in.txt
"$ICP" score --rules pack.lua $ASOF --format csv in.txt >t.jsonl 2>/dev/null
check "--format overrides an unknown extension" [ "$(lines t.jsonl)" = 6 ]

# ---- outputs ------------------------------------------------------------------
"$ICP" score --rules pack.lua $ASOF -o out.csv in.csv 2>/dev/null
st=$?
check "-o out.csv exits 0" [ "$st" = 0 ]
check "CSV output has a header and one row per record" [ "$(lines out.csv)" = 7 ]
check "CSV header" [ "$(sed -n 1p out.csv | tr -d '\r')" = "domain,score,tier,fit,eng,coverage,route,top_reasons,excluded_by,unknown,pack,source,sla_hours,as_of" ]
check "CSV rows end with CRLF" [ "$(sed -n 2p out.csv | od -c | grep -c '\\r')" -ge 1 ]
check "CSV row of the first account" [ "$(sed -n 2p out.csv | tr -d '\r')" = "alpha.io,93.333333,A,100,80,1,ae,size +50; ind +50; recent +10,,,e2e 1,in.csv:2,4,2024-06-01" ]
check "CSV row of the excluded account scores 0 (a CRM sorts it last)" has out.csv 'rival.com,0,excluded,100,0,0.733333,disqualified,'
check "CSV reasons of an excluded account" has out.csv 'excluded: competitor,rival'
"$ICP" score --rules pack.lua $ASOF --output out.jsonl in.csv 2>/dev/null
check "--output out.jsonl equals standard output" cmp -s out.jsonl out1.jsonl
"$ICP" score --rules pack.lua $ASOF -o "$T/nodir/x.jsonl" in.csv >/dev/null 2>&1
st=$?
check "an unwritable output exits 3" [ "$st" = 3 ]

# ---- --explain ------------------------------------------------------------------
"$ICP" score --rules pack.lua $ASOF --explain in.csv >ex.jsonl 2>/dev/null
sed -n 1p ex.jsonl >e1
check "--explain adds every rule's outcome" has e1 '"explain":{"rules":[{"rule":"size","dimension":"fit","outcome":"fired","points":50,"earned":50,'
check "--explain shows the values a rule read" has e1 '"reads":{"employees":500},"sources":{"employees":"input"}'
check "--explain shows the decay factor" has e1 '"decay":0.5'
check "--explain shows what a function rule read" has e1 '"rule":"custom","dimension":"eng","outcome":"fired","points":5,"earned":5,"reads":{"open_jobs":5}'
check "--explain lists excludes" has e1 '"excludes":[{"exclude":"rival","outcome":"not_fired"'
check "without --explain there is none" hasnt out1.jsonl '"explain"'
check "--explain keeps one line per account" [ "$(lines ex.jsonl)" = 6 ]

# ---- bad rows, --strict, missing input -------------------------------------------
printf 'domain,employees\nok1.io,500\n"broken,5\nnever.io,1\n' >bad.csv
"$ICP" score --rules pack.lua bad.csv >bad.jsonl 2>bad.err
st=$?
check "a malformed row exits 2" [ "$st" = 2 ]
check "the malformed row is reported as FILE:LINE: reason" grep -q '^bad.csv:3: ' bad.err
check "the good row before it is still scored" has bad.jsonl '"domain":"ok1.io"'
printf 'domain,employees\nok1.io,500\nx.io,1,extra\nok2.io,7\nok3.io,8\n' >bad2.csv
"$ICP" score --rules pack.lua bad2.csv >bad2.jsonl 2>bad2.err
st=$?
check "a row with too many cells exits 2" [ "$st" = 2 ]
check "the rows after it are scored" [ "$(lines bad2.jsonl)" = 3 ]
check "the bad row is named" grep -q '^bad2.csv:3: ' bad2.err
"$ICP" score --rules pack.lua --strict bad2.csv >st.jsonl 2>st.err
st=$?
check "--strict exits 2" [ "$st" = 2 ]
check "--strict stops at the first bad row" [ "$(lines st.jsonl)" = 1 ]
check "--strict reports the row once" [ "$(grep -c 'bad2.csv:3' st.err)" = 1 ]
printf '{"domain":"a.io"}\n{"domain":\n[1]\n{"domain":"b.io","employees":1e400}\n' >bad.jsonl
"$ICP" score --rules pack.lua bad.jsonl >bj.jsonl 2>bj.err
st=$?
check "bad JSONL lines exit 2" [ "$st" = 2 ]
check "each bad JSONL line is named" [ "$(grep -c '^bad.jsonl:[23]: ' bj.err)" = 2 ]
check "an infinite number is never scored as a number" hasnt bj.jsonl 'inf'
"$ICP" score --rules pack.lua missing.csv >/dev/null 2>miss.err
st=$?
check "a missing input exits 3" [ "$st" = 3 ]
check "a missing input is named" has miss.err missing.csv
"$ICP" score --rules pack.lua in.csv missing.csv >mixed.jsonl 2>/dev/null
st=$?
check "a missing second input after a scored one exits 2" [ "$st" = 2 ]

# ---- bad packs and usage ---------------------------------------------------------
printf 'profile { name = "x", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nrule "r" { dimension = "fitt", points = 1, when = field "x" :eq(1) }\n' >badpack.lua
"$ICP" score --rules badpack.lua in.csv >/dev/null 2>bp.err
st=$?
check "a bad pack exits 1" [ "$st" = 1 ]
check "the bad pack's problem names file and line" has bp.err "badpack.lua:2: rule 'r': unknown dimension 'fitt'"
printf 'profile { name = "x", dimensions = { fit = 1 }, tiers = { {"A", 0} } }\nos.execute("touch pwned")\n' >evil.lua
"$ICP" score --rules evil.lua in.csv >/dev/null 2>evil.err
st=$?
check "a pack reaching for os fails to load (exit 1)" [ "$st" = 1 ]
check "and ran nothing" [ ! -e pwned ]
"$ICP" score --rules nothere.lua in.csv >/dev/null 2>&1
st=$?
check "a missing pack exits 1" [ "$st" = 1 ]
"$ICP" score in.csv >/dev/null 2>&1
st=$?
check "no --rules exits 1" [ "$st" = 1 ]
"$ICP" score --rules pack.lua >/dev/null 2>&1
st=$?
check "no INPUT exits 1" [ "$st" = 1 ]
"$ICP" score --rules pack.lua --bogus in.csv >/dev/null 2>&1
st=$?
check "an unknown option exits 1" [ "$st" = 1 ]
"$ICP" score --rules pack.lua --as-of 2024-13-45 in.csv >/dev/null 2>&1
st=$?
check "an invalid --as-of exits 1" [ "$st" = 1 ]
"$ICP" score --help >help.txt 2>&1
st=$?
check "score --help exits 0" [ "$st" = 0 ]
check "score --help shows the usage" has help.txt "usage: icp score --rules PACK"
check "score --help documents the exit status" has help.txt "exit status"

# ---- hostile rules do not stop the run -----------------------------------------
cat > hostile.lua <<'LUA'
profile { name = "h", version = "1", dimensions = { fit = 1 }, tiers = { {"A", 50}, {"B", 0} } }
rule "spin" { dimension = "fit", points = 10, when = function(a) while true do pcall(function() while true do end end) end end }
rule "grow" { dimension = "fit", points = 10, when = function(a) local s = "x" while true do s = s .. s end end }
rule "ok" { dimension = "fit", points = 10, when = field "employees" :gt(100) }
LUA
"$ICP" score --rules hostile.lua $ASOF in.csv >h.jsonl 2>h.err
st=$?
check "hostile rules: the run completes with exit 0" [ "$st" = 0 ]
check "hostile rules: every account is scored" [ "$(lines h.jsonl)" = 6 ]
check "hostile rules: the budget error is kept" has h.jsonl 'instruction budget exceeded'
check "hostile rules: the memory error is kept" has h.jsonl 'memory limit exceeded'
check "hostile rules: the declarative rule still fires" has h.jsonl '"fired":{"ok":10}'
check "hostile rules: errors are counted on stderr" has h.err "6 accounts with custom rule errors"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
