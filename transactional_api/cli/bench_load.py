"""Load for read-path benches: Debian's `wrk` when installed, else the asyncio client.

wrk is a C event loop: it drives thousands of requests per second for a few percent of a
core, so the API keeps the machine's cores (the asyncio client in bench_http.py costs about
a tenth of a core per thousand requests). Two runs per endpoint: a saturating one for
throughput (many connections) and a light one for latency (few connections, so the
percentiles are service time and not queueing behind a saturated server).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time

from transactional_api.cli import bench_http

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
_PCT = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def parse_wrk(text: str) -> dict:
    """Requests/s, latency percentiles (ms) and errors from `wrk --latency` output."""
    rps = _RPS.search(text)
    if rps is None:
        raise RuntimeError(f"wrk printed no figures:\n{text}")
    out: dict = {"rps": float(rps.group(1)), "errors": 0}
    for pct, value, unit in _PCT.findall(text):
        out[f"p{pct}"] = float(value) * _UNITS[unit]
    if m := _ERRORS.search(text):
        out["errors"] += int(m.group(1))
    if m := _SOCKET.search(text):
        out["errors"] += sum(int(g) for g in m.groups())
    return out


def _lua(headers: dict[str, str]) -> str:
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def wrk(url: str, *, seconds: float, connections: int,
        headers: dict[str, str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_lua(headers or {}))
    try:
        done = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
             "-s", fh.name, url], capture_output=True, text=True, check=True, timeout=seconds + 60)
    finally:
        os.unlink(fh.name)
    return parse_wrk(done.stdout)


async def _drive(base: str, path: str, seconds: float, connections: int,
                 headers: dict[str, str] | None) -> dict:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        client = bench_http.Connection(base)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, headers)
                except bench_http.TransportError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code >= 300
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return _summary(latencies, time.perf_counter() - started, errors)


def _summary(latencies: list[float], elapsed: float, errors: int) -> dict:
    xs = sorted(latencies) or [0.0]

    def q(p: float) -> float:
        return xs[min(len(xs) - 1, int(p * len(xs)))]

    return {"rps": len(latencies) / elapsed if elapsed else 0.0, "p50": q(0.50),
            "p75": q(0.75), "p90": q(0.90), "p99": q(0.99), "errors": errors}


def measure(base: str, path: str, *, seconds: float, connections: int,
            headers: dict[str, str] | None = None) -> dict:
    """Throughput and latency of GET base+path for `seconds` with `connections` open."""
    if have_wrk():
        got = wrk(base + path, seconds=seconds, connections=connections, headers=headers)
        got["client"] = "wrk"
        return got
    got = bench_http.run(_drive(base, path, seconds, connections, headers))
    got["client"] = "asyncio"
    return got
