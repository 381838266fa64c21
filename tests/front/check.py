#!/usr/bin/env python3
"""Attacks riskatlas-serve through its nginx front (started by tests/front/run.sh) and checks that the
front holds: slow clients are cut off while others are answered, keep-alive clients do not lock anyone
out, oversized requests are refused by nginx without reaching the server, /metrics is private, the web
UI's files come compressed with cache headers, and a search answers as it does directly.

Attackers connect from 127.0.0.1 (or from addresses of their own in 127.0.0.0/8), the probe that must
stay fast from 127.0.0.2, so nginx's per-address limits treat them as different clients. Timings are
bounded generously: a probe must be answered within PROBE_LIMIT seconds while an attack goes on.
Python 3 standard library only."""
import argparse
import gzip
import json
import socket
import sys
import threading
import time
import urllib.request

PROBE_LIMIT = 2.0  # seconds; an unprotected server made the probe wait as long as the attack lasted
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def connect(port, source="127.0.0.1", timeout=10.0):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


def read_answer(sock, timeout=10.0):
    """One HTTP/1.1 answer: (status, headers dict with lower-case names, body bytes); status -1 when the
    peer closed before any answer."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return -1, {}, data
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    elif headers.get("transfer-encoding") == "chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        decoded, rest = b"", body
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2:]
        body = decoded
    return status, headers, body


def request(port, target, source="127.0.0.1", method="GET", headers=None, timeout=10.0):
    """One request on a new connection: (status, headers, body, seconds)."""
    started = time.monotonic()
    with connect(port, source, timeout) as sock:
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: riskatlas.test\r\n{extra}Connection: close\r\n\r\n".encode())
        status, answer_headers, body = read_answer(sock, timeout)
    return status, answer_headers, body, time.monotonic() - started


def backend_requests(backend):
    """The server's own count of the requests it answered (its /metrics, read directly)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{backend}/metrics", timeout=10).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("riskatlas_http_requests_total{"))


def probe_while(attack_done, front, label):
    """Probes /healthz and a search from 127.0.0.2 until the attack is over; returns the slowest
    answer and any status other than 200."""
    slowest, bad = 0.0, []
    while not attack_done.is_set():
        for target in ("/healthz", "/api/search?q=poisoning&per_page=3"):
            try:
                status, _, _, seconds = request(front, target, source="127.0.0.2", timeout=PROBE_LIMIT * 5)
            except OSError as error:
                status, seconds = str(error), PROBE_LIMIT * 5
            slowest = max(slowest, seconds)
            if status != 200:
                bad.append((target, status))
        time.sleep(0.2)
    check(not bad, f"{label}: every probe answered 200 through the front (bad: {bad[:3]})")
    check(slowest < PROBE_LIMIT, f"{label}: slowest probe {slowest:.3f} s < {PROBE_LIMIT} s")


def attack_while_probing(front, label, attacker, count):
    """Runs attacker(i) for i < count on threads of their own and probes the front (probe_while)
    from just after they start until the last has ended."""
    done = threading.Event()
    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    prober = threading.Thread(target=probe_while, args=(done, front, label))
    prober.start()
    for t in threads:
        t.join()
    done.set()
    prober.join()


def slow_clients(front, count=48, header_timeout=5.0):
    """Connections that trickle a header a byte every 0.5 s, never finishing it: nginx must cut each
    off after its client_header_timeout, while probes are answered."""
    cut_after = [None] * count

    def trickle(i):
        started = time.monotonic()
        try:
            with connect(front) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: riskatlas.test\r\nX-Slow: ")
                sock.settimeout(0.5)
                while time.monotonic() - started < header_timeout * 4:
                    try:
                        if sock.recv(4096) == b"":
                            break  # closed by nginx
                    except socket.timeout:
                        pass
                    sock.sendall(b"a")
        except OSError:
            pass  # reset or broken pipe: also closed by nginx
        cut_after[i] = time.monotonic() - started

    attack_while_probing(front, f"slow clients ({count})", trickle, count)
    longest = max(cut_after)
    check(longest < header_timeout * 3,
          f"slow clients: every trickling connection cut off by nginx (longest {longest:.1f} s, "
          f"client_header_timeout {header_timeout:.0f} s)")
    check(min(cut_after) > header_timeout * 0.5, "slow clients: not cut off before their header timeout")


def keep_alive_clients(front, count=64, seconds=6.0, interval=0.5):
    """Keep-alive clients, each from an address of its own, sending a search every `interval` on one
    connection: all answered, on the connection they opened, while probes stay fast."""
    results = [None] * count

    def client(i):
        statuses, connections = [], 0
        source = f"127.0.0.{10 + i}"
        sock = None
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                if sock is None:
                    sock = connect(front, source)
                    connections += 1
                sock.sendall(f"GET /api/search?q=model&per_page=5&page={1 + i % 3} HTTP/1.1\r\n"
                             f"Host: riskatlas.test\r\n\r\n".encode())
                status, headers, _ = read_answer(sock)
                statuses.append(status)
                if status == -1 or headers.get("connection", "").lower() == "close":
                    sock.close()
                    sock = None
            except OSError as error:
                statuses.append(str(error))
                sock = None
            time.sleep(interval)
        if sock:
            sock.close()
        results[i] = (statuses, connections)

    attack_while_probing(front, f"keep-alive clients ({count})", client, count)
    statuses = [s for r in results for s in r[0]]
    check(statuses and all(s == 200 for s in statuses),
          f"keep-alive clients: all {len(statuses)} requests answered 200 "
          f"(others: {[s for s in statuses if s != 200][:5]})")
    check(all(r[1] == 1 for r in results), "keep-alive clients: each kept its one connection to nginx")


def oversized(front, backend):
    """Oversized request line, header line, header block and body: refused by nginx, unseen by the server."""
    before = backend_requests(backend)
    long_line = request(front, "/api/search?q=" + "a" * 10000)[0]
    check(long_line == 414, f"request line of 10 KB: {long_line} (want 414)")
    long_header = request(front, "/healthz", headers={"X-Big": "b" * 10000})[0]
    check(long_header in (400, 494), f"header line of 10 KB: {long_header} (want 400)")
    many = {f"X-H{i}": "c" * 1000 for i in range(48)}
    many_headers = request(front, "/healthz", headers=many)[0]
    check(many_headers in (400, 494), f"48 KB of headers: {many_headers} (want 400)")
    body = request(front, "/api/search", method="POST", headers={"Content-Length": "100000000"})[0]
    check(body == 413, f"POST with a 100 MB body announced: {body} (want 413)")
    get_body = request(front, "/healthz", headers={"Content-Length": "20000"})[0]
    check(get_body == 413, f"GET with a 20 KB body announced: {get_body} (want 413)")
    after = backend_requests(backend)
    # The second read of /metrics counts the first one.
    check(after - before == 1, f"none of them reached the server ({after - before - 1:.0f} did)")


def api_and_static(front, backend):
    target = "/api/search?q=prompt%20injection&type=risk&per_page=5"
    direct = json.loads(request(backend, target)[2])
    status, headers, body, _ = request(front, target, headers={"Accept-Encoding": "gzip"})
    check(status == 200, f"search through the front: {status}")
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    through = json.loads(body)
    for answer in (direct, through):
        answer.pop("took_ms", None)
    check(through == direct and direct["total"] > 0, "a search answers the same JSON through the front as directly")
    check(headers.get("content-encoding") == "gzip", "API JSON comes gzip'd")
    check("frame-ancestors 'none'" in headers.get("content-security-policy", ""),
          "the server's Content-Security-Policy passes through")

    for path in ("/js/main.js", "/css/app.css", "/favicon.svg"):
        status, headers, body, _ = request(front, path, headers={"Accept-Encoding": "gzip"})
        cache = headers.get("cache-control", "")
        check(status == 200, f"{path}: 200")
        if path != "/favicon.svg":  # under gzip_min_length
            check(headers.get("content-encoding") == "gzip" and "accept-encoding" in headers.get("vary", "").lower(),
                  f"{path}: gzip'd, with Vary: Accept-Encoding")
        check(cache == "max-age=3600" and "expires" in headers, f"{path}: cached an hour (Cache-Control: {cache})")
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        check(body == request(backend, path)[2], f"{path}: the server's file")
    status, headers, _, _ = request(front, "/", headers={"Accept-Encoding": "gzip"})
    check(status == 200 and headers.get("cache-control") == "no-cache",
          f"/ (the page, unversioned): revalidated every time (Cache-Control: {headers.get('cache-control')})")

    for path in ("/metrics", "//metrics", "/%6Detrics", "/metrics?x=1"):
        status = request(front, path)[0]
        check(status == 403, f"{path} through the front: {status} (want 403)")
    check(request(backend, "/metrics")[0] == 200, "/metrics directly on the server's port: 200")

    # Keep-alive to the server: sequential requests through the front reuse one upstream connection,
    # so they leave (almost) no closed connections behind on the server's port.
    closed_before = time_wait_sockets(backend)
    for _ in range(30):
        request(front, "/healthz")
    closed = time_wait_sockets(backend) - closed_before
    check(closed < 5, f"30 requests through the front closed {closed} connections to the server (upstream keep-alive)")


def time_wait_sockets(port):
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, remote, state = fields[1], fields[2], fields[3]
                    if state == "06" and (int(local.split(":")[1], 16) == port or int(remote.split(":")[1], 16) == port):
                        count += 1
        except FileNotFoundError:
            pass
    return count


def rate_limit(front):
    """One client firing API requests back to back on one connection: past nginx's burst it gets 429,
    and another client is still answered."""
    statuses = []
    with connect(front, "127.0.0.3") as sock:
        for _ in range(100):
            sock.sendall(b"GET /api/suggest?q=poi HTTP/1.1\r\nHost: riskatlas.test\r\n\r\n")
            statuses.append(read_answer(sock)[0])
    check(statuses.count(200) >= 40 and statuses.count(429) > 0 and set(statuses) <= {200, 429},
          f"100 back-to-back API requests from one address: {statuses.count(200)} answered, "
          f"{statuses.count(429)} refused 429")
    check(request(front, "/api/suggest?q=poi", source="127.0.0.2")[0] == 200, "another address is still answered")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--front", type=int, required=True, help="nginx's port")
    parser.add_argument("--backend", type=int, required=True, help="riskatlas-serve's port")
    args = parser.parse_args()
    started = time.monotonic()
    api_and_static(args.front, args.backend)
    oversized(args.front, args.backend)
    rate_limit(args.front)
    slow_clients(args.front)
    keep_alive_clients(args.front)
    print(f"front test: {'FAIL' if failures else 'ok'} in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
