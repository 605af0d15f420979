#!/bin/sh
# tests/fuzz/run.sh SECONDS BIN... -- what `make fuzz` runs: each libFuzzer
# target for SECONDS seconds, starting from its committed seeds
# (tests/fuzz/corpus/NAME, replayed first, so every crasher kept there is a
# regression check) plus what earlier runs found (build/fuzz/corpus/NAME,
# where new inputs go). A crash, leak, UBSan report or timeout fails the run
# and leaves the input as build/fuzz/NAME-crash-*; prints one line per
# target with its executions, and "N passed, N failed" at the end.
set -u
secs=${1:?seconds}
shift
pass=0
fail=0
mkdir -p build/fuzz/logs
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ICP_FUZZ_ENRICHERS=${ICP_FUZZ_ENRICHERS:-build/fuzz/enrichers}
for bin in "$@"; do
  name=$(basename "$bin")
  seeds=tests/fuzz/corpus/$name
  work=build/fuzz/corpus/$name
  log=build/fuzz/logs/$name.log
  mkdir -p "$work" "$seeds"
  extra=
  case $name in # the shipped packs are seeds too
  fuzz_pack|fuzz_providers) extra=rules ;;
  esac
  "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/$name-" "$work" "$seeds" $extra \
    >"$log" 2>&1
  st=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$st" = 0 ]; then
    pass=$((pass + 1))
    printf '  %-20s ok     %10s runs in %ss\n' "$name" "${runs:-?}" "$secs"
  else
    fail=$((fail + 1))
    printf '  %-20s FAILED (exit %s, log %s)\n' "$name" "$st" "$log"
    grep -a -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
      head -8 | sed 's/^/    /'
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
