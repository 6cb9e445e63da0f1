from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from transactional_api.migrations import alembic_config, upgrade


def test_streamed_at_is_backfilled_for_rows_already_published(tmp_path):
    url = f"sqlite:///{tmp_path}/oltp.sqlite3"
    command.upgrade(alembic_config(url), "0002")  # a database from before the column
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO outbox (event_id, event_type, record, created_at, published_at) VALUES "
            "('old', 'page_view', '{}', '2026-01-01 10:00:00', '2026-01-01 10:00:01'),"
            "('new', 'page_view', '{}', '2026-01-01 10:00:02', NULL)"))
    upgrade(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT event_id, streamed_at FROM outbox")).all())
        indexes = {i["name"] for i in inspect(conn).get_indexes("outbox")}
    engine.dispose()
    assert rows == {"old": "2026-01-01 10:00:01", "new": None}
    assert "ix_outbox_streamed_at" in indexes
