#!/bin/sh
# tests/e2e/cachefault.sh ICP -- `icp enrich` when the SQLite cache fails
# under it: a read-only cache file, a full disk (RLIMIT_FSIZE) and a cache
# another process holds locked. Each time the run goes on without caching,
# says so once, exits 2 and writes every account exactly as a run with a
# working cache does. Against the loopback fixture server.
# Prints "N passed, N failed"; exits non-zero when something failed.
set -u
ICP=${1:?usage: cachefault.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/icp_e2e_cachefault.XXXXXX)
chmod 755 "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

python3 "$ROOT/tests/fixture_server.py" --port-file "$T/port" \
  --idle-exit 60 >"$T/server.log" 2>&1 &
SERVER=$!
HOLDER=
trap 'kill $SERVER $HOLDER 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export ICP_FIXTURE_URL=http://127.0.0.1:$(cat "$T/port")
export CLEARBIT_API_KEY=sk_e2e_clearbit_9f8e7d
export PDL_API_KEY=pdl_e2e_key_6c5b4a
export BUILTWITH_API_KEY=bw_e2e_key_3d2c1b
export ICP_ENRICHER_PATH=$(dirname "$ICP")/enrichers:$ROOT/build/enrichers
CFG=$ROOT/rules/providers_fixture.lua
# The read-only case runs as nobody, who may not reach a checkout under a
# private directory (a CI clone in a mktemp dir): every run uses copies of
# icp, its enrichers and the providers file in $T, so they compare equal.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$T/bin/enrichers"
  cp "$ICP" "$T/bin/icp" && cp "$CFG" "$T/bin/providers.lua" &&
    cp "$(dirname "$ICP")"/enrichers/*.so "$T/bin/enrichers/" || exit 1
  chmod -R a+rX "$T/bin"
  ICP=$T/bin/icp
  CFG=$T/bin/providers.lua
  export ICP_ENRICHER_PATH=$T/bin/enrichers
fi

cat >"$T/in.csv" <<'CSV'
domain,name,employees
cobaltrobotics1.io,,
pioneerretail2.co,Pioneer Input Name,
cedartech5.com,,
https://www.northdata3.com/about,,
nobody-knows-me.example,,
,No Domain Inc,12
CSV

# enrich CACHE OUT [runner...]: one run, stderr in OUT.err, exit status in
# OUT.st
enrich() {
  c=$1 o=$2
  shift 2
  ICP_CACHE_PATH=$c "$@" "$ICP" enrich --providers "$CFG" "$T/in.csv" \
    -o "$o" 2>"$o.err"
  echo $? >"$o.st"
}

# the reference: a working cache
mkdir -p "$T/ok"
enrich "$T/ok/cache.sqlite" "$T/ref.jsonl"
check "the reference run exits 0 with every account" \
  "[ \$(cat '$T/ref.jsonl.st') = 0 ] && [ \$(wc -l <'$T/ref.jsonl') = 6 ]"

# what every faulty run must show
faulty() { # name out
  check "$1: exit status 2" "[ \$(cat '$2.st') = 2 ]"
  check "$1: says once that it goes on without caching" \
    "[ \$(grep -c 'going on without caching' '$2.err') = 1 ]"
  check "$1: every account written as with a working cache" \
    "cmp -s '$T/ref.jsonl' '$2'"
}

# 1. a read-only cache file (root ignores file modes: run as nobody then)
mkdir -p "$T/ro"
cp "$T/ok/cache.sqlite" "$T/ro/cache.sqlite"
chmod 444 "$T/ro/cache.sqlite"
chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
  chmod 777 "$T"
  enrich "$T/ro/cache.sqlite" "$T/ro.jsonl" \
    setpriv --reuid=65534 --regid=65534 --clear-groups
else
  enrich "$T/ro/cache.sqlite" "$T/ro.jsonl"
fi
faulty "read-only cache" "$T/ro.jsonl"

# 2. a full disk: files of this run may not pass 16 KiB (SIGXFSZ ignored,
# so a write past it fails with EFBIG as on a full disk); the output is
# smaller than that, the cache is not
mkdir -p "$T/full"
enrich "$T/full/cache.sqlite" "$T/full.jsonl" \
  sh -c 'ulimit -f 32; trap "" XFSZ; exec "$@"' sh
faulty "full disk" "$T/full.jsonl"

# 3. another process holds the write lock of a new cache file for the
# whole run (until told to stop); the run waits the busy timeout once, not
# once per account
mkdir -p "$T/lock"
python3 - "$T/lock/cache.sqlite" "$T/lock/locked" "$T/lock/done" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
for _ in range(1200):          # at most 2 minutes, then let go anyway
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
db.execute("ROLLBACK")
PY
HOLDER=$!
i=0
while [ ! -f "$T/lock/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
enrich "$T/lock/cache.sqlite" "$T/lock.jsonl"
touch "$T/lock/done"
wait $HOLDER
HOLDER=
faulty "locked cache" "$T/lock.jsonl"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
