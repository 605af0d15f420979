#!/bin/sh
# bench/run.sh -- `make bench`: every benchmark in bench/, each reporting
# ratios against a reference measured in the same run. Pick some with
# BENCH="score diff" (names of bench/<name>.sh).
set -u
cd "$(dirname "$0")/.."
rc=0
for b in ${BENCH:-score threads tiers messy diff enrich discover validate serve peers packload}; do
  [ -f "bench/$b.sh" ] || continue
  echo "== bench/$b.sh"
  sh "bench/$b.sh" || rc=1
  echo
done
exit $rc
