"""Child processes of the CLI: each in its own process group so stopping it stops its children."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def repo_root() -> Path:
    """The checkout holding pyproject.toml (dbt and dashboards paths are relative to it)."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def dashboards_app() -> Path:
    # find_spec locates the package without importing it (transactional_api must not).
    spec = importlib.util.find_spec("dashboards")
    if spec and spec.origin:
        return Path(spec.origin).parent / "app.py"
    return repo_root() / "dashboards" / "app.py"


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_http(url: str, *, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode} before answering")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log_path: Path | None = None

    def stop(self, timeout: float = 10.0, *, signalled: bool = False) -> None:
        """SIGTERM the whole group, wait for every member, then SIGKILL what is left."""
        if not signalled and not _signal_group(self.proc.pid, signal.SIGTERM):
            self.proc.poll()
            return
        # grandchildren (dagster's daemon, uvicorn workers) may outlive the leader: wait for
        # the group, not just the process we started
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.proc.poll()
            if not _signal_group(self.proc.pid, 0):
                return
            time.sleep(0.1)
        _signal_group(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)


def _signal_group(pgid: int, sig: int) -> bool:
    """Send sig to the group; False when no member is left."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        # only zombies remain (not yet reaped); they hold no resources
        return False
    return True


@dataclass
class Supervisor:
    """Starts children and stops them all, newest first."""

    env: dict[str, str]
    log_dir: Path | None = None
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, args: list[str], *, cwd: Path | None = None,
              extra_env: dict[str, str] | None = None, quiet: bool = True) -> Child:
        env = {**self.env, **(extra_env or {})}
        log_path = None
        out = None
        if quiet and self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log_path = self.log_dir / f"{name}.log"
            out = log_path.open("ab")
        proc = subprocess.Popen(
            args, cwd=cwd, env=env, start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT if out else None, stdin=subprocess.DEVNULL,
        )
        if out is not None:
            out.close()  # the child holds its own descriptor
        child = Child(name, proc, log_path)
        self.children.append(child)
        return child

    def stop_all(self, timeout: float = 10.0) -> None:
        """Ask every group to stop at once (dagster takes seconds), then kill stragglers."""
        children, self.children = self.children[::-1], []
        for child in children:
            _signal_group(child.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in children:
            child.stop(timeout=max(0.1, deadline - time.monotonic()), signalled=True)


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_module(module: str, *args: str, env: dict[str, str], cwd: Path | None = None,
               capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``python -m module`` in the foreground, in its own group so Ctrl-C is ours to pass."""
    proc = subprocess.Popen(
        python_module(module, *args), env=env, cwd=cwd, text=True,
        start_new_session=True, stdout=subprocess.PIPE if capture else None,
    )
    try:
        out, _ = proc.communicate()
    except BaseException:
        Child(module, proc).stop()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, None)
