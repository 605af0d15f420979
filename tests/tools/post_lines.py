#!/usr/bin/env python3
"""post_lines.py -- an HTTP client for the serving tests (tests/e2e/serve.sh,
tests/e2e/lighttpd.sh): POSTs each line of INPUT as one request body over
keep-alive connections and writes one line per answer, in input order:

    STATUS <TAB> X-ICP-Pack header <TAB> body (its final newline removed,
                                               inner newlines as \\n)

usage: post_lines.py URL INPUT OUT [--clients N] [--repeat R]
                     [--at K --run CMD] [--token T]

--clients N   N concurrent connections (threads), each with its own share
--repeat R    send the input R times over (R * lines requests)
--at K --run CMD   run the shell command CMD once K answers have arrived
                   (e.g. a SIGHUP to the server in the middle of a run)
A transport error (reset, refused, timeout) is retried once on a new
connection and counted on stderr; a second one is an answer with status 0.
Exit status 0 when every request got an answer of some status.
"""
import http.client
import subprocess
import sys
import threading
import urllib.parse


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    url, inp, out = args[:3]
    opts = {"--clients": "1", "--repeat": "1", "--at": "-1", "--run": "",
            "--token": ""}
    rest = args[3:]
    while rest:
        k = rest.pop(0)
        if k not in opts or not rest:
            sys.exit("bad option %s" % k)
        opts[k] = rest.pop(0)
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    with open(inp, "rb") as f:
        lines = [ln.rstrip(b"\n") for ln in f if ln.strip()]
    work = lines * int(opts["--repeat"])
    answers = [None] * len(work)
    clients = int(opts["--clients"])
    at = int(opts["--at"])
    done = [0]
    retries = [0]
    lock = threading.Lock()
    headers = {"Content-Type": "application/json"}
    if opts["--token"]:
        headers["Authorization"] = "Bearer " + opts["--token"]

    def client(k):
        conn = None
        for i in range(k, len(work), clients):
            for attempt in range(2):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(u.hostname, u.port,
                                                          timeout=30)
                    conn.request("POST", path, body=work[i], headers=headers)
                    resp = conn.getresponse()
                    body = resp.read()
                    answers[i] = (resp.status, resp.getheader("X-ICP-Pack", ""),
                                  body)
                    if resp.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException) as e:
                    if conn is not None:
                        conn.close()
                    conn = None
                    # a keep-alive connection the server closed between two
                    # requests is retried once on a new one
                    answers[i] = (0, "", str(e).encode())
                    with lock:
                        retries[0] += 1
            with lock:
                done[0] += 1
                if done[0] == at and opts["--run"]:
                    subprocess.run(opts["--run"], shell=True, check=False)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,))
               for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.stderr.write("post_lines: %d requests, %d transport errors "
                     "(retried once)\n" % (len(work), retries[0]))
    with open(out, "wb") as f:
        for st, ver, body in answers:
            if body.endswith(b"\n"):
                body = body[:-1]
            f.write(b"%d\t%s\t%s\n" % (st, ver.encode(),
                                        body.replace(b"\n", b"\\n")))


main()
