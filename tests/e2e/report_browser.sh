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
# the meeting-room page: the pack scores the accounts itself (so the page
# knows which fields would move accounts), with a grade grid, routes with
# SLAs and an exclude; validation, diff and discovery beside it
cat > "$T/gp.lua" <<'LUA'
profile { name = "grade", version = "2", dimensions = { fit = 2, size = 1 },
  tiers = { {"A", 40}, {"B", 30}, {"C", 20}, {"D", 0} } }
fields { grade = "string" }
rule "grade_a" { dimension = "fit", points = 100, when = field "grade" :eq "a" }
rule "grade_b" { dimension = "fit", points = 70, when = field "grade" :eq "b" }
rule "grade_c" { dimension = "fit", points = 50, when = field "grade" :eq "c" }
rule "mid_size" { dimension = "size", points = 10, when = field "employees" :between(100, 2000) }
rule "revenue" { dimension = "size", points = 10, when = field "revenue_usd" :gt(1e6) }
exclude "tiny" { when = field "employees" :lt(60), reason = "fewer than 60 employees" }
grade { rows = { dimension = "fit", cuts = { {"A", 40}, {"B", 25}, {"C", 0} } },
        cols = { dimension = "size", cuts = { {"1", 50}, {"2", 0} } } }
route { grade = "A1", to = "ae-senior", sla_hours = 4 }
route { tier = "A", to = "ae", sla_hours = 24 }
route { tier = "B", to = "sdr", sla_hours = 48 }
route { default = true, to = "nurture" }
LUA
# a column with long values (as in real exports) for the discovery labels
"$PY" - "$T/acc.csv" "$T/acc_pm.csv" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
ways = {"a": "Credit card (automatic)", "b": "Bank transfer (automatic)",
        "c": "Mailed check", "d": "Electronic check"}
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0] + ["PaymentMethodOfTheAccount"])
    for r in rows[1:]:
        w.writerow(r + [ways.get(r[2], "Electronic check")])
PYEOF
"$ICP" discover --outcome won --label deal_stage --deals "$T/deals.csv" \
  --key account --per deal --json "$T/disc.json" "$T/acc_pm.csv" \
  > /dev/null 2>&1
check "discover wrote its JSON" [ -s "$T/disc.json" ]
docs="--validate $T/v.json --discover $T/disc.json"
[ -s "$T/d.json" ] && docs="$docs --diff $T/d.json"
# shellcheck disable=SC2086
"$ICP" report --html "$T/report.html" --title "Report <test> & check" \
  --rules "$T/gp.lua" --as-of 2026-09-30 $docs "$T/acc.csv" \
  2> "$T/report.err"
check "icp report exits 0" [ $? = 0 ]
# scored files of two pack versions on one page: a warning
"$ICP" score --rules "$T/gp.lua" "$T/acc.csv" > "$T/s2.jsonl" 2>/dev/null
"$ICP" report --html "$T/mixed.html" $inputs "$T/s2.jsonl" 2> /dev/null
check "scored files of two pack versions get a warning" grep -q \
  'id="packwarn">Warning: the scored accounts come from different pack versions (grade 1: 400 accounts; grade 2: 400 accounts)' \
  "$T/mixed.html"
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

# ---- a check per section of the meeting-room page ------------------------
"$PY" - "$T/dom.html" "$T/disc.json" > "$T/sections.txt" <<'PYEOF'
import json, re, sys
from html.parser import HTMLParser

class P(HTMLParser):
    """Text per element id (sections, the summary) and table rows."""
    def __init__(self):
        super().__init__()
        self.ids = []          # stack of (tag, id)
        self.text = {}         # id -> text
        self.rows = {}         # id -> [[cells]]
        self.row = None
        self.cell = None
    def cur(self):
        return self.ids[-1][1] if self.ids else None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append((tag, a["id"]))
            self.text.setdefault(a["id"], "")
            self.rows.setdefault(a["id"], [])
        if tag == "tr":
            self.row = []
        if tag in ("td", "th"):
            self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        if tag == "tr" and self.row is not None:
            for t, i in self.ids:
                self.rows[i].append(self.row)
            self.row = None
        if self.ids and self.ids[-1][0] == tag:
            self.ids.pop()
    def handle_data(self, d):
        for t, i in self.ids:
            self.text[i] += d
        if self.cell is not None:
            self.cell += d

p = P()
p.feed(open(sys.argv[1]).read())
disc = json.load(open(sys.argv[2]))
T, R = p.text, p.rows
def say(name, ok):
    print(("yes " if ok else "no ") + name)

summ = T.get("summary", "")
say("summary sentences from the data",
    re.search(r"\d+ of 400 accounts are tier A or B \(\d+\.\d%\)", summ) is not None
    and "of the score rests on unknown data, mostly revenue_usd" in summ
    and "ICP accounts win" in summ and re.search(r"Discovery: [1-9][0-9]* of [0-9]+ attributes", summ) is not None)
say("as-of date and input names",
    "As of 2026-09-30" in T.get("asof", "") and
    "acc.csv scored with" in T.get("asof", "") and "disc.json" in T.get("asof", ""))
tiers = [r[0] for r in R.get("score", []) if r and r[0] in
         ("A", "B", "C", "D", "excluded", "insufficient_data", "unranked")]
say("tiers in tier order, excluded last: " + " ".join(tiers[:6]),
    tiers[:5] == ["A", "B", "C", "D", "excluded"])
top = [r for r in R.get("top", []) if r and r[0].isdigit()]
say("top accounts with reasons", len(top) == 10 and all(r[-1] for r in top)
    and all("grade_a" in r[-1] for r in top[:3]))
grades = R.get("grades", [])
say("grade grid: rows A, B, C by columns 1, 2", any(r[:3] == ["row \\ column", "1", "2"]
    for r in grades) and [r[0] for r in grades if r and r[0] in "ABC"][:3] == ["A", "B", "C"])
wl = {r[0]: r for r in R.get("workload", []) if len(r) == 4}
say("workload: accounts and SLA hours per route",
    "ae-senior" in wl and wl["ae-senior"][3] == "4" and wl.get("sdr", [0, 0, 0, ""])[3] == "48"
    and "nurture" in wl)
say("exclusion reasons with counts", any(r[0] == "tiny" and r[1].isdigit()
    and int(r[1]) > 0 for r in R.get("exclusions", [])))
cov = R.get("coverage", [])
say("data coverage: unknown rules and fields to enrich",
    any(r[0] == "revenue" for r in cov) and any(r[0] == "revenue_usd" and int(r[2]) > 0
    for r in cov if len(r) == 4 and r[2].isdigit()))
about = T.get("discover-about", "")
say("discovery names its outcome and data", "won deals" in about and
    "deal_stage" in about and "disc.json" in about)
say("discovery has a legend for its marks", "* = significant" in
    T.get("discover-legend", "").replace("\n", " "))
sig = {}
for a in disc["attributes"]:
    label = a["field"] + (" = " + a["value"] if a.get("value") is not None else "")
    sig.setdefault(label, a["significant"])
rows = [r for r in R.get("discover", []) if len(r) == 7 and r[0] != "attribute"]
agree = [r for r in rows if r[0].split(" *")[0] in sig]
say("discovery marks agree with the JSON's significant (%d rows)" % len(rows),
    len(rows) > 0 and all((r[0].endswith(" *") == (r[6] == "* yes")) for r in rows)
    and all(sig[r[0].split(" *")[0]] == (r[6] == "* yes") for r in agree) and len(agree) >= 4)
flags = T.get("flags", "")
say("validation: standing comparisons read ICP vs non-ICP, no arrow",
    "->" not in flags and "\u2192" not in flags and "non-ICP" in flags)
PYEOF
while read -r res name; do
  check "$name" [ "$res" = yes ]
done < "$T/sections.txt"

# labels not clipped: a copy of the page with a measuring script (the page
# itself has none) lays every chart out in Chromium and lists text that
# falls outside its SVG
"$PY" - "$T/report.html" "$T/measure.html" <<'PYEOF'
import re, sys
h = open(sys.argv[1]).read()
h = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', '', h)
h = h.replace("</body>", """<pre id="clip"></pre><script>
var out = [], n = 0;
document.querySelectorAll("svg").forEach(function (s) {
  var w = s.viewBox.baseVal.width, h = s.viewBox.baseVal.height;
  s.querySelectorAll("text").forEach(function (t) {
    var b = t.getBBox(); n++;
    if (b.width > 0 && !t.getAttribute("transform") &&
        (b.x < -0.5 || b.x + b.width > w + 0.5))
      out.push(t.textContent);
  });
});
document.getElementById("clip").textContent = "measured " + n + " clipped " +
  out.length + ": " + out.join(" | ");
</script></body>""")
open(sys.argv[2], "w").write(h)
PYEOF
PROFILE=$(mktemp -d "${TMPDIR:-/tmp}/icp-chromium-XXXXXX")
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$PROFILE" --virtual-time-budget=5000 --dump-dom \
  "file://$(pwd)/$T/measure.html" > "$T/measure.dom" 2> /dev/null
rm -rf "$PROFILE"
clip=$(grep -o 'measured [0-9]* clipped [0-9]*[^<]*' "$T/measure.dom")
echo "  $clip"
check "no chart label is clipped (measured in Chromium)" sh -c \
  "echo '$clip' | grep -q 'clipped 0:' && ! echo '$clip' | grep -q 'measured 0 '"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
