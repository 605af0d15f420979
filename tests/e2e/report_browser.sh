#!/bin/sh
# tests/e2e/report_browser.sh -- `icp report --html` rendered in headless
# Chromium (Debian's chromium): the page loads without a console error or
# a network request (its Content-Security-Policy is default-src 'none', so
# any fetch would be refused and logged as a console error; the HTML is
# also checked for any external reference), every chart has its marks, a
# title, axis labels and a table beside it, and a screenshot is kept in
# build/e2e-report/report.png. Without chromium the test says SKIP and
# counts as neither passed nor failed. $1 is the icp binary.
set -u
ICP=${1:-build/asan/icp}
GEN=build/gen_deals
FIX=tests/fixtures/validate
T=build/e2e-report
PY=/usr/bin/python3
mkdir -p "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
check() {
  name=$1
  shift
  if "$@"; then ok "$name"; else ko "$name"; fi
}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "SKIP - chromium not installed"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

# the inputs: a validation with drift and A/B, scored accounts, a diff
"$GEN" --accounts 400 --deals 12000 --drift planted \
  --out-accounts "$T/acc.csv" --out-deals "$T/deals.csv"
"$ICP" validate --ab --rules $FIX/grade.lua --vs $FIX/grade_narrow.lua \
  --deals "$T/deals.csv" --accounts "$T/acc.csv" --json "$T/v.json" \
  --quiet > /dev/null 2>&1
check "validate wrote its JSON" [ -s "$T/v.json" ]
"$ICP" score --rules $FIX/grade.lua "$T/acc.csv" > "$T/s.jsonl" 2>/dev/null
inputs="$T/v.json $T/s.jsonl"
if "$ICP" diff --old $FIX/grade.lua --new $FIX/grade_narrow.lua \
     --json "$T/d.json" "$T/acc.csv" > /dev/null 2>&1 && [ -s "$T/d.json" ]
then
  inputs="$inputs $T/d.json"
fi
# shellcheck disable=SC2086
"$ICP" report --html "$T/report.html" --title "Report <test> & check" \
  $inputs 2> "$T/report.err"
check "icp report exits 0" [ $? = 0 ]
check "the page is written" [ -s "$T/report.html" ]
check "no script, no external reference in the page" "$PY" -c '
import re, sys
h = open(sys.argv[1]).read().lower()
bad = [w for w in ("<script", "http:", "https:", "src=", "url(", "@import",
                   "<link", "<iframe", "<img") if w in h]
sys.exit(1 if bad else 0)' "$T/report.html"
check "the title is escaped" grep -q "Report &lt;test&gt; &amp; check" \
  "$T/report.html"

# render: DOM, console log and a screenshot
PROFILE=$(mktemp -d "${TMPDIR:-/tmp}/icp-chromium-XXXXXX")
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
 --disable-background-networking --disable-component-update --disable-sync \
 --disable-extensions --user-data-dir=$PROFILE"
URL="file://$(pwd)/$T/report.html"
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" $FLAGS --enable-logging=stderr --v=0 \
  --dump-dom "$URL" > "$T/dom.html" 2> "$T/chromium.log"
check "chromium renders the page" [ -s "$T/dom.html" ]
check "no console message or error from the page" [ -z "$(grep -E \
  'CONSOLE|Refused to|Uncaught|net::ERR' "$T/chromium.log")" ]
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" $FLAGS --hide-scrollbars --window-size=1240,2600 \
  --screenshot="$T/report.png" "$URL" > /dev/null 2>&1
check "a screenshot is kept ($T/report.png)" [ -s "$T/report.png" ]
rm -rf "$PROFILE"

"$PY" - "$T/dom.html" > "$T/charts.txt" <<'PYEOF'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figs = []      # per figure: [marks, has_title, xlabel, ylabel, table]
        self.stack = []
        self.order = []     # section ids in order
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "section":
            self.order.append(a.get("id"))
        if tag == "figure":
            self.figs.append([0, 0, 0, 0, 0])
        if not self.figs:
            return
        f = self.figs[-1]
        if "mark" in cls:
            f[0] += 1
        if tag == "title":
            f[1] = 1
        if "xlabel" in cls:
            f[2] = 1
        if "ylabel" in cls:
            f[3] = 1
        if tag == "table":
            f[4] = 1

p = P()
p.feed(open(sys.argv[1]).read())
for i, f in enumerate(p.figs):
    print("figure %d marks=%d title=%d xlabel=%d ylabel=%d table=%d" %
          (i, *f))
print("sections " + " ".join(str(s) for s in p.order))
PYEOF
nfig=$(grep -c '^figure' "$T/charts.txt")
check "the page has its charts ($nfig)" [ "$nfig" -ge 7 ]
check "every chart has marks, a title, axis labels and a table" [ -z \
  "$(grep '^figure' "$T/charts.txt" | grep -E 'marks=0|=0( |$)')" ]
check "the review flags come first" grep -q '^sections flags validate' \
  "$T/charts.txt"
check "the heat map of the diff is there (when icp diff ran)" \
  sh -c "! [ -s '$T/d.json' ] || grep -q '^sections.* diff' '$T/charts.txt'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
