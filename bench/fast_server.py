#!/usr/bin/env python3
"""fast_server.py -- a fast loopback HTTP/1.1 server for the enrichment
benchmark (bench/enrich.sh), answering like Clearbit's company API.

Usage (Python 3 standard library only):

    python3 bench/fast_server.py --port-file FILE [--latency-ms N]
                                 [--idle-exit S] [--workers W]

tests/fixture_server.py (one thread per connection, recorded answers, fault
modes) tops out around 600 requests/s on a small machine, below what the
benchmark needs (5,000 domains, 50 ms each, 64 in flight: 1,280/s). This
server runs on one asyncio event loop: no thread per request, keep-alive,
and the latency is an asyncio.sleep, so thousands of answers can wait at
once.

Binds 127.0.0.1 on a free port (port 0), writes the port number to FILE
(atomically: FILE.tmp, then renamed), and serves until no request has
arrived for S seconds (default 30; requests in flight keep it alive) or
until its parent process dies. --workers W (default 1) forks W processes,
each with its own event loop, accepting on the one listening socket (the
request count is kept in shared memory); the first process forwards
SIGTERM to them and they stop when it dies.

Measured on a 2-core machine with a Python asyncio client on the same
cores: 50 ms latency, 256 keep-alive clients, 1 worker: about 4,500
requests/s; 0 ms, 64 clients: about 9,500/s.

Routes:

  GET /v2/companies/find?domain=D
        after --latency-ms ms: 200 with a small Clearbit-shaped JSON body
        made up for D (name, domain, category.industry, metrics.employees,
        geo.countryCode, tech, ...), the same on every request for D.
        Needs "Authorization: Bearer ..." (else 401, as Clearbit);
        an invalid domain -> 422.
  GET /__stats   {"total": N}: requests counted since start or reset
                 (bookkeeping requests are not counted)
  GET /__reset   zero the counter
  anything else  404 (counted)

The request parser is minimal but strict: a request line "METHOD TARGET
HTTP/1.x", header lines "Name: value", a body only by Content-Length
(chunked request bodies get 501 and the connection is closed), 64 KiB of
head at most (431 otherwise). HTTP/1.1 keeps the connection open unless
"Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
Requests on one connection are answered in order (pipelining works).
"""
import argparse
import asyncio
import json
import os
import re
import signal
import socket
import sys
import time
import urllib.parse
import zlib
from multiprocessing.sharedctypes import RawArray

HEAD_MAX = 65536
DOMAIN_RE = re.compile(r"^[a-z0-9.-]{1,253}$")

INDUSTRIES = ("Software", "Internet Software & Services", "Banks",
              "Health Care Providers & Services", "Retail", "Logistics",
              "Media", "Manufacturing")
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "SE", "ES", "IT")
TECH = ("salesforce", "hubspot", "google_analytics", "aws", "snowflake",
        "segment", "stripe", "zendesk", "intercom", "cloudflare", "nginx",
        "workday")
RANGES = ((10, "1-10"), (50, "11-50"), (250, "51-250"), (1000, "251-1K"),
          (5000, "1K-5K"), (10000, "5K-10K"), (50000, "10K-50K"))
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 405: "Method Not Allowed", 422:
           "Unprocessable Entity", 431: "Request Header Fields Too Large",
           501: "Not Implemented"}


class State:
    """Counters in shared memory, one slot per worker process (each writes
    only its own slot; readers sum them)."""

    def __init__(self, latency_ms, workers):
        self.latency = max(0, latency_ms) / 1000.0
        self.me = 0
        self.totals = RawArray("q", workers)
        self.in_flight = RawArray("q", workers)
        self.last = RawArray("d", [time.monotonic()] * workers)

    def count(self):
        self.totals[self.me] += 1

    def total(self):
        return sum(self.totals)

    def reset(self):
        for i in range(len(self.totals)):
            self.totals[i] = 0

    def begin(self):
        self.in_flight[self.me] += 1
        self.last[self.me] = time.monotonic()

    def end(self):
        self.in_flight[self.me] -= 1
        self.last[self.me] = time.monotonic()

    def idle_for(self):
        if any(self.in_flight):
            return 0.0
        return time.monotonic() - max(self.last)


def clean_domain(raw):
    """Host name of raw (a domain or a URL), lowercase, no www., or None."""
    d = raw.strip().lower()
    if "://" in d:
        d = urllib.parse.urlsplit(d).hostname or ""
    d = d.split("/", 1)[0].rstrip(".")
    if d.startswith("www."):
        d = d[4:]
    return d if DOMAIN_RE.match(d) else None


BODY = ('{"name":"%s","legalName":null,"domain":"%s",'
        '"category":{"sector":"Information Technology","industry":"%s",'
        '"subIndustry":null},"foundedYear":%d,'
        '"geo":{"country":null,"countryCode":"%s","state":null,"city":null},'
        '"metrics":{"employees":%d,"employeesRange":"%s",'
        '"estimatedAnnualRevenue":null,"raised":null},'
        '"tech":[%s],"techCategories":[],'
        '"indexedAt":"2026-10-01T00:00:00.000Z"}')


def company(domain):
    """A Clearbit-shaped body for domain (bytes), stable for a domain.
    domain matches DOMAIN_RE, so it needs no JSON escaping."""
    h = zlib.crc32(domain.encode())
    label = domain.split(".", 1)[0]
    name = label.replace("-", " ").title() or domain
    employees = 3 + (h >> 8) % 20000
    rng = next((r for top, r in RANGES if employees <= top), "50K+")
    tech = sorted({TECH[(h >> s) % len(TECH)] for s in (3, 7, 11, 15)})
    return (BODY % (name, domain, INDUSTRIES[h % len(INDUSTRIES)],
                    1990 + (h >> 4) % 35,
                    COUNTRIES[(h >> 12) % len(COUNTRIES)], employees, rng,
                    ",".join('"%s"' % t for t in tech))).encode()


def query_param(query, name):
    """The first value of name in a query string ("" when absent)."""
    for item in query.split("&"):
        key, _, value = item.partition("=")
        if urllib.parse.unquote_plus(key) == name:
            return urllib.parse.unquote_plus(value)
    return ""


def response(status, body, keep_alive, extra=b""):
    return b"".join((
        b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, "").encode()),
        b"Content-Type: application/json; charset=utf-8\r\n",
        b"Content-Length: %d\r\n" % len(body),
        b"" if keep_alive else b"Connection: close\r\n",
        extra,
        b"\r\n",
        body))


def parse_head(head):
    """(method, target, version, headers) of a request head, or None."""
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError:
        return None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[1] or \
            parts[2] not in ("HTTP/1.1", "HTTP/1.0"):
        return None
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip() or " " in name:
            return None
        name = name.lower()
        value = value.strip()
        if name in headers:
            headers[name] += "," + value
        else:
            headers[name] = value
    return parts[0], parts[1], parts[2], headers


async def route(st, method, target, headers):
    """(status, body) of one request."""
    path, _, query = target.partition("?")
    if path == "/__stats":
        return 200, json.dumps({"total": st.total()}).encode()
    if path == "/__reset":
        st.reset()
        return 200, b'{"ok":true}'
    st.count()
    if path != "/v2/companies/find":
        return 404, b'{"error":"no such route"}'
    if method != "GET":
        return 405, b'{"error":"method not allowed"}'
    raw = query_param(query, "domain")
    if st.latency > 0:
        await asyncio.sleep(st.latency)
    if not headers.get("authorization", "").startswith("Bearer "):
        return 401, (b'{"error":{"type":"auth_required",'
                     b'"message":"API key required"}}')
    domain = clean_domain(raw)
    if domain is None:
        return 422, (b'{"error":{"type":"invalid_domain",'
                     b'"message":"Invalid domain"}}')
    return 200, company(domain)


async def serve(st, reader, writer):
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                writer.write(response(431, b'{"error":"head too large"}',
                                      False))
                break
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            req = parse_head(head[:-4])
            if req is None:
                writer.write(response(400, b'{"error":"bad request"}',
                                      False))
                break
            method, target, version, headers = req
            conn = headers.get("connection", "").lower()
            keep = ("close" not in conn if version == "HTTP/1.1"
                    else "keep-alive" in conn)
            if "transfer-encoding" in headers:
                writer.write(response(501, b'{"error":"chunked body"}',
                                      False))
                break
            length = headers.get("content-length", "0")
            if not length.isdigit() or int(length) > HEAD_MAX:
                writer.write(response(400, b'{"error":"bad length"}',
                                      False))
                break
            if int(length):
                await reader.readexactly(int(length))
            st.begin()
            try:
                status, body = await route(st, method, target, headers)
            finally:
                st.end()
            writer.write(response(status, body, keep))
            if not keep:
                break
            if writer.transport.get_write_buffer_size() > 65536:
                await writer.drain()
        try:
            await writer.drain()
        except ConnectionError:
            pass
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def watchdog(st, idle_exit, parent, stop):
    while True:
        await asyncio.sleep(0.25)
        if os.getppid() != parent or st.idle_for() >= idle_exit:
            break
    stop.set()


async def worker_async(st, sock, idle_exit, parent):
    server = await asyncio.start_server(
        lambda r, w: serve(st, r, w), sock=sock, limit=HEAD_MAX)
    stop = asyncio.Event()
    dog = asyncio.ensure_future(watchdog(st, idle_exit, parent, stop))
    await stop.wait()
    dog.cancel()
    server.close()


def worker(st, sock, idle_exit, parent):
    try:
        asyncio.run(worker_async(st, sock, idle_exit, parent))
    except KeyboardInterrupt:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--idle-exit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    nw = min(max(1, args.workers), 64)
    parent = os.getppid()
    st = State(args.latency_ms, nw)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.setblocking(False)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    os.replace(tmp, args.port_file)
    if nw == 1:
        worker(st, sock, args.idle_exit, parent)
        return 0
    # several event loops, one per process, accepting on the one socket
    top = os.getpid()
    kids = []
    for i in range(nw):
        pid = os.fork()
        if pid == 0:
            st.me = i
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            worker(st, sock, args.idle_exit, top)
            os._exit(0)
        kids.append(pid)
    sock.close()

    def stop_kids(*_):
        for pid in kids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    signal.signal(signal.SIGTERM, lambda *a: (stop_kids(), sys.exit(0)))
    try:
        while kids:
            time.sleep(0.25)
            if os.getppid() != parent:
                stop_kids()
            for pid in list(kids):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    kids.remove(pid)
                    stop_kids()   # one gone: stop the rest too
    except KeyboardInterrupt:
        stop_kids()
    return 0


if __name__ == "__main__":
    sys.exit(main())
