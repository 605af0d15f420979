#!/bin/sh
# tests/e2e/threads.sh ICP -- `--threads N` changes nothing but speed:
# score (CSV and JSONL in, CSV and JSONL out, --explain, A/B, several
# inputs, stdin, --strict), diff and validate give byte-identical stdout,
# stderr (bad records, cell warnings, the "not shown" cut-offs, duplicate
# domains) and exit status with 1, 2 and 3 threads, on inputs of many
# chunks with quoted newlines, blank lines, bad rows and custom rules.
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: threads.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(pwd)
GEN=$(dirname "$ICP")/../gen_accounts
[ -x "$GEN" ] || GEN=$ROOT/build/gen_accounts
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_threads.XXXXXX") || exit 1
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

# A pack with a custom rule that raises on some accounts, and a second
# pack for diff and A/B.
cat > pack.lua <<'LUA'
profile { name = "threads", version = "1",
  dimensions = { fit = 2, eng = 1 }, tiers = { {"A", 70}, {"B", 40}, {"C", 0} } }
fields { demo_attended = "bool", last_activity_date = "date" }
rule "size" { dimension = "fit", points = 40, when = field "employees" :between(50, 2000) }
rule "soft" { dimension = "fit", points = 30, when = field "industry" :one_of { "Software" } }
rule "aws" { dimension = "fit", points = 30, when = field "tech" :has "Amazon Web Services" }
rule "demo" { dimension = "eng", points = 10, when = field "demo_attended" :is_true(),
  decay = { date = "last_activity_date", half_life_days = 30 } }
rule "jobs" { dimension = "eng", points = 5, when = function(a)
  if (a.open_jobs or 0) == 13 then error("unlucky") end
  return (a.open_jobs or 0) > 3, "hiring" end }
exclude "tiny" { when = field "employees" :lt(5) }
route { tier = "A", to = "ae" }
route { default = true, to = "nurture" }
LUA
sed 's/points = 40/points = 20/; s/version = "1"/version = "2"/' pack.lua > pack2.lua

"$GEN" --count 6000 --seed 11 --format csv > base.csv || exit 1
"$GEN" --count 6000 --seed 11 --format jsonl > base.jsonl || exit 1
# bad rows (a field too many), cells that do not fit (employees), a
# quoted newline, blank lines, duplicate domains: spread over the file
awk -F, 'NR == 1 { print; next }
  NR % 29 == 0 { print $0 ",extra"; next }
  NR % 31 == 0 { sub(/^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,/, $1 "," $2 "," $3 "," $4 ",lots,"); print; next }
  NR % 37 == 0 && $2 !~ /"/ { sub(/,[^,]*,/, ",\"Multi\nLine\n Name\","); print; next }
  NR % 41 == 0 { print ""; print; next }
  NR % 43 == 0 { print "dupe" (NR % 5) ".example.com" substr($0, index($0, ",")); next }
  { print }' base.csv > in.csv
awk 'NR % 29 == 0 { print "{\"domain\":"; next }
  NR % 31 == 0 { sub(/"employees":[0-9]+/, "\"employees\":\"lots\""); print; next }
  NR % 41 == 0 { print ""; print; next }
  NR % 43 == 0 { sub(/"domain":"[^"]*"/, "\"domain\":\"dupe" (NR % 5) ".example.com\""); print; next }
  { print }' base.jsonl > in.jsonl
check "the CSV input spans many chunks" test "$(wc -c < in.csv)" -gt 1000000

# same ARGS...: stdout (or the -o file out.csv), stderr and status equal
# for 1, 2 and 3 threads
same() {
  d=$1; shift
  rm -f out.csv
  "$ICP" "$@" --threads 1 > o1 2> e1; s1=$?
  [ -f out.csv ] && mv out.csv o1
  good=1
  for n in 2 3; do
    "$ICP" "$@" --threads $n > o$n 2> e$n; sn=$?
    [ -f out.csv ] && mv out.csv o$n
    cmp -s o1 o$n && cmp -s e1 e$n && [ "$s1" = "$sn" ] || good=0
  done
  if [ $good = 1 ] && [ -s o1 ]; then ok "$d (status $s1)"; else
    no "$d"; diff e1 e2 | head -5; fi
}

A="--as-of 2026-11-01"
same "score CSV to JSONL" score --rules pack.lua $A in.csv
same "score CSV to CSV" score --rules pack.lua $A -o out.csv in.csv
same "score JSONL to JSONL" score --rules pack.lua $A in.jsonl
same "score JSONL to CSV" score --rules pack.lua $A -o out.csv in.jsonl
same "score --explain" score --rules pack.lua $A --explain in.csv
same "score A/B" score --rules pack.lua --ab pack2.lua --salt s $A in.jsonl
same "score two inputs" score --rules pack.lua $A in.csv in.jsonl
same "score --top" score --rules pack.lua $A --top 5 in.csv
same "score --strict stops at the same record" score --rules pack.lua $A --strict in.csv
# 96,000 records, every domain 16 times: the workers' duplicate trackers
# spill sorted runs (1 MiB of domains each) and the report's merge is cut
# into parts, one per thread
IN16=$(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do printf 'base.csv '; done)
# shellcheck disable=SC2086
same "score 16 inputs (the duplicate report spills and merges in parts)" \
  score --rules pack.lua $A $IN16
# --keep all takes the first JSONL record's keys: a first record that is
# slow to parse (900 KB) must still set them before a worker parses the
# next chunk, whose records bring a key more
python3 - <<'PY'
import json
with open("keepfirst.jsonl", "w") as f:
    f.write(json.dumps({"domain": "first.com", "name": "First",
                        "notes": "x" * 900000}) + "\n")
    for i in range(5000):
        f.write(json.dumps({"domain": "d%d.com" % i, "name": "N%d" % i,
                            "city": "C%d" % i}) + "\n")
PY
same "score --keep all of JSONL: the first record's keys" \
  score --rules pack.lua $A --keep all keepfirst.jsonl
check "... which do not include a key only later records have" \
  sh -c '! grep -q "\"city\"" o2'
# Files over the reader's 2 MiB buffer are cut from raw blocks that the
# workers read themselves: records longer than a block (one starting just
# before the buffer's end, one later, one over the 1 MiB limit), quoted
# newlines across blocks, CRLF, and no newline at the end
python3 - <<'PY'
def build(src, out, long_rec, where, nl=b"\n"):
    lines = open(src, "rb").read().split(b"\n")
    head, body = lines[0], [l for l in lines[1:] if l]
    rows, size, placed = [head], len(head) + 1, set()
    for rep in range(4):
        for i, l in enumerate(body):
            for at, n in where:
                if at not in placed and size >= at:
                    placed.add(at)
                    r = long_rec(n, len(rows))
                    rows.append(r)
                    size += len(r) + 1
            rows.append(l)
            size += len(l) + 1
    open(out, "wb").write(nl.join(rows))  # no newline at the end
def csv_rec(n, k):
    name = (b'Long ""Name"", Inc.\n' * (n // 20))[:n]
    return b'long%d.example.com,"%s",Software' % (k, name) + b"," * 22
def jsonl_rec(n, k):
    return b'{"domain":"long%d.example.com","name":"%s"}' % (k, b"x" * n)
# where: (offset, length) of the long records; one starts just before
# the end of the reader's first read (64 KiB), which the workers go on from
LATER = ((3300000, 300000), (5000000, 1200000))
EDGE = ((60000, 200000), (5000000, 1200000))
build("in.csv", "big.csv", csv_rec, LATER)
build("in.csv", "edge.csv", csv_rec, EDGE)
build("in.csv", "bigcrlf.csv", csv_rec, LATER, b"\r\n")
build("in.jsonl", "big.jsonl", jsonl_rec, LATER)
PY
check "the big inputs are over the reader's buffer" \
  test "$(wc -c < big.jsonl)" -gt 8000000
longs() { # FILE: the long record scored, the one over 1 MiB not
  [ "$(grep -c '"domain":"long[0-9]*\.example\.com"' "$1")" = 1 ]
}
same "raw blocks: CSV with long records, no newline at the end" \
  score --rules pack.lua $A big.csv
check "... which scores the long record but not the one over 1 MiB" longs o1
same "raw blocks: a long record at the end of the reader's first read" \
  score --rules pack.lua $A edge.csv
check "... scored" longs o1
same "raw blocks: CSV with CRLF" score --rules pack.lua $A bigcrlf.csv
check "... the same records" longs o1
same "raw blocks: JSONL with long lines" score --rules pack.lua $A big.jsonl
check "... the same records" longs o1
same "raw blocks: three inputs, CSV out" \
  score --rules pack.lua $A -o out.csv big.jsonl big.csv in.csv
same "diff" diff --old pack.lua --new pack2.lua $A in.csv
same "diff --json" diff --old pack.lua --new pack2.lua $A --json - in.jsonl

"$ICP" score --rules pack.lua $A --threads 1 in.csv > o1 2> e1
check "the run reports bad rows, cells, duplicates and rule errors" \
  sh -c 'grep -q "field" e1 && grep -q "not shown" e1 &&
         grep -q "lots" e1 && grep -q "^duplicate domain dupe" e1 &&
         grep -q "custom rule errors" e1'
check "the quoted newline keeps its record's line" \
  grep -q '"source":"in.csv:37"' o1
check "one line per kept record" test "$(wc -l < o1)" -gt 5000

# stdin: the reader thread reads a pipe
cat in.csv | "$ICP" score --rules pack.lua $A --format csv --threads 3 - \
  > p3 2> /dev/null
cat in.csv | "$ICP" score --rules pack.lua $A --format csv --threads 1 - \
  > p1 2> /dev/null
check "stdin gives the same with threads" cmp -s p1 p3

# a missing second input fails in turn, after the first one's records
"$ICP" score --rules pack.lua $A --threads 2 in.csv nosuch.csv > m2 2> me2
s2=$?
"$ICP" score --rules pack.lua $A --threads 1 in.csv nosuch.csv > m1 2> me1
s1=$?
check "a missing input: same output, message and status" \
  sh -c "cmp -s m1 m2 && cmp -s me1 me2 && [ $s1 = $s2 ] && [ $s1 != 0 ]"

# validate: deals joined to the accounts it scores
printf 'domain,created,closed,stage,amount\n' > deals.csv
awk -F, 'NR > 1 && NR % 3 == 0 && $1 != "" {
  printf "%s,2026-0%d-01,2026-0%d-15,%s,%d\n", $1, NR % 4 + 1, NR % 4 + 5,
    (NR % 2 ? "won" : "lost"), NR * 10 }' base.csv >> deals.csv
same "validate" validate --rules pack.lua --deals deals.csv --accounts in.csv $A --icp-tiers A,B
same "validate A/B" validate --rules pack.lua --vs pack2.lua --ab --deals deals.csv --accounts in.csv $A --icp-tiers A,B

# score --providers: enrichment runs chunk by chunk in input order, so the
# scores, the requests made and the summary are those of one thread
python3 "$ROOT/tests/fixture_server.py" --port-file port --idle-exit 60 \
  > server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export ICP_FIXTURE_URL=http://127.0.0.1:$(cat port)
export CLEARBIT_API_KEY=sk_e2e_clearbit_9f8e7d PDL_API_KEY=pdl_e2e_key_6c5b4a
export BUILTWITH_API_KEY=bw_e2e_key_3d2c1b
export ICP_ENRICHER_PATH=$(dirname "$ICP")/../enrichers:$ROOT/build/enrichers
# 300 wide rows (several chunks), every 4th domain one the fixtures know
ls "$ROOT/tests/fixtures/providers/clearbit" | grep -v '^_' |
  sed 's/\.json$//' > known
pad=$(printf '%01500d' 0)
awk -F, -v pad="$pad" 'NR == FNR { k[++nk] = $0; next }
  FNR == 1 { print $0 ",notes"; next }
  FNR > 300 { exit }
  FNR % 4 == 0 { $0 = k[FNR / 4 % nk + 1] substr($0, index($0, ",")) }
  { print $0 "," pad }' known base.csv > few.csv
for n in 1 3; do
  ICP_CACHE_PATH=$T/cache$n/c.sqlite "$ICP" score --rules pack.lua $A \
    --providers "$ROOT/rules/providers_fixture.lua" --threads $n few.csv \
    > enr$n 2> enrerr$n
  echo "exit $?" >> enrerr$n
  grep -v '^enrich: .* accounts in ' enrerr$n > enrmsg$n
done
check "score --providers: same scores, requests and summary with 3 threads" \
  sh -c 'cmp -s enr1 enr3 && cmp -s enrmsg1 enrmsg3 &&
         [ "$(wc -l < enr1)" = 299 ] && grep -q "[1-9][0-9]* fields set" enrmsg1'
kill $SERVER 2>/dev/null

check "--threads 0 is a usage error" sh -c \
  "'$ICP' score --rules pack.lua --threads 0 in.csv >/dev/null 2>&1; [ \$? = 1 ]"
check "--threads x is a usage error" sh -c \
  "'$ICP' score --rules pack.lua --threads x in.csv >/dev/null 2>&1; [ \$? = 1 ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
