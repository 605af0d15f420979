#!/usr/bin/env python3
"""serve_probe.py -- raw-socket probes of a server for tests/e2e/serve.sh:

  serve_probe.py slow PORT SECS      send half a request, then nothing:
                                     prints "closed" when the server hangs
                                     up within SECS, "open" otherwise
  serve_probe.py conns PORT N        open N connections and keep them,
                                     then one more: prints "refused" when
                                     the server closes the extra one (N
                                     is its --max-connections), "served"
                                     when it answers it
  serve_probe.py drain PORT PIDFILE BODYFILE
                                     send the headers and half the body of
                                     POST /v1/score, SIGTERM the server,
                                     send the rest: prints the status of
                                     the answer, then whether a new
                                     connection is still accepted
"""
import os
import signal
import socket
import sys


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def get(port, path):
    """The answer to GET path on a new connection, None when refused."""
    try:
        c = connect(port)
        c.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close"
                  b"\r\n\r\n" % path.encode())
        data = b""
        while True:
            chunk = c.recv(65536)
            if not chunk:
                return data
            data += chunk
    except OSError:
        return None


def slow(port, secs):
    s = connect(port)
    s.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 100"
              b"\r\n\r\n{")
    s.settimeout(secs)
    try:
        data = s.recv(4096)
        print("closed" if not data else "answered")
    except socket.timeout:
        print("open")
    except OSError:
        print("closed")


def conns(port, n):
    keep = [connect(port) for _ in range(n)]
    for s in keep:  # make sure the server took each one
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(4096)
    extra = connect(port)
    extra.settimeout(5)
    try:
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = extra.recv(4096)
        print("served" if data.startswith(b"HTTP/1.1 200") else "refused")
    except OSError:
        print("refused")
    for s in keep:
        s.close()


def drain(port, pidfile, bodyfile):
    body = open(bodyfile, "rb").read()
    pid = int(open(pidfile).read().strip())
    s = connect(port)
    half = len(body) // 2
    s.sendall(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: %d"
              b"\r\n\r\n" % len(body) + body[:half])
    # the server has the request in flight before the signal ...
    while b"icp_http_requests_in_flight 2" not in get(port, "/metrics"):
        pass
    os.kill(pid, signal.SIGTERM)
    # ... and stopped accepting before the rest of the body
    while get(port, "/healthz") is not None:
        pass
    s.sendall(body[half:])
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    print(data.split(b" ")[1].decode() if data else "none")
    try:
        c = connect(port)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        print("accepted" if c.recv(4096) else "refused")
    except OSError:
        print("refused")


cmd = sys.argv[1]
if cmd == "slow":
    slow(int(sys.argv[2]), float(sys.argv[3]))
elif cmd == "conns":
    conns(int(sys.argv[2]), int(sys.argv[3]))
elif cmd == "drain":
    drain(int(sys.argv[2]), sys.argv[3], sys.argv[4])
else:
    sys.exit(__doc__)
