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
    df = df[y.notna()]
    y = y[y.notna()].astype(int).to_numpy()
    nb, nw = int(y.sum()), int(len(y) - y.sum())
    tests, masks, mwu = [], [], []

    def add(field, value, mask):
        mask = np.asarray(mask, bool)
        a, b = int(mask[y == 1].sum()), int(mask[y == 0].sum())
        if a + b == 0:
            return
        p = stats.fisher_exact([[a, b], [nb - a, nw - b]])[1]
        lift = (a / nb) / ((a + b) / (nb + nw))
        tests.append({"field": field, "value": value, "n_best": a,
                      "n_worst": b, "lift": lift, "p": float(p)})
        masks.append(mask)

    day = pd.Timestamp(as_of)
    for col in df.columns:
        if col in ("domain", "won", "ltv"):
            continue
        s = df[col]
        if col == "tech":
            lists = s.fillna("").str.split(";")
            ex = lists.explode()
            counts = ex[ex != ""].groupby(level=0).apply(set)
            elems = ex[ex != ""].value_counts()
            for e, n in elems.items():
                if n >= MIN_SUPPORT:
                    add(col, e, s.fillna("").str.split(";").apply(
                        lambda l, e=e: e in l).to_numpy())
            add(col, None, s.isna().to_numpy())
            del counts
            continue
        if col == "last_funding_date":
            s = (day - pd.to_datetime(s)).dt.days
        if pd.api.types.is_numeric_dtype(s):
            v = s.to_numpy(float)
            ok = ~np.isnan(v)
            edges = np.unique(np.quantile(v[ok], np.linspace(0, 1, BINS + 1)))
            b = np.clip(np.searchsorted(edges, v, side="right") - 1, 0,
                        len(edges) - 2)
            for k in range(len(edges) - 1):
                add(col, [float(edges[k]), float(edges[k + 1])],
                    ok & (b == k))
            add(col, None, ~ok)
            xb, xw = v[ok & (y == 1)], v[ok & (y == 0)]
            r = stats.mannwhitneyu(xb, xw, alternative="two-sided",
                                   method="asymptotic")
            mwu.append({"field": col, "median_best": float(np.median(xb)),
                        "median_worst": float(np.median(xw)),
                        "p": float(r.pvalue)})
            continue
        vc = s.str.lower().value_counts()
        low = s.str.lower()
        rare = np.zeros(len(s), bool)
        for val, n in vc.items():
            m = (low == val).to_numpy()
            if n >= MIN_SUPPORT:
                add(col, val, m)
            else:
                rare |= m
        if rare.any():
            add(col, "other", rare)
        add(col, None, s.isna().to_numpy())
    q = bh([t["p"] for t in tests] + [m["p"] for m in mwu])
    for t, qq in zip(tests + mwu, q):
        t["q"] = float(qq)
        t["significant"] = bool(qq <= Q)
    feat = [i for i, t in enumerate(tests) if t["significant"]][:40]
    model = None
    if feat:
        X = np.column_stack([masks[i] for i in feat]).astype(np.uint8)
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
