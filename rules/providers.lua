-- providers.lua -- where account data comes from (DESIGN §6). Copy it next
-- to your data and export the keys; keys never go in this file.
--
--   export CLEARBIT_API_KEY=... PDL_API_KEY=... BUILTWITH_API_KEY=...
--   icp enrich --providers providers.lua accounts.csv -o enriched.csv

-- Clearbit: the richest firmographics; 10 requests/s on most plans.
provider "clearbit" { enricher = "clearbit", api_key = env "CLEARBIT_API_KEY",
  base_url = "https://company.clearbit.com", timeout_ms = 5000, max_rps = 10,
  ttl_days = 30 }

-- People Data Labs: fills what Clearbit left missing; skip weak matches.
provider "pdl" { enricher = "pdl", api_key = env "PDL_API_KEY",
  min_likelihood = 6, max_rps = 10, ttl_days = 30 }

-- BuiltWith: the technologies a company's sites use.
provider "builtwith" { enricher = "builtwith",
  api_key = env "BUILTWITH_API_KEY", max_rps = 5, ttl_days = 14 }

-- An in-house API, mapped field by field with JSON Pointers.
-- provider "inhouse" { enricher = "http_json",
--   url = "https://data.example.com/v1/company?domain={domain}",
--   headers = { ["X-Api-Key"] = env "INHOUSE_KEY" },
--   fields = { employees = "/organization/estimated_num_employees",
--              tech = "/organization/current_technologies/*/name",
--              country = "/organization/country" },
--   not_found = { 404 }, max_rps = 5 }

-- A waterfall per kind: the next provider is asked only for fields that
-- are still missing; values from the input are never overwritten.
enrich { firmographic = { "clearbit", "pdl" },
         technographic = { "builtwith" } }

cache { path = ".icp/cache.sqlite" }
