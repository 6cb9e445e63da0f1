"""Ingest: landed files are loaded once each; OLTP tables are snapshotted and replaced."""

import json
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb
import pytest
import sqlalchemy as sa

from pipelines.definitions import defs
from pipelines.ingest.events import RAW_EVENT_COLUMNS, load_new_files
from pipelines.ingest.oltp import read_oltp, write_snapshot
from tests.dbt import shop_story as story
from transactional_api.events import contract as c
from transactional_api.events.lake import land, landed_files

WHEN = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def _events(n: int, day: int = 0) -> list[dict]:
    """n behaviour events over two event types (so several partitions get files)."""
    out = []
    for i in range(n):
        at = WHEN + timedelta(days=day, minutes=i)
        if i % 2:
            out.append(c.to_record(c.ProductView(occurred_at=at, anonymous_id=f"v{i}",
                                                 payload={"product_id": f"p{i}"})))
        else:
            out.append(c.to_record(c.PageView(occurred_at=at, user_id=f"u{i}",
                                              payload={"page": f"/{i}"})))
    return out


def _materialize_ingest() -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [defs.get_assets_def("raw_events")],
        resources={"warehouse": defs.resources["warehouse"]},
    )


def _raw_counts(settings) -> tuple[int, int]:
    with duckdb.connect(str(settings.resolved_warehouse_path), read_only=True) as conn:
        return (conn.execute("SELECT count(*) FROM raw.events").fetchone()[0],
                conn.execute("SELECT count(*) FROM raw._loaded_files").fetchone()[0])


def test_raw_events_asset_is_idempotent_and_incremental(flywheel_env):
    lake = flywheel_env.resolved_lake_dir
    first = _events(6)
    land(lake, first)
    files_before = len(landed_files(lake))
    assert files_before == 2

    assert _materialize_ingest().success
    assert _raw_counts(flywheel_env) == (6, files_before)
    assert _materialize_ingest().success  # nothing new: nothing loaded twice
    assert _raw_counts(flywheel_env) == (6, files_before)

    # a second landing, repeating one event as at-least-once delivery may
    land(lake, [*_events(4, day=1), first[0]])
    assert _materialize_ingest().success
    assert _raw_counts(flywheel_env) == (6 + 5, len(landed_files(lake)))
    with duckdb.connect(str(flywheel_env.resolved_warehouse_path), read_only=True) as conn:
        per_file = conn.execute(
            "SELECT _source_file, count(*) FROM raw.events GROUP BY 1").fetchall()
        loaded = dict(conn.execute(
            "SELECT file_path, row_count FROM raw._loaded_files").fetchall())
    assert dict(per_file) == loaded  # each file's rows loaded exactly once


def test_raw_events_flatten_the_envelope(tmp_path):
    lake = tmp_path / "lake"
    event = c.OrderPaid(
        occurred_at=WHEN, user_id="u1", anonymous_id="a1", session_id="s1",
        context={"utm_source": "mail", "device": "mobile"},
        payload={"order_id": "o1", "payment_id": "pay1", "amount_cents": 1200,
                 "currency": "USD"},
    )
    land(lake, [c.to_record(event)])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        result = load_new_files(conn, lake)
        row = dict(zip(RAW_EVENT_COLUMNS, conn.execute(
            f"SELECT {', '.join(RAW_EVENT_COLUMNS)} FROM raw.events").fetchone(), strict=True))
    assert (result.files, result.rows) == (1, 1)
    assert row["event_id"] == event.event_id
    assert row["occurred_at"] == WHEN.replace(tzinfo=None)  # naive UTC
    assert (row["utm_source"], row["device"], row["utm_medium"]) == ("mail", "mobile", None)
    assert row["_source_file"].startswith("order_paid/date=2025-05-01/part-")
    assert '"amount_cents":1200' in row["payload"]


def test_a_failed_load_leaves_no_trace(tmp_path):
    lake = tmp_path / "lake"
    land(lake, _events(3))
    bad = lake / "page_view" / "date=2025-05-09"
    bad.mkdir(parents=True)
    (bad / "part-99999999T000000000000-broken.jsonl").write_text("{not json\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        with pytest.raises(ValueError):
            load_new_files(conn, lake)
        assert conn.execute("SELECT count(*) FROM raw._loaded_files").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM raw.events").fetchone()[0] == 0


def test_oltp_snapshot_replaces_tables_and_parses_sqlite_timestamps(tmp_path):
    url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    story.build_oltp(url)
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        write_snapshot(conn, read_oltp(url))
        write_snapshot(conn, read_oltp(url))  # replaced, not appended
        orders = conn.execute("SELECT count(*) FROM oltp.orders").fetchone()[0]
        paid_at = conn.execute(
            "SELECT paid_at FROM oltp.orders WHERE id = 'o1'").fetchone()[0]
        types = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'oltp' AND table_name = 'orders'").fetchall())
        user_columns = [r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'oltp' AND table_name = 'users'").fetchall()]
    engine = sa.create_engine(url)
    with engine.connect() as oltp:
        assert orders == oltp.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
        stored = oltp.execute(sa.text("SELECT paid_at FROM orders WHERE id='o1'")).scalar_one()
    engine.dispose()
    assert isinstance(stored, str)  # SQLite really holds text...
    assert paid_at == story.PAID_ORDERS["o1"][2].replace(tzinfo=None)  # ...the warehouse a time
    assert types["paid_at"] == "TIMESTAMP" and types["total_cents"] == "BIGINT"
    assert "password_hash" not in user_columns


def test_oltp_snapshot_lands_json_as_text_and_dates_as_dates(tmp_path):
    url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    story.build_oltp(url)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        write_snapshot(conn, read_oltp(url))
        labels, spec = conn.execute(
            "SELECT labels, spec FROM oltp.products WHERE id = 'p1'").fetchone()
        regions = conn.execute(
            "SELECT regions FROM oltp.warehouses WHERE id = 'north'").fetchone()[0]
        ship_from = conn.execute(
            "SELECT ship_from_date FROM oltp.skus WHERE id = 's4'").fetchone()[0]
        types = dict(conn.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'oltp'").fetchall())
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'oltp'"
        ).fetchall()}
    assert json.loads(labels) == ["new", "bestseller"] and json.loads(spec) == {}
    assert json.loads(regions) == ["RS", "SC"]
    assert ship_from == date(2025, 4, 1)
    assert types["skus.ship_from_date"] == types["presale_allotments.ship_from_date"] == "DATE"
    assert types["products.labels"] == "VARCHAR" and types["warehouses.active"] == "BOOLEAN"
    assert {"merchants", "brands", "warehouses", "bundle_components", "presale_allotments",
            "product_status_changes"} <= tables
    assert "stock_reservations" not in tables


def test_oltp_snapshot_of_a_database_without_tables(tmp_path):
    tables = read_oltp(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        write_snapshot(conn, tables)
        assert conn.execute("SELECT count(*) FROM oltp.orders").fetchone()[0] == 0
