#!/bin/sh
# tests/e2e/pgcache.sh ICP -- the shared PostgreSQL enrichment cache
# (cache { url = "postgresql://..." }) end to end, against a throwaway
# server (initdb + pg_ctl in a temporary directory, Unix socket only) and
# the loopback fixture server: two concurrent `icp enrich` processes send
# each provider request once; many concurrent processes never read another
# domain's record; a second run is all cache hits; the claim of a process
# that died expires; rows are stamped and aged by the server's clock (the
# server run 3 days behind, libfaketime); a server that cannot be reached
# or stops mid-run is said once, exits 2 and loses no account; the URL's
# password never shows.
# Prints "N passed, N failed[, N skipped]"; exits non-zero on a failure.
set -u
ICP=${1:?usage: pgcache.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=${ICP_PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
  echo "SKIP - postgresql-15 is not installed ($PGBIN/initdb; make deps" \
       "installs it)"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi
T=$(mktemp -d /tmp/icp_e2e_pgcache.XXXXXX)
chmod 755 "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

# PostgreSQL refuses to run as root: as nobody then
mkdir "$T/pg" "$T/sock"
RUNAS=""
if [ "$(id -u)" = 0 ]; then
  chown nobody "$T/pg" "$T/sock"
  RUNAS="runuser -u nobody --"
fi
pg_up() { # PG_ENV: NAME=VALUE words for the server's environment
  $RUNAS env ${PG_ENV:-} "$PGBIN/pg_ctl" -D "$T/pg" -l "$T/pg/server.log" \
    -w -s \
    -o "-c listen_addresses='' -c unix_socket_directories='$T/sock' \
        -c fsync=off -c max_connections=40" start >/dev/null
}
pg_down() { $RUNAS "$PGBIN/pg_ctl" -D "$T/pg" -m fast -w -s stop 2>/dev/null; }
SERVER=
cleanup() {
  pg_down
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! $RUNAS "$PGBIN/initdb" -D "$T/pg" -U icp --auth=trust -E UTF8 \
       --no-sync >"$T/initdb.log" 2>&1 || ! pg_up; then
  cat "$T/initdb.log" "$T/pg/server.log" 2>/dev/null | tail -20
  ko "a throwaway PostgreSQL server starts"
  echo "$pass passed, $fail failed"
  exit 1
fi
psql() { "$PGBIN/psql" -X -q -A -t -h "$T/sock" -U icp -d postgres "$@"; }

python3 "$ROOT/tests/fixture_server.py" --port-file "$T/port" \
  --idle-exit 120 >"$T/server.log" 2>&1 &
SERVER=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL=http://127.0.0.1:$(cat "$T/port")
stats() { curl -s "$URL/__stats"; }
reset() { curl -s "$URL/__reset" >/dev/null; }
until_sent() { # N: until the fixture server got N requests (10 s at most)
  # (no python3 per poll: it can take a second to start on a loaded
  # machine, and the run it waits on may be over by then)
  i=0
  while [ $i -lt 200 ]; do
    n=$(stats | sed -n 's/.*"total": *\([0-9][0-9]*\).*/\1/p')
    [ "${n:-0}" -ge "$1" ] && break
    sleep 0.05; i=$((i + 1))
  done
}

# the password is a secret: trust auth lets any through, the test checks
# it never shows
PW=pw_e2e_cache_5f4e3d
export ICP_CACHE_URL="postgresql://icp:$PW@/postgres?host=$T/sock"
export BUILTWITH_API_KEY=bw_e2e_key_3d2c1b
export ICP_ENRICHER_PATH=$(dirname "$ICP")/../enrichers:$ROOT/build/enrichers
# a provider whose "name" is the domain it answered for: a record read
# for another domain shows
providers() { # file lease_ms
  cat >"$1" <<EOF
provider "inhouse" { enricher = "http_json",
  url = "$URL/inhouse/company?domain={domain}",
  fields = { name = "/organization/primary_domain",
             employees = "/organization/estimated_num_employees" },
  not_found = { 404 }, timeout_ms = 5000, max_attempts = 3,
  backoff_base_ms = 50, ttl_days = 30 }
provider "builtwith" { enricher = "builtwith",
  api_key = env "BUILTWITH_API_KEY", base_url = "$URL", timeout_ms = 5000,
  max_attempts = 3, backoff_base_ms = 50, ttl_days = 30 }
enrich { firmographic = { "inhouse" }, technographic = { "builtwith" } }
cache { url = env "ICP_CACHE_URL", lease_ms = $2 }
EOF
}
providers "$T/prov.lua" 30000
CFG=$T/prov.lua

# accounts: recorded domains, domains nobody knows (negative answers) and
# slow ones (30 ms an answer) so that two runs overlap
{
  echo domain
  ls "$ROOT/tests/fixtures/providers/inhouse" | sed -n 's/\.json$//p' |
    grep -v '^_' | head -40
  i=1; while [ $i -le 10 ]; do echo "nobody$i.example"; i=$((i + 1)); done
  i=1; while [ $i -le 50 ]; do echo "fault-latency-30-k$i.com"; i=$((i + 1))
  done
} >"$T/in.csv"
N=$(($(wc -l <"$T/in.csv") - 1))

# ---- two processes at once: each request sent once ----------------------
reset
"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/a.jsonl" 2>"$T/a.log" &
A=$!
"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/b.jsonl" 2>"$T/b.log" &
B=$!
wait $A; sa=$?
wait $B; sb=$?
stats >"$T/s1.json"
check "two concurrent runs both exit 0" "[ $sa = 0 ] && [ $sb = 0 ]"
check "both write every account" \
  "[ \$(wc -l <'$T/a.jsonl') = $N ] && [ \$(wc -l <'$T/b.jsonl') = $N ]"
check "each provider request was sent exactly once (2 x $N accounts)" \
  "python3 -c 'import json,sys
s=json.load(open(\"$T/s1.json\"))
lk=s[\"lookups\"]
assert max(lk.values())==1, [k for k,v in lk.items() if v>1]
assert len(lk)==2*$N and s[\"total\"]==2*$N, (len(lk), s[\"total\"])'"
check "the two outputs hold the same values" \
  "python3 -c 'import json
def load(f):
  out={}
  for l in open(f):
    r=json.loads(l); r.pop(\"_sources\",None); out[r[\"domain\"]]=r
  return out
a=load(\"$T/a.jsonl\"); b=load(\"$T/b.jsonl\")
assert a==b and len(a)==$N'"
check "some answers came from the other process (cache:<provider>)" \
  "cat '$T/a.jsonl' '$T/b.jsonl' | grep -q '\"cache:inhouse\"'"
keyok() { # every enriched name is its own domain
  python3 -c 'import json,sys
bad=n=0
for f in sys.argv[1:]:
  for l in open(f):
    r=json.loads(l)
    if "name" in r:
      n+=1
      bad+=r["name"]!=r["domain"]
assert n>0 and bad==0, (n,bad)' "$@"
}
check "every record is its own domain's" "keyok '$T/a.jsonl' '$T/b.jsonl'"

# ---- a second run: all cache hits ----------------------------------------
reset
"$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/c.jsonl" 2>"$T/c.log"
st=$?
check "second run exits 0 and sends no request" \
  "[ $st = 0 ] && [ \$(stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])') = 0 ]"
check "second run: every lookup a cache hit" \
  "grep -q 'inhouse .* 0 requests, $N cache hits' '$T/c.log' &&
   grep -q 'builtwith .* 0 requests, $N cache hits' '$T/c.log'"
check "--offline reads the shared cache" \
  "'$ICP' enrich --offline --providers '$CFG' '$T/in.csv' -o '$T/o.jsonl' \
     2>'$T/o.log' && keyok '$T/o.jsonl' &&
   [ \$(grep -c '\"cache:inhouse\"' '$T/o.jsonl') -gt 40 ]"

# ---- many processes, many domains: never another domain's record ---------
{
  echo domain
  i=1; while [ $i -le 300 ]; do echo "fault-latency-0-m$i.com"; i=$((i + 1))
  done
} >"$T/many.csv"
reset
pids=""
for k in 1 2 3 4 5 6; do
  # each process in its own order, so they meet on every key
  python3 -c 'import random,sys
l=open(sys.argv[1]).read().split("\n")[1:-1]; random.seed(int(sys.argv[2]))
random.shuffle(l); print("domain"); print("\n".join(l))' \
    "$T/many.csv" $k >"$T/many$k.csv"
  # started first, fed later: the six read their accounts at once
  mkfifo "$T/f$k"
  cat "$T/f$k" | "$ICP" enrich --providers "$CFG" --format csv - \
    -o "$T/m$k.jsonl" 2>"$T/m$k.log" &
  pids="$pids $!"
done
sessions() {
  psql -c "SELECT count(*) FROM pg_stat_activity
           WHERE application_name = 'icp'"
}
i=0
while [ "$(sessions)" != 6 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1))
done
for k in 1 2 3 4 5 6; do cat "$T/many$k.csv" >"$T/f$k" & done
mst=0
for p in $pids; do wait $p || mst=1; done
stats >"$T/s2.json"
check "six concurrent runs over 300 domains all exit 0" "[ $mst = 0 ]"
check "six runs: no record of another domain, every account written" \
  "keyok '$T'/m?.jsonl && [ \$(cat '$T'/m?.jsonl | grep -c '\"name\"') = 1800 ]"
check "six runs overlapped: at least two of them sent requests" \
  "[ \$(grep -l 'inhouse  *[1-9][0-9]* requests' '$T'/m?.log | wc -l) -ge 2 ]"
check "six runs: each provider request sent once" \
  "python3 -c 'import json
s=json.load(open(\"$T/s2.json\"))
assert max(s[\"lookups\"].values())==1 and len(s[\"lookups\"])==600'"
pids=""
for k in 1 2 3 4 5 6; do
  "$ICP" enrich --offline --providers "$CFG" "$T/many$k.csv" \
    -o "$T/r$k.jsonl" 2>"$T/r$k.log" &
  pids="$pids $!"
done
mst=0
for p in $pids; do wait $p || mst=1; done
check "six concurrent readers: every record is its own domain's" \
  "[ $mst = 0 ] && keyok '$T'/r?.jsonl &&
   [ \$(cat '$T'/r?.jsonl | grep -c '\"cache:inhouse\"') = 1800 ]"

# ---- the claim of a process that died expires -----------------------------
psql -c "INSERT INTO icp_enrich_claim VALUES ('inhouse',
  'fault-latency-0-dead.com', 'a-process-that-died',
  (extract(epoch from clock_timestamp()) * 1000)::bigint + 1500)"
# (twice: the second account waits for the first one's answer)
printf 'domain\nfault-latency-0-dead.com\nfault-latency-0-dead.com\n' \
  >"$T/dead.csv"
reset
"$ICP" enrich --providers "$CFG" "$T/dead.csv" -o "$T/dead.jsonl" \
  2>"$T/dead.log"
st=$?
check "a dead process's claim expires: the request is sent once, exit 0" \
  "[ $st = 0 ] && keyok '$T/dead.jsonl' &&
   [ \$(grep -c '\"name\"' '$T/dead.jsonl') = 2 ] && stats | python3 -c 'import json,sys
s=json.load(sys.stdin); assert s[\"lookups\"]=={
  \"inhouse:fault-latency-0-dead.com\":1,
  \"builtwith:fault-latency-0-dead.com\":1}, s'"
check "no claim is left behind" \
  "[ \$(psql -c 'SELECT count(*) FROM icp_enrich_claim') = 0 ]"

# ---- configuration ------------------------------------------------------
printf 'cache { url = "postgresql://icp:%s@/postgres" }\n' "$PW" \
  >"$T/literal.lua"
"$ICP" enrich --providers "$T/literal.lua" "$T/dead.csv" >/dev/null \
  2>"$T/literal.log"
st=$?
check "a password written in the file is refused, without showing it" \
  "[ $st = 1 ] && grep -q 'must not be written in the file' '$T/literal.log' &&
   ! grep -q '$PW' '$T/literal.log'"
# libpq's reading, not a look-alike: a percent-encoded parameter name, a
# raw '?' in the password
printf 'cache { url = "postgresql://icp@/postgres?host=%s&pass%%77ord=%s" }\n' \
  "$T/sock" "$PW" >"$T/lit2.lua"
printf 'cache { url = "postgresql://icp:S?%s@/postgres" }\n' "$PW" \
  >"$T/lit3.lua"
"$ICP" enrich --providers "$T/lit2.lua" "$T/dead.csv" >/dev/null \
  2>"$T/lit2.log"
st2=$?
"$ICP" enrich --providers "$T/lit3.lua" "$T/dead.csv" >/dev/null \
  2>"$T/lit3.log"
st3=$?
check "pass%77ord= and a '?' in the password are refused too, unseen" \
  "[ $st2 = 1 ] && [ $st3 = 1 ] &&
   grep -q 'must not be written in the file' '$T/lit2.log' &&
   grep -q 'must not be written in the file' '$T/lit3.log' &&
   ! grep -q '$PW' '$T/lit2.log' '$T/lit3.log'"
printf 'cache { url = "mysql://x/y" }\n' >"$T/bad.lua"
"$ICP" enrich --providers "$T/bad.lua" "$T/dead.csv" >/dev/null \
  2>"$T/bad.log"
check "a URL that is not PostgreSQL's is refused with file:line" \
  "[ \$? = 1 ] && grep -q 'bad.lua:1: cache: .url. is not a PostgreSQL URL' '$T/bad.log'"

# a lease shorter than five ticks of the scheduler that renews it would run
# out under a live process; a SQLite cache has no claims to lease
providers "$T/short.lua" 200
printf 'cache { path = "%s/c.sqlite", lease_ms = 5000 }\n' "$T" \
  >"$T/sqlease.lua"
"$ICP" enrich --providers "$T/short.lua" "$T/dead.csv" >/dev/null \
  2>"$T/short.log"
st1=$?
"$ICP" enrich --providers "$T/sqlease.lua" "$T/dead.csv" >/dev/null \
  2>"$T/sqlease.log"
st2=$?
check "lease_ms under 1000, or with a SQLite cache, is refused with file:line" \
  "[ $st1 = 1 ] && [ $st2 = 1 ] &&
   grep -q 'short.lua:11: cache: .lease_ms. must be an integer from 1000' '$T/short.log' &&
   grep -q 'sqlease.lua:1: cache: .lease_ms. applies to a shared cache' '$T/sqlease.log'"

# ---- a server that cannot be reached: said once, exit 2, nothing lost ----
ICP_CACHE_URL="postgresql://icp:$PW@/postgres?host=$T/nowhere" \
  "$ICP" enrich --providers "$CFG" "$T/in.csv" -o "$T/nc.jsonl" \
  2>"$T/nc.log"
st=$?
check "unreachable server: exit 2, every account written and enriched" \
  "[ $st = 2 ] && [ \$(wc -l <'$T/nc.jsonl') = $N ] && keyok '$T/nc.jsonl'"
check "unreachable server: said once, on one line, without the password" \
  "[ \$(grep -c 'going on without caching' '$T/nc.log') = 1 ] &&
   grep -q 'cannot connect: .*going on without caching (postgresql://icp:\\[redacted\\]@' '$T/nc.log' &&
   ! grep -q '$PW' '$T/nc.log'"

# ---- a role that may only read and write the tables ---------------------
psql -c "CREATE ROLE dml LOGIN" -c "GRANT SELECT, INSERT, UPDATE, DELETE
  ON icp_enrich_cache, icp_enrich_claim TO dml" -c "CREATE DATABASE fresh"
ICP_CACHE_URL="postgresql://dml@/postgres?host=$T/sock" \
  "$ICP" enrich --providers "$CFG" "$T/dead.csv" -o "$T/dml.jsonl" \
  2>"$T/dml.log"
st=$?
check "a role without CREATE uses tables that exist: exit 0, no fault" \
  "[ $st = 0 ] && ! grep -q 'without caching' '$T/dml.log' &&
   [ \$(grep -c '\"name\"' '$T/dml.jsonl') = 2 ]"
ICP_CACHE_URL="postgresql://dml@/fresh?host=$T/sock" \
  "$ICP" enrich --providers "$CFG" "$T/dead.csv" -o "$T/dml2.jsonl" \
  2>"$T/dml2.log"
st=$?
check "where it would have to create them: exit 2, with the server's reason" \
  "[ $st = 2 ] && grep -q 'cannot set up: .*permission denied for schema public' '$T/dml2.log'"

# ---- a row over the size kept: measured, not downloaded, asked again -----
# (fetched a little before now: ::bigint rounds, and a row from the future
# is stale, review item 3)
psql -c "INSERT INTO icp_enrich_cache VALUES ('inhouse',
  'fault-latency-0-big.com', true, repeat('x', 5000000),
  floor(extract(epoch from now()))::bigint - 5)"
printf 'domain\nfault-latency-0-big.com\n' >"$T/big.csv"
reset
"$ICP" enrich --providers "$CFG" "$T/big.csv" -o "$T/big.jsonl" \
  2>"$T/big.log"
st=$?
check "an oversize row is said once, exit 2, asked again and replaced" \
  "[ $st = 2 ] && [ \$(grep -c 'bytes, over 4194304: not read' '$T/big.log') = 1 ] &&
   grep -q '\"name\"' '$T/big.jsonl' && stats | python3 -c 'import json,sys
assert json.load(sys.stdin)[\"lookups\"].get(\"inhouse:fault-latency-0-big.com\")==1' &&
   [ \$(psql -c \"SELECT octet_length(fields) < 1000 FROM icp_enrich_cache
     WHERE domain = 'fault-latency-0-big.com' AND provider = 'inhouse'\") = t ]"

# ---- the server hangs (SIGSTOP): the client's deadline -------------------
{
  echo domain
  i=1; while [ $i -le 40 ]; do echo "fault-latency-100-h$i.com"
    i=$((i + 1)); done
} >"$T/hang.csv"
reset
# statement_timeout 1 s from the URL: the client waits 2 s for an answer
ICP_CACHE_URL="postgresql://icp:$PW@/postgres?host=$T/sock&options=-c%20statement_timeout%3D1000" \
  "$ICP" enrich --providers "$CFG" --max-in-flight 4 "$T/hang.csv" \
  -o "$T/hang.jsonl" 2>"$T/hang.log" &
E=$!
until_sent 8
PM=$(head -1 "$T/pg/postmaster.pid")
PGPIDS="$PM $(ps -o pid= --ppid "$PM" | tr '\n' ' ')"
kill -STOP $PGPIDS
# a safety net, not a pass: without the deadline the run would hang
( sleep 60; kill -CONT $PGPIDS 2>/dev/null ) &
WD=$!
wait $E
st=$?
kill -CONT $PGPIDS
kill $WD 2>/dev/null
check "server hung mid-run: exit 2, every account written and enriched" \
  "[ $st = 2 ] && [ \$(wc -l <'$T/hang.jsonl') = 40 ] &&
   [ \$(grep -c '\"name\"' '$T/hang.jsonl') = 40 ] && keyok '$T/hang.jsonl'"
check "server hung mid-run: said once, the deadline given" \
  "[ \$(grep -c 'going on without caching' '$T/hang.log') = 1 ] &&
   grep -q 'no answer within 2000 ms' '$T/hang.log'"

# ---- the server stops mid-run ------------------------------------------
{
  echo domain
  i=1; while [ $i -le 60 ]; do echo "fault-latency-100-s$i.com"
    i=$((i + 1)); done
} >"$T/stop.csv"
reset
"$ICP" enrich --providers "$CFG" --max-in-flight 4 "$T/stop.csv" \
  -o "$T/stop.jsonl" 2>"$T/stop.log" &
E=$!
# until the run has sent a few requests (the cache is in use)
until_sent 8
pg_down
wait $E
st=$?
check "server stopped mid-run: exit 2, every account written" \
  "[ $st = 2 ] && [ \$(wc -l <'$T/stop.jsonl') = 60 ] &&
   [ \$(grep -c '\"name\"' '$T/stop.jsonl') = 60 ] && keyok '$T/stop.jsonl'"
check "server stopped mid-run: said once" \
  "[ \$(grep -c 'going on without caching' '$T/stop.log') = 1 ]"

# ---- clocks that disagree: the server's clock judges ---------------------
# The server (stopped above) starts again with its clock 3 days behind
# this machine's (libfaketime): a row's age is the server's to judge, and
# a row is stamped with the server's time, so a client whose clock runs
# ahead neither asks again for a row that is fresh nor serves one from the
# future. (pg_ctl runs under the same clock: it compares the server's
# start time with its own.)
FAKELIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
PG_ENV="LD_PRELOAD=$FAKELIB FAKETIME=-3d DONT_FAKE_MONOTONIC=1" pg_up
sv_now() {
  psql -c "SELECT floor(extract(epoch from clock_timestamp()))::bigint"
}
SV=$(sv_now)
check "the server's clock runs 3 days behind this machine's (faketime)" \
  "[ -n '$SV' ] && [ \$((\$(date +%s) - ${SV:-0})) -gt 255000 ] &&
   [ \$((\$(date +%s) - ${SV:-0})) -lt 263000 ]"
# ttl_days = 30: 29 days old by the server (32 by this machine) is fresh;
# a day ahead of the server (2 days behind this machine) is from the future
psql -c "INSERT INTO icp_enrich_cache VALUES
  ('inhouse', 'fault-latency-0-skew-old.com', true,
   '{\"name\":\"fault-latency-0-skew-old.com\",\"employees\":7}',
   ${SV:-0} - 29 * 86400),
  ('inhouse', 'fault-latency-0-skew-future.com', true,
   '{\"name\":\"a-row-from-the-future\",\"employees\":7}',
   ${SV:-0} + 86400),
  ('inhouse', 'fault-latency-0-skew-past.com', true,
   '{\"name\":\"a-row-past-its-ttl\",\"employees\":7}',
   ${SV:-0} - 31 * 86400)"
{
  echo domain
  for k in old future past new; do echo "fault-latency-0-skew-$k.com"; done
} >"$T/skew.csv"
reset
"$ICP" enrich --providers "$CFG" "$T/skew.csv" -o "$T/skew.jsonl" \
  2>"$T/skew.log"
st=$?
stats >"$T/s3.json"
check "a row fresh by the server's clock is served, stale by ours or not" \
  "[ $st = 0 ] &&
   grep 'skew-old' '$T/skew.jsonl' | grep -q '\"cache:inhouse\"' &&
   python3 -c 'import json
s=json.load(open(\"$T/s3.json\"))[\"lookups\"]
assert \"inhouse:fault-latency-0-skew-old.com\" not in s, s'"
check "rows from the server's future or past their TTL are asked again, once" \
  "keyok '$T/skew.jsonl' && [ \$(grep -c '\"name\"' '$T/skew.jsonl') = 4 ] &&
   python3 -c 'import json
s=json.load(open(\"$T/s3.json\"))[\"lookups\"]
for k in (\"future\", \"past\", \"new\"):
  assert s.get(\"inhouse:fault-latency-0-skew-%s.com\" % k)==1, s'"
check "answers are stamped with the server's time, not this machine's" \
  "[ \$(psql -c \"SELECT count(*) FROM icp_enrich_cache
     WHERE domain IN ('fault-latency-0-skew-future.com',
                      'fault-latency-0-skew-past.com',
                      'fault-latency-0-skew-new.com')
     AND fetched_at BETWEEN $(sv_now) - 120 AND $(sv_now) + 1\") = 6 ]"
reset
"$ICP" enrich --providers "$CFG" "$T/skew.csv" -o "$T/skew2.jsonl" \
  2>"$T/skew2.log"
st=$?
check "a second run over them sends no request" \
  "[ $st = 0 ] && stats | python3 -c 'import json,sys
assert json.load(sys.stdin)[\"total\"]==0'"

check "the password is in no log and no output" \
  "! cat '$T'/*.log '$T'/*.jsonl | grep -q '$PW'"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
