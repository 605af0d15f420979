-- bench/packs/twenty.lua -- a 20-rule pack over the generated accounts
-- (fit 50, readiness 30, engagement 20; tiers A 80, B 60, C 40, D 0), the
-- shape of issue 16's measurement: readiness is worth 9 points and
-- engagement 6, so sums of points land exactly on the tier thresholds in
-- exact arithmetic (0/x fit, 7/9 readiness, 5/6 engagement is 40) while the
-- weighted mean in doubles comes out a hair below. bench/tiers.sh checks
-- that every written score agrees with its tier.
profile { name = "twenty", version = "1",
  dimensions = { fit = 50, readiness = 30, engagement = 20 },
  tiers = { {"A", 80}, {"B", 60}, {"C", 40}, {"D", 0} } }
fields { budget_confirmed = "bool", timeline_set = "bool",
  decision_maker_engaged = "bool", demo_attended = "bool",
  content_downloads = "number", rfi_completed = "bool",
  last_activity_date = "date" }

-- fit: 11 rules, 30 points
rule "mid_size" { dimension = "fit", points = 4, when = field "employees" :between(50, 2000) }
rule "big" { dimension = "fit", points = 2, when = field "employees" :gt(2000) }
rule "software" { dimension = "fit", points = 4, when = field "industry" :one_of { "Software" } }
rule "finance" { dimension = "fit", points = 2, when = field "industry" :one_of { "Financial Services", "Healthcare" } }
rule "aws" { dimension = "fit", points = 3, when = field "tech" :has "Amazon Web Services" }
rule "data" { dimension = "fit", points = 3, when = field "tech" :has_any { "Snowflake", "Databricks" } }
rule "crm" { dimension = "fit", points = 2, when = field "tech" :has_any { "Salesforce", "HubSpot" } }
rule "north_america" { dimension = "fit", points = 3, when = field "country" :one_of { "US", "CA" } }
rule "revenue" { dimension = "fit", points = 3, when = field "revenue_usd" :gte(10000000) }
rule "private" { dimension = "fit", points = 2, when = field "ownership" :eq "private" }
rule "young" { dimension = "fit", points = 2, when = field "founded_year" :gte(2010) }

-- readiness: 4 rules, 9 points
rule "budget" { dimension = "readiness", points = 3, when = field "budget_confirmed" :is_true() }
rule "timeline" { dimension = "readiness", points = 2, when = field "timeline_set" :is_true() }
rule "dm" { dimension = "readiness", points = 2, when = field "decision_maker_engaged" :is_true() }
rule "hiring" { dimension = "readiness", points = 2, when = field "open_jobs" :gte(5) }

-- engagement: 5 rules, 6 points
rule "demo" { dimension = "engagement", points = 2, when = field "demo_attended" :is_true() }
rule "rfi" { dimension = "engagement", points = 1, when = field "rfi_completed" :is_true() }
rule "content" { dimension = "engagement", points = 1, when = field "content_downloads" :gte(2) }
rule "recent" { dimension = "engagement", points = 1, when = field "last_activity_date" :within_days(90) }
rule "funded" { dimension = "engagement", points = 1, when = field "last_funding_date" :within_days(365) }
route { default = true, to = "nurture" }
