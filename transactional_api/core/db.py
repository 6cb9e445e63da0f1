"""Engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from transactional_api.core.db_options import DbOptions


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, also on SQLite which stores naive text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


READ_ONLY = "flywheel_read_only"


def read_only(engine: Engine) -> Engine:
    """The same engine for units of work that never write (SQLite begins them deferred)."""
    return engine.execution_options(**{READ_ONLY: True})


class Base(DeclarativeBase):
    pass


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class WriteGate:
    """Who may write next, handed over at once: a thread lock in this process, then an
    flock on a file beside the database for the other processes.

    SQLite's own busy handler makes a waiting writer sleep 1, 2, 5 ... 100 ms between
    tries, so under load the lock sits free while its waiters sleep; that was most of
    checkout's p99. Waiters here block in the kernel and wake the moment it is free.
    """

    def __init__(self, path: str):
        self._lock = threading.Lock()
        self._path = path
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        self._lock.acquire()
        try:
            if self._pid != os.getpid():  # opened again after a fork: flocks are per open file
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that gives the write gate back once its transaction ends."""

    gate: WriteGate | None = None
    holds_gate = False

    def take_gate(self) -> None:
        if self.gate is not None and not self.holds_gate:
            self.gate.acquire()
            self.holds_gate = True

    def _give_back(self) -> None:
        if self.holds_gate:
            self.holds_gate = False
            self.gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()


def _sqlite_file(url: str) -> str | None:
    path = url.split("///", 1)[1] if "///" in url else ""
    path = path.split("?", 1)[0]
    return None if path in ("", ":memory:") else path


def make_engine(url: str, options: DbOptions | None = None) -> Engine:
    """options: pool and timeouts for a server database (PostgreSQL); defaults when None."""
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        gate = WriteGate(path + ".writelock") if path else None
        engine = create_engine(url, connect_args={
            "check_same_thread": False, "timeout": 30, "factory": GatedConnection})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _):
            # WAL lets readers run beside the one writer; IMMEDIATE below serialises writers
            # up front instead of failing on lock upgrade.
            dbapi_conn.isolation_level = None
            dbapi_conn.gate = gate
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            _enable_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # Read-only units start deferred: in WAL they read a snapshot beside the writer
            # instead of queueing for the write lock.
            if conn.get_execution_options().get(READ_ONLY, False):
                conn.exec_driver_sql("BEGIN")
                return
            conn.connection.dbapi_connection.take_gate()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                conn.connection.dbapi_connection._give_back()
                raise

        return engine
    options = options or DbOptions()
    connect_args = {"options": options.postgres_options()} if url.startswith(
        "postgresql") and options.postgres_options() else {}
    return create_engine(url, pool_pre_ping=True, pool_size=options.pool_size,
                         max_overflow=options.max_overflow,
                         pool_timeout=options.pool_timeout_seconds, connect_args=connect_args)


def _enable_wal(cursor, attempts: int = 100) -> None:
    # Switching a new file to WAL needs an exclusive lock, and SQLite answers "locked" at
    # once (no busy wait) when processes open the same new file together: retry briefly.
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
