"""The flash-sale bench's load: every request a different shopper's pass (round robin) and
a fresh request id, so the per-shopper limit and the retry key work as they would in a
crowd. Debian's wrk when installed (a C event loop: the API keeps the cores), with a Lua
script that also counts the answers by status; else the asyncio client."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
from collections import Counter

from transactional_api.cli import bench_http
from transactional_api.cli.bench_load import _summary, have_wrk, parse_wrk

_STATUS = re.compile(r"^status (\d+) (\d+)$", re.M)


def _script(path: str, passes: list[str]) -> str:
    listed = ",\n".join(json.dumps(p) for p in passes)
    return f"""
local passes = {{
{listed}
}}
local n = #passes
local i = 0
counts = {{}}
request = function()
  i = i + 1
  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/json",
    ["X-Flash-Pass"] = passes[(i % n) + 1]}}, string.format('{{"request_id":"w%d"}}', i))
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do
      io.write(string.format("status %d %d\\n", status, n))
    end
  end
end
"""


def reserve_load(base: str, path: str, passes: list[str], *, seconds: float,
                 connections: int) -> dict:
    """Throughput, latency and the answers by status of POST base+path."""
    if have_wrk():
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(_script(path, passes))
        try:
            done = subprocess.run(
                ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                 "--latency", "-s", fh.name, base + path], capture_output=True, text=True,
                check=True, timeout=seconds + 60)
        finally:
            os.unlink(fh.name)
        got = parse_wrk(done.stdout)
        got["statuses"] = {int(s): int(n) for s, n in _STATUS.findall(done.stdout)}
        got["client"] = "wrk"
        return got
    got = bench_http.run(_drive(base, path, passes, seconds, connections))
    got["client"] = "asyncio"
    return got


async def _drive(base: str, path: str, passes: list[str], seconds: float,
                 connections: int) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors, sent = 0, 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors, sent
        client = bench_http.Connection(base)
        try:
            while time.perf_counter() < deadline:
                sent += 1
                body = {"request_id": f"a{sent}"}
                t0 = time.perf_counter()
                try:
                    r = await client.post(path, json=body, headers={
                        "X-Flash-Pass": passes[sent % len(passes)]})
                except bench_http.TransportError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] += 1
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    out = _summary(latencies, time.perf_counter() - started, errors)
    out["statuses"] = dict(statuses)
    return out
