#!/bin/sh
# bench/serve.sh [ICP] -- `icp serve` under load (wrk, Debian), against
# references measured in the same run (DESIGN §8):
#
#   1. single-account POST /v1/score requests over 32 keep-alive
#      connections: requests/s and p50/p99 latency of
#        - the transport: libmicrohttpd set up as icp serve sets it up,
#          answering the same bytes as a constant (bench/serve/mhd_const.c)
#        - icp serve --threads 2 --quiet
#        - the lighttpd recipe (contrib/lighttpd/, server.max-worker = 2)
#      in BENCH_ROUNDS alternating rounds, medians reported (goals: icp
#      ahead of lighttpd, >= 0.7x the transport);
#   2. icp serve at about half its peak rate (wrk's per-connection delay):
#      the achieved rate and p99 (goal: p99 under 5 ms);
#   3. batches of 1,000 accounts per request: accounts/s against `icp
#      score` of a 100,000-account JSONL file, in BENCH_ROUNDS alternating
#      rounds (goal: >= 0.5x).
# Beside each rate, the server's CPU time per request (from /proc): on a
# machine shared with other jobs the rates move with their load, the CPU
# per request much less. The load average is printed before and after.
# Every server's answer is checked byte for byte against `icp score`
# before a ratio is printed. Knobs: BENCH_SERVE_SECONDS (5),
# BENCH_ROUNDS (3), BENCH_SERVE_THREADS (2). Exit status: 0 ok (goals are
# reported, not enforced), 1 a tool is missing, a server did not start or
# an answer differs.
set -u
ICP=${1:-build/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/bench/serve
SECS=${BENCH_SERVE_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_SERVE_THREADS:-2}
ASOF=2026-11-01
DATA=$ROOT/tests/data/accounts.jsonl
mkdir -p "$OUT" || exit 1
cd "$OUT" || exit 1
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done' EXIT INT TERM
die() { echo "bench/serve.sh: $*" >&2; exit 1; }
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

command -v wrk >/dev/null 2>&1 || die "wrk is not installed (make deps)"
[ -x "$ICP" ] || die "$ICP is missing (make)"
cc -O2 "$ROOT/bench/serve/mhd_const.c" $(pkg-config --cflags --libs libmicrohttpd) \
  -lpthread -o mhd_const || die "cannot build the constant server"

# the request and the answer every server must give
sed -n 1p "$DATA" >one.jsonl
"$ICP" score --rules "$ROOT/rules/b2b_saas.lua" --as-of $ASOF one.jsonl 2>/dev/null |
  sed 's/"source":"[^"]*"/"source":"request"/' >want_one.txt
{ printf '['; sed -n '1,1000p' "$DATA" | paste -sd, -; printf ']'; } >batch.json
"$ICP" score --rules "$ROOT/rules/b2b_saas.lua" --as-of $ASOF "$DATA" 2>/dev/null |
  sed -n '1,1000p' | sed 's/"source":"[^"]*:\([0-9]*\)"/"source":"request:\1"/' >want_batch.txt

poll() { # URL: until it answers
  i=0
  until curl -s -o /dev/null "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 400 ] && return 1; sleep 0.05
  done
}
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# icp serve
"$ICP" serve --rules "$ROOT/rules/b2b_saas.lua" --as-of $ASOF --threads "$THREADS" \
  --quiet --listen 127.0.0.1:0 2>icp.log &
IPID=$!; PIDS="$PIDS $IPID"
i=0; IPORT=
while [ -z "$IPORT" ] && [ $i -lt 400 ]; do
  IPORT=$(sed -n 's/^icp serve: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' icp.log 2>/dev/null)
  [ -n "$IPORT" ] || { i=$((i + 1)); sleep 0.05; }
done
[ -n "$IPORT" ] && poll "http://127.0.0.1:$IPORT/healthz" || die "icp serve did not start"
# the transport, answering the same bytes
./mhd_const want_one.txt "$THREADS" >const.log &
CPID=$!; PIDS="$PIDS $CPID"
i=0; CPORT=
while [ -z "$CPORT" ] && [ $i -lt 400 ]; do
  CPORT=$(sed -n 's/^port \([0-9]*\)/\1/p' const.log 2>/dev/null)
  [ -n "$CPORT" ] || { i=$((i + 1)); sleep 0.05; }
done
[ -n "$CPORT" ] && poll "http://127.0.0.1:$CPORT/" || die "the constant server did not start"
# the lighttpd recipe
LPORT=
if command -v lighttpd >/dev/null 2>&1 && [ -f /usr/lib/lighttpd/mod_magnet.so ]; then
  LPORT=$(freeport)
  cat >lighttpd.conf <<CONF
server.document-root = "$OUT"
server.bind = "127.0.0.1"
server.port = $LPORT
server.max-worker = $THREADS
server.errorlog = "$OUT/lighttpd.err"
var.icp_contrib = "$ROOT/contrib/lighttpd"
include "$ROOT/contrib/lighttpd/icp.conf"
CONF
  # its own session: a lighttpd with workers signals its process group
  ICP_PACK=$ROOT/rules/b2b_saas.lua ICP_AS_OF=$ASOF ICP_CPATH="$ROOT/build/?.so" \
    setsid lighttpd -D -f lighttpd.conf &
  LPID=$!; PIDS="$PIDS $LPID"
  poll "http://127.0.0.1:$LPORT/" || die "lighttpd did not start"
else
  echo "lighttpd recipe: skipped (lighttpd or mod_magnet not installed)"
fi

# equal answers before any ratio
curl -s --data-binary @one.jsonl "http://127.0.0.1:$IPORT/v1/score" >got_icp.txt
cmp -s got_icp.txt want_one.txt || die "icp serve's answer differs from icp score's line"
if [ -n "$LPORT" ]; then
  curl -s --data-binary @one.jsonl "http://127.0.0.1:$LPORT/v1/score" >got_l.txt
  cmp -s got_l.txt want_one.txt || die "the lighttpd recipe's answer differs from icp score's line"
fi
curl -s --data-binary @batch.json "http://127.0.0.1:$IPORT/v1/score" | sed '1d;$d;s/,$//' >got_batch.txt
cmp -s got_batch.txt want_batch.txt || die "icp serve's batch answer differs from icp score's lines"
echo "answers checked: icp serve${LPORT:+, lighttpd recipe} and the constant body equal the icp score line"

cat >post.lua <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("BODY"), "rb"):read("*a")
local d = tonumber(os.getenv("DELAY_MS") or "0")
if d > 0 then function delay() return d end end
LUA

# wrk NAME URL CONNS [BODY]: sets RPS P50 P99 (ms), checks errors
ms() { # wrk latency text (12.5us, 1.2ms, 1.1s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
HZ=$(getconf CLK_TCK)
# ticks PID [session]: CPU ticks (user + system) of PID, or of every
# process of the session PID leads (lighttpd and its workers)
ticks() {
  if [ "${2:-}" = session ]; then
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v s="$1" '$6 == s { t += $14 + $15 } END { print t + 0 }'
  else
    awk '{ print $14 + $15 }' "/proc/$1/stat"
  fi
}
# run NAME URL CONNS BODY PID [session]: sets RPS, P50, P99 (ms) and CPU,
# the server's CPU microseconds per request; checks errors
run() {
  T0=$(ticks "$5" "${6:-}")
  BODY=$4 wrk -t2 -c"$3" -d"${SECS}s" --latency -s post.lua "$2/v1/score" >"wrk_$1.txt" 2>&1
  T1=$(ticks "$5" "${6:-}")
  if grep -q -E 'Non-2xx|Socket errors' "wrk_$1.txt"; then
    cat "wrk_$1.txt" >&2; die "$1: errors under load"
  fi
  RPS=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "wrk_$1.txt")
  P50=$(ms "$(awk '$1 == "50%" { print $2 }' "wrk_$1.txt")")
  P99=$(ms "$(awk '$1 == "99%" { print $2 }' "wrk_$1.txt")")
  CPU=$(awk -v a="$T0" -v b="$T1" -v hz="$HZ" '/ requests in / { n = $1 } END { printf "%.1f", (b - a) / hz * 1e6 / n }' "wrk_$1.txt")
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

c_r=""; c_5=""; c_9=""; c_c=""; i_r=""; i_5=""; i_9=""; i_c=""
l_r=""; l_5=""; l_9=""; l_c=""
r=1
while [ $r -le "$ROUNDS" ]; do
  run const "http://127.0.0.1:$CPORT" 32 one.jsonl "$CPID"
  c_r="$c_r $RPS"; c_5="$c_5 $P50"; c_9="$c_9 $P99"; c_c="$c_c $CPU"
  run icp "http://127.0.0.1:$IPORT" 32 one.jsonl "$IPID"
  i_r="$i_r $RPS"; i_5="$i_5 $P50"; i_9="$i_9 $P99"; i_c="$i_c $CPU"
  if [ -n "$LPORT" ]; then
    run lighttpd "http://127.0.0.1:$LPORT" 32 one.jsonl "$LPID" session
    l_r="$l_r $RPS"; l_5="$l_5 $P50"; l_9="$l_9 $P99"; l_c="$l_c $CPU"
  fi
  echo "round $r: transport $c_r | icp serve $i_r | lighttpd $l_r (requests/s so far)"
  r=$((r + 1))
done
CR=$(echo "$c_r" | median); IR=$(echo "$i_r" | median); LR=$(echo "$l_r" | median)
CC=$(echo "$c_c" | median); IC=$(echo "$i_c" | median); LC=$(echo "$l_c" | median)
echo
echo "single-account requests, 32 keep-alive connections, $THREADS server threads, medians of $ROUNDS rounds of ${SECS}s"
echo "(load average before: $LOAD0; CPU = the server's CPU time per request):"
printf '  %-34s %9.0f requests/s  p50 %6s ms  p99 %6s ms  CPU %5s us\n' "transport (libmicrohttpd, constant)" "$CR" "$(echo "$c_5" | median)" "$(echo "$c_9" | median)" "$CC"
printf '  %-34s %9.0f requests/s  p50 %6s ms  p99 %6s ms  CPU %5s us\n' "icp serve" "$IR" "$(echo "$i_5" | median)" "$(echo "$i_9" | median)" "$IC"
[ -n "$LPORT" ] && printf '  %-34s %9.0f requests/s  p50 %6s ms  p99 %6s ms  CPU %5s us\n' "lighttpd recipe (mod_magnet)" "$LR" "$(echo "$l_5" | median)" "$(echo "$l_9" | median)" "$LC"
awk -v i="$IR" -v c="$CR" -v ic="$IC" -v cc="$CC" 'BEGIN { printf "  icp serve / transport: %.2fx requests/s (goal >= 0.70x); %.2fx the CPU per request\n", i / c, ic / cc }'
[ -n "$LPORT" ] && awk -v i="$IR" -v l="$LR" -v ic="$IC" -v lc="$LC" 'BEGIN { printf "  icp serve / lighttpd recipe: %.2fx requests/s (goal > 1x); %.2fx the CPU per request\n", i / l, ic / lc }'

# about half the peak rate: per-connection delay D with enough connections
HALF=$(awk -v r="$IR" 'BEGIN { printf "%d", r / 2 }')
CONNS=$(awk -v h="$HALF" 'BEGIN { c = int(h * 0.004 + 0.999); if (c < 1) c = 1; if (c > 512) c = 512; print c }')
DELAY_MS=3 run half "http://127.0.0.1:$IPORT" "$CONNS" one.jsonl "$IPID"
echo "icp serve at about half the peak ($HALF requests/s asked: $CONNS connections, 3 ms apart): $(printf '%.0f' "$RPS") requests/s, p50 $P50 ms, p99 $P99 ms (goal p99 < 5 ms)"
DELAY_MS=3 run half_const "http://127.0.0.1:$CPORT" "$CONNS" one.jsonl "$CPID"
echo "  the transport at the same rate: $(printf '%.0f' "$RPS") requests/s, p50 $P50 ms, p99 $P99 ms (what this machine allows now)"

# batches of 1,000 accounts against icp score of a file, alternating
awk '{ for (k = 0; k < 50; k++) print }' "$DATA" >file.jsonl
f_a=""; f_c=""; b_a=""; b_c=""
r=1
while [ $r -le "$ROUNDS" ]; do
  # wall time, and CPU ticks of the finished child (the shell's cutime)
  FT=$(sh -c 't0=$(date +%s.%N); "$0" score --rules "$1" --as-of "$2" file.jsonl >file.out 2>/dev/null
        t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" "{ print b - a, \$16 + \$17 }" /proc/$$/stat' \
        "$ICP" "$ROOT/rules/b2b_saas.lua" $ASOF)
  [ "$(wc -l <file.out)" = 100000 ] || die "icp score of the file failed"
  f_a="$f_a $(echo "$FT" | awk '{ printf "%.0f", 100000 / $1 }')"
  f_c="$f_c $(echo "$FT" | awk -v hz="$HZ" '{ printf "%.2f", $2 / hz * 1e6 / 100000 }')"
  run batch "http://127.0.0.1:$IPORT" 4 batch.json "$IPID"
  b_a="$b_a $(awk -v r="$RPS" 'BEGIN { printf "%.0f", r * 1000 }')"
  b_c="$b_c $(awk -v c="$CPU" 'BEGIN { printf "%.2f", c / 1000 }')"
  r=$((r + 1))
done
FILE_APS=$(echo "$f_a" | median); BATCH_APS=$(echo "$b_a" | median)
FILE_CPU=$(echo "$f_c" | median); BATCH_CPU=$(echo "$b_c" | median)
echo "batches of 1,000 accounts (4 connections): $BATCH_APS accounts/s, CPU $BATCH_CPU us per account; icp score of a 100,000-account JSONL file: $FILE_APS accounts/s, CPU $FILE_CPU us per account (medians of $ROUNDS)"
awk -v b="$BATCH_APS" -v f="$FILE_APS" -v bc="$BATCH_CPU" -v fc="$FILE_CPU" 'BEGIN { printf "  icp serve batches / icp score file: %.2fx accounts/s (goal >= 0.5x); %.2fx the CPU per account\n", b / f, bc / fc }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
