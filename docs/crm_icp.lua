-- docs/crm_icp.lua -- an ICP for the CRM practice data (docs/validate.md).
--
-- A made-up hardware vendor's view: large, established, US-based software
-- and finance companies are the profile. Columns of the accounts export:
-- account, sector, year_established, revenue (USD millions), employees,
-- office_location, subsidiary_of.

profile {
  name = "crm-enterprise", version = "2026.11.1",
  dimensions = { fit = 70, footprint = 30 },
  tiers = { {"A", 75}, {"B", 50}, {"C", 25}, {"D", 0} },
}

fields { sector = "string", revenue = "number", office_location = "string",
         subsidiary_of = "string", year_established = "number" }

-- Big buyers order in volume.
rule "large_company" { dimension = "fit", points = 30, when = field "employees" :gte(1000) }

-- Sectors that buy our high-end series.
rule "target_sector" { dimension = "fit", points = 25,
  when = field "sector" :one_of { "software", "technolgy", "finance" } }

-- Revenue over a billion: budget for the high-end series.
rule "big_revenue" { dimension = "fit", points = 15, when = field "revenue" :gte(1000) }

-- Our sales teams cover the US.
rule "us_based" { dimension = "footprint", points = 20, when = field "office_location" :eq "United States" }

-- Established companies have procurement in place.
rule "established" { dimension = "footprint", points = 10, when = field "year_established" :lte(2000) }

-- Fit down the rows, footprint across: "big and right sector, far away" and
-- "small but local" are different plays (icp report draws the grid).
grade { rows = { dimension = "fit", cuts = { {"A", 70}, {"B", 40}, {"C", 0} } },
        cols = { dimension = "footprint", cuts = { {"1", 60}, {"2", 0} } } }

route { tier = "A", to = "ae-senior", sla_hours = 4 }
route { grade = "A*", to = "ae", sla_hours = 24 }   -- fit but not tier A
route { default = true, to = "sdr", sla_hours = 72 }
