#!/bin/sh
# tests/e2e/failalloc.sh ICP -- the allocation-failure sweep: score (on the
# default threads, with --threads 1, and of JSONL lines with a --columns
# mapping: scorej; scorer: two threads on a CSV file long enough to be
# cut from raw blocks), check, report (of a scored file,
# and scoring the accounts itself with --rules) and enrich over the first
# rows of the sample data, run by
# build/asan/icp-failalloc (the sanitized icp with tests/alloc/failalloc.c
# linked in) once per allocation N, failing the Nth. Every run must end
# without a crash, a sanitizer report or a leak, and a run that exits 0
# must have written exactly what a run without failure writes: never
# success with partial output.
#
# FAILALLOC_STRIDE=K tries every Kth N only; make test sets none, and the
# sweep then takes about 40 N per command, spread over the whole range;
# `make test-alloc` runs every N (FAILALLOC_STRIDE=1). FAILALLOC_ONLY="CMD
# N" runs one and prints where the failed allocation was made;
# FAILALLOC_CMDS="score check" sweeps only those commands.
# Prints "N passed, N failed"; exits non-zero when something failed.
set -u
ICP=${1:?usage: failalloc.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FICP=$(dirname "$ICP")/icp-failalloc
T=$(mktemp -d /tmp/icp_e2e_failalloc.XXXXXX)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
if [ ! -x "$FICP" ]; then
  ko "$FICP is missing (make build/asan/icp-failalloc)"
  echo "$pass passed, $fail failed"
  exit 1
fi
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
unset ICP_FAIL_ALLOC ICP_ALLOC_COUNT

# the fixture server for enrich, started when enrich's turn comes (it
# stops by itself after 60 s without a request: the other commands' sweeps
# may take longer than that)
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
server() {
  [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null && return
  rm -f "$T/port"
  python3 "$ROOT/tests/fixture_server.py" --port-file "$T/port" \
    --idle-exit 60 >"$T/server.log" 2>&1 &
  SERVER=$!
  i=0
  while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  export ICP_FIXTURE_URL=http://127.0.0.1:$(cat "$T/port")
}
export CLEARBIT_API_KEY=sk_sweep_clearbit_1a2b3c PDL_API_KEY=pdl_sweep_key_4d5e6f
export BUILTWITH_API_KEY=bw_sweep_key_7a8b9c
export ICP_ENRICHER_PATH=$(dirname "$ICP")/enrichers

head -6 "$ROOT/tests/data/accounts.csv" >"$T/in.csv"
head -6 "$ROOT/tests/data/accounts.jsonl" >"$T/in.jsonl"
# past the reader's first read (64 KiB) and a block (128 KiB) in 60 rows
# (a 4 KB column no rule reads): few allocations per byte
pad=$(printf '%04000d' 0)
head -61 "$ROOT/tests/data/accounts.csv" |
  awk -v pad="$pad" 'NR == 1 { print $0 ",notes"; next } { print $0 "," pad }' \
  >"$T/raw.csv"
printf 'columns { industry = "industry" }\n' >"$T/cols.lua"
PACK=$ROOT/rules/b2b_saas.lua

# run NAME N: one run of command NAME failing allocation N (0: none); its
# output goes to $T/NAME.out (written as NAME.jsonl where -o wants a .csv
# or .jsonl name, then moved), stderr to $T/NAME.err
run() {
  rm -f "$T/$1.out" "$T/$1.jsonl" "$T/cache.sqlite"
  export ICP_CACHE_PATH=$T/cache.sqlite
  [ "$1" = enrich ] && server
  case $1 in
  score) ICP_FAIL_ALLOC=$2 "$FICP" score --rules "$PACK" \
           --as-of 2026-11-01 "$T/in.csv" -o "$T/$1.jsonl" ;;
  score1) ICP_FAIL_ALLOC=$2 "$FICP" score --threads 1 --rules "$PACK" \
            --as-of 2026-11-01 "$T/in.csv" -o "$T/$1.jsonl" ;;
  scorer) ICP_FAIL_ALLOC=$2 "$FICP" score --threads 2 --rules "$PACK" \
            --as-of 2026-11-01 "$T/raw.csv" -o "$T/$1.jsonl" ;;
  scorej) ICP_FAIL_ALLOC=$2 "$FICP" score --threads 1 --rules "$PACK" \
            --as-of 2026-11-01 --columns "$T/cols.lua" "$T/in.jsonl" \
            -o "$T/$1.jsonl" ;;
  check) ICP_FAIL_ALLOC=$2 "$FICP" check "$PACK" >"$T/$1.out" ;;
  report) ICP_FAIL_ALLOC=$2 "$FICP" report --html "$T/$1.out" \
            "$T/ref_score.jsonl" ;;
  report_rules) ICP_FAIL_ALLOC=$2 "$FICP" report --html "$T/$1.out" \
                  --rules "$PACK" --as-of 2026-11-01 "$T/in.csv" ;;
  enrich) ICP_FAIL_ALLOC=$2 "$FICP" enrich \
            --providers "$ROOT/rules/providers_fixture.lua" "$T/in.csv" \
            -o "$T/$1.jsonl" ;;
  esac 2>"$T/$1.err"
  set -- "$1" $?
  [ -e "$T/$1.jsonl" ] && mv "$T/$1.jsonl" "$T/$1.out"
  return "$2"
}

# report reads what score writes
run score 0 && cp "$T/score.out" "$T/ref_score.jsonl"

# FAILALLOC_ONLY="CMD N": one run, with the failed allocation's stack
if [ -n "${FAILALLOC_ONLY:-}" ]; then
  set -- $FAILALLOC_ONLY
  ICP_FAIL_ALLOC_TRACE= run "$1" "$2"
  echo "exit $?"
  cat "$T/$1.err"
  exit 0
fi

for cmd in ${FAILALLOC_CMDS:-score score1 scorer scorej check report report_rules enrich}; do
  ICP_ALLOC_COUNT=1 run "$cmd" 0
  st=$?
  total=$(sed -n 's/^icp-alloc-count //p' "$T/$cmd.err" | tail -1)
  if [ "$st" != 0 ] || [ ! -s "$T/$cmd.out" ] || [ -z "$total" ]; then
    ko "$cmd: the run without failure exits 0 with output (exit $st)"
    sed 's/^/    /' "$T/$cmd.err" | head -5
    continue
  fi
  cp "$T/$cmd.out" "$T/ref_$cmd.out"
  stride=${FAILALLOC_STRIDE:-$(( total / 40 > 1 ? total / 40 : 1 ))}
  n=1 runs=0 bad=0 failed_ok=0 badns=
  while [ $n -le "$total" ]; do
    rm -f "$T/trace"
    ICP_FAIL_ALLOC_TRACE=$T/trace run "$cmd" "$n"
    st=$?
    runs=$((runs + 1))
    why=""
    if [ $st -ge 86 ] || grep -q -a -E 'Sanitizer|runtime error' \
         "$T/$cmd.err"; then
      why="crash, leak or undefined behaviour (exit $st)"
    elif [ $st = 0 ] && ! cmp -s "$T/$cmd.out" "$T/ref_$cmd.out"; then
      why="exit 0 with output that differs from the run without failure"
    elif [ $st != 0 ] && [ ! -s "$T/$cmd.err" ] && [ $cmd != check ]; then
      why="exit $st without a word on stderr"
    elif [ $st != 0 ] && [ $cmd = check ] && ! grep -q -a -i \
           'memory' "$T/$cmd.err" "$T/$cmd.out"; then
      why="exit $st without saying it ran out of memory"
    fi
    [ $st != 0 ] && failed_ok=$((failed_ok + 1))
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      badns="$badns $n"
      [ $bad -le 5 ] && { echo "  $cmd, allocation $n: $why";
        grep -a -E 'ERROR|SUMMARY|runtime error|^icp' "$T/$cmd.err" |
          head -6 | sed 's/^/    /'
        # where the failed allocation was made (enrich's order varies
        # with the network, so the same N may not fail there again)
        sed -n 's/.*icp-failalloc(+\(0x[0-9a-f]*\)).*/\1/p' \
          "$T/trace" 2>/dev/null | head -8 |
          xargs -r addr2line -f -s -e "$FICP" | paste - - |
          sed 's/^/    at /'; }
    fi
    n=$((n + stride))
  done
  msg="$cmd: $runs runs (allocations 1..$total, every $stride), $failed_ok reported the failure, no crash, leak or partial success"
  if [ $bad = 0 ]; then ok "$msg"
  else ko "$msg ($bad bad, at allocations$badns; FAILALLOC_ONLY=\"$cmd N\" replays one)"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
