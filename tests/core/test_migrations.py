from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from transactional_api.core.models import Base
from transactional_api.migrations import alembic_config, upgrade


def _race_upgrades(url: str, n: int = 4) -> None:
    with ThreadPoolExecutor(n) as pool:
        for f in [pool.submit(upgrade, url) for _ in range(n)]:
            f.result()  # a migrator that lost a race would raise "table already exists"


def _assert_at_head(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert versions == [ScriptDirectory.from_config(alembic_config(url)).get_current_head()]
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
    engine.dispose()


def test_processes_starting_together_migrate_once_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    _race_upgrades(url)
    _assert_at_head(url)


def test_processes_starting_together_migrate_once_on_postgres(postgres_url):
    _race_upgrades(postgres_url)
    _assert_at_head(postgres_url)
