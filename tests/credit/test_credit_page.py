"""The Credit dashboard page and its data functions over a hand-made published warehouse
(the marts of _credit.yml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboards import credit_data
from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "credit.py"
SPEC = REPO_ROOT / "dbt_project/models/marts/credit/_credit.yml"


def _columns(model: str) -> list[tuple[str, str]]:
    spec = next(m for m in yaml.safe_load(SPEC.read_text(encoding="utf-8"))["models"]
                if m["name"] == model)
    return [(c["name"], c["data_type"]) for c in spec["columns"]]


def _line(day, currency, lines, limit, used, approved=0):
    return {"line_date": day, "currency": currency, "applications_approved": approved,
            "applications_declined": 0, "approved_limit_cents": 0, "lines": lines,
            "limit_cents": limit, "used_cents": used,
            "utilisation": used / limit if limit else None}


LINES = [
    _line(date(2025, 3, 10), "USD", 2, 100_000, 30_000, approved=2),
    _line(date(2025, 3, 11), "USD", 3, 150_000, 60_000, approved=1),  # the latest USD day
    _line(date(2025, 3, 10), "EUR", 1, 50_000, 0, approved=1),
]


def _uptake(day, currency, credit, other, credit_gmv, other_gmv):
    paid = credit + other
    return {"paid_date": day, "currency": currency, "paid_orders": paid,
            "credit_orders": credit, "other_orders": other, "credit_share": credit / paid,
            "credit_gmv_cents": credit_gmv, "other_gmv_cents": other_gmv,
            "credit_aov_cents": credit_gmv / credit if credit else None,
            "other_aov_cents": other_gmv / other if other else None, "aov_lift": None}


UPTAKE = [  # USD over both days: 3 of 8 paid on credit, AOV 200.00 against 100.00
    _uptake(date(2025, 3, 10), "USD", 1, 4, 30_000, 40_000),
    _uptake(date(2025, 3, 11), "USD", 2, 1, 30_000, 10_000),
    _uptake(date(2025, 3, 10), "EUR", 0, 2, 0, 5_000),
]


def _vintage(month, currency, principal, issued, overdue, loss):
    return {"vintage_month": month, "currency": currency, "plans": 2,
            "principal_cents": principal, "interest_cents": 0, "fee_cents": 0,
            "repaid_cents": 0, "outstanding_cents": principal, "bills_issued": issued,
            "bills_overdue": overdue, "overdue_rate": overdue / issued if issued else None,
            "overdue_cents": 0, "late_fee_cents": 0, "refunds": 0, "refunded_cents": 0,
            "cancelled_cents": 0, "overpayment_returned_cents": 0, "waived_cents": 0,
            "loss_cents": loss}


BOOK = [_vintage(date(2025, 2, 1), "USD", 40_000, 4, 1, 2_000),
        _vintage(date(2025, 3, 1), "USD", 20_000, 0, 0, 0)]  # nothing billed yet
CONVERSION = [{"order_date": date(2025, 3, 10), "currency": "USD", "line_holder_orders": 4,
               "line_holder_paid_orders": 3, "line_holder_conversion": 0.75,
               "other_orders": 4, "other_paid_orders": 2, "other_conversion": 0.5},
              {"order_date": date(2025, 3, 11), "currency": "USD", "line_holder_orders": 0,
               "line_holder_paid_orders": 0, "line_holder_conversion": None,
               "other_orders": 2, "other_paid_orders": 2, "other_conversion": 1.0}]
FUNDERS = [{"funder": "sandbox", "currency": "USD", "plans_assigned": 2,
            "assigned_cents": 41_000, "repaid_cents": 10_000, "cancelled_cents": 0,
            "outstanding_cents": 31_000, "overdue_cents": 3_500, "bills_overdue": 1}]


@pytest.fixture
def credit_warehouse(warehouse, settings_env):  # noqa: F811
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        for model, rows in (("fct_credit_lines", LINES), ("fct_installment_uptake", UPTAKE),
                            ("fct_credit_book", BOOK), ("fct_credit_funders", FUNDERS),
                            ("fct_credit_conversion", CONVERSION)):
            cols = _columns(model)
            frame = pd.DataFrame(rows)[[n for n, _ in cols]]  # noqa: F841 (read by DuckDB)
            ddl = ", ".join(f"{n} {t}" for n, t in cols)
            conn.execute(f"create table marts.{model} ({ddl})")
            conn.execute(f"insert into marts.{model} by name select * from frame")
    return str(settings_env.published_warehouse_path)


def test_exposure_now_is_the_latest_day_per_currency():
    got = credit_data.exposure_now(pd.DataFrame(LINES))
    assert got["USD"] == {"line_date": date(2025, 3, 11), "lines": 3, "limit_cents": 150_000,
                          "used_cents": 60_000, "utilisation": pytest.approx(0.4)}
    assert got["EUR"]["utilisation"] == 0
    assert credit_data.exposure_now(pd.DataFrame(columns=list(LINES[0]))) == {}


def test_uptake_summary_weights_by_orders_not_by_days():
    got = credit_data.uptake_summary(pd.DataFrame(UPTAKE))
    usd = got["USD"]
    assert (usd["paid_orders"], usd["credit_orders"]) == (8, 3)
    assert usd["credit_share"] == pytest.approx(3 / 8)
    assert usd["credit_aov_cents"] == pytest.approx(20_000)
    assert usd["other_aov_cents"] == pytest.approx(10_000)
    assert usd["aov_lift"] == pytest.approx(1.0)
    assert got["EUR"]["credit_aov_cents"] is None and got["EUR"]["aov_lift"] is None


def test_conversion_summary_adds_up_the_days():
    got = credit_data.conversion_summary(pd.DataFrame(CONVERSION))
    assert got == {"USD": {"line_holders": pytest.approx(0.75),
                           "others": pytest.approx(4 / 6)}}
    no_holders = credit_data.conversion_summary(pd.DataFrame(CONVERSION[1:]))
    assert no_holders["USD"]["line_holders"] is None


def test_overdue_by_vintage_leaves_out_vintages_never_billed():
    got = credit_data.overdue_by_vintage(pd.DataFrame(BOOK))
    assert list(got["vintage_month"]) == [date(2025, 2, 1)]
    assert got["overdue_rate"][0] == pytest.approx(0.25)
    assert got["loss_share"][0] == pytest.approx(0.05)


def test_queries_read_the_range(credit_warehouse):
    got = credit_data.lines.__wrapped__(credit_warehouse, 1, date(2025, 3, 11),
                                        date(2025, 3, 31))
    assert list(got["line_date"].astype(str)) == ["2025-03-11"]
    assert len(credit_data.uptake.__wrapped__(credit_warehouse, 1, date(2025, 3, 1),
                                              date(2025, 3, 31))) == 3
    assert list(credit_data.funders.__wrapped__(credit_warehouse, 1)["funder"]) == ["sandbox"]


def _run() -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_page_shows_exposure_uptake_and_funders(credit_warehouse):
    app = _run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Exposure (USD)"] == "$600.00"
    assert metrics["Utilisation (USD)"] == "40.0%"
    assert metrics["AOV lift (USD)"] == "+100.0%"
    assert metrics["Conversion (USD)"] == "75% / 67%"
    assert list(app.dataframe[0].value["funder"]) == ["sandbox"]
    assert len(app.get("vega_lite_chart")) == 3


def test_a_warehouse_without_the_credit_marts_says_so(warehouse):  # noqa: F811
    app = _run()
    assert "before the credit marts existed" in " ".join(i.value for i in app.info)
