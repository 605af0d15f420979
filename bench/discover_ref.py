#!/usr/bin/python3
"""bench/discover_ref.py -- the analysis of `icp discover` written the
usual way, with Debian's python3-pandas, python3-scipy and python3-sklearn:
the reference that bench/discover.sh times in the same run.

  discover_ref.py INPUT.csv AS_OF JSON_OUT

Best = won, worst = lost (column `won`); every column but domain, won and
ltv is an attribute. Per categorical value, per tech element and per
quantile bin (5) of each number and date age, with missing as a value of
its own and values seen fewer than 10 times pooled into `other`: counts,
lift, Fisher exact p; Mann-Whitney U per number; Benjamini-Hochberg over
all tests; an L2 logistic regression on the significant values with C
chosen by 5-fold CV on at most 50,000 rows. Writes the tests as JSON.
Written the way an analyst fluent in pandas would: counts per value and
per element come from one crosstab or groupby per column, not one pass
over the rows per value; a test's column of 0/1 is only built when the
model uses it.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

MIN_SUPPORT, BINS, Q = 10, 5, 0.05


def bh(p):
    p = np.asarray(p, float)
    n = len(p)
    order = np.argsort(p)
    q = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(q[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.clip(q, 0, 1)
    return out


def main():
    path, as_of, out = sys.argv[1], sys.argv[2], sys.argv[3]
    df = pd.read_csv(path, dtype={"tech": str})
    y = df["won"].str.lower().map({"won": 1, "lost": 0})
    keep = y.notna().to_numpy()
    df = df[keep].reset_index(drop=True)
    y = y[keep].astype(int).to_numpy()
    nb, nw = int(y.sum()), int(len(y) - y.sum())
    tests, masks, mwu = [], [], []

    # a test from its counts; mask() builds its column only if the model
    # needs it
    def add(field, kind, value, a, b, mask):
        a, b = int(a), int(b)
        if a + b == 0:
            return
        p = stats.fisher_exact([[a, b], [nb - a, nw - b]])[1]
        lift = (a / nb) / ((a + b) / (nb + nw))
        tests.append({"field": field, "kind": kind, "value": value,
                      "n_best": a, "n_worst": b, "lift": lift,
                      "p": float(p)})
        masks.append(mask)

    def counts(mask):
        return y[mask].sum(), mask.sum() - y[mask].sum()

    def missing(col, s):
        m = s.isna().to_numpy()
        add(col, "missing", None, *counts(m), lambda m=m: m)

    day = pd.Timestamp(as_of)
    for col in df.columns:
        if col in ("domain", "won", "ltv"):
            continue
        s = df[col]
        if col == "tech":
            # one row per (account, element), counted per element at once
            ex = s.str.split(";").explode().dropna()
            ex = ex[ex != ""]
            pairs = pd.DataFrame({"row": ex.index.to_numpy(),
                                  "e": ex.to_numpy()}).drop_duplicates()
            pairs["y"] = y[pairs["row"].to_numpy()]
            g = pairs.groupby("e")["y"].agg(["size", "sum"])
            rows = pairs.groupby("e")["row"]
            for e, n, a in zip(g.index, g["size"], g["sum"]):
                if n >= MIN_SUPPORT:
                    def mask(e=e):
                        m = np.zeros(len(y), bool)
                        m[rows.get_group(e).to_numpy()] = True
                        return m
                    add(col, "element", e, a, n - a, mask)
            missing(col, s)
            continue
        if col == "last_funding_date":
            s = (day - pd.to_datetime(s)).dt.days
        if pd.api.types.is_numeric_dtype(s):
            v = s.to_numpy(float)
            ok = ~np.isnan(v)
            edges = np.unique(np.quantile(v[ok], np.linspace(0, 1, BINS + 1)))
            b = np.clip(np.searchsorted(edges, v, side="right") - 1, 0,
                        len(edges) - 2)
            b = np.where(ok, b, -1)
            nbin = np.bincount(b[ok], minlength=len(edges) - 1)
            abin = np.bincount(b[ok], weights=y[ok], minlength=len(edges) - 1)
            for k in range(len(edges) - 1):
                add(col, "bin", [float(edges[k]), float(edges[k + 1])],
                    abin[k], nbin[k] - abin[k], lambda b=b, k=k: b == k)
            missing(col, s)
            xb, xw = v[ok & (y == 1)], v[ok & (y == 0)]
            r = stats.mannwhitneyu(xb, xw, alternative="two-sided",
                                   method="asymptotic")
            mwu.append({"field": col, "median_best": float(np.median(xb)),
                        "median_worst": float(np.median(xw)),
                        "p": float(r.pvalue)})
            continue
        low = s.str.lower()
        tab = pd.crosstab(low, y).reindex(columns=[0, 1], fill_value=0)
        n = tab[0] + tab[1]
        for val in n[n >= MIN_SUPPORT].sort_values(ascending=False).index:
            add(col, "value", val, tab.at[val, 1], tab.at[val, 0],
                lambda val=val, low=low: (low == val).to_numpy())
        rare = n[n < MIN_SUPPORT].index
        if len(rare):
            m = low.isin(rare).to_numpy()
            add(col, "other", "other", *counts(m), lambda m=m: m)
        missing(col, s)
    q = bh([t["p"] for t in tests] + [m["p"] for m in mwu])
    for t, qq in zip(tests + mwu, q):
        t["q"] = float(qq)
        t["significant"] = bool(qq <= Q)
    feat = [i for i, t in enumerate(tests) if t["significant"]][:40]
    model = None
    if feat:
        X = np.column_stack([masks[i]() for i in feat]).astype(np.uint8)
        rng = np.random.default_rng(1)
        idx = rng.permutation(len(y))[:50000]
        gs = GridSearchCV(LogisticRegression(max_iter=200),
                          {"C": [100, 10, 1, 0.1, 0.01]}, cv=5,
                          scoring="neg_log_loss")
        gs.fit(X[idx], y[idx])
        model = {"features": len(feat), "C": gs.best_params_["C"]}
    with open(out, "w") as f:
        json.dump({"n": len(y), "best": nb, "worst": nw, "attributes": tests,
                   "numeric": mwu, "model": model}, f)


if __name__ == "__main__":
    main()
