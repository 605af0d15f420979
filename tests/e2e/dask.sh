#!/bin/sh
# tests/e2e/dask.sh ICP -- contrib/dask/icp_dask.py on a LocalCluster of 2
# worker processes cuts a file into byte ranges, scores each with
# `icp score --byte-range` on the workers and joins the pieces in input
# order: the result equals one `icp score` run byte for byte (CSV input
# with quoted newlines and bad rows, JSONL input, JSONL and CSV output).
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: dask.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(pwd)
GEN=$(dirname "$ICP")/../gen_accounts
[ -x "$GEN" ] || GEN=$ROOT/build/gen_accounts
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_dask.XXXXXX") || exit 1
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

# Debian's python3-distributed (make deps installs it) lives under the
# system interpreter, which a PATH python3 may not be.
PY=
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import distributed' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  no "python3-distributed is installed (make deps)"
  echo "$pass passed, $fail failed"
  exit 1
fi
DASK="$PY $ROOT/contrib/dask/icp_dask.py --icp $ICP --workers 2"
PACK=$ROOT/rules/b2b_saas.lua

"$GEN" --count 3000 --seed 9 --format csv |
  awk -F, 'NR % 13 == 0 && $2 !~ /"/ { sub(/,[^,]*,/, ",\"Two\nLines\","); print; next }
    NR % 17 == 0 { print $0 ",extra"; next }
    { print }' > in.csv
"$GEN" --count 3000 --seed 9 --format jsonl > in.jsonl

"$ICP" score --rules "$PACK" --as-of 2026-11-01 -o whole.jsonl in.csv \
  2> whole.err
$DASK --rules "$PACK" --icp-arg=--as-of=2026-11-01 --pieces 7 \
  -o dask.jsonl in.csv 2> dask.err
st=$?
check "CSV in, JSONL out: equal to one icp score run, byte for byte" \
  cmp -s whole.jsonl dask.jsonl
# (Dask's own log lines, e.g. "event loop was unresponsive" on a loaded
# machine, are not icp's: only the input's lines are compared)
grep '^in.csv:' dask.err > dask.rows
check "the bad rows are reported by the pieces, in order, status 2" \
  sh -c "[ $st = 2 ] && [ -s dask.rows ] && grep '^in.csv:' whole.err | cmp -s - dask.rows"
check "several pieces held records" test "$(wc -l < dask.jsonl)" -gt 2000

"$ICP" score --rules "$PACK" --as-of 2026-11-01 -o whole.csv in.jsonl \
  2> /dev/null
$DASK --rules "$PACK" --icp-arg=--as-of=2026-11-01 --pieces 5 \
  -o dask.csv in.jsonl 2> /dev/null
check "JSONL in, CSV out (one header): equal byte for byte" \
  cmp -s whole.csv dask.csv
check "no piece file is left behind" \
  sh -c "! ls | grep -q part"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
