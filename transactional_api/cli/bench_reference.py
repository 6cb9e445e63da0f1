"""The bare reference `flywheel bench checkout` measures beside the golden path.

One FastAPI endpoint doing one raw sqlite3 write transaction in WAL mode: a conditional
stock decrement and two inserts (the order, its ledger line), the floor under any checkout
that writes to the embedded database. It runs under uvicorn in its own process, with the
same pragmas as the API's engine (core/db.py), and a sync handler so it runs in the same
threadpool the API's handlers do; writers wait on SQLite's lock in its busy handler.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from transactional_api.cli.processes import Supervisor, python_module, wait_http

DB_ENV = "FLYWHEEL_BENCH_REFERENCE_DB"
PATH = "/buy"
SCHEMA = """
CREATE TABLE IF NOT EXISTS stock (sku_id TEXT PRIMARY KEY, available INTEGER NOT NULL
    CHECK (available >= 0));
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, sku_id TEXT NOT NULL,
    quantity INTEGER NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS movements (id INTEGER PRIMARY KEY AUTOINCREMENT, sku_id TEXT NOT
    NULL, order_id TEXT NOT NULL, delta INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
"""


class BuyIn(BaseModel):
    sku_id: str
    quantity: int = 1


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def init_db(path: Path, skus: list[str], stock: int) -> None:
    conn = _connect(str(path))
    try:
        conn.executescript(SCHEMA)
        conn.executemany("INSERT OR REPLACE INTO stock VALUES (?, ?)",
                         [(s, stock) for s in skus])
    finally:
        conn.close()


def create_app() -> FastAPI:
    path = os.environ[DB_ENV]
    local = threading.local()  # one connection per threadpool thread, as a pool would give
    app = FastAPI()

    def conn() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = _connect(path)
        return local.conn

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(PATH)
    def buy(body: BuyIn) -> dict[str, str]:
        c = conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            cur = c.execute("UPDATE stock SET available = available - ? "
                            "WHERE sku_id = ? AND available >= ?",
                            (body.quantity, body.sku_id, body.quantity))
            if cur.rowcount != 1:
                raise HTTPException(409, "out of stock")
            order_id = str(uuid.uuid4())
            c.execute("INSERT INTO orders (id, sku_id, quantity) VALUES (?, ?, ?)",
                      (order_id, body.sku_id, body.quantity))
            c.execute("INSERT INTO movements (sku_id, order_id, delta) VALUES (?, ?, ?)",
                      (body.sku_id, order_id, -body.quantity))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return {"order_id": order_id}

    return app


@contextlib.contextmanager
def reference_server(skus: list[str], stock: int) -> Iterator[str]:
    """The reference app on a fresh SQLite file, in its own uvicorn process; yields its URL."""
    from transactional_api.cli.bench_server import _free_port

    var = Path(tempfile.mkdtemp(prefix="flywheel-bench-ref-"))
    db = var / "reference.sqlite3"
    init_db(db, skus, stock)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    sup = Supervisor(env={**os.environ, DB_ENV: str(db)}, log_dir=var / "logs")
    try:
        proc = sup.start("reference", python_module(
            "uvicorn", "transactional_api.cli.bench_reference:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"))
        wait_http(f"{url}/healthz", timeout=60, proc=proc.proc)
        yield url
    finally:
        sup.stop_all()
        shutil.rmtree(var, ignore_errors=True)
