"""fct_settlement_statements, fct_merchant_settlement and fct_merchant_performance's
commission, built by dbt (DuckDB) from the events the live API and the settlement run
wrote (settlement_story.py), their figures checked against the OLTP's settlement tables."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.conftest import make_settings, run_api
from tests.settlement import settlement_story as story
from tests.warehouse import engines
from transactional_api.config import Settings
from transactional_api.events.lake import land

SELECT = ("+fct_settlement_statements", "+fct_merchant_settlement",
          "+fct_merchant_performance")


@pytest.fixture(scope="module")
def played(tmp_path_factory, redis_server) -> story.Played:
    var = tmp_path_factory.mktemp("settlement-story")
    # background jobs off: the story's order and payout states are its own
    settings = make_settings(var / "api", redis_server.url, auto_complete_interval_seconds=0)
    server = run_api(settings)
    api = next(server)
    try:
        with api.client(api.admin_token()) as admin:
            return story.play(api, admin, var / "oltp-copy.sqlite3")
    finally:
        server.close()


def prepare(played: story.Played):
    """build_on_both's prepare(): the story's OLTP (merchant names) and its events landed."""
    def _prepare(settings: Settings) -> None:
        shutil.copy(played.oltp_copy, settings.resolved_database_url.removeprefix("sqlite:///"))
        land(settings.resolved_lake_dir, played.records)
    return _prepare


@pytest.fixture(scope="module")
def warehouse(played, tmp_path_factory) -> str:
    var = tmp_path_factory.mktemp("settlement-warehouse")
    settings = Settings(var_dir=var, warehouse="duckdb",
                        database_url=f"sqlite:///{var / 'oltp.sqlite3'}")
    prepare(played)(settings)
    engines.ingest(settings)
    return str(engines.build(settings, "--select", *SELECT, *engines.CAUTIOUS))


def _rows(path: str, sql: str) -> list[dict]:
    with duckdb.connect(path, read_only=True) as conn:
        rel = conn.execute(sql)
        names = [d[0] for d in rel.description]
        return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def test_the_story_has_what_the_marts_must_tell_apart(played):
    alpha, beta = played.merchants["alpha"], played.merchants["beta"]
    statuses = sorted(s["payout_status"] for s in played.statements.values())
    assert statuses == ["failed", "sent"]  # the channel refused the first payout
    assert played.positions[alpha]["refunded_sub_orders"] == 1
    assert played.positions[alpha]["refunds_cents"] < 0
    assert played.positions[beta]["refunds_cents"] == 0
    # Alpha's 8% + 30 cents a sub-order is not Beta's default rate
    assert played.positions[alpha]["fee_cents"] > 0
    for m in (alpha, beta):
        assert played.positions[m]["deposit_cents"] > 0


def test_statements_match_the_oltp(played, warehouse):
    rows = {r["statement_id"]: r for r in _rows(
        warehouse, "select * from marts.fct_settlement_statements")}
    assert set(rows) == set(played.statements)
    names = {v: f"{k.title()} Settles" for k, v in played.merchants.items()}
    for sid, oltp in played.statements.items():
        row = rows[sid]
        for column in ("merchant_id", "period_key", "cycle", "currency", "sub_order_count",
                       "gross_cents", "commission_cents", "fee_cents", "refunds_cents",
                       "opening_cents", "net_payable_cents", "payout_attempts",
                       "payout_status"):
            assert row[column] == oltp[column], (sid, column)
        assert row["merchant_name"] == names[oltp["merchant_id"]]
        sent = oltp["payout_status"] == "sent"
        assert row["paid_cents"] == (oltp["payout_cents"] if sent else 0)
        assert (row["paid_at"] is not None) == sent
        assert row["issued_at"] is not None


def test_merchant_positions_match_the_ledger(played, warehouse):
    rows = {r["merchant_id"]: r for r in _rows(
        warehouse, "select * from marts.fct_merchant_settlement")}
    assert set(rows) == set(played.merchants.values())
    for m, oltp in played.positions.items():
        row = rows[m]
        assert row["currency"] == "USD"
        for column in ("accrued_gross_cents", "commission_cents", "fee_cents",
                       "refunds_cents"):
            assert row[column] == oltp[column], (m, column)
        # owed now: the ledger's payable balance less what is accrued and not settled yet
        assert row["payable_cents"] == oltp["ledger_payable_cents"] - oltp[
            "unsettled_net_cents"]
        assert row["paid_out_cents"] == oltp["paid_out_cents"]
        assert row["payout_failed_cents"] == oltp["failed_cents"]
        assert row["payouts_failed"] == (1 if oltp["failed_cents"] else 0)
        assert row["deposit_held_cents"] == oltp["deposit_cents"]
        statements = [s for s in played.statements.values() if s["merchant_id"] == m]
        assert row["statements"] == len(statements)
        assert row["issued_net_payable_cents"] == sum(
            s["net_payable_cents"] - s["opening_cents"] for s in statements)
        assert row["open_statements"] == sum(s["payout_status"] == "failed"
                                             for s in statements)
        # a merchant paid in full is owed nothing; one whose payout failed is owed it
        assert row["payable_cents"] == oltp["failed_cents"]


def test_merchant_performance_carries_the_commission(played, warehouse):
    got = {r["merchant_id"]: r["c"] for r in _rows(warehouse, """
        select merchant_id, sum(commission_cents) as c
        from marts.fct_merchant_performance group by merchant_id""")}
    for m, oltp in played.positions.items():
        assert got[m] == oltp["commission_cents"], m
