#!/usr/bin/python3
"""bench/peers/check.py -- bench/peers.sh's equality check, run before
any ratio is printed.

  check.py ICP.jsonl PEER.csv [PEER.csv ...]

ICP.jsonl is what `icp score` wrote; each PEER.csv holds domain,score,tier
in input order. A peer agrees when it has as many rows, and row by row the
same domain, the same tier and a score that rounds to icp's to 6 decimals
(icp writes scores rounded to 6 decimals: |peer - icp| <= 5e-7). Prints one
line per peer; on any disagreement also its first 5 differing rows, and
exits 1. An empty icp output is an error too (nothing was compared).
"""
import csv
import json
import sys

TOLERANCE = 5e-7 + 1e-12   # half a unit of the 6th decimal, plus float noise


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            ref.append((r.get("domain") or "", float(r["score"]), r["tier"]))
    if not ref:
        # two empty outputs agree, and would print a ratio of nothing
        print(f"{sys.argv[1]}: icp wrote no rows: nothing to compare")
        sys.exit(1)
    bad = 0
    for path in sys.argv[2:]:
        shown, wrong, rows = 0, 0, 0
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            if next(reader, None) != ["domain", "score", "tier"]:
                print(f"{path}: the header is not domain,score,tier")
                bad += 1
                continue
            for i, row in enumerate(reader):
                rows += 1
                if i >= len(ref):
                    continue
                want = ref[i]
                ok = len(row) == 3 and row[0] == want[0] and row[2] == want[2]
                if ok:
                    try:
                        ok = abs(float(row[1]) - want[1]) <= TOLERANCE
                    except ValueError:
                        ok = False
                if not ok:
                    wrong += 1
                    if shown < 5:
                        shown += 1
                        print(f"  {path} row {i + 1}: {','.join(row)}"
                              f"   icp: {want[0]},{want[1]:.6f},{want[2]}")
        if wrong or rows != len(ref):
            bad += 1
            print(f"{path}: DIFFERS from icp: {wrong} of {rows} rows "
                  f"disagree, {rows} rows against icp's {len(ref)}")
        else:
            print(f"{path}: {rows} rows, domain, tier and score (6 decimals) "
                  "equal to icp's")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
