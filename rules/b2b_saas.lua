-- rules/b2b_saas.lua — Ideal Customer Profile for a mid-market B2B SaaS motion.
--
-- Who we sell to: software-minded companies of 50 to 2,000 people that
-- already run on a cloud or data platform, have a buying process under way
-- (budget, timeline, a decision maker in the loop) and have engaged with us
-- recently. Tested by rules/b2b_saas_test.lua; change both together.
--
-- Weights equal each dimension's maximum points (50 + 30 + 20 = 100), so a
-- composite score reads as "points earned out of 100".

profile {
  name = "b2b-saas-midmarket", version = "2026.11.1",
  dimensions = { fit = 50, readiness = 30, engagement = 20 },  -- relative weights
  tiers = { {"A", 80}, {"B", 60}, {"C", 40}, {"D", 0} },        -- composite >= threshold, first match
}

-- CRM columns that are not part of the canonical account schema.
fields {
  budget_confirmed = "bool", timeline_set = "bool", decision_maker_engaged = "bool",
  demo_attended = "bool", content_downloads = "number", rfi_completed = "bool",
  last_activity_date = "date",
}

---------------------------------------------------------------------------
-- Fit (50): is this the kind of company we win and keep?
---------------------------------------------------------------------------

-- Mid-market: big enough to pay for a platform, small enough for a short cycle.
rule "size_sweet_spot" { dimension = "fit", points = 20, when = field "employees" :between(50, 2000) }

-- Verticals with the best win rate and retention in our closed-won history.
rule "target_industry" { dimension = "fit", points = 15,
  when = field "industry" :one_of { "Software", "Financial Services", "Healthcare" } }

-- Our product plugs into these cloud and data platforms; integration is day one.
rule "cloud_data_stack" { dimension = "fit", points = 15,
  when = field "tech" :has_any { "Amazon Web Services", "Google Cloud", "Microsoft Azure", "Snowflake", "Databricks" } }

---------------------------------------------------------------------------
-- Readiness (30): is there a buying process? (BANT-style flags set by sales)
---------------------------------------------------------------------------

-- Money is set aside: deals without budget stall in procurement.
rule "budget_confirmed" { dimension = "readiness", points = 10, when = field "budget_confirmed" :is_true() }

-- A go-live date exists, so the deal has a reason to close this quarter.
rule "timeline_set" { dimension = "readiness", points = 10, when = field "timeline_set" :is_true() }

-- Someone who can sign is talking to us, not only a champion.
rule "decision_maker_engaged" { dimension = "readiness", points = 10, when = field "decision_maker_engaged" :is_true() }

---------------------------------------------------------------------------
-- Engagement (20): are they talking to us now? Interest fades, so every
-- engagement signal loses half its points per 30 days since the last activity.
---------------------------------------------------------------------------

-- A demo is the strongest intent signal marketing can see.
rule "demo_attended" { dimension = "engagement", points = 10, when = field "demo_attended" :is_true(),
  decay = { date = "last_activity_date", half_life_days = 30 } }

-- Three or more downloads means research, not a stray click.
rule "content_engaged" { dimension = "engagement", points = 5, when = field "content_downloads" :gte(3),
  decay = { date = "last_activity_date", half_life_days = 30 } }

-- A completed request for information puts us on a shortlist.
rule "rfi_completed" { dimension = "engagement", points = 5, when = field "rfi_completed" :is_true(),
  decay = { date = "last_activity_date", half_life_days = 30 } }

---------------------------------------------------------------------------
-- Negative ICP: never route these, whatever they score.
---------------------------------------------------------------------------

-- Micro-businesses churn within a year and cost more to serve than they pay.
exclude "too_small" { when = field "employees" :lt(10), reason = "fewer than 10 employees" }

-- Public-sector procurement needs certifications we do not hold yet.
exclude "wrong_industry" { when = field "industry" :one_of { "Government", "Education" },
  reason = "public sector and education are served by partners" }

-- Competitors sign up to look at the product; keep them out of the pipeline.
exclude "competitor" { when = field "domain" :one_of { "rivalsoft.com", "competeco.io" },
  reason = "known competitor" }

---------------------------------------------------------------------------
-- Routing: the best accounts get senior sellers and the fastest response.
---------------------------------------------------------------------------

route { tier = "A", to = "ae-senior", sla_hours = 1 }
route { tier = "B", to = "ae", sla_hours = 24 }
route { tier = "C", to = "sdr", sla_hours = 48 }
route { default = true, to = "nurture" }
