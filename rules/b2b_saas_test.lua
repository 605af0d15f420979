-- rules/b2b_saas_test.lua — cases for rules/b2b_saas.lua ("b2b-saas-midmarket").
-- Run with: icp test rules/b2b_saas_test.lua
--
-- Arithmetic (DESIGN §4, "Scoring semantics"): max(fit) = 50, max(readiness)
-- = 30, max(engagement) = 20, weights 50/30/20, so
--   composite = (50 * s_fit + 30 * s_readiness + 20 * s_engagement) / 100
--   with s_d = 100 * earned(d) / max(d), and
--   coverage  = (50 * known(fit)/50 + 30 * known(readiness)/30
--                + 20 * known(engagement)/20) / 100.
-- Engagement rules decay by 0.5 ^ (age_days / 30), age counted from as_of to
-- last_activity_date; a missing or future date means no decay.
-- Every case pins as_of so dates are reproducible.

---------------------------------------------------------------------------
-- Tiers and routes
---------------------------------------------------------------------------

-- fit 20+15+15 = 50/50 -> 100; readiness 30/30 -> 100; engagement
-- (10+5+5) * 0.5^(0/30) = 20/20 -> 100 (activity today, no decay)
-- composite (50*100 + 30*100 + 20*100) / 100 = 100; coverage 1.0
case "ideal account active today scores 100" {
  account = { domain = "northwind.io", employees = 250, industry = "Software",
              tech = { "Amazon Web Services", "HubSpot" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 5, rfi_completed = true,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "A", route = "ae-senior",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "timeline_set", "decision_maker_engaged",
                       "demo_attended", "content_engaged", "rfi_completed" },
             score = { min = 99.99, max = 100.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- employees 2000 is inside between(50, 2000) (inclusive upper bound)
-- fit 50/50 -> 100; readiness 30/30 -> 100; engagement: demo false,
-- downloads 2 < 3, rfi false -> 0/20 -> 0
-- composite (50*100 + 30*100 + 20*0) / 100 = 80 -> A (80 >= 80); coverage 1.0
case "fit and readiness alone reach A exactly at 80" {
  account = { domain = "ledgerline.com", employees = 2000, industry = "Financial Services",
              tech = { "Snowflake" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = false, content_downloads = 2, rfi_completed = false,
              last_activity_date = "2026-10-20" },
  as_of = "2026-11-01",
  expect = { tier = "A", route = "ae-senior",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "timeline_set", "decision_maker_engaged" },
             score = { min = 79.99, max = 80.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- employees 50 is inside between(50, 2000) (inclusive lower bound)
-- fit 50/50 -> 100; readiness 0/30 -> 0; engagement demo 10 * 0.5^0 = 10/20 -> 50
-- composite (50*100 + 30*0 + 20*50) / 100 = 60 -> B; coverage 1.0
case "fit plus a demo today reaches B exactly at 60" {
  account = { domain = "carepath.health", employees = 50, industry = "Healthcare",
              tech = { "Google Cloud" },
              budget_confirmed = false, timeline_set = false, decision_maker_engaged = false,
              demo_attended = true, content_downloads = 0, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "B", route = "ae",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack", "demo_attended" },
             score = { min = 59.99, max = 60.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- no listed platform in tech -> cloud_data_stack not fired; downloads 3 >= 3
-- fit 20+15 = 35/50 -> 70; readiness 0/30 -> 0; engagement 5 * 0.5^0 = 5/20 -> 25
-- composite (50*70 + 30*0 + 20*25) / 100 = 40 -> C; coverage 1.0
case "exactly 40 without a cloud platform is C" {
  account = { domain = "quillsoft.io", employees = 800, industry = "Software",
              tech = { "HubSpot", "Zendesk" },
              budget_confirmed = false, timeline_set = false, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 3, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "C", route = "sdr",
             fired = { "size_sweet_spot", "target_industry", "content_engaged" },
             score = { min = 39.99, max = 40.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- employees 30: not in the sweet spot, not too small; Retail; no platform
-- every rule known and not fired: 0/50, 0/30, 0/20
-- composite 0 -> D (0 >= 0) -> default route; coverage 1.0
case "small retailer with no signals is D and goes to nurture" {
  account = { domain = "corner-goods.shop", employees = 30, industry = "Retail",
              tech = { "Shopify" },
              budget_confirmed = false, timeline_set = false, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 0, rfi_completed = false,
              last_activity_date = "2026-06-01" },
  as_of = "2026-11-01",
  expect = { tier = "D", route = "nurture", fired = { },
             score = { min = -0.01, max = 0.01 }, coverage = { min = 0.99, max = 1.01 } },
}

---------------------------------------------------------------------------
-- Boundaries of the fit rules and of too_small
---------------------------------------------------------------------------

-- employees 2001 is outside between(50, 2000)
-- fit 15+15 = 30/50 -> 60; readiness 20/30 -> 66.667; engagement 0/20 -> 0
-- composite (50*60 + 30*66.667 + 20*0) / 100 = (3000 + 2000) / 100 = 50 -> C
-- coverage 1.0
case "one employee over the sweet spot earns no size points" {
  account = { domain = "bigstack.com", employees = 2001, industry = "Software",
              tech = { "Microsoft Azure" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 1, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "C", route = "sdr",
             fired = { "target_industry", "cloud_data_stack", "budget_confirmed", "timeline_set" },
             score = { min = 49.99, max = 50.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- employees 10: lt(10) is false, so not excluded; below the sweet spot
-- fit 15+15 = 30/50 -> 60; readiness 30/30 -> 100; engagement 20/20 -> 100
-- composite (50*60 + 30*100 + 20*100) / 100 = 80 -> A; coverage 1.0
case "ten employees is not too small and can still be A" {
  account = { domain = "tinyhealth.io", employees = 10, industry = "Healthcare",
              tech = { "Databricks" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 4, rfi_completed = true,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "A", route = "ae-senior",
             fired = { "target_industry", "cloud_data_stack",
                       "budget_confirmed", "timeline_set", "decision_maker_engaged",
                       "demo_attended", "content_engaged", "rfi_completed" },
             score = { min = 79.99, max = 80.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- one_of compares strings case-insensitively: "software" matches "Software"
-- fit 50/50 -> 100; readiness 20/30 -> 66.667; engagement 0/20 -> 0
-- composite (5000 + 30*66.667 + 0) / 100 = (5000 + 2000) / 100 = 70 -> B
-- coverage 1.0
case "industry match ignores case" {
  account = { domain = "lowercase-labs.dev", employees = 700, industry = "software",
              tech = { "Amazon Web Services" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 0, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "B", route = "ae",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "timeline_set" },
             score = { min = 69.99, max = 70.01 }, coverage = { min = 0.99, max = 1.01 } },
}

---------------------------------------------------------------------------
-- Decay of engagement points
---------------------------------------------------------------------------

-- last activity 2026-10-02 is 30 days before as_of: factor 0.5^(30/30) = 0.5
-- fit 50/50 -> 100; readiness 10/30 -> 33.333
-- engagement (10 + 5 + 5) * 0.5 = 10/20 -> 50
-- composite (50*100 + 30*33.333 + 20*50) / 100 = (5000 + 1000 + 1000) / 100 = 70
-- -> B; coverage 1.0
case "activity one half-life ago halves engagement points" {
  account = { domain = "halfway.io", employees = 400, industry = "Software",
              tech = { "Amazon Web Services" },
              budget_confirmed = true, timeline_set = false, decision_maker_engaged = false,
              demo_attended = true, content_downloads = 6, rfi_completed = true,
              last_activity_date = "2026-10-02" },
  as_of = "2026-11-01",
  expect = { tier = "B", route = "ae",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "demo_attended", "content_engaged", "rfi_completed" },
             score = { min = 69.99, max = 70.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- last activity 2026-09-02 is 60 days before as_of: factor 0.5^(60/30) = 0.25
-- fit 50/50 -> 100; readiness 30/30 -> 100
-- engagement demo 10 * 0.25 = 2.5/20 -> 12.5
-- composite (5000 + 3000 + 20*12.5) / 100 = 8250 / 100 = 82.5 -> A; coverage 1.0
case "activity two half-lives ago quarters engagement points" {
  account = { domain = "quarterly.finance", employees = 120, industry = "Financial Services",
              tech = { "Snowflake", "Segment" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 0, rfi_completed = false,
              last_activity_date = "2026-09-02" },
  as_of = "2026-11-01",
  expect = { tier = "A", route = "ae-senior",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "timeline_set", "decision_maker_engaged",
                       "demo_attended" },
             score = { min = 82.49, max = 82.51 }, coverage = { min = 0.99, max = 1.01 } },
}

-- last activity after as_of: no decay
-- fit 50/50 -> 100; readiness 0/30 -> 0; engagement 20/20 -> 100
-- composite (5000 + 0 + 2000) / 100 = 70 -> B; coverage 1.0
case "a future activity date does not decay" {
  account = { domain = "aheadoftime.com", employees = 300, industry = "Healthcare",
              tech = { "Microsoft Azure" },
              budget_confirmed = false, timeline_set = false, decision_maker_engaged = false,
              demo_attended = true, content_downloads = 10, rfi_completed = true,
              last_activity_date = "2026-12-15" },
  as_of = "2026-11-01",
  expect = { tier = "B", route = "ae",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "demo_attended", "content_engaged", "rfi_completed" },
             score = { min = 69.99, max = 70.01 }, coverage = { min = 0.99, max = 1.01 } },
}

-- no last_activity_date: no decay (the decay date is not a predicate, so
-- coverage is unaffected)
-- fit 50/50 -> 100; readiness 10/30 -> 33.333; engagement (5 + 5) = 10/20 -> 50
-- composite (5000 + 30*33.333 + 20*50) / 100 = (5000 + 1000 + 1000) / 100 = 70
-- -> B; coverage 1.0
case "a missing activity date does not decay" {
  account = { domain = "undated.app", employees = 60, industry = "Software",
              tech = { "Google Cloud" },
              budget_confirmed = true, timeline_set = false, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 3, rfi_completed = true },
  as_of = "2026-11-01",
  expect = { tier = "B", route = "ae",
             fired = { "size_sweet_spot", "target_industry", "cloud_data_stack",
                       "budget_confirmed", "content_engaged", "rfi_completed" },
             score = { min = 69.99, max = 70.01 }, coverage = { min = 0.99, max = 1.01 } },
}

---------------------------------------------------------------------------
-- Missing data: unknown outcomes and reduced coverage
---------------------------------------------------------------------------

-- employees, industry, tech missing: all three fit rules unknown, and so are
-- too_small and wrong_industry, which therefore do not exclude
-- fit 0/50 -> 0 (known 0); readiness 30/30 -> 100; engagement 10/20 -> 50
-- composite (0 + 3000 + 1000) / 100 = 40 -> C
-- coverage (50*0/50 + 30*30/30 + 20*20/20) / 100 = 0.5
case "missing firmographics are unknown and halve coverage" {
  account = { domain = "stealth-startup.ai",
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 1, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "C", route = "sdr",
             fired = { "budget_confirmed", "timeline_set", "decision_maker_engaged", "demo_attended" },
             score = { min = 39.99, max = 40.01 }, coverage = { min = 0.49, max = 0.51 } },
}

-- timeline_set, decision_maker_engaged, content_downloads missing: unknown
-- fit 20+15 = 35/50 -> 70 (known 50); readiness 10/30 -> 33.333 (known 10)
-- engagement 0/20 -> 0 (known 10 + 5 = 15)
-- composite (50*70 + 30*33.333 + 0) / 100 = (3500 + 1000) / 100 = 45 -> C
-- coverage (50*50/50 + 30*10/30 + 20*15/20) / 100 = (50 + 10 + 15) / 100 = 0.75
case "partly known readiness and engagement lower coverage" {
  account = { domain = "halfknown.net", employees = 1500, industry = "Software",
              tech = { "HubSpot" },
              budget_confirmed = true, demo_attended = false, rfi_completed = false,
              last_activity_date = "2026-10-25" },
  as_of = "2026-11-01",
  expect = { tier = "C", route = "sdr",
             fired = { "size_sweet_spot", "target_industry", "budget_confirmed" },
             score = { min = 44.99, max = 45.01 }, coverage = { min = 0.74, max = 0.76 } },
}

-- only the domain is known: every rule unknown, no exclude fires
-- 0/50, 0/30, 0/20 -> composite 0 -> D (0 >= 0); coverage 0
case "a domain with no data is D with zero coverage" {
  account = { domain = "nodata.example" },
  as_of = "2026-11-01",
  expect = { tier = "D", route = "nurture", fired = { },
             score = { min = -0.01, max = 0.01 }, coverage = { min = -0.01, max = 0.01 } },
}

---------------------------------------------------------------------------
-- Excludes and precedence (excluded over every tier)
---------------------------------------------------------------------------

-- employees 5 < 10 -> too_small fires; the rest would score 80 (A)
case "fewer than 10 employees is excluded" {
  account = { domain = "microshop.io", employees = 5, industry = "Software",
              tech = { "Amazon Web Services" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 9, rfi_completed = true,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "excluded", route = "disqualified", excluded_by = { "too_small" } },
}

-- industry "Government" -> wrong_industry fires
case "government is excluded" {
  account = { domain = "cityofexample.gov", employees = 900, industry = "Government",
              tech = { "Microsoft Azure" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = false,
              demo_attended = true, content_downloads = 3, rfi_completed = true,
              last_activity_date = "2026-10-30" },
  as_of = "2026-11-01",
  expect = { tier = "excluded", route = "disqualified", excluded_by = { "wrong_industry" } },
}

-- one_of is case-insensitive for excludes too: "education" matches "Education"
case "education in lower case is excluded" {
  account = { domain = "stateuniversity.edu", employees = 300, industry = "education",
              tech = { "Google Cloud" },
              budget_confirmed = false, timeline_set = false, decision_maker_engaged = false,
              demo_attended = false, content_downloads = 0, rfi_completed = false,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "excluded", route = "disqualified", excluded_by = { "wrong_industry" } },
}

-- a competitor with a perfect profile: composite would be 100 (A), but
-- excluded takes precedence over every tier
case "a competitor is excluded even when it would be A" {
  account = { domain = "rivalsoft.com", employees = 250, industry = "Software",
              tech = { "Amazon Web Services" },
              budget_confirmed = true, timeline_set = true, decision_maker_engaged = true,
              demo_attended = true, content_downloads = 5, rfi_completed = true,
              last_activity_date = "2026-11-01" },
  as_of = "2026-11-01",
  expect = { tier = "excluded", route = "disqualified", excluded_by = { "competitor" } },
}

-- all three excludes fire; excluded_by lists them in pack order
case "every exclude that fires is named" {
  account = { domain = "competeco.io", employees = 4, industry = "Government" },
  as_of = "2026-11-01",
  expect = { tier = "excluded", route = "disqualified",
             excluded_by = { "too_small", "wrong_industry", "competitor" } },
}
