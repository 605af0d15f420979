#!/bin/sh
# tests/run.sh -- what `make test` runs, from the repo root, after the
# build: every Criterion unit test binary (ASan+UBSan, leak check on), every
# end-to-end script in tests/e2e/ (given the sanitized icp), and the rule
# pack tests of rules/. Ends with one totals line: "N passed, N failed".
set -u
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ICP=build/asan/icp
pass=0
fail=0
failed=""
log=build/test-logs
mkdir -p "$log"

count() { # name status passed failed
  pass=$((pass + $3))
  fail=$((fail + $4))
  if [ "$2" != 0 ] || [ "$4" != 0 ]; then
    failed="$failed $1"
    [ "$4" = 0 ] && fail=$((fail + 1))
  fi
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
  printf '  %-28s %4s passed %4s failed\n' "$name" "$p" "$f"
  [ "$f" != 0 ] || [ "$st" != 0 ] && sed 's/^/    /' "$log/$name.log" | grep -a -v '^    \[----\]' | tail -40
  count "$name" "$st" "$p" "$f"
done

for t in tests/e2e/*.sh; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .sh)
  sh "$t" "$ICP" >"$log/e2e_$name.log" 2>&1
  st=$?
  line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log/e2e_$name.log" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  p=${p:-0}; f=${f:-0}
  [ -z "$line" ] && f=1
  printf '  %-28s %4s passed %4s failed\n' "e2e/$name" "$p" "$f"
  [ "$f" != 0 ] || [ "$st" != 0 ] && grep -a -E 'FAIL|ERROR|Sanitizer|runtime error' "$log/e2e_$name.log" | head -20 | sed 's/^/    /'
  count "e2e/$name" "$st" "$p" "$f"
done

for t in tests/lua/*.lua; do
  [ -f "$t" ] || continue
  name=$(basename "$t" .lua)
  lua5.4 "$t" >"$log/lua_$name.log" 2>&1
  st=$?
  line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log/lua_$name.log" | tail -1)
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  p=${p:-0}; f=${f:-0}
  [ -z "$line" ] && f=1
  printf '  %-28s %4s passed %4s failed\n' "lua/$name" "$p" "$f"
  [ "$f" != 0 ] || [ "$st" != 0 ] && tail -20 "$log/lua_$name.log" | sed 's/^/    /'
  count "lua/$name" "$st" "$p" "$f"
done

# the shipped packs' own cases
"$ICP" test --as-of 2026-11-01 rules/ >"$log/packs.log" 2>&1
st=$?
line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log/packs.log" | tail -1)
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
p=${p:-0}; f=${f:-0}
[ -z "$line" ] && f=1
printf '  %-28s %4s passed %4s failed\n' "icp test rules/" "$p" "$f"
[ "$f" != 0 ] || [ "$st" != 0 ] && tail -30 "$log/packs.log" | sed 's/^/    /'
count "packs" "$st" "$p" "$f"

# the committed golden snapshot of the sample data
"$ICP" test --golden tests/golden/b2b_saas.jsonl --rules rules/b2b_saas.lua \
  --data tests/data/accounts.csv --as-of 2026-11-01 >"$log/golden.log" 2>&1
st=$?
line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log/golden.log" | tail -1)
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
p=${p:-0}; f=${f:-0}
[ -z "$line" ] && f=1
printf '  %-28s %4s passed %4s failed\n' "golden b2b_saas" "$p" "$f"
[ "$f" != 0 ] || [ "$st" != 0 ] && head -30 "$log/golden.log" | sed 's/^/    /'
count "golden" "$st" "$p" "$f"

[ -n "$failed" ] && echo "failing:$failed (logs in $log/)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
