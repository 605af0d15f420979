#!/usr/bin/env python3
"""fixture_server.py -- loopback HTTP/1.1 server answering like the
providers, from the recordings in tests/fixtures/providers/.

Usage (Python 3 standard library only):

    python3 tests/fixture_server.py --port-file FILE [--latency-ms N]
                                    [--idle-exit S] [--verbose]

Binds 127.0.0.1 on a free port (port 0), writes the port number to FILE
(atomically: written to FILE.tmp, then renamed), and serves until no
request has arrived for S seconds (default 30; in-flight requests keep it
alive) or until its parent process dies. --latency-ms delays every answer
by N ms (default 0).

A test starts it, waits for FILE, and points providers at
http://127.0.0.1:PORT (each provider's base_url; http_json's url at
http://127.0.0.1:PORT/inhouse/company?domain={domain}).

Provider URL shapes served:

  clearbit   GET /v2/companies/find?domain=D
             needs "Authorization: Bearer ..." (else 401)
             unknown D -> 404 {"error":{"type":"unknown_record",...}}
  pdl        GET /v5/company/enrich?website=D
             needs "X-Api-Key" (else 401); unknown D -> 404
  builtwith  GET /v22/api.json?KEY=K&LOOKUP=D
             no KEY -> 200 with an Errors entry about the key;
             unknown D -> 200 with a "not found" Errors entry
  inhouse    GET /inhouse/company?domain=D   (for http_json)
             unknown D -> 404 {"error":"not found"}

A domain given as a URL or with "www." is reduced to its host name.

Fault modes, chosen by the domain, so one server serves every test (the
rest of the domain is free: fault-429-a.com, fault-429-b.com ...). The
success answer of a fault domain is <provider>/_fault.json with
"fault.example" replaced by the domain.

  fault-latency-*      sleep, then answer normally. The sleep is the
                       number after "fault-latency-" when there is one
                       (fault-latency-1500-x.com: 1500 ms), else 2000 ms.
  fault-429-*          first request for this provider+domain: 429 with
                       "Retry-After: 1"; later ones: success.
  fault-500-*          first: 500; later: success.
  fault-202-*          first: 202 queued ({} body, as Clearbit);
                       later: success.
  fault-malformed-*    200 with invalid JSON.
  fault-oversize-*     200 with a 20 MB body sent chunked (no
                       Content-Length).
  fault-close-*        200 with "Content-Length: 1000", 100 bytes, close.
  fault-drip-*         200 with the success body sent 1 byte per 200 ms
                       (stops after 60 s or when the client leaves).
  fault-ratelimit-*    200 success with "X-RateLimit-Limit: 600",
                       "X-RateLimit-Remaining: 0" and
                       "X-RateLimit-Reset: 1" (seconds until the window
                       resets, as Clearbit sends it).
  fault-redirect-*     302 to http://169.254.169.254/latest/meta-data/
                       (a client must not follow it).
  fault-401-*          401 as for a wrong API key, every time.
  fault-timeout-*      sleep 6 s before answering (longer than a test
                       provider's timeout_ms).
  fault-html-*         200 with an HTML page (a proxy's error page).
  fault-reset-*        close the connection without an answer.
  fault-junk-*         200 whose every field has the wrong type
                       (clearbit, pdl: "employees": "lots",
                       "industry": [..], "name": [..]).
  fault-halfjunk-*     200 with a good name and a wrong-typed employees.
  fault-retryafter-*   429 with "Retry-After: 60", every time.

A refused connection needs no mode: point a provider at a closed port.

Bookkeeping (not counted in the statistics):

  GET /__stats   JSON: {"total": N, "providers": {"clearbit": n},
                 "paths": {"/v2/companies/find": n},
                 "lookups": {"clearbit:acme.com": n}, "statuses":
                 {"200": n}} -- so a test can assert "the second run made
                 no request".
  GET /__reset   zero the counters and the fault "first request" memory.

Never logs request headers or the BuiltWith KEY.
"""
import argparse
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "providers")

ROUTES = {
    "/v2/companies/find": ("clearbit", "domain"),
    "/v5/company/enrich": ("pdl", "website"),
    "/v22/api.json": ("builtwith", "LOOKUP"),
    "/inhouse/company": ("inhouse", "domain"),
}

DOMAIN_RE = re.compile(r"^[a-z0-9.-]{1,253}$")


def clean_domain(raw):
    """Host name of raw (a domain or a URL), lowercase, no www., or None."""
    d = raw.strip().lower()
    if "://" in d:
        d = urllib.parse.urlsplit(d).hostname or ""
    d = d.split("/", 1)[0].rstrip(".")
    if d.startswith("www."):
        d = d[4:]
    return d if DOMAIN_RE.match(d) else None


class State:
    """Counters and fault memory, shared by handler threads."""

    def __init__(self, latency_ms):
        self.lock = threading.Lock()
        self.latency = latency_ms / 1000.0
        self.last_activity = time.monotonic()
        self.in_flight = 0
        self.reset()

    def reset(self):
        with self.lock:
            self.total = 0
            self.providers = {}
            self.paths = {}
            self.lookups = {}
            self.statuses = {}
            self.seen = set()      # provider:domain keys already failed once

    def count(self, path, lookup):
        with self.lock:
            self.total += 1
            if lookup:
                prov = lookup.split(":", 1)[0]
                self.providers[prov] = self.providers.get(prov, 0) + 1
            self.paths[path] = self.paths.get(path, 0) + 1
            if lookup:
                self.lookups[lookup] = self.lookups.get(lookup, 0) + 1

    def count_status(self, status):
        with self.lock:
            k = str(status)
            self.statuses[k] = self.statuses.get(k, 0) + 1

    def first_time(self, key):
        """True the first time key is seen (since the last reset)."""
        with self.lock:
            if key in self.seen:
                return False
            self.seen.add(key)
            return True

    def snapshot(self):
        with self.lock:
            return {"total": self.total,
                    "providers": dict(self.providers),
                    "paths": dict(self.paths),
                    "lookups": dict(self.lookups),
                    "statuses": dict(self.statuses)}

    def begin(self):
        with self.lock:
            self.in_flight += 1
            self.last_activity = time.monotonic()

    def end(self):
        with self.lock:
            self.in_flight -= 1
            self.last_activity = time.monotonic()

    def idle_for(self):
        with self.lock:
            if self.in_flight > 0:
                return 0.0
            return time.monotonic() - self.last_activity


def load_body(provider, domain):
    """Recorded body for domain (bytes), or None when not recorded."""
    if domain.startswith("fault-"):
        path = os.path.join(FIXTURES, provider, "_fault.json")
        with open(path, "rb") as f:
            return f.read().replace(b"fault.example", domain.encode())
    path = os.path.join(FIXTURES, provider, domain + ".json")
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def not_found_answer(provider, domain):
    """(status, body) of each provider's "unknown domain" answer."""
    if provider == "clearbit":
        return 404, {"error": {"type": "unknown_record",
                               "message": "Unknown domain %s" % domain}}
    if provider == "pdl":
        return 404, {"status": 404, "error": {
            "type": "not_found",
            "message": "No records were found matching your request"}}
    if provider == "builtwith":
        return 200, {"Results": [], "Errors": [{
            "Lookup": domain, "Message": "Domain not found in BuiltWith",
            "Code": -4}], "Trust": None}
    return 404, {"error": "not found"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "icp-fixtures/1"
    sys_version = ""

    def log_message(self, fmt, *args):
        if self.server.verbose:
            # the path may hold a BuiltWith KEY: print the route only
            sys.stderr.write("fixture_server: %s %s\n" % (
                self.command, self.path.split("?", 1)[0]))

    # -- helpers -----------------------------------------------------------

    def send(self, status, body, headers=None, count=True):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        if count:
            self.server.state.count_status(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_chunked_oversize(self):
        self.server.state.count_status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"a" * 65536
        parts = [b'{"name":"'] + [chunk] * (20 * 16) + [b'"}']
        try:
            for part in parts:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def send_close_early(self):
        self.server.state.count_status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            self.wfile.write(b'{"name":"' + b"x" * 91)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def send_drip(self, body):
        self.server.state.count_status(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        deadline = time.monotonic() + 60
        try:
            for i in range(len(body)):
                if time.monotonic() > deadline:
                    break
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    # -- dispatch ----------------------------------------------------------

    def do_GET(self):
        st = self.server.state
        st.begin()
        try:
            self.route()
        finally:
            st.end()

    def route(self):
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__stats":
            return self.send(200, st.snapshot(), count=False)
        if url.path == "/__reset":
            st.reset()
            return self.send(200, {"ok": True}, count=False)
        if url.path not in ROUTES:
            st.count(url.path, None)
            return self.send(404, {"error": "no such route"})
        provider, param = ROUTES[url.path]
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        raw = (query.get(param) or [""])[0]
        domain = clean_domain(raw)
        st.count(url.path, "%s:%s" % (provider, domain or raw[:64]))
        if st.latency > 0:
            time.sleep(st.latency)

        if provider == "clearbit" and not (
                self.headers.get("Authorization", "").startswith("Bearer ")):
            return self.send(401, {"error": {
                "type": "auth_required", "message": "API key required"}})
        if provider == "pdl" and not self.headers.get("X-Api-Key"):
            return self.send(401, {"status": 401, "error": {
                "type": "authentication_error",
                "message": "No API key was provided"}})
        if provider == "builtwith" and not (query.get("KEY") or [""])[0]:
            return self.send(200, {"Results": [], "Errors": [{
                "Lookup": raw[:64], "Message": "API Key is missing or invalid",
                "Code": -1}]})
        if domain is None:
            if provider == "clearbit":
                return self.send(422, {"error": {
                    "type": "invalid_domain", "message": "Invalid domain"}})
            return self.send(400, {"error": "invalid domain"})
        return self.answer(provider, domain)

    def answer(self, provider, domain):
        st = self.server.state
        key = "%s:%s" % (provider, domain)
        if domain.startswith("fault-"):
            done = self.fault(provider, domain, key)
            if done:
                return
        body = load_body(provider, domain)
        if body is None:
            status, obj = not_found_answer(provider, domain)
            return self.send(status, obj)
        extra = None
        if domain.startswith("fault-ratelimit-"):
            extra = {"X-RateLimit-Limit": "600",
                     "X-RateLimit-Remaining": "0",
                     "X-RateLimit-Reset": "1"}
        if domain.startswith("fault-drip-"):
            return self.send_drip(body)
        return self.send(200, body, extra)

    def fault(self, provider, domain, key):
        """Handles the faulty part of a fault-* domain; True when answered.
        """
        st = self.server.state
        if domain.startswith("fault-latency-"):
            m = re.match(r"fault-latency-(\d{1,6})-", domain)
            time.sleep((int(m.group(1)) if m else 2000) / 1000.0)
            return False
        if domain.startswith("fault-429-") and st.first_time(key):
            self.send(429, {"error": {"type": "rate_limit",
                                      "message": "Too many requests"}},
                      {"Retry-After": "1"})
            return True
        if domain.startswith("fault-500-") and st.first_time(key):
            self.send(500, {"error": {"type": "server_error",
                                      "message": "Internal error"}})
            return True
        if domain.startswith("fault-202-") and st.first_time(key):
            self.send(202, {})
            return True
        if domain.startswith("fault-malformed-"):
            self.send(200, b'{"name": "Broken", "metrics": {"employees": 12,')
            return True
        if domain.startswith("fault-oversize-"):
            self.send_chunked_oversize()
            return True
        if domain.startswith("fault-close-"):
            self.send_close_early()
            return True
        if domain.startswith("fault-401-"):
            self.send(401, {"error": {"type": "auth_required",
                                      "message": "Invalid API key"}})
            return True
        if domain.startswith("fault-timeout-"):
            time.sleep(6)
            return False
        if domain.startswith("fault-html-"):
            body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self.server.state.count_status(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if domain.startswith("fault-reset-"):
            self.server.state.count_status(0)
            self.close_connection = True
            return True
        if domain.startswith("fault-junk-") or \
                domain.startswith("fault-halfjunk-"):
            half = domain.startswith("fault-halfjunk-")
            name = "Half Junk Inc" if half else ["Junk", "Inc"]
            if provider == "pdl":
                body = {"status": 200, "likelihood": 8, "website": None,
                        "display_name": name, "employee_count": "lots",
                        "industry": None if half else ["a", "b"]}
            else:
                body = {"name": name, "metrics": {"employees": "lots"},
                        "category": {} if half else {"industry": ["a"]}}
            self.send(200, body)
            return True
        if domain.startswith("fault-retryafter-"):
            self.send(429, {"error": {"type": "rate_limit",
                                      "message": "Too many requests"}},
                      {"Retry-After": "60"})
            return True
        if domain.startswith("fault-redirect-"):
            self.send(302, b"", {
                "Location": "http://169.254.169.254/latest/meta-data/"})
            return True
        return False


class Server(ThreadingHTTPServer):
    # the stdlib backlog of 5 refuses bursts of 64 parallel connections
    request_queue_size = 256
    daemon_threads = True
    allow_reuse_address = True


def watchdog(server, idle_exit, parent):
    """Stops the server when idle too long or when the parent died."""
    while True:
        time.sleep(0.25)
        if os.getppid() != parent:
            break
        if server.state.idle_for() >= idle_exit:
            break
    server.shutdown()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--idle-exit", type=float, default=30.0)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.state = State(max(0, args.latency_ms))
    server.verbose = args.verbose
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    threading.Thread(target=watchdog,
                     args=(server, args.idle_exit, os.getppid()),
                     daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
