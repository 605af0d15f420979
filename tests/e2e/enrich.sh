#!/bin/sh
# tests/e2e/enrich.sh ICP -- `icp enrich` end to end against the loopback
# fixture server: fields and sources, the waterfall, a second run that makes
# no request, --offline, --refresh, failures kept, exit codes, and API keys
# that never show up in outputs, logs or the cache file.
# Prints "N passed, N failed"; exits non-zero when something failed.
set -u
ICP=${1:?usage: enrich.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/icp_e2e_enrich.XXXXXX)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

python3 "$ROOT/tests/fixture_server.py" --port-file "$T/port" \
  --idle-exit 60 >"$T/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T/port")
URL=http://127.0.0.1:$PORT
stats() { curl -s "$URL/__stats"; }
total() { stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

export ICP_FIXTURE_URL=$URL
export CLEARBIT_API_KEY=sk_e2e_clearbit_9f8e7d
export PDL_API_KEY=pdl_e2e_key_6c5b4a
export BUILTWITH_API_KEY=bw_e2e_key_3d2c1b
export ICP_CACHE_PATH=$T/cache/cache.sqlite
export ICP_ENRICHER_PATH=$(dirname "$ICP")/../enrichers:$ROOT/build/enrichers
CFG=$ROOT/rules/providers_fixture.lua

cat >"$T/in.csv" <<'CSV'
domain,name,employees
cobaltrobotics1.io,,
pioneerretail2.co,Pioneer Input Name,
cedartech5.com,,
https://www.northdata3.com/about,,
fault-500-a.com,,
fault-202-b.com,,
fault-malformed-c.com,,
nobody-knows-me.example,,
,No Domain Inc,12
CSV

"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/out.jsonl" \
  2>"$T/err1.log"
st=$?
check "first run exits 2 (a provider failed on one account)" "[ $st = 2 ]"
check "every input row is written" "[ \$(wc -l <'$T/out.jsonl') = 9 ]"
py() { python3 -c "import json,sys
rows=[json.loads(l) for l in open('$T/out.jsonl')]
by={r.get('domain'):r for r in rows}
$1"; }
check "clearbit fields and source" "py 'r=by[\"cobaltrobotics1.io\"]; assert r[\"name\"]==\"Cobalt Robotics\" and r[\"_sources\"][\"name\"]==\"clearbit\"'"
check "an input value is kept (not overwritten)" "py 'r=by[\"pioneerretail2.co\"]; assert r[\"name\"]==\"Pioneer Input Name\" and r[\"_sources\"][\"name\"]==\"input\"'"
check "waterfall: pdl fills what clearbit lacks" "py 'r=by[\"cedartech5.com\"]; assert r[\"_sources\"][\"name\"]==\"pdl\", r[\"_sources\"]'"
check "domain from a URL is normalized" "py 'assert \"northdata3.com\" in by'"
check "ranges give a midpoint and keep the text" "py 'r=by[\"pioneerretail2.co\"]; assert r[\"employees_range\"] and isinstance(r[\"employees\"],(int,float))'"
check "country is ISO alpha-2" "py 'assert all(len(r[\"country\"])==2 for r in rows if \"country\" in r)'"
check "500 then ok: enriched after a retry" "py 'assert by[\"fault-500-a.com\"][\"_sources\"][\"name\"]==\"clearbit\"'"
check "202 then ok: enriched after a poll" "py 'assert by[\"fault-202-b.com\"][\"_sources\"][\"name\"]==\"clearbit\"'"
check "malformed answer: account still written" "py 'assert \"fault-malformed-c.com\" in by'"
check "a row without a domain is written untouched" "py 'r=[r for r in rows if r.get(\"name\")==\"No Domain Inc\"][0]; assert r[\"employees\"]==12'"
check "summary on stderr names providers" "grep -q 'clearbit .*requests' '$T/err1.log'"
check "failures are counted in the summary" "grep -q '[1-9][0-9]* failures' '$T/err1.log'"

n1=$(total)
"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/out2.jsonl" \
  2>"$T/err2.log"
n2=$(total)
check "second run makes no request for cached answers" \
  "[ \$((n2 - n1)) -le 3 ]"
check "second run reads the cache (cache:<provider> sources)" \
  "grep -q '\"name\":\"cache:clearbit\"' '$T/out2.jsonl'"
check "cached run gives the same values" \
  "[ \"\$(sed 's/\"cache:/\"/g' '$T/out2.jsonl' | grep -v fault-malformed | md5sum)\" = \"\$(grep -v fault-malformed '$T/out.jsonl' | md5sum)\" ]"

n1=$(total)
"$ICP" enrich --offline --providers "$CFG" "$T/in.csv" -o "$T/off.csv" \
  2>"$T/err3.log"
n2=$(total)
check "--offline makes no request at all" "[ \$n1 = \$n2 ]"
check "--offline writes CSV with cached fields" \
  "grep -q '^cobaltrobotics1.io,Cobalt Robotics' '$T/off.csv'"
check "--offline CSV has a _sources column" "head -1 '$T/off.csv' | grep -q '_sources'"

n1=$(total)
"$ICP" enrich --refresh --providers "$CFG" "$T/in.csv" -o "$T/ref.jsonl" \
  2>"$T/err4.log"
n2=$(total)
check "--refresh asks the providers again" "[ \$((n2 - n1)) -ge 8 ]"

export ICP_CACHE_PATH=$T/cache2/c.sqlite
"$ICP" enrich --providers "$CFG" "$T/in.csv" >"$T/stdout.jsonl" \
  2>"$T/err5.log"
check "without -o, JSONL goes to stdout" "[ \$(wc -l <'$T/stdout.jsonl') = 9 ]"

for k in "$CLEARBIT_API_KEY" "$PDL_API_KEY" "$BUILTWITH_API_KEY"; do
  check "key ${k%%_*}... never in outputs, logs or cache" \
    "! grep -r -a -q -- '$k' '$T'/*.jsonl '$T'/*.csv '$T'/*.log '$T'/cache '$T'/cache2"
done

unset PDL_API_KEY
"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/x.jsonl" 2>"$T/err6.log"
st=$?
check "a missing key variable is a load error (exit 1)" "[ $st = 1 ]"
check "the error names the variable" "grep -q 'PDL_API_KEY is not set' '$T/err6.log'"
export PDL_API_KEY=pdl_e2e_key_6c5b4a

"$ICP" enrich --providers "$CFG" "$T/missing.csv" -o "$T/y.jsonl" 2>/dev/null
st=$?
check "nothing to read: exit 3" "[ $st = 3 ]"
"$ICP" enrich --bogus 2>/dev/null
st=$?
check "unknown option: exit 1" "[ $st = 1 ]"
"$ICP" enrich --help | grep -q 'usage: icp enrich'
check "--help prints usage" "[ $? = 0 ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
