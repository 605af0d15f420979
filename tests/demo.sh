#!/bin/sh
# tests/demo.sh -- what `make demo` runs after the build: score the shipped
# sample accounts with rules/b2b_saas.lua, print the tier distribution and
# the top 10 accounts with their reasons, and write the scored files.
set -e
mkdir -p build/demo
echo "== icp check rules/b2b_saas.lua"
build/icp check rules/b2b_saas.lua
echo
echo "== icp score --rules rules/b2b_saas.lua --as-of 2026-11-01 tests/data/accounts.csv"
build/icp score --rules rules/b2b_saas.lua --as-of 2026-11-01 --top 10 \
  -o build/demo/scored.csv tests/data/accounts.csv
build/icp score --rules rules/b2b_saas.lua --as-of 2026-11-01 \
  -o build/demo/scored.jsonl tests/data/accounts.csv
echo
echo "wrote build/demo/scored.csv (for a CRM import) and build/demo/scored.jsonl"
echo "one scored account, explained:"
build/icp score --rules rules/b2b_saas.lua --as-of 2026-11-01 --explain \
  tests/data/accounts.csv | head -1
