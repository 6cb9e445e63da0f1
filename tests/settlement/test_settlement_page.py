"""The Settlement dashboard page and its data functions over a hand-made published
warehouse (the marts of _settlement.yml)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import settlement_data
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "settlement.py"
SPEC = REPO_ROOT / "dbt_project/models/marts/settlement/_settlement.yml"


def _columns(model: str) -> list[tuple[str, str]]:
    spec = next(m for m in yaml.safe_load(SPEC.read_text(encoding="utf-8"))["models"]
                if m["name"] == model)
    return [(c["name"], c["data_type"]) for c in spec["columns"]]


def _position(merchant_id, name, currency, payable, paid, held, failed, n_failed, open_,
              statements):
    return {"merchant_id": merchant_id, "merchant_name": name, "currency": currency,
            "accrued_gross_cents": paid + payable, "commission_cents": 100,
            "fee_cents": 0, "refunds_cents": 0, "payable_cents": payable,
            "issued_net_payable_cents": paid + payable, "paid_out_cents": paid,
            "payouts_failed": n_failed, "payout_failed_cents": failed,
            "deposit_held_cents": held, "statements": statements, "open_statements": open_,
            "last_issued_at": datetime(2025, 3, 10, 12)}


POSITIONS = [
    _position("m-a", "Alpha", "USD", 0, 12_000, 50_000, 0, 0, 0, 2),
    _position("m-b", "Beta", "USD", 6_683, 0, 50_000, 6_683, 1, 1, 1),
    _position("m-c", None, "EUR", 900, 300, 10_000, 0, 0, 1, 2),
]


def _statement(sid, merchant, currency, net, paid, status, issued, paid_at=None):
    return {"statement_id": sid, "merchant_id": merchant, "merchant_name": merchant.upper(),
            "cycle": "weekly", "period_key": "2025-W10", "currency": currency,
            "sub_order_count": 1, "gross_cents": net, "commission_cents": 0, "fee_cents": 0,
            "merchant_discount_cents": 0, "refunds_cents": 0, "adjustments_cents": 0,
            "opening_cents": 0, "deposit_deducted_cents": 0, "net_payable_cents": net,
            "payout_id": f"p-{sid}" if status in ("sent", "failed") else None,
            "paid_cents": paid, "payout_status": status,
            "payout_attempts": 1 if status in ("sent", "failed") else 0,
            "issued_at": issued, "paid_at": paid_at}


STATEMENTS = [
    _statement("s1", "m-a", "USD", 7_000, 7_000, "sent", datetime(2025, 3, 10, 9),
               datetime(2025, 3, 10, 9, 5)),
    _statement("s2", "m-a", "USD", 5_000, 5_000, "sent", datetime(2025, 3, 11, 9),
               datetime(2025, 3, 12, 1)),
    _statement("s3", "m-b", "USD", 6_683, 0, "failed", datetime(2025, 3, 11, 9)),
    _statement("s4", "m-c", "EUR", 300, 300, "sent", datetime(2025, 3, 10, 9),
               datetime(2025, 3, 10, 10)),
    _statement("s5", "m-c", "EUR", -50, 0, "nothing_due", datetime(2025, 3, 12, 9)),
    _statement("old", "m-c", "EUR", 999, 999, "sent", datetime(2024, 1, 1),
               datetime(2024, 1, 1)),
]


@pytest.fixture
def settlement_warehouse(warehouse, settings_env):  # noqa: F811
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        for model, rows in (("fct_merchant_settlement", POSITIONS),
                            ("fct_settlement_statements", STATEMENTS)):
            cols = _columns(model)
            frame = pd.DataFrame(rows)[[n for n, _ in cols]]  # noqa: F841 (read by DuckDB)
            ddl = ", ".join(f"{n} {t}" for n, t in cols)
            conn.execute(f"create table marts.{model} ({ddl})")
            conn.execute(f"insert into marts.{model} by name select * from frame")
    return str(settings_env.published_warehouse_path)


def test_totals_are_per_currency_never_mixed():
    got = settlement_data.totals(pd.DataFrame(POSITIONS))
    assert got == {
        "USD": {"payable_cents": 6_683, "paid_out_cents": 12_000, "deposit_held_cents": 100_000,
                "payout_failed_cents": 6_683, "open_statements": 1},
        "EUR": {"payable_cents": 900, "paid_out_cents": 300, "deposit_held_cents": 10_000,
                "payout_failed_cents": 0, "open_statements": 1}}
    assert settlement_data.totals(pd.DataFrame(columns=list(POSITIONS[0]))) == {}


def test_payouts_by_day_count_only_sent_payouts_on_the_day_paid():
    got = settlement_data.payouts_by_day(pd.DataFrame(STATEMENTS[:5]))
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        (date(2025, 3, 10), "EUR", 300, 1), (date(2025, 3, 10), "USD", 7_000, 1),
        (date(2025, 3, 12), "USD", 5_000, 1)]
    assert settlement_data.payouts_by_day(pd.DataFrame(STATEMENTS[2:3])).empty


def test_statements_in_the_range_newest_first(settlement_warehouse):
    got = settlement_data.statements.__wrapped__(settlement_warehouse, 1, date(2025, 3, 1),
                                                 date(2025, 3, 11))
    assert list(got["statement_id"]) == ["s2", "s3", "s1", "s4"]  # s5 after, old before
    positions = settlement_data.positions.__wrapped__(settlement_warehouse, 1)
    assert list(positions["merchant_id"]) == ["m-b", "m-c", "m-a"]  # most owed first


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_page_shows_positions_statements_and_payouts(settlement_warehouse):
    app = _run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Payable (USD)"] == "$66.83"
    assert metrics["Paid out (USD)"] == "$120.00"
    assert metrics["Open statements (EUR)"] == "1"
    merchants = app.dataframe[0].value
    assert list(merchants["merchant"]) == ["Beta", "m-c", "Alpha"]  # no name: its id
    assert len(app.get("vega_lite_chart")) == 1


def test_a_warehouse_without_the_settlement_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the settlement marts existed" in " ".join(i.value for i in app.info)


def test_the_merchant_office_reads_only_its_own_statements(settlement_warehouse):
    from dashboards import merchant_office_data as office

    mine = office.settlement(settlement_warehouse, 1, "m-a")
    assert list(mine["paid_cents"]) == [5_000, 7_000]  # newest first; no m-b, m-c rows
    position = office.settlement_position(settlement_warehouse, 1, "m-b")
    assert [tuple(r) for r in position.itertuples(index=False)] == [
        ("USD", 6_683, 0, 50_000, 1)]
    assert office.settlement(settlement_warehouse, 1, "m-zzz").empty


def test_the_merchant_office_page_shows_the_merchants_settlement(settlement_warehouse):
    spec = REPO_ROOT / "dbt_project/models/marts/merchants/_merchants.yml"
    cols = yaml.safe_load(spec.read_text(encoding="utf-8"))["models"][0]["columns"]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in cols)
    with duckdb.connect(settlement_warehouse) as conn:
        conn.execute(f"create table marts.fct_merchant_performance ({ddl})")
        conn.execute("insert into marts.fct_merchant_performance (merchant_id, merchant_name, "
                     "activity_date, currency, gmv_cents, paid_sub_orders, "
                     "after_sales_requests) values ('m-b', 'Beta', date '2025-03-10', 'USD', "
                     "7035, 1, 0)")
    app = AppTest.from_file(str(REPO_ROOT / "dashboards/pages/merchant_office.py"),
                            default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Payable (USD)"] == "$66.83" and metrics["Deposit held (USD)"] == "$500.00"
    statements = app.dataframe[-1].value
    assert list(statements["payout_status"]) == ["failed"]  # Beta's only, not Alpha's
