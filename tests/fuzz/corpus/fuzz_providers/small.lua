provider "p" { enricher = "http_json", api_key = env "K",
  base_url = "https://x.example", timeout_ms = 100, max_rps = 5 }
enrich { firmographic = { "p" } }
cache { path = "/tmp/x.sqlite" }
