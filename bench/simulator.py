"""Benchmark the RapidPro simulator: runs streamed per second, time to first byte, peak memory.

    python -m bench.simulator --tier national          # one tier
    python -m bench.simulator --tier all               # demo, district, national (memory flatness)
    python -m bench.simulator --tier demo --all        # walk every run of the tier

The simulator runs as its own process through the CLI (as a deployment would); its peak RSS
is read from /proc/<pid>/status (VmHWM) after the walks. The same runs are walked with three
clients, each decoding every page's JSON: the standard library's (the figure the target is read
from), requests, and temba_client (typed objects, much heavier per run).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

TOKEN = "bench-token"
ANCHOR = "2026-03-02T00:00:00Z"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def _walk(url: str, limit: int | None, page_of: Callable[[str], bytes]) -> tuple[int, float, int]:
    """Follow runs.json's ``next`` links, JSON-decoding each page `page_of` fetches; (runs, seconds, pages)."""
    nxt, n, pages, started = url + "/api/v2/runs.json", 0, 0, time.perf_counter()
    while nxt and (limit is None or n < limit):
        body = json.loads(page_of(nxt))
        n += len(body["results"])
        nxt = body["next"]
        pages += 1
    return n, time.perf_counter() - started, pages


def lean_walk(url: str, limit: int | None) -> tuple[int, float, int]:
    """`raw_walk` with the standard library's HTTP client: each page read whole (it comes with a
    Content-Length), without requests' per-request machinery (hooks, cookies, 10 KB chunks joined
    again), which on this 2-core machine takes CPU from the server measured."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    headers = {"Authorization": f"Token {TOKEN}"}

    def page_of(address: str) -> bytes:
        target = urlsplit(address)
        connection.request("GET", f"{target.path}?{target.query}" if target.query else target.path, headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} from {address}")
        return response.read()

    try:
        return _walk(url, limit, page_of)
    finally:
        connection.close()


def raw_walk(url: str, limit: int | None) -> tuple[int, float, int]:
    """GET runs.json pages following ``next`` on one keep-alive connection (requests), JSON-decoding each."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {TOKEN}"
    return _walk(url, limit, lambda address: session.get(address).content)


def client_walk(url: str, limit: int) -> tuple[int, float]:
    """The same through temba_client's iterfetches (typed objects: much heavier per run)."""
    from temba_client.v2 import TembaClient

    client = TembaClient(url, TOKEN)
    n, started = 0, time.perf_counter()
    for page in client.get_runs().iterfetches(retry_on_rate_exceed=True):
        n += len(page)
        if n >= limit:
            break
    return n, time.perf_counter() - started


def bench(tier: str, runs: int | None, client_runs: int) -> dict:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "tracpro.simulator", "--tier", tier, "--port", str(port),
                             "--token", TOKEN, "--anchor", ANCHOR, "--rate-limits", "none"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        while True:
            try:
                r = requests.get(url + "/api/v2/runs.json", headers={"Authorization": f"Token {TOKEN}"}, timeout=30)
                r.raise_for_status()
                ttfb = time.perf_counter() - started
                break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()) from None
                time.sleep(0.02)
        ln, lsecs, _ = lean_walk(url, runs)
        n, secs, pages = raw_walk(url, runs)
        cn, csecs = client_walk(url, client_runs)
        return {"tier": tier, "ttfb_s": ttfb, "lean_runs_per_s": ln / lsecs, "raw_runs": n, "raw_s": secs,
                "raw_runs_per_s": n / secs, "pages": pages, "client_runs": cn, "client_runs_per_s": cn / csecs,
                "peak_rss_mb": _vm(proc.pid, "VmHWM") / 1024}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.simulator", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tier", default="national", choices=["demo", "district", "national", "all"])
    p.add_argument("--runs", type=int, default=200_000, help="runs to stream over raw HTTP (default 200,000)")
    p.add_argument("--all", action="store_true", help="walk every run of the tier over raw HTTP")
    p.add_argument("--client-runs", type=int, default=50_000, help="runs to stream through temba_client")
    args = p.parse_args(argv)
    tiers = ["demo", "district", "national"] if args.tier == "all" else [args.tier]
    # runs/s as three clients take them: the standard library's HTTP client and json (the server's
    # rate, least disturbed by the client on a shared machine), requests and json, temba_client.
    print(f"{'tier':<9} {'TTFB':>7} {'raw runs':>9} {'runs/s: stdlib':>15} {'requests':>9} "
          f"{'temba_client':>13} {'peak RSS':>9}")
    for tier in tiers:
        r = bench(tier, None if args.all else args.runs, args.client_runs)
        print(f"{r['tier']:<9} {r['ttfb_s']:>6.2f}s {r['raw_runs']:>9,} {r['lean_runs_per_s']:>15,.0f} "
              f"{r['raw_runs_per_s']:>9,.0f} {r['client_runs_per_s']:>13,.0f} {r['peak_rss_mb']:>7.1f}MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
