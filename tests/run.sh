#!/bin/sh
# tests/run.sh -- what `make test` runs, from the repo root, after the
# build: every Criterion unit test binary (ASan+UBSan, leak check on), every
# end-to-end script in tests/e2e/ (given the sanitized icp), the Lua tests
# and the rule pack tests of rules/. What the tests load is sanitized too:
# build/asan/icp.so (ICP_LUA_CPATH; lua5.4 gets libasan preloaded, and e2e
# scripts that run lua5.4 preload $ICP_LUA_PRELOAD) and
# build/asan/enrichers/. Ends with one totals line:
# "N passed, N failed, N skipped"; every skip is listed with its reason
# (a script says "SKIP - reason" and ends "N passed, N failed, N skipped";
# a Criterion test skips with cr_skip_test("reason")).
set -u
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# scripts that run lua5.4 with the module preload ICP_LUA_PRELOAD
export ICP_LUA_CPATH="$(pwd)/build/asan/?.so"
ICP_LUA_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
export ICP_LUA_PRELOAD
ICP=build/asan/icp
pass=0
fail=0
skip=0
failed=""
skips=""
log=build/test-logs
mkdir -p "$log"

count() { # name status passed failed skipped
  pass=$((pass + $3))
  fail=$((fail + $4))
  skip=$((skip + $5))
  if [ "$2" != 0 ] || [ "$4" != 0 ]; then
    failed="$failed $1"
    [ "$4" = 0 ] && fail=$((fail + 1))
  fi
}

# Reads "N passed, N failed[, N skipped]" from a log; prints "p f s" (a
# log without the line counts as one failure).
totals() { # log
  line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
  [ -z "$line" ] && f=1
  echo "${p:-0} ${f:-0} ${s:-0}"
}

# The skip lines of a log (matching pattern), each on a new line after the
# test's name: what the summary lists.
reasons() { # name log pattern
  grep -a -E "$3" "$2" | sed "s|^|\n  $1: |"
}

row() { # name p f s
  printf '  %-28s %4s passed %4s failed' "$1" "$2" "$3"
  [ "$4" != 0 ] && printf ' %4s skipped' "$4"
  printf '\n'
}

for t in build/asan/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  "$t" --jobs 2 >"$log/$name.log" 2>&1
  st=$?
  line=$(grep -a 'Synthesis:' "$log/$name.log" | tail -1)
  p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
  c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
  p=${p:-0}; f=$(( ${f:-0} + ${c:-0} ))
  [ -z "$line" ] && f=1
  s=$(grep -a -c '\[SKIP\]' "$log/$name.log")
  skips="$skips$(reasons "$name" "$log/$name.log" '\[SKIP\]')"
  row "$name" "$p" "$f" "$s"
  [ "$f" != 0 ] || [ "$st" != 0 ] && sed 's/^/    /' "$log/$name.log" | grep -a -v '^    \[----\]' | tail -40
  count "$name" "$st" "$p" "$f" "$s"
done

for t in tests/e2e/*.sh; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .sh)
  sh "$t" "$ICP" >"$log/e2e_$name.log" 2>&1
  st=$?
  set -- $(totals "$log/e2e_$name.log")
  row "e2e/$name" "$1" "$2" "$3"
  [ "$2" != 0 ] || [ "$st" != 0 ] && grep -a -E 'FAIL|ERROR|Sanitizer|runtime error' "$log/e2e_$name.log" | head -20 | sed 's/^/    /'
  count "e2e/$name" "$st" "$1" "$2" "$3"
  skips="$skips$(reasons "e2e/$name" "$log/e2e_$name.log" '^SKIP')"
done

for t in tests/lua/*.lua; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .lua)
  # the sanitized module in the stock interpreter: libasan goes first, and
  # a small quarantine keeps the RSS checks meaningful
  LD_PRELOAD="$ICP_LUA_PRELOAD" ICP="$ICP" \
    ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=4" \
    lua5.4 "$t" >"$log/lua_$name.log" 2>&1
  st=$?
  set -- $(totals "$log/lua_$name.log")
  row "lua/$name" "$1" "$2" "$3"
  [ "$2" != 0 ] || [ "$st" != 0 ] && tail -20 "$log/lua_$name.log" | sed 's/^/    /'
  count "lua/$name" "$st" "$1" "$2" "$3"
  skips="$skips$(reasons "lua/$name" "$log/lua_$name.log" '^SKIP')"
done

# the shipped packs' own cases
"$ICP" test --as-of 2026-11-01 rules/ >"$log/packs.log" 2>&1
st=$?
set -- $(totals "$log/packs.log")
row "icp test rules/" "$1" "$2" "$3"
[ "$2" != 0 ] || [ "$st" != 0 ] && tail -30 "$log/packs.log" | sed 's/^/    /'
count "packs" "$st" "$1" "$2" "$3"

# the committed golden snapshot of the sample data
"$ICP" test --golden tests/golden/b2b_saas.jsonl --rules rules/b2b_saas.lua \
  --data tests/data/accounts.csv --as-of 2026-11-01 >"$log/golden.log" 2>&1
st=$?
set -- $(totals "$log/golden.log")
row "golden b2b_saas" "$1" "$2" "$3"
[ "$2" != 0 ] || [ "$st" != 0 ] && head -30 "$log/golden.log" | sed 's/^/    /'
count "golden" "$st" "$1" "$2" "$3"

[ -n "$skips" ] && printf 'skipped:%s\n' "$skips"
[ -n "$failed" ] && echo "failing:$failed (logs in $log/)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
