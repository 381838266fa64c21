#!/usr/bin/env python3
"""The soak load of tests/soak/run.sh: good, bad and slow requests at once against one riskatlas-serve,
for a bounded time, while the indexer republishes (run.sh's loop). Checks every answer's status
against the one its request must get, counts them, and samples the server's RSS at the start, after
warm-up and at the end. Python 3 standard library only; wrk (Debian) adds throughput on good requests."""
import argparse
import collections
import http.client
import json
import random
import re
import socket
import subprocess
import sys
import threading
import time

WORDS = ["poisoning", "prompt injection", "model", "adversarial", "deepfake", "privacy", "backdoor",
         "evasion", "llm", "data", "attack", "supply chain", "membership inference", "jailbreak"]
lock = threading.Lock()
counts = collections.Counter()  # (kind, status) -> answers
failures = []  # (kind, request, what happened)
generations = set()


def record(kind, what, status, expected):
    with lock:
        counts[(kind, status)] += 1
        if status not in expected and len(failures) < 1000:
            failures.append((kind, what, status))


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def good_requests(ids):
    word = random.choice(WORDS)
    q = word.replace(" ", "%20")
    return random.choice([
        f"/api/search?q={q}&per_page=10",
        f"/api/search?q={q}&type=risk&page=2&per_page=5",
        f"/api/search?type=technique&sort=title&per_page=20",
        f"/api/suggest?q={q[:3]}",
        f"/api/records/{random.choice(ids)}",
        f"/api/records/{random.choice(ids)}/related?limit=3",
        "/api/facets",
        "/healthz",
        "/",
        "/js/main.js",
    ])


def good_client(port, ids, stop):
    """A browser-like client: keep-alive, one request after another. Like a browser, it sends a
    request again on a new connection when a kept-alive one was closed under it (the server closes
    connections idle for 2 s, and a starved client thread can be idle that long); such retries are
    counted apart. Any failure on a new connection counts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    reused = False
    while not stop.is_set():
        path = good_requests(ids)
        for attempt in (1, 2):
            try:
                conn.request("GET", path)
                res = conn.getresponse()
                body = res.read()
                status = res.status
                reused = not res.will_close
                if path == "/healthz" and status == 200:
                    with lock:
                        generations.add(json.loads(body)["generation"])
                break
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if not reused or attempt == 2:
                    break
                reused = False
                record("good", path, "retried", {"retried"})
        record("good", path, status, {200})


def raw(port, data, timeout=30):
    """Sends bytes on a new connection; the status of the answer, or 'closed' when none came."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while we were still sending: the answer is already there
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except ConnectionResetError:
            pass
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", answer)
    return int(match.group(1)) if match else "closed"


# Requests that must fail, each with the status it must get.
BAD = [
    (b"GET /api/search?page=0 HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    (b"GET /api/search?colour=red HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    (b"GET /api/search?q=" + b"a%20" * 400 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    (b"GET /api/search?q=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    (b"GET /api/suggest HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    (b"GET /api/records/NO.SUCH.ID HTTP/1.1\r\nHost: x\r\n\r\n", {404}),
    (b"GET /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n", {404}),
    (b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", {400, 404}),
    (b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", {405}),
    (b"DELETE /api/records/AML.T0051 HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", {413}),
    (b"GET /api/search?q=" + b"b" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"c" * 40000 + b"\r\n\r\n", {431}),
]


def bad_client(port, stop):
    while not stop.is_set():
        data, expected = random.choice(BAD)
        try:
            status = raw(port, data)
        except OSError as error:
            status = type(error).__name__
        record("bad", data[:40].decode("latin-1"), status, expected)


def slow_client(port, stop, request_timeout):
    """Trickles a request head a byte every 0.5 s: the server must answer 408 or hang up by its
    request deadline (plus slack for a loaded machine), never answer it."""
    while not stop.is_set():
        started = time.monotonic()
        status = "not cut off"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(b"GET /api/search?q=slow HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                sock.settimeout(0.5)
                while time.monotonic() - started < request_timeout * 3:
                    try:
                        data = sock.recv(4096)
                        match = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
                        status = int(match.group(1)) if match else "closed"
                        break
                    except socket.timeout:
                        sock.sendall(b"s")
        except (BrokenPipeError, ConnectionResetError):
            status = "closed"
        except OSError as error:
            status = type(error).__name__
        record("slow", "trickled head", status, {408, "closed"})


def run_wrk(port, seconds, script, connections):
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "20s", "-s", script,
                              f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return None
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {"requests": requests, "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0,
            "per_second": float(rate.group(1)) if rate else 0.0, "output": out}


def health_generation(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")
    generation = json.loads(conn.getresponse().read())["generation"]
    conn.close()
    return generation


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True, help="the server's process id, for its RSS")
    parser.add_argument("--seconds", type=int, default=75)
    parser.add_argument("--warm-up", type=int, default=15, help="seconds of load before the second RSS sample")
    parser.add_argument("--good", type=int, default=32, help="keep-alive clients sending good requests")
    parser.add_argument("--bad", type=int, default=8)
    parser.add_argument("--slow", type=int, default=16)
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument("--wrk-script", required=True)
    parser.add_argument("--request-timeout", type=float, default=5.0, help="the server's --request-timeout")
    parser.add_argument("--max-rss-mb", type=float, required=True, help="the end RSS may not exceed this")
    args = parser.parse_args()

    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
    conn.request("GET", "/api/search?per_page=100")
    ids = [hit["id"] for hit in json.loads(conn.getresponse().read())["hits"]]
    conn.close()

    rss = {"start": rss_kb(args.pid)}
    stop = threading.Event()
    threads = [threading.Thread(target=good_client, args=(args.port, ids, stop)) for _ in range(args.good)]
    threads += [threading.Thread(target=bad_client, args=(args.port, stop)) for _ in range(args.bad)]
    threads += [threading.Thread(target=slow_client, args=(args.port, stop, args.request_timeout))
                for _ in range(args.slow)]
    started = time.monotonic()
    for t in threads:
        t.start()
    wrk_result = {}
    wrk_thread = threading.Thread(target=lambda: wrk_result.update(
        run_wrk(args.port, args.seconds, args.wrk_script, args.wrk_connections) or {}))
    wrk_thread.start()
    time.sleep(args.warm_up)
    rss["warm-up"] = rss_kb(args.pid)
    time.sleep(max(0, args.seconds - args.warm_up))
    stop.set()
    for t in threads:
        t.join()
    wrk_thread.join()
    elapsed = time.monotonic() - started
    # The load is over. The end sample waits for the next generation switch and for the check after
    # it (index checks run on requests, a second apart), when the replaced generation is released.
    rss["after load"] = rss_kb(args.pid)
    first = health_generation(args.port)
    deadline = time.monotonic() + 120
    while health_generation(args.port) == first and time.monotonic() < deadline:
        time.sleep(0.5)
    for _ in range(6):
        health_generation(args.port)
        time.sleep(0.5)
    rss["end"] = rss_kb(args.pid)
    rss["peak"] = rss_kb(args.pid, "VmHWM")

    print(f"soak: {elapsed:.0f} s of load; answers by kind and status:")
    for (kind, status), n in sorted(counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        print(f"  {kind:5} {status!s:>14} {n:8}")
    if wrk_result:
        print(f"  wrk: {wrk_result['requests']} good requests ({wrk_result['per_second']:.0f}/s), "
              f"{wrk_result['non_2xx']} not 2xx, {wrk_result['socket_errors']} socket errors")
    else:
        print("  wrk: not installed, skipped")
    print(f"  generations served to /healthz: {len(generations)}")
    print("  RSS (MB): " + ", ".join(f"{k} {v / 1024:.1f}" for k, v in rss.items()) +
          f"; bound {args.max_rss_mb:.0f}")

    problems = []
    if failures:
        problems.append(f"{len(failures)} answers of the wrong status, e.g. {failures[:5]}")
    if wrk_result and (wrk_result["non_2xx"] or wrk_result["socket_errors"]):
        problems.append("wrk saw failures:\n" + wrk_result["output"])
    for kind in ("good", "bad", "slow"):
        if not any(n for (k, _), n in counts.items() if k == kind):
            problems.append(f"no {kind} request was answered")
    if len(generations) < 2:
        problems.append("the server never moved to a republished generation")
    if rss["end"] / 1024 > args.max_rss_mb:
        problems.append(f"end RSS {rss['end'] / 1024:.1f} MB is over the bound {args.max_rss_mb:.0f} MB")
    for p in problems:
        print("soak: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
