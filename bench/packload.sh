#!/bin/sh
# bench/packload.sh -- loading a rule pack must be linear in its rules
# (issue 13: 46,600 rules took 3.9 s and 4x the rules 15x the time, a
# duplicate-name check that scanned every earlier name). Measures
# `icp check` of a generated pack of 100,000 rules against the same pack
# cut to 10,000 in the same run: goal 100,000 rules in under 2 s and a
# ratio of at most 12x (linear is 10x). Both checks must say they loaded
# every rule (same output but the counts) before a ratio is printed.
# Called by `make bench` from the repo root; binaries in build/.
set -eu
OUT=build/bench/packload
ROUNDS=${BENCH_ROUNDS:-3}
ICP=build/icp
mkdir -p "$OUT"

# N rules of the shapes packs use: field comparisons, lists, a function
# rule every tenth, an exclude every hundredth. Made by a loop in the pack
# (a pack is Lua), as 100,000 rules written out would pass the 4 MiB cap
# on a pack's text.
gen() { # N
  cat <<LUA
profile { name = "big", version = "1", dimensions = { fit = 2, intent = 1 },
  tiers = { {"A", 80}, {"B", 50}, {"C", 0} } }
fields { seats = "number", plan = "string", live = "bool" }
for i = 0, $1 - 1 do
  local d = i % 2 == 1 and "fit" or "intent"
  if i % 10 == 9 then
    rule ("fn" .. i) { dimension = d, points = 1,
      when = function(a) return (a.seats or 0) > i end }
  elseif i % 3 == 0 then
    rule ("r" .. i) { dimension = d, points = 2,
      when = field "seats" :between(i, i + 50) }
  else
    rule ("r" .. i) { dimension = d, points = 1,
      when = field "plan" :one_of { "p" .. i, "q" .. i } }
  end
  if i % 100 == 0 then
    exclude ("x" .. i) { when = field "seats" :lt(-i), reason = "small" }
  end
end
route { default = true, to = "queue" }
LUA
}
gen 10000 >"$OUT/p10k.lua"
gen 100000 >"$OUT/p100k.lua"

# cpu and wall seconds of one check, its output kept in $OUT/N.out
stat() { # N
  build/runstat --stdout "$OUT/$1.out" -- $ICP check "$OUT/p$1.lua" 2>&1 |
    sed -n 's/.*wall_s=\([0-9.]*\).*cpu_s=\([0-9.]*\).*/\1 \2/p'
}
stat 10k >/dev/null
stat 100k >/dev/null
for n in 10k 100k; do # same output but the counts
  sed 's/[0-9][0-9]*/N/g; s/p10*k/pN/' "$OUT/$n.out"
done | uniq -c | awk '$1 != 2 { bad = 1 } END { exit bad }' || {
  echo "  the two checks differ:"; cat "$OUT/10k.out" "$OUT/100k.out"; exit 1; }
grep -q ': ok (big 1: 10000 rules, 100 excludes' "$OUT/10k.out" &&
grep -q ': ok (big 1: 100000 rules, 1000 excludes' "$OUT/100k.out" || {
  echo "  a check did not load every rule:"; cat "$OUT"/*.out; exit 1; }

echo "icp check of 100,000 rules vs 10,000 rules, $ROUNDS rounds (CPU s)"
ratios=""
i=1
while [ $i -le "$ROUNDS" ]; do
  set -- $(stat 10k) $(stat 100k)
  r=$(echo "$4 $2" | awk '{printf "%.2f", $1 / ($2 > 0 ? $2 : 0.001)}')
  echo "  round $i: 10,000 rules ${2}s cpu (${1}s wall)  100,000 rules ${4}s cpu (${3}s wall)  ratio $r"
  ratios="$ratios $r"
  last=$4
  i=$((i + 1))
done
echo "$ratios" | tr ' ' '\n' | grep . | sort -n | awk -v t="$last" '
  { v[NR] = $1 } END { printf "  median ratio 100k/10k: %s (goal <= 12); 100,000 rules in %ss cpu (goal < 2)\n", v[int((NR + 1) / 2)], t }'
