#!/usr/bin/python3
"""bench/peers/score_pandas.py -- rules/b2b_saas.lua written as a
vectorised pandas script (Debian's python3-pandas), for bench/peers.sh.

  score_pandas.py INPUT.csv OUTPUT.csv AS_OF

Reads only the columns the pack reads, computes every rule as a column
operation (no row loop) and writes domain,score,tier. Semantics as DESIGN
section 4: an empty cell is missing and a cell that does not fit its type
is missing; a rule on a missing value earns nothing and an exclude on one
does not exclude; one_of and has_any compare case-insensitively, booleans
are true/false/yes/no in any case; engagement points decay by
0.5 ^ (age / 30) from last_activity_date (none when it is missing or after
AS_OF); s_d = clamp(100 * earned / max, 0, 100); composite = sum(w_d * s_d)
/ sum(w_d); the first tier whose threshold <= the composite rounded to 6
decimals; 'excluded' when an exclude fired.
"""
import sys

import numpy as np
import pandas as pd

WEIGHTS = {"fit": 50, "readiness": 30, "engagement": 20}
MAX = {"fit": 50, "readiness": 30, "engagement": 20}   # positive points
TIERS = [("A", 80), ("B", 60), ("C", 40), ("D", 0)]
TARGET_INDUSTRIES = ["software", "financial services", "healthcare"]
EXCLUDED_INDUSTRIES = ["government", "education"]
COMPETITORS = ["rivalsoft.com", "competeco.io"]
CLOUD_DATA_STACK = (r"(?:^|;)[ \t]*(?:amazon web services|google cloud|"
                    r"microsoft azure|snowflake|databricks)[ \t]*(?:;|$)")
FLAGS = ["budget_confirmed", "timeline_set", "decision_maker_engaged",
         "demo_attended", "rfi_completed"]
COLUMNS = ["domain", "industry", "employees", "tech", "content_downloads",
           "last_activity_date"] + FLAGS


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, as_of = sys.argv[1], sys.argv[2], pd.Timestamp(sys.argv[3])
    # only an empty cell is missing (not pandas' "NA", "null", ...)
    # (few distinct values: as categories, lower() runs once per value)
    df = pd.read_csv(src, usecols=COLUMNS, keep_default_na=False,
                     na_values=[""],
                     dtype={"domain": str, "tech": str, "industry": "category",
                            "last_activity_date": str,
                            **{c: "category" for c in FLAGS}})
    employees = pd.to_numeric(df["employees"], errors="coerce")
    downloads = pd.to_numeric(df["content_downloads"], errors="coerce")
    industry = df["industry"].str.lower()
    flag = {c: df[c].str.lower().isin(["true", "yes"]) for c in FLAGS}

    fit = (20 * employees.between(50, 2000)
           + 15 * industry.isin(TARGET_INDUSTRIES)
           + 15 * df["tech"].str.contains(CLOUD_DATA_STACK, case=False,
                                          regex=True, na=False))
    readiness = 10 * (flag["budget_confirmed"].astype(int)
                      + flag["timeline_set"] + flag["decision_maker_engaged"])
    age = (as_of - pd.to_datetime(df["last_activity_date"], format="%Y-%m-%d",
                                  errors="coerce")).dt.days
    decay = np.where(age > 0, np.power(0.5, age / 30), 1.0)
    engagement = (10 * flag["demo_attended"].astype(int)
                  + 5 * (downloads >= 3) + 5 * flag["rfi_completed"]) * decay

    composite = sum(WEIGHTS[d] * np.clip(100 * earned / MAX[d], 0, 100)
                    for d, earned in (("fit", fit), ("readiness", readiness),
                                      ("engagement", engagement)))
    composite = composite / sum(WEIGHTS.values())
    excluded = ((employees < 10) | industry.isin(EXCLUDED_INDUSTRIES)
                | df["domain"].str.lower().isin(COMPETITORS))
    written = composite.round(6)
    tier = np.select([excluded] + [written >= t for _, t in TIERS],
                     ["excluded"] + [n for n, _ in TIERS], "unranked")
    pd.DataFrame({"domain": df["domain"], "score": composite,
                  "tier": tier}).to_csv(dst, index=False)


if __name__ == "__main__":
    main()
