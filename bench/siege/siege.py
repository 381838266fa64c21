#!/usr/bin/env python3
"""The two client sides of bench/siege/run.sh (loopback only).

  siege.py hold PORT TRICKLERS IDLERS SECONDS
      keeps TRICKLERS connections sending a request head one byte a second (reconnecting when cut
      off) and IDLERS keep-alive connections open after one answered request, for SECONDS.
  siege.py probe PORT SECONDS
      every 0.2 s a normal request on a new connection, alternately /healthz and a search (a new
      page each time, so no answer comes from the response cache); prints their latencies.

The probe runs in its own process: a probe inside the busy event loop of the holders measures
that loop, not the server.
"""
import asyncio
import socket
import sys
import time


async def trickler(port, stop):
    head = b"GET /healthz HTTP/1.1\r\nHost: siege\r\n" * 100
    while time.time() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for byte in head:
                if time.time() > stop or reader.at_eof():
                    break
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)
            writer.close()
        except OSError:
            await asyncio.sleep(0.2)


async def idler(port, stop):
    while time.time() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: siege\r\n\r\n")
            await writer.drain()
            while time.time() < stop:
                data = await asyncio.wait_for(reader.read(65536), timeout=max(0.1, stop - time.time()))
                if not data:
                    break  # closed by the server (idle timeout): open another
            writer.close()
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.2)


async def hold(port, tricklers, idlers, seconds):
    stop = time.time() + seconds
    tasks = [asyncio.create_task(trickler(port, stop)) for _ in range(tricklers)]
    tasks += [asyncio.create_task(idler(port, stop)) for _ in range(idlers)]
    await asyncio.gather(*tasks)


def get(port, path):
    """Status of one GET on a new connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: siege\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0


def probe(port, seconds):
    stop = time.time() + seconds
    times = {"healthz": [], "search": []}
    statuses = {}
    k = 0
    while time.time() < stop:
        kind = "healthz" if k % 2 == 0 else "search"
        path = "/healthz" if kind == "healthz" else "/api/search?q=data%%20poisoning&per_page=5&page=%d" % (k // 2 + 1)
        started = time.time()
        try:
            status = get(port, path)
        except OSError:
            status = 0
        times[kind].append(time.time() - started)
        statuses[status] = statuses.get(status, 0) + 1
        k += 1
        time.sleep(0.2)
    print("| probe | n | p50 ms | p90 ms | p99 ms | max ms | under 100 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, t in times.items():
        t.sort()
        at = lambda q: "%.1f" % (t[min(len(t) - 1, int(len(t) * q))] * 1000)
        print("| %s | %d | %s | %s | %s | %s | %d |" % (kind, len(t), at(0.5), at(0.9), at(0.99), at(1.0),
                                                      sum(1 for x in t if x < 0.1)))
    print()
    print("probe statuses:", ", ".join("%s: %d" % kv for kv in sorted(statuses.items())))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "hold":
        asyncio.run(hold(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))
    elif len(sys.argv) == 4 and sys.argv[1] == "probe":
        probe(int(sys.argv[2]), float(sys.argv[3]))
    else:
        sys.exit(__doc__)
