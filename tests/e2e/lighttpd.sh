#!/bin/sh
# tests/e2e/lighttpd.sh ICP -- the lighttpd recipe (contrib/lighttpd/):
# lighttpd with mod_magnet loads build/icp.so and answers POST /v1/score
# with pack:score_json. Started on a free loopback port, polled until it
# answers, stopped at the end. Skipped, with the reason, when lighttpd or
# mod_magnet is not installed (make deps installs both).
set -u
ICP=${1:?usage: lighttpd.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(pwd)
SO=$ROOT/build/icp.so
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else no "$d"; fi; }
has() { grep -q -F -- "$2" "$1"; }

MAGNET=/usr/lib/lighttpd/mod_magnet.so
if ! command -v lighttpd >/dev/null 2>&1 || [ ! -f "$MAGNET" ]; then
  echo "skipped: lighttpd or $MAGNET is not installed (make deps)"
  echo "0 passed, 0 failed"
  exit 0
fi
[ -f "$SO" ] || { no "build/icp.so exists (make all)"; echo "$pass passed, $fail failed"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_lighttpd.XXXXXX") || exit 1
LPID=
stop() { [ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null; LPID=; }
trap 'stop; rm -rf "$T"' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
sed 's/version = "2026.11.1"/version = "e2e-1"/' rules/b2b_saas.lua >"$T/pack.lua"
cat >"$T/lighttpd.conf" <<CONF
server.document-root = "$T"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$T/error.log"
var.icp_contrib = "$ROOT/contrib/lighttpd"
include "$ROOT/contrib/lighttpd/icp.conf"
CONF

ICP_PACK=$T/pack.lua ICP_AS_OF=2026-11-01 ICP_CPATH="$ROOT/build/?.so" \
ICP_MAX_BATCH=5 lighttpd -D -f "$T/lighttpd.conf" &
LPID=$!
# poll until the server answers (no fixed wait)
i=0
until curl -s -o /dev/null "$URL/healthz" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 200 ] || ! kill -0 "$LPID" 2>/dev/null; then break; fi
  sleep 0.05
done
check "lighttpd starts with the recipe and answers" curl -s -o /dev/null "$URL/"

# ---- byte for byte against icp score, 2,000 accounts ------------------------
"$ICP" score --rules "$T/pack.lua" --as-of 2026-11-01 tests/data/accounts.jsonl \
  >"$T/want.jsonl" 2>/dev/null
check "icp score writes the reference" [ "$(wc -l <"$T/want.jsonl")" = 2000 ]
python3 tests/tools/post_lines.py "$URL/v1/score" tests/data/accounts.jsonl \
  "$T/got.tsv" --clients 4
check "2,000 answers, every one 200" [ "$(cut -f1 "$T/got.tsv" | grep -c '^200$')" = 2000 ]
check "every answer names the pack version in X-ICP-Pack" [ "$(cut -f2 "$T/got.tsv" | grep -c '^b2b-saas-midmarket e2e-1$')" = 2000 ]
cut -f3- "$T/got.tsv" | sed 's/"source":"request"/"source":"S"/' >"$T/got.jsonl"
sed 's/"source":"[^"]*"/"source":"S"/' "$T/want.jsonl" >"$T/want_s.jsonl"
check "every answer is the icp score line byte for byte (source aside)" cmp -s "$T/got.jsonl" "$T/want_s.jsonl"
check "the source of a lone account is \"request\"" has "$T/got.tsv" '"source":"request"}'

# ---- explain, arrays, errors ------------------------------------------------
head -1 tests/data/accounts.jsonl >"$T/one.json"
"$ICP" score --rules "$T/pack.lua" --as-of 2026-11-01 --explain "$T/one.json" \
  2>/dev/null | sed 's/"source":"[^"]*"/"source":"request"/' >"$T/want_x.txt"
curl -s --data-binary @"$T/one.json" "$URL/v1/score?explain=1" >"$T/got_x.txt"
check "?explain=1 gives the icp score --explain line" cmp -s "$T/got_x.txt" "$T/want_x.txt"
{ printf '['; sed -n '1,3p' tests/data/accounts.jsonl | paste -sd, -; printf ']'; } >"$T/three.json"
curl -s --data-binary @"$T/three.json" "$URL/v1/score" >"$T/arr.txt"
sed -n '1,3p' "$T/want.jsonl" | sed 's/"source":"[^"]*:\([0-9]*\)"/"source":"request:\1"/' >"$T/want_arr.txt"
sed '1d;$d;s/,$//' "$T/arr.txt" >"$T/got_arr.txt"
check "an array is answered in input order, source request:N" cmp -s "$T/got_arr.txt" "$T/want_arr.txt"
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
check "malformed JSON: 400" [ "$(code --data-binary '{"domain":' "$URL/v1/score")" = 400 ]
check "... with a JSON error saying where" has "$T/body" '{"error":"request: invalid JSON at line 1, column 11"}'
check "a wrong-typed field: 400 naming the field" [ "$(code --data-binary '[{"domain":"a.io"},{"employees":"lots"}]' "$URL/v1/score")" = 400 ]
check "... and the account" has "$T/body" "request:2: column 'employees': 'lots' is not a number"
check "more than ICP_MAX_BATCH accounts: 413" [ "$(code --data-binary '[{},{},{},{},{},{}]' "$URL/v1/score")" = 413 ]
check "unknown path: 404" [ "$(code "$URL/v1/nope")" = 404 ]
check "wrong method: 405" [ "$(code "$URL/v1/score")" = 405 ]

# ---- the pack is reloaded when its file changes -----------------------------
sed 's/version = "e2e-1"/version = "e2e-2"/' "$T/pack.lua" >"$T/pack2.lua"
touch -d '2030-01-01' "$T/pack2.lua"
mv "$T/pack2.lua" "$T/pack.lua"
i=0
until curl -s -D "$T/hdr" -o /dev/null --data-binary @"$T/one.json" "$URL/v1/score" &&
      grep -q 'e2e-2' "$T/hdr"; do
  i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
check "a changed pack file is loaded again (new version answers)" grep -q 'X-ICP-Pack: b2b-saas-midmarket e2e-2' "$T/hdr"
echo 'profile {' >"$T/pack.lua"
touch -d '2031-01-01' "$T/pack.lua"
i=0
until grep -q 'reload failed' "$T/error.log" 2>/dev/null; do
  curl -s -o /dev/null --data-binary @"$T/one.json" "$URL/v1/score"
  i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
check "a broken pack is reported with file:line in the error log" grep -q "pack.lua:[0-9]" "$T/error.log"
curl -s -D "$T/hdr" -o "$T/body" --data-binary @"$T/one.json" "$URL/v1/score"
check "... and the old pack keeps serving" grep -q 'X-ICP-Pack: b2b-saas-midmarket e2e-2' "$T/hdr"
stop
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
