#!/usr/bin/env python3
"""icp_dask.py -- score one big file on a Dask cluster, the way Hadoop and
Spark cut input splits, with the output of one `icp score` run.

The file is cut into byte ranges; each range is a task that runs

    icp score --rules PACK --byte-range START:END --threads 1 FILE

on a Dask worker (icp scores exactly the records that start in the range,
reading the CSV header from offset 0 and respecting quoted newlines, so the
pieces never overlap and never miss a record). Each task writes its piece
next to the output; the driver joins the pieces in input order (dropping
the repeated CSV header) and removes them. The joined file equals one
`icp score` run over the whole file byte for byte; stderr lines of the
pieces are printed in order.

    python3 icp_dask.py --rules rules/b2b_saas.lua -o scored.jsonl big.csv
    python3 icp_dask.py --scheduler tcp://10.0.0.5:8786 --pieces 64 \\
        --rules rules/b2b_saas.lua --icp-arg=--as-of=2026-11-01 \\
        -o scored.csv big.csv

Workers need the icp binary, the pack and the input at the same paths (a
shared filesystem), and write access to the output's directory.
Exit status: that of the worst piece (0 ok, 2 some rows skipped), 1 on a
usage error, 3 when a piece failed.
"""
import argparse
import os
import shutil
import subprocess
import sys


def cut(size, pieces):
    """Byte ranges [start, end) covering [0, size) in `pieces` parts."""
    pieces = max(1, min(pieces, size or 1))
    bounds = [size * i // pieces for i in range(pieces + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(pieces)]


def score_range(icp, rules, path, start, end, extra, part, cwd):
    """A Dask task: score the records starting in [start, end) into part,
    from the driver's directory (so `source` names the input as given).
    Returns (exit status, stderr text)."""
    cmd = [icp, "score", "--rules", rules, "--threads", "1",
           "--byte-range", "%d:%d" % (start, end), "-o", part] + extra + [path]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=cwd)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def join(parts, out, csv):
    """Concatenates the parts in order into out; a CSV keeps one header."""
    with open(out, "wb") as w:
        for i, part in enumerate(parts):
            with open(part, "rb") as r:
                if csv and i:
                    r.readline()  # the header again
                shutil.copyfileobj(r, w, 1 << 20)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", required=True, help="the rule pack")
    ap.add_argument("-o", "--output", required=True,
                    help="output file, .jsonl or .csv")
    ap.add_argument("--icp", default=shutil.which("icp") or "icp",
                    help="path of the icp binary on the workers")
    ap.add_argument("--pieces", type=int, default=0,
                    help="byte ranges (default: 4 per worker thread)")
    ap.add_argument("--scheduler", help="address of a running scheduler; "
                    "default: a LocalCluster on this machine")
    ap.add_argument("--workers", type=int, default=2,
                    help="LocalCluster workers (default 2)")
    ap.add_argument("--icp-arg", action="append", default=[],
                    help="an extra icp score option, e.g. "
                    "--icp-arg=--as-of=2026-11-01 (repeatable)")
    ap.add_argument("input", help="a CSV or JSONL file")
    a = ap.parse_args(argv)
    if not a.output.endswith((".csv", ".jsonl")):
        ap.error("-o takes a .csv or .jsonl file")
    if a.pieces < 0:
        ap.error("--pieces takes a positive number")

    from dask.distributed import Client, LocalCluster  # after --help

    path = a.input
    out = os.path.abspath(a.output)
    size = os.path.getsize(path)
    icp = os.path.abspath(a.icp) if os.sep in a.icp else a.icp
    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        nthreads = sum(client.nthreads().values()) or 1
        ranges = cut(size, a.pieces or 4 * nthreads)
        ext = os.path.splitext(out)[1]
        parts = ["%s.part%05d%s" % (out, i, ext) for i in range(len(ranges))]
        futures = [client.submit(score_range, icp, os.path.abspath(a.rules),
                                 path, s, e, a.icp_arg, part, os.getcwd(),
                                 pure=False)
                   for (s, e), part in zip(ranges, parts)]
        results = client.gather(futures)
    finally:
        client.close()
        if cluster:
            cluster.close()
    worst = 0
    for (rc, err), (s, e) in zip(results, ranges):
        for line in err.splitlines():
            if not line.startswith(("scored ", "  ")):  # piece summaries
                print(line, file=sys.stderr)
        if rc not in (0, 2):
            print("icp_dask: bytes %d:%d failed (exit %d)" % (s, e, rc),
                  file=sys.stderr)
            worst = 3
        worst = max(worst, rc if rc in (0, 2) else 3)
    if worst != 3:
        join(parts, out, ext == ".csv")
    for part in parts:
        if os.path.exists(part):
            os.remove(part)
    return worst


if __name__ == "__main__":
    sys.exit(main())
