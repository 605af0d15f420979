#!/bin/sh
# tests/e2e/ingest.sh ICP -- real exports in, CRM-ready results out:
# header recognition (HubSpot and Salesforce exports of the sample
# accounts score exactly as the canonical file), the value normaliser on
# input cells, account keys (issue 13), --columns, --keep, the CSV columns
# and the output checks, and the warnings with their exit status.
# Prints "ok - ..." or "FAIL - ..." per assertion and a totals line.
set -u
ICP=${1:?usage: ingest.sh path/to/icp}
case $ICP in /*) ;; *) ICP=$(pwd)/$ICP ;; esac
R=$(pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_ingest.XXXXXX") || exit 1
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
has() { grep -q -F -- "$2" "$1"; }
hasnt() { ! grep -q -F -- "$2" "$1"; }
count() { grep -c -F -- "$2" "$1"; }
same() { cmp -s "$1" "$2"; }
AS_OF="--as-of 2026-11-01"

# A pack that reads every canonical field the exports carry, so that a
# value read differently anywhere changes a score.
cat > wide.lua <<'LUA'
profile { name = "wide", version = "1", dimensions = { fit = 1, act = 1 },
  tiers = { {"A", 60}, {"B", 35}, {"C", 15}, {"D", 0} } }
fields { budget_confirmed = "bool", timeline_set = "bool",
  decision_maker_engaged = "bool", demo_attended = "bool",
  content_downloads = "number", rfi_completed = "bool",
  last_activity_date = "date" }
rule "size" { dimension = "fit", field = "employees",
  bands = { {0, 49, 1}, {50, 999, 5}, {1000, 4999, 7}, {5000, nil, 3} } }
rule "rev" { dimension = "fit", field = "revenue_usd",
  bands = { {0, 999999, 1}, {1000000, 49999999, 6}, {50000000, nil, 4} } }
rule "us_uk_de" { dimension = "fit", points = 5,
  when = field "country" :one_of { "US", "GB", "DE" } }
rule "young" { dimension = "fit", points = 3, when = field "founded_year" :gte(2015) }
rule "funded" { dimension = "fit", points = 4, when = field "funding_total_usd" :gt(20000000) }
rule "stage" { dimension = "fit", points = 2, when = field "funding_stage" :one_of { "series_b", "series_c" } }
rule "fresh_money" { dimension = "act", points = 5, when = field "last_funding_date" :within_days(400) }
rule "aws" { dimension = "fit", points = 3, when = field "tech" :has "Amazon Web Services" }
rule "crm_cat" { dimension = "fit", points = 2, when = field "tech_categories" :has "CRM" }
rule "hiring" { dimension = "act", points = 3, when = field "open_jobs" :gte(10) }
rule "seen" { dimension = "act", points = 2, when = field "updated_at" :within_days(120) }
rule "named" { dimension = "fit", points = 1, when = field "name" :contains "Data" }
rule "city" { dimension = "fit", points = 1, when = field "city" :one_of { "Berlin", "Boston" } }
rule "ind" { dimension = "fit", points = 2, when = field "industry" :one_of { "Software" } }
rule "budget" { dimension = "act", points = 4, when = field "budget_confirmed" :is_true() }
rule "demo" { dimension = "act", points = 4, when = field "demo_attended" :is_true(),
  decay = { date = "last_activity_date", half_life_days = 60 } }
rule "content" { dimension = "act", points = 2, when = field "content_downloads" :gte(3) }
rule "active" { dimension = "act", points = 2, when = field "last_activity_date" :within_days(90) }
exclude "tiny" { when = field "employees" :lt(5), reason = "fewer than 5 employees" }
route { tier = "A", to = "ae", sla_hours = 4 }
route { default = true, to = "nurture" }
LUA

# ---- the same 2,000 accounts, three ways ----------------------------------
cp "$R/tests/data/accounts.csv" canon.csv
python3 "$R/tests/data/crm_export.py" hubspot < canon.csv > hubspot.csv
python3 "$R/tests/data/crm_export.py" salesforce < canon.csv > salesforce.csv
check "generator: HubSpot export has 2,001 lines" [ "$(wc -l < hubspot.csv)" -eq 2001 ]
check "generator: Salesforce export holds messy values" \
  sh -c 'grep -q "USD " salesforce.csv && grep -q "jane.doe@" salesforce.csv && grep -q "T12:00:00Z" salesforce.csv && grep -q ",Yes," salesforce.csv && grep -q "Deutschland" salesforce.csv'
# the result without its source (file:line differs by file)
strip() { sed 's/,"source":"[^"]*"//' "$1"; }
for pack in "$R/rules/b2b_saas.lua" wide.lua; do
  p=$(basename "$pack" .lua)
  "$ICP" score --rules "$pack" $AS_OF canon.csv > "c_$p.jsonl" 2> "c_$p.err"
  "$ICP" score --rules "$pack" $AS_OF hubspot.csv > "h_$p.jsonl" 2> "h_$p.err"
  hrc=$?
  "$ICP" score --rules "$pack" $AS_OF salesforce.csv > "s_$p.jsonl" 2> "s_$p.err"
  src=$?
  strip "c_$p.jsonl" > c.txt
  strip "h_$p.jsonl" > h.txt
  strip "s_$p.jsonl" > s.txt
  check "$p: HubSpot export scores exactly as the canonical file (exit $hrc)" \
    sh -c "[ $hrc = 0 ] && [ \$(wc -l < c.txt) = 2000 ] && cmp -s c.txt h.txt"
  check "$p: Salesforce export scores exactly as the canonical file (exit $src)" \
    sh -c "[ $src = 0 ] && cmp -s c.txt s.txt"
  check "$p: one line says which header became which field" \
    [ "$(count "s_$p.err" 'salesforce.csv: columns mapped:')" = 1 ]
  check "$p: no cell of the exports was refused" \
    sh -c "! grep -q 'did not fit\|is not' h_$p.err s_$p.err"
done
"$ICP" score --rules wide.lua $AS_OF --threads 3 salesforce.csv 2> s3.err | strip /dev/stdin > s3.txt
check "the Salesforce export scores the same with --threads 3, one mapping line" \
  sh -c "strip() { sed 's/,\"source\":\"[^\"]*\"//' \"\$1\"; }; strip c_wide.jsonl | cmp -s - s3.txt && [ \$(grep -c 'columns mapped' s3.err) = 1 ]"
check "mapping line names synonyms" has s_wide.err "'NumberOfEmployees' -> employees"
check "mapping line names folded headers" has h_wide.err "'Demo Attended' -> demo_attended"
check "Salesforce custom fields (__c) are recognised" has s_wide.err "'Budget_Confirmed__c' -> budget_confirmed"

# ---- header rules ----------------------------------------------------------
printf 'Website,domain,Company Domain Name,Employees\nhttps://a.io,b.io,c.io,10\n' > two.csv
"$ICP" score --rules wide.lua $AS_OF two.csv > two.jsonl 2> two.err
check "an exact canonical name beats a synonym" has two.jsonl '"domain":"b.io"'
check "columns feeding one field are reported once, naming the one used" \
  sh -c "[ \$(grep -c 'both give field domain' two.err) = 2 ] && grep -q \"using 'domain'\" two.err"
printf 'Company,Employees\nAcme,200\n' > nokey.csv
"$ICP" score --rules wide.lua $AS_OF nokey.csv > nokey.jsonl 2> nokey.err
rc=$?
check "no key column: exit status 2" [ "$rc" = 2 ]
check "no key column: one warning naming the file and how to map one" \
  sh -c "[ \$(grep -c 'nokey.csv: no domain column' nokey.err) = 1 ] && grep -q -- '--columns FILE' nokey.err"
# the same on worker threads, and from JSONL, whose keys the workers read
printf '{"name":"Acme","employees":200}\n{"name":"Beta","employees":20}\n' > nokey.jsonl
for t in 1 2; do
  "$ICP" score --rules wide.lua $AS_OF --threads $t nokey.csv > /dev/null 2> nokey$t.err
  rc=$?
  "$ICP" score --rules wide.lua $AS_OF --threads $t nokey.jsonl > /dev/null 2> nokeyj$t.err
  rcj=$?
  check "no key column, --threads $t: exit 2 and the warning, CSV and JSONL" \
    sh -c "[ $rc = 2 ] && [ $rcj = 2 ] && grep -q 'nokey.csv: no domain column' nokey$t.err && grep -q 'nokey.jsonl: no domain column' nokeyj$t.err"
done
# a key column of customer ids (a user's first guess at a churn export)
printf 'customerID,Employees\n7590-VHVEG,200\n5575-GNVDE,20\n' > ids.csv
printf 'customerID,Employees\n7590-VHVEG,200\nacme.io,20\n' > oneid.csv
printf 'columns { domain = "customerID" }\n' > ids.lua
for t in 1 2; do
  "$ICP" score --rules wide.lua $AS_OF --threads $t --columns ids.lua ids.csv > /dev/null 2> ids$t.err
  rc=$?
  check "a key column of no domain, --threads $t: exit 2, each cell and the column named once" \
    sh -c "[ $rc = 2 ] && [ \$(grep -c 'is not a domain' ids$t.err) = 2 ] && [ \$(grep -c 'ids.csv: the domain column (the account key) holds no domain' ids$t.err) = 1 ]"
done
# a file whose only record is bad says so, not that its key holds no domain
printf 'domain,Employees\nacme.io,2\0000\n' > onebad.csv
printf '{"domain":"acme.io","employees":2}x\n' > onebad.jsonl
for f in onebad.csv onebad.jsonl; do
  for t in 1 2; do
    "$ICP" score --rules wide.lua $AS_OF --threads $t $f > /dev/null 2> $f$t.err
    rc=$?
    check "$f, --threads $t: its one bad record is named, nothing of its key, exit 2" \
      sh -c "[ $rc = 2 ] && grep -q '$f:2\\|$f:1' $f$t.err && ! grep -q 'domain' $f$t.err"
  done
done
"$ICP" score --rules wide.lua $AS_OF --columns ids.lua oneid.csv > /dev/null 2> oneid.err
rc=$?
check "a key column with one domain: the bad cell only, exit 0" \
  sh -c "[ $rc = 0 ] && grep -q 'is not a domain' oneid.err && ! grep -q 'holds no domain' oneid.err"

# ---- --columns FILE ----------------------------------------------------------
printf 'Company,Sector,revenue ($M),Headcount\nacme.io,Software,12.5,300\n' > odd.csv
cat > map.lua <<'LUA'
-- one mapping per export source
columns { domain = "Company", industry = "Sector",
          revenue_usd = { from = "revenue ($M)", scale = 1e6 } }
LUA
"$ICP" score --rules wide.lua $AS_OF --columns map.lua --keep revenue_usd,industry odd.csv > odd.jsonl 2> odd.err
rc=$?
check "--columns maps the key and scales a column (exit $rc)" \
  sh -c "[ $rc = 0 ] && grep -q '\"domain\":\"acme.io\"' odd.jsonl && grep -q '\"revenue_usd\":12500000' odd.jsonl"
check "--columns beside the synonym table" has odd.jsonl '"industry":"Software"'
printf '{"Company":"acme.io","Sector":"Software","revenue ($M)":12.5,"Headcount":300}\n{"Company":"b.io","revenue ($M)":"2.5"}\n' > odd.in.jsonl
"$ICP" score --rules wide.lua $AS_OF --columns map.lua --keep revenue_usd odd.in.jsonl > oddj.jsonl 2> oddj.err
rc=$?
check "--columns scales a JSONL key as it does a CSV column (number and text, exit $rc)" \
  sh -c "[ $rc = 0 ] && grep -q '\"domain\":\"acme.io\".*\"revenue_usd\":12500000' oddj.jsonl && grep -q '\"domain\":\"b.io\".*\"revenue_usd\":2500000' oddj.jsonl"
printf 'columns { domain = "Company", industry = "Sectr" }\n' > typo.cols.lua
"$ICP" score --rules wide.lua $AS_OF --columns typo.cols.lua odd.csv > /dev/null 2> typo.cols.err
rc=$?
"$ICP" score --threads 1 --rules wide.lua $AS_OF --columns typo.cols.lua odd.csv > /dev/null 2> /dev/null
rc1=$?
check "--columns: a mapping that fed nothing makes the exit status 2 (threads: exit $rc, one thread: exit $rc1)" \
  sh -c "[ $rc = 2 ] && [ $rc1 = 2 ]"
check "--columns: a column the input lacks is said with a did-you-mean" \
  grep -q "odd.csv:1: --columns typo.cols.lua line 1: industry = \"Sectr\": no such column in the input (did you mean 'Sector'?)" typo.cols.err
"$ICP" score --rules wide.lua $AS_OF --columns typo.cols.lua odd.in.jsonl > /dev/null 2> typoj.err
rc=$?
"$ICP" score --threads 1 --rules wide.lua $AS_OF --columns typo.cols.lua odd.in.jsonl > /dev/null 2> /dev/null
rc1=$?
check "--columns: a mapping no JSONL key matched is said with a did-you-mean, exit 2 (threads: exit $rc, one thread: exit $rc1)" \
  sh -c "[ $rc = 2 ] && [ $rc1 = 2 ] && grep -q \"^--columns typo.cols.lua line 1: industry = \\\"Sectr\\\": no record has a value under that key (did you mean 'Sector'?)\" typoj.err"
check "--columns: a mapping JSONL keys matched is not reported" \
  sh -c "! grep -q 'domain = ' typoj.err && ! grep -q 'no record' oddj.err"
printf 'columns { domian = "Company" }\n' > bad.lua
"$ICP" score --rules wide.lua --columns bad.lua odd.csv > /dev/null 2> bad.err
rc=$?
check "--columns: an unknown field is a located error with a did-you-mean" \
  sh -c "[ $rc = 1 ] && grep -q \"bad.lua:1: columns: unknown field 'domian' (did you mean 'domain'?)\" bad.err"

# ---- values and keys ------------------------------------------------------------
cat > keys.csv <<'CSV'
domain,employees,revenue_usd,country,last_activity_date,demo_attended
https://acme.io/about@team,"1,200",$514405.0,United States,2026-10-01T12:00:00Z,Yes
evil.invalid@169.254.169.254,51-200,$10M-$50M,USA,2026-10-01 12:00:00,no
localhost,12k,2.8%,U.S.,,on
123,x,abc,Narnia,,
foo..bar.io,,,,,
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.io,,,,,
jane@beta.io,,,DEU,,
CSV
"$ICP" score --rules wide.lua $AS_OF --explain keys.csv > keys.jsonl 2> keys.err
check "a URL gives only its host" sh -c 'sed -n 1p keys.jsonl | grep -q "\"domain\":\"acme.io\""'
check "an e-mail gives the part after its single @" sh -c 'sed -n 7p keys.jsonl | grep -q "\"domain\":\"beta.io\""'
for bad in 'evil.invalid@169.254.169.254' localhost "'123'" foo..bar.io aaaaaaaaaa; do
  check "not a hostname: $bad is reported with file:line and column" \
    sh -c "grep -q \"keys.csv:[0-9]*: column 'domain': .*$bad.* is not a domain\" keys.err"
done
check "rows with a refused key are scored without one" \
  [ "$(grep -c '"domain":null' keys.jsonl)" = 5 ]
check "money with separators in the input" has keys.jsonl '"revenue_usd":514405'
check "ranges to midpoints in the input" sh -c 'sed -n 2p keys.jsonl | grep -q "\"employees\":125.5"'
check "12k and percentages" sh -c 'sed -n 3p keys.jsonl | grep -q "\"employees\":12000" && sed -n 3p keys.jsonl | grep -q "\"revenue_usd\":2.8"'
check "country names to alpha-2" sh -c 'sed -n 2p keys.jsonl | grep -q "\"country\":\"US\"" && sed -n 7p keys.jsonl | grep -q "\"country\":\"DE\""'
check "ISO timestamps to dates" has keys.jsonl '"last_activity_date":"2026-10-01"'
check "a cell that still does not fit is reported" has keys.err "column 'country': 'Narnia' is not a country"

printf '{"domain":123,"employees":10}\n{"domain":true}\n{"domain":"ok.io"}\n' > nonstr.jsonl
"$ICP" score --rules wide.lua $AS_OF nonstr.jsonl > nonstr.out 2> nonstr.err
check "a non-string JSON domain is reported, not converted" \
  sh -c "grep -q 'nonstr.jsonl:1: column .domain.: a number is not a domain' nonstr.err && grep -q 'nonstr.jsonl:2: column .domain.: a bool is not a domain' nonstr.err && [ \$(grep -c '\"domain\":null' nonstr.out) = 2 ]"

# invalid UTF-8: reported once per column, written as U+FFFD in CSV and JSONL
printf 'domain,name,city\na.io,Caf\351 One,X\nb.io,Caf\351 Two,Y\311\n' > u8.csv
printf '{"domain":"a.io","name":"Caf\351 One","city":"X"}\n{"domain":"b.io","name":"Caf\351 Two","city":"Y\311"}\n' > u8.jsonl
"$ICP" score --rules wide.lua $AS_OF --keep name,city -o u8c.csv u8.csv 2> u8c.err
"$ICP" score --rules wide.lua $AS_OF --keep name,city -o u8j.csv u8.jsonl 2> u8j.err
check "invalid UTF-8: once per column with its first location (CSV)" \
  sh -c "[ \$(grep -c 'invalid UTF-8' u8c.err) = 2 ] && grep -q \"u8.csv:2: column 'name': invalid UTF-8\" u8c.err && grep -q \"u8.csv:3: column 'city'\" u8c.err"
check "invalid UTF-8: the same report for JSONL" \
  sh -c "[ \$(grep -c 'invalid UTF-8' u8j.err) = 2 ] && grep -q \"u8.jsonl:1: column 'name': invalid UTF-8\" u8j.err"
printf 'Caf\357\277\275 One' > fffd.txt
check "invalid UTF-8: written as U+FFFD, the same from CSV and JSONL input" \
  sh -c "grep -q -F -f fffd.txt u8c.csv && cut -d, -f14- u8c.csv > a && cut -d, -f14- u8j.csv > b && cmp -s a b"

# ---- type errors: a summary per column --------------------------------------------
{ echo "domain,revenue_usd"; i=0; while [ $i -lt 500 ]; do echo "d$i.io,abc$i"; i=$((i + 1)); done; } > types.csv
"$ICP" score --rules wide.lua $AS_OF types.csv > /dev/null 2> types.err
check "type errors: at most 10 single lines" [ "$(grep -c "is not a number" types.err)" -le 11 ]
check "type errors: a per-column summary with the count and the first location" \
  has types.err "types.csv: column 'revenue_usd': 500 cells did not fit, the first at types.csv:2: 'abc0' is not a number"

# ---- results a CRM can load -----------------------------------------------------
"$ICP" score --rules wide.lua $AS_OF --keep "Record ID" -o out.csv hubspot.csv 2> out.err
hdr=$(sed -n 1p out.csv | tr -d '\r')
check "CSV gains sla_hours and as_of" sh -c "echo '$hdr' | grep -q ',source,sla_hours,as_of,'"
check "--keep carries the record id to the CSV" \
  sh -c "echo '$hdr' | grep -q ',Record ID\$' && sed -n 2p out.csv | tr -d '\r' | grep -q ',2026-11-01,9000000002\$'"
"$ICP" score --rules wide.lua $AS_OF --keep "record id" hubspot.csv 2>/dev/null | sed -n 1p > kept.jsonl
check "--keep carries the record id to the JSONL, as text" has kept.jsonl '"kept":{"record id":"9000000002"}'
"$ICP" score --rules wide.lua $AS_OF --keep all --output-format csv salesforce.csv 2>/dev/null | sed -n 1p | tr -d '\r' > all.txt
check "--keep all keeps every input column, --output-format csv on stdout" \
  sh -c "grep -q ',as_of,Id,Website,Name,Industry' all.txt"
printf '{"domain":"a.io","Record ID":"007","x":1}\n{"domain":"b.io","y":2,"Record ID":"008"}\n' > k.jsonl
"$ICP" score --rules wide.lua --keep all --output-format csv k.jsonl 2>/dev/null | tr -d '\r' | cut -d, -f14- > kj.txt
check "--keep all on JSONL: the first record's keys, ids as text" \
  sh -c "[ \"\$(sed -n 1p kj.txt)\" = 'as_of,domain,Record ID,x' ] && sed -n 3p kj.txt | grep -q ',b.io,008,\$'"
"$ICP" score --rules wide.lua --keep nosuch hubspot.csv > /dev/null 2> ks.err
rc=$?
check "--keep naming no column is reported, exit 2" \
  sh -c "[ $rc = 2 ] && grep -q \"hubspot.csv:1: --keep 'nosuch': no such column\$\" ks.err"
"$ICP" score --rules wide.lua --keep "Recrd ID" hubspot.csv > /dev/null 2> kt.err
rc=$?
check "--keep with a typo names the header it is close to, exit 2" \
  sh -c "[ $rc = 2 ] && grep -q \"hubspot.csv:1: --keep 'Recrd ID': no such column (did you mean 'Record ID'?)\" kt.err"
"$ICP" score --rules wide.lua -o out.txt canon.csv > /dev/null 2> ext.err
rc=$?
check "-o with another extension is an error" sh -c "[ $rc = 1 ] && grep -q 'a .csv or a .jsonl' ext.err && [ ! -e out.txt ]"
# a CRM view sorted by score: excluded accounts come after every real A
"$ICP" score --rules wide.lua $AS_OF -o crm.csv canon.csv 2>/dev/null
tail -n +2 crm.csv | tr -d '\r' | awk -F, '{print $2","$3}' | sort -t, -k1,1 -g -r > sorted.txt
check "excluded accounts exist in the sample and show score 0" \
  sh -c "grep -q ',excluded\$' sorted.txt && ! grep ',excluded\$' sorted.txt | grep -qv '^0,'"
check "sorted by score, no excluded account is above a real A" \
  sh -c "first_x=\$(grep -n ',excluded\$' sorted.txt | head -1 | cut -d: -f1); last_a=\$(grep -n ',A\$' sorted.txt | tail -1 | cut -d: -f1); [ -n \"\$last_a\" ] && [ \$first_x -gt \$last_a ]"

# ---- icp explain and icp check ------------------------------------------------
"$ICP" explain --rules wide.lua $AS_OF --domain jane@cobaltrobotics1.io salesforce.csv > ex.txt 2> ex.err
rc=$?
check "explain: one account by domain, exit 0" sh -c "[ $rc = 0 ] && sed -n 1p ex.txt | grep -q '^cobaltrobotics1.io (salesforce.csv:2)'"
check "explain: each rule with its outcome, points and values with their source" \
  has ex.txt "why: rule 'size' fired, +5 of 7 points (employees = 690 from input)"
check "explain: excludes too" has ex.txt "why: exclude 'tiny' not fired"
check "explain: the same account by line" sh -c "'$ICP' explain --rules wide.lua $AS_OF --line 2 salesforce.csv 2>/dev/null | cmp -s - ex.txt"
"$ICP" explain --rules wide.lua --domain nosuch.io canon.csv > /dev/null 2> ex2.err
rc=$?
check "explain: no such account is exit 3" sh -c "[ $rc = 3 ] && grep -q 'no account with domain nosuch.io' ex2.err"
cat > typo.lua <<'LUA'
profile { name = "t", version = "1", dimensions = { fit = 1 },
  tiers = { {"A", 50}, {"B", 0} }, min_covrage = 0.5 }
rule "a" { dimension = "fit", pionts = 5, when = field "employees" :gt(5) }
rule "b" { dimension = "fit", points = 5, when = field "name" :contans("A") }
exclude "x" { when = field "industry" :eq("X"), reasn = "x" }
LUA
"$ICP" check typo.lua > typo.out 2>&1
rc=$?
check "check: unknown keys and predicates are located errors with a did-you-mean" \
  sh -c "[ $rc = 1 ] && grep -q \"typo.lua:1: profile: unknown key 'min_covrage' (did you mean 'min_coverage'?)\" typo.out && grep -q \"typo.lua:3: rule 'a': unknown key 'pionts' (did you mean 'points'?)\" typo.out && grep -q \"typo.lua:4: unknown predicate ':contans' (did you mean ':contains'?)\" typo.out && grep -q \"typo.lua:5: exclude 'x': unknown key 'reasn' (did you mean 'reason'?)\" typo.out"
check "check: goes on and reports the problems in line order" \
  sh -c "grep -v '^warning' typo.out | grep -o 'typo.lua:[0-9]*' | cut -d: -f2 | sort -c -n && [ \$(grep -vc '^warning' typo.out) -ge 5 ]"
cat > field.lua <<'LUA'
profile { name = "f", version = "1", dimensions = { fit = 1 }, tiers = { {"A", 50}, {"B", 0} } }
rule "a" { dimension = "fit", points = 5, when = field "employes" :gt(5) }
route { default = true, to = "x" }
LUA
"$ICP" check field.lua > field.out 2>&1
rc=$?
check "check: a field neither canonical nor declared is a warning with a did-you-mean" \
  sh -c "[ $rc = 0 ] && grep -q \"warning: field.lua:2: rule 'a' reads field 'employes', which is neither canonical nor declared in fields { } (did you mean 'employees'?)\" field.out"
"$ICP" score --rules field.lua canon.csv > /dev/null 2> field.err
rc=$?
check "score: the same field is one warning at the start of the run, exit 2" \
  sh -c "[ $rc = 2 ] && [ \$(grep -c \"reads field 'employes'\" field.err) = 1 ] && sed -n 1p field.err | grep -q 'nor a column of the input (did you mean'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
