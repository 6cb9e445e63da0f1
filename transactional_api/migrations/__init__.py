"""Alembic migrations of the OLTP schema, applied by ``upgrade()`` at API start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from transactional_api.core.db import make_engine

HERE = Path(__file__).parent
# Any constant shared by every Flywheel process: the advisory lock serialising migrators.
_PG_LOCK_KEY = 7_246_001


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the schema to head, safely when several processes start at once (uvicorn
    workers, API replicas): migrations run inside one transaction that holds a lock —
    BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL — so the others wait and
    then find nothing left to do."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
    finally:
        engine.dispose()
