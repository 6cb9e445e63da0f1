"""A throwaway PostgreSQL cluster for a bench, started like tests/conftest.py's fixture:
Debian's server binaries, a fresh data dir, loopback only, stopped and removed afterwards."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian package creates a 'postgres' user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yields a SQLAlchemy URL of an empty database; raises PostgresUnavailable first when
    the server binaries are missing or the cluster does not start."""
    from transactional_api.cli.bench_server import _free_port

    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise PostgresUnavailable("PostgreSQL server binaries are not installed "
                                  "(apt-get install postgresql)")
    # Not under a root-private tmp dir: the postgres user must reach it.
    root = Path(tempfile.mkdtemp(prefix="flywheel-bench-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    # synchronous_commit=off is the durability the SQLite side runs with (WAL with
    # synchronous=NORMAL): a power cut may lose the last commits, never corrupts.
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 "
               "-c synchronous_commit=off -c shared_buffers=256MB")
    try:
        subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-w", "-l", str(root / "log"),
                                     "-o", options, "start"]), check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise PostgresUnavailable(f"the throwaway cluster did not start: {exc} "
                                  f"{detail.decode(errors='replace').strip()}") from exc
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE flywheel")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/flywheel"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
