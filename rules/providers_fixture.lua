-- providers_fixture.lua -- the providers of tests and benchmarks: every
-- provider points at the loopback fixture server (tests/fixture_server.py),
-- whose address the test puts in ICP_FIXTURE_URL. Keys are fake but, as
-- always, come from the environment.

provider "clearbit" { enricher = "clearbit", api_key = env "CLEARBIT_API_KEY",
  base_url = env "ICP_FIXTURE_URL", timeout_ms = 5000, max_rps = 200,
  ttl_days = 30, max_attempts = 3, backoff_base_ms = 50 }

provider "pdl" { enricher = "pdl", api_key = env "PDL_API_KEY",
  base_url = env "ICP_FIXTURE_URL", min_likelihood = 2, timeout_ms = 5000,
  ttl_days = 30, max_attempts = 3, backoff_base_ms = 50 }

provider "builtwith" { enricher = "builtwith",
  api_key = env "BUILTWITH_API_KEY", base_url = env "ICP_FIXTURE_URL",
  timeout_ms = 5000, ttl_days = 30, max_attempts = 3, backoff_base_ms = 50 }

-- Clearbit first (richest firmographics), PDL fills what it left missing.
enrich { firmographic = { "clearbit", "pdl" },
         technographic = { "builtwith" } }

cache { path = env "ICP_CACHE_PATH" }
