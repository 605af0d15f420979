#!/bin/sh
# tests/e2e/keys.sh ICP -- account keys and text cells (issue 13, item 1),
# each point through `icp score` on CSV and JSONL input: what a key may be
# (labels 1-63, at most 253 bytes, two labels or more, a last label that
# is not a number, no IP literal or localhost, IDN as punycode), where it
# comes from (only the host of a URL, only the part after the single '@'
# of a well-formed address), that a refused key is reported at FILE:LINE
# with the column and the row scored without a key, that a JSON domain of
# another type is reported and never converted, and that invalid UTF-8 in
# a text cell is reported once per column at its first place and written
# as U+FFFD in CSV and JSONL output alike. (tests/e2e/ingest.sh covers the
# same ground on the exports; this file names one check per point.)
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: keys.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_keys.XXXXXX") || exit 1
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
AS_OF="--as-of 2026-11-01"

# the key of line N of out (JSONL, one record per input row, in order)
key() { sed -n "${1}p" out.jsonl | sed -n 's/^{"domain":\([^,]*\),.*/\1/p'; }
# key LINE WANT DESCRIPTION
want() {
  got=$(key "$1")
  check "$3 (line $1: $got)" [ "$got" = "$2" ]
}
# refused FILE LINE TEXT DESCRIPTION: reported at FILE:LINE with the
# column (TEXT as the message shows it: 40 bytes, then "..."), scored
# without a key
refused() {
  check "$4: reported at $1:$2 with the column" \
    grep -q -F "$1:$2: column 'domain': '$3' is not a domain" err
  want $(($2 - 1)) null "$4: scored without a key"
}

L63=$(printf '%063d' 0 | tr 0 a)
L40=$(printf '%040d' 0 | tr 0 a)
# 252 bytes: five labels of 49 and "io"; 254 with "iooo"
L49=$(printf '%049d' 0 | tr 0 b)
LONG="$L49.$L49.$L49.$L49.$L49.io"
B40=$(printf '%040d' 0 | tr 0 b)
# (a run prints ten cell messages, then a summary per column: ten or
# fewer refused keys per file)
{
  echo "domain,employees"
  echo "$L63.io,10"                     # 2: a 63-byte label
  echo "${L63}a.io,10"                  # 3: a 64-byte label
  echo "$LONG,10"                       # 4: 252 bytes
  echo "${LONG}oo,10"                   # 5: 254 bytes
  echo "acme,10"                        # 6: one label
  echo "acme.123,10"                    # 7: a numeric last label
  echo "acme.io1,10"                    # 8: digits and letters: fine
  echo "10.0.0.1,10"                    # 9: an IPv4 literal
  echo "http://[::1]:8080/x,10"         # 10: an IPv6 literal
  echo "localhost,10"                   # 11
  echo "https://app.localhost/,10"      # 12
  echo "bücher.de,10"                   # 13: IDN
} > keys.csv
"$ICP" score --rules "$PACK" $AS_OF keys.csv > out.jsonl 2> err
want 1 "\"$L63.io\"" "a 63-byte label is a label"
refused keys.csv 3 "$L40..." "a 64-byte label"
want 3 "\"$LONG\"" "a 252-byte name is a name"
refused keys.csv 5 "$B40..." "over 253 bytes"
refused keys.csv 6 acme "one label"
refused keys.csv 7 acme.123 "a numeric last label"
want 7 '"acme.io1"' "a last label with a letter is fine"
refused keys.csv 9 10.0.0.1 "an IPv4 literal"
refused keys.csv 10 'http://[::1]:8080/x' "an IPv6 literal"
refused keys.csv 11 localhost "localhost"
refused keys.csv 12 'https://app.localhost/' "a name under localhost"
want 12 '"xn--bcher-kva.de"' "an IDN is written as punycode"
check "the run says how many cells did not fit" \
  grep -q "scored 12 accounts, 8 cells did not fit" err

{
  echo "domain,employees"
  echo "jane@acme.io,10"                # 2: an e-mail address
  echo "Jane <jane@beta.io>,10"         # 3: with a display name
  echo "a@b@acme.io,10"                 # 4: two '@'
  echo "jane doe@acme.io,10"            # 5: a space in the local part
  echo "@acme.io,10"                    # 6: no local part
  echo "https://acme.io/about@team,10"  # 7: '@' in a path
  echo "https://evil.io@beta.io/x,10"   # 8: user info: the host is beta.io
  echo "foo..bar.io,10"                 # 9: an empty label
  echo "acme_corp.io,10"                # 10: an underscore
  echo "-acme.io,10"                    # 11: a hyphen at a label's end
} > keys2.csv
"$ICP" score --rules "$PACK" $AS_OF keys2.csv > out.jsonl 2> err
want 1 '"acme.io"' "an e-mail address gives what follows its @"
want 2 '"beta.io"' "an address with a display name too"
refused keys2.csv 4 'a@b@acme.io' "two @"
refused keys2.csv 5 'jane doe@acme.io' "a malformed address"
refused keys2.csv 6 '@acme.io' "an address without a local part"
want 6 '"acme.io"' "a URL gives its host, not what follows an @ in its path"
want 7 '"beta.io"' "a URL gives its host, not its user info"
refused keys2.csv 9 foo..bar.io "an empty label"
refused keys2.csv 10 acme_corp.io "an underscore"
refused keys2.csv 11 -acme.io "a hyphen at a label's end"

# JSON: a domain that is not a string is reported, never converted
printf '%s\n' '{"domain":123,"employees":10}' '{"domain":true}' \
  '{"domain":["a.io"]}' '{"domain":{"host":"a.io"}}' '{"domain":12.5}' \
  '{"domain":"ok.io"}' > types.jsonl
"$ICP" score --rules "$PACK" $AS_OF types.jsonl > out.jsonl 2> err
n=1
for what in "a number is not a domain" "a bool is not a domain" \
            "an array is not a string" "an object is not a string" \
            "a number is not a domain"; do
  check "JSON line $n: '$what' at its line" \
    grep -q -F "types.jsonl:$n: column 'domain': $what" err
  want $n null "JSON line $n: scored without a key, nothing converted"
  n=$((n + 1))
done
want 6 '"ok.io"' "a JSON string domain is a key"

# invalid UTF-8 in text cells: once per column with its first place, and
# written as U+FFFD in CSV and JSONL output alike, from either input
printf 'domain,industry,city\na.io,Caf\351 One,X\nb.io,Caf\351 Two,Y\377\nc.io,Caf\351 3,Z\377\n' > u8.csv
printf '%b\n' '{"domain":"a.io","industry":"Caf\0351 One","city":"X"}' \
  '{"domain":"b.io","industry":"Caf\0351 Two","city":"Y\0377"}' \
  '{"domain":"c.io","industry":"Caf\0351 3","city":"Z\0377"}' > u8.jsonl
for in in csv jsonl; do
  for out in csv jsonl; do
    "$ICP" score --rules "$PACK" $AS_OF --keep industry,city \
      -o "o_$in.$out" "u8.$in" 2> "e_$in.$out"
  done
  first=2
  [ $in = jsonl ] && first=1
  check "$in input: invalid UTF-8 reported once per column" \
    [ "$(grep -c 'invalid UTF-8' "e_$in.csv")" = 2 ]
  check "$in input: at the first place of each column" \
    sh -c "grep -q \"u8.$in:$first: column 'industry': invalid UTF-8\" e_$in.csv && grep -q \"u8.$in:$((first + 1)): column 'city': invalid UTF-8\" e_$in.csv"
done
printf 'Caf\357\277\275 One' > fffd.txt
check "CSV output: the bad byte is written as U+FFFD" grep -q -F -f fffd.txt o_csv.csv
check "JSONL output: the bad byte is written as U+FFFD" grep -q -F -f fffd.txt o_csv.jsonl
# the kept cells, as each output writes them, are the same text
sed -n 's/.*"kept":{"industry":"\([^"]*\)","city":"\([^"]*\)"}.*/\1,\2/p' \
  o_csv.jsonl > kept_jsonl
tail -n +2 o_csv.csv | tr -d '\r' | awk -F, '{print $(NF-1)","$NF}' > kept_csv
check "CSV and JSONL output write the same text for the same cells" \
  sh -c "[ -s kept_csv ] && [ \$(wc -l < kept_csv) = 3 ] && cmp -s kept_csv kept_jsonl"
# the same cells from JSONL input (the source column names another file)
tail -n +2 o_jsonl.csv | tr -d '\r' | awk -F, '{print $(NF-1)","$NF}' > kept_csv2
check "CSV and JSONL input give the same cells" cmp -s kept_csv kept_csv2
check "no raw invalid byte is written" \
  sh -c "! grep -q -a \"\$(printf '\\351')\" o_csv.csv o_csv.jsonl && ! grep -q -a \"\$(printf '\\377')\" o_csv.csv o_csv.jsonl"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
