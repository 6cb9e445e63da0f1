"""fct_merchant_performance built by dbt from the events the real API relayed
(merchant_story.py), its figures checked against the OLTP's sub-orders."""

from __future__ import annotations

import duckdb
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import make_settings, run_api
from tests.merchants import merchant_story
from tests.warehouse import engines

SELECT = ("+fct_merchant_performance", "stg_flywheel__merchant_status_changes")


@pytest.fixture
def api(tmp_path, redis_server):
    # no deposit: this mart is about sales, and settlement's deposit events are its own
    yield from run_api(make_settings(tmp_path / "var", redis_server.url,
                                     merchants_deposit_cents=0))


@pytest.fixture
def built(api, admin):
    story = merchant_story.play(api, admin)
    engines.ingest(api.settings)
    path = engines.build(api.settings, "--select", *SELECT, *engines.CAUTIOUS)
    return story, path


def _oltp(api) -> dict[str, tuple[int, int]]:
    engine = create_engine(api.settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            return {m: (int(g), int(n)) for m, g, n in conn.execute(text(
                "SELECT merchant_id, sum(total_cents), count(*) FROM sub_orders "
                "WHERE paid_at IS NOT NULL GROUP BY merchant_id"))}
    finally:
        engine.dispose()


def test_each_merchants_sales_match_the_oltp(api, built):
    story, path = built
    oltp = _oltp(api)
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            "select merchant_id, sum(gmv_cents), sum(paid_sub_orders), sum(refund_cents), "
            "sum(net_revenue_cents), sum(sub_orders_shipped), max(mean_hours_to_ship) "
            "from marts.fct_merchant_performance group by merchant_id").fetchall()
        moves = conn.execute(
            "select merchant_id, from_status, to_status from "
            "staging.stg_flywheel__merchant_status_changes order by changed_at").fetchall()
    got = {m: r for m, *r in rows}
    alpha, beta = story.merchants["alpha"], story.merchants["beta"]
    assert set(got) == {alpha, beta}
    assert got[alpha][:2] == [oltp[alpha][0], 2] and got[beta][:2] == [oltp[beta][0], 1]
    assert oltp[alpha][0] >= 3 * 1200 and oltp[beta][0] >= 3 * 1200  # the unpaid one is out
    for m in (alpha, beta):
        assert got[m][2] == 0 and got[m][3] == got[m][0]  # no refunds in this story
    assert got[alpha][4] == 1 and got[beta][4] == 0
    assert got[alpha][5] is not None and abs(got[alpha][5]) < 0.1  # shipped at once
    assert got[beta][5] is None
    for m in (alpha, beta):
        assert [(f, t) for mid, f, t in moves if mid == m] == [
            (None, "pending_deposit"), ("pending_deposit", "active")]

