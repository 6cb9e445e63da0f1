"""fct_supplier_performance built (DuckDB) from the events the live API wrote in the
procurement story, checked against hand-worked figures and against the OLTP."""

from __future__ import annotations

import duckdb
import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings, run_api
from tests.procurement import procurement_story as story
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.events.lake import land
from transactional_api.migrations import upgrade
from transactional_api.procurement.models import PurchaseOrder, PurchaseOrderLine, Supplier

COLUMNS = ("supplier_name, purchase_orders, units_ordered, units_received, units_rejected, "
           "fill_rate, purchase_orders_received, mean_lead_time_days, on_time_share")


@pytest.fixture(scope="module")
def played(tmp_path_factory, redis_server):
    var = tmp_path_factory.mktemp("procurement-story")
    settings = make_settings(var / "api", redis_server.url, simulated_clock=True,
                             procurement_interval_seconds=0)
    server = run_api(settings)
    api = next(server)
    try:
        records = story.play(api)
        with api.sessions() as s:
            oltp = {name: (n_pos, ordered, received, rejected) for name, n_pos, ordered,
                    received, rejected in s.execute(
                        select(Supplier.name, func.count(func.distinct(PurchaseOrder.id)),
                               func.sum(PurchaseOrderLine.qty_ordered),
                               func.sum(PurchaseOrderLine.qty_received),
                               func.sum(PurchaseOrderLine.qty_rejected))
                        .join(PurchaseOrder, PurchaseOrder.supplier_id == Supplier.id)
                        .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
                        .where(PurchaseOrder.status != "cancelled")
                        .group_by(Supplier.name))}
    finally:
        server.close()
    return records, oltp


def prepare(records: list[dict]):
    """build_on_both's prepare(): an empty migrated OLTP and the API's events landed."""
    def _prepare(settings: Settings) -> None:
        upgrade(settings.resolved_database_url)
        land(settings.resolved_lake_dir, records)
    return _prepare


def test_supplier_performance_by_hand_and_against_the_oltp(played, tmp_path):
    records, oltp = played
    settings = Settings(var_dir=tmp_path, warehouse="duckdb",
                        database_url=f"sqlite:///{tmp_path / 'oltp.sqlite3'}")
    prepare(records)(settings)
    engines.ingest(settings)
    path = engines.build(settings, "--select", "+fct_supplier_performance", *engines.CAUTIOUS)
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(f"select {COLUMNS} from marts.fct_supplier_performance "
                            "order by supplier_name").fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(story.EXPECTED)
    for name, expected in story.EXPECTED.items():
        row = got[name]
        assert row[:4] == expected[:4] and row[5] == expected[5], name
        for value, want in ((row[4], expected[4]), (row[6], expected[6]),
                            (row[7], expected[7])):
            assert (value is None and want is None) or value == pytest.approx(want), name
    # the OLTP's lines agree with the events' figures
    for name, (n_pos, ordered, received, rejected) in oltp.items():
        assert got[name][:4] == (n_pos, ordered, received, rejected), name
