#!/bin/sh
# tests/e2e/splits.sh ICP -- input splits and shards: for 50 random cuts
# of a CSV file (quoted newlines, CRLF rows, blank lines, bad rows) and 50
# of a JSONL file, scoring each piece with --byte-range and joining the
# outputs in order gives the whole run's output byte for byte, and the
# bad-record and cell messages (file:line) of the pieces are the whole
# run's; --shard K/N pieces hold every account once, a domain always in
# the same shard. Prints "ok - ..." or "FAIL - ..." and a totals line.
set -u
ICP=${1:?usage: splits.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(pwd)
GEN=$(dirname "$ICP")/../gen_accounts
[ -x "$GEN" ] || GEN=$ROOT/build/gen_accounts
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_splits.XXXXXX") || exit 1
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

PACK=$ROOT/rules/b2b_saas.lua
A="--as-of 2026-11-01"
"$GEN" --count 400 --seed 5 --format csv > base.csv || exit 1
"$GEN" --count 400 --seed 5 --format jsonl > base.jsonl || exit 1
awk -F, 'NR == 1 { print; next }
  NR % 17 == 0 && $2 !~ /"/ { sub(/,[^,]*,/, ",\"Two\nLines, \"\"quoted\"\"\","); print; next }
  NR % 19 == 0 { print $0 ",extra"; next }
  NR % 23 == 0 { printf "%s\r\n", $0; next }
  NR % 29 == 0 { print ""; print; next }
  NR % 31 == 0 { sub(/,[0-9]+,/, ",many,"); print; next }
  { print }' base.csv > in.csv
awk 'NR % 19 == 0 { print "{\"domain\":"; next }
  NR % 29 == 0 { print ""; print; next }
  NR % 31 == 0 { sub(/"employees":[0-9]+/, "\"employees\":\"many\""); print; next }
  { print }' base.jsonl > in.jsonl

# the FILE:LINE messages of a run, in order
msgs() { grep -E '^in\.(csv|jsonl):[0-9]+: ' "$1"; }

# trial FILE SEED: 10 random cut points (some of them on the header, on
# the first byte, inside quoted fields, at the end), pieces scored with 1
# or 2 threads, joined; compared with the whole run.
trial() {
  f=$1
  size=$(wc -c < "$f" | tr -d ' ')
  "$ICP" score --rules "$PACK" $A --threads 1 "$f" > whole.out 2> whole.err
  msgs whole.err > whole.msg
  awk -v n="$size" -v s="$2" 'BEGIN { srand(s); print 0; print n
    for(i = 0; i < 10; i++) print int(rand() * (n + 1)) }' |
    sort -n | uniq > cuts
  : > joined.out
  : > joined.msg
  prev=
  k=0
  while read -r c; do
    if [ -n "$prev" ]; then
      k=$((k + 1))
      "$ICP" score --rules "$PACK" $A --threads $((k % 2 + 1)) \
        --byte-range "$prev:$c" "$f" >> joined.out 2> piece.err
      msgs piece.err >> joined.msg
    fi
    prev=$c
  done < cuts
  cmp -s whole.out joined.out && cmp -s whole.msg joined.msg
}

for s in 1 2 3 4 5; do
  check "CSV: 10 random cuts (seed $s), pieces join to the whole run" \
    trial in.csv $s
done
for s in 1 2 3 4 5; do
  check "JSONL: 10 random cuts (seed $s), pieces join to the whole run" \
    trial in.jsonl $s
done
check "the whole CSV run has bad rows, cell messages and quoted newlines" \
  sh -c "'$ICP' score --rules '$PACK' $A in.csv 2>&1 >/dev/null |
    grep -q 'fields, header' && '$ICP' score --rules '$PACK' $A in.csv \
    2>&1 | grep -q many && grep -q '\"\"quoted' in.csv"

# a range starting inside a quoted field that holds a newline takes the
# next record, not the text after the newline
q=$(grep -b -m1 'Two$' in.csv | cut -d: -f1)
"$ICP" score --rules "$PACK" $A --byte-range "$((q + 5)):" in.csv > tail.out \
  2> /dev/null
"$ICP" score --rules "$PACK" $A --threads 1 in.csv > whole.csv.out 2>/dev/null
check "a cut inside a quoted newline: the rest of the run, from the next record" \
  sh -c "[ -s tail.out ] && ! grep -q Lines tail.out &&
         tail -n \$(wc -l < tail.out) whole.csv.out | cmp -s - tail.out"
check "the record at the cut keeps its file line" \
  sh -c "head -1 tail.out | grep -q '\"source\":\"in.csv:[0-9]*\"' &&
         grep -F -x -q \"\$(head -1 tail.out)\" whole.csv.out"
"$ICP" score --rules "$PACK" $A --byte-range 0:0 in.csv > empty.out 2>&1
check "an empty range scores nothing" test ! -s empty.out
check "--byte-range 5:2 is a usage error" sh -c \
  "'$ICP' score --rules '$PACK' --byte-range 5:2 in.csv >/dev/null 2>&1; [ \$? = 1 ]"

# shards: every account once, same domain same shard
for f in in.csv in.jsonl; do
  "$ICP" score --rules "$PACK" $A "$f" 2> /dev/null | sort > all.sorted
  : > shards
  for k in 0 1 2; do
    "$ICP" score --rules "$PACK" $A --shard $k/3 "$f" > shard$k 2> /dev/null
    cat shard$k >> shards
  done
  check "$f: three shards hold every account once" \
    sh -c "sort shards | cmp -s - all.sorted"
  check "$f: no shard is empty, none holds all" \
    sh -c "[ -s shard0 ] && [ -s shard1 ] && [ -s shard2 ] &&
           [ \$(wc -l < shard0) -lt \$(wc -l < all.sorted) ]"
done
"$ICP" score --rules "$PACK" $A --shard 1/3 --threads 2 in.csv > s2 2>/dev/null
"$ICP" score --rules "$PACK" $A --shard 1/3 --threads 1 in.csv > s1 2>/dev/null
check "a shard is the same with threads" cmp -s s1 s2
printf 'domain,employees\nsame.io,10\nother.io,20\nsame.io,30\nhttps://www.SAME.io/,40\n' > d.csv
for k in 0 1; do
  "$ICP" score --rules "$PACK" $A --shard $k/2 d.csv 2>/dev/null > d$k
done
check "one domain, however written, lands in one shard" \
  sh -c "[ \$(cat d0 d1 | grep -c '\"domain\":\"same.io\"') = 3 ] &&
         { [ \$(grep -c same.io d0) = 0 ] || [ \$(grep -c same.io d1) = 0 ]; }"
check "--shard 3/3 is a usage error" sh -c \
  "'$ICP' score --rules '$PACK' --shard 3/3 in.csv >/dev/null 2>&1; [ \$? = 1 ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
