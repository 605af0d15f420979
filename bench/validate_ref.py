#!/usr/bin/python3
"""bench/validate_ref.py -- the figures of `icp validate` with pandas, as
the reference that bench/validate.sh times in the same run.

    /usr/bin/python3 bench/validate_ref.py ACCOUNTS.csv DEALS.csv [OUT.json]

Inputs are tests/tools/gen_deals.c's files; the pack of the benchmark
(tests/fixtures/validate/grade.lua) makes the tier the account's grade, so
the reference maps grade a-d to tiers A-D (A, B = ICP) instead of running
Lua. It computes what icp computes: per 90-day period (the last ending at
the latest close date) and per tier, ICP, non-ICP and all: deals, won,
lost, win rate with Wilson 95% interval, median won cycle, mean and median
won amount, support per account, churn rate; the whole run; the
two-proportion and Mann-Whitney tests of the drift flags; and the AUC.
Prints a one-line summary and, with OUT.json, writes the whole run's
deals, won and lost per group and the AUC, which bench/validate.sh checks
against icp's before timing either.
"""
import json
import math
import sys

import numpy as np
import pandas as pd
from scipy import stats

Z = stats.norm.isf(0.025)


def wilson(k, n):
    p = k / n
    c = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    h = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return c - h, c + h


def main():
    acc = pd.read_csv(sys.argv[1], usecols=["account", "grade"])
    deals = pd.read_csv(sys.argv[2], parse_dates=["engage_date",
                                                  "close_date"])
    acc["tier"] = acc["grade"].str.upper()
    acc["icp"] = acc["tier"].isin(["A", "B"])
    acc["score"] = acc["grade"].map({"a": 45.45, "b": 31.8, "c": 22.7,
                                     "d": 0.0})
    d = deals.merge(acc, on="account", how="inner")
    won = d["deal_stage"].eq("Won")
    lost = d["deal_stage"].eq("Lost")
    day = d["close_date"].where(won | lost, d["engage_date"])
    as_of = d.loc[won | lost, "close_date"].max()
    d["period"] = ((as_of - day).dt.days // 90)
    d["won"] = won
    d["lost"] = lost
    d["cycle"] = (d["close_date"] - d["engage_date"]).dt.days.where(won)
    d["amount"] = d["close_value"].where(won)
    d["churn"] = d["churned"].map({"yes": 1, "no": 0})
    frames = []
    for name, key in (("tier", d["tier"]),
                      ("icp", d["icp"].map({True: "ICP",
                                            False: "non-ICP"})),
                      ("all", pd.Series("all", index=d.index))):
        for whole in (False, True):
            g = d.assign(group=key, p=-1 if whole else d["period"])
            agg = g.groupby(["p", "group"]).agg(
                deals=("won", "size"), won=("won", "sum"),
                lost=("lost", "sum"), cycle=("cycle", "median"),
                amount_mean=("amount", "mean"),
                amount_median=("amount", "median"))
            per_acc = g.groupby(["p", "group", "account"]).agg(
                support=("support_tickets", "sum"),
                churn=("churn", "max"))
            acc_agg = per_acc.groupby(["p", "group"]).agg(
                support=("support", "mean"), churn=("churn", "mean"),
                accounts=("support", "size"))
            frames.append(agg.join(acc_agg))
    cells = pd.concat(frames)
    closed = cells["won"] + cells["lost"]
    cells["win_rate"] = cells["won"] / closed
    cells["lo"], cells["hi"] = wilson(cells["won"], closed)
    # drift tests: last period (0) against the one before (1)
    cur, base = d[d["period"] == 0], d[d["period"] == 1]
    ci, bi = cur[cur["icp"]], base[base["icp"]]
    k1, n1 = ci["won"].sum(), (ci["won"] | ci["lost"]).sum()
    k2, n2 = bi["won"].sum(), (bi["won"] | bi["lost"]).sum()
    pp = (k1 + k2) / (n1 + n2)
    zz = (k1 / n1 - k2 / n2) / math.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
    ps = [2 * stats.norm.sf(abs(zz))]
    for t in "ABCD":
        ps.append(stats.mannwhitneyu(
            cur.loc[cur["tier"] == t, "cycle"].dropna(),
            base.loc[base["tier"] == t, "cycle"].dropna()).pvalue)
    ps.append(stats.mannwhitneyu(ci["amount"].dropna(),
                                 bi["amount"].dropna()).pvalue)
    sc = ci.groupby("account")["support_tickets"].sum()
    sb = bi.groupby("account")["support_tickets"].sum()
    ps.append(stats.mannwhitneyu(sc, sb).pvalue)
    c = d[d["won"] | d["lost"]]
    u = stats.mannwhitneyu(c.loc[c["won"], "score"],
                           c.loc[~c["won"], "score"]).statistic
    auc = u / (c["won"].sum() * (~c["won"]).sum())
    deciles = pd.qcut(c["score"], 10, duplicates="drop")
    cal = c.groupby(deciles, observed=True)["won"].mean()
    print("cells %d, auc %.4f, deciles %d, min p %.3g" %
          (len(cells), auc, len(cal), min(ps)))
    if len(sys.argv) > 3:
        whole = cells.loc[-1]
        with open(sys.argv[3], "w") as f:
            json.dump({"auc": float(auc), "whole_run": {
                str(g): [int(r.deals), int(r.won), int(r.lost)]
                for g, r in whole.iterrows()}}, f)


if __name__ == "__main__":
    main()
