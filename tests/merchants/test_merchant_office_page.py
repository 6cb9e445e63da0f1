"""The merchant office's data functions read only the chosen merchant's rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import yaml

from dashboards import merchant_office_data as office

SPEC = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/merchants/_merchants.yml"


def _warehouse(tmp_path) -> str:
    path = str(tmp_path / "wh.duckdb")
    cols = yaml.safe_load(SPEC.read_text())["models"][0]["columns"]
    ddl = ", ".join(f'{c["name"]} {c["data_type"]}' for c in cols)
    with duckdb.connect(path) as conn:
        conn.execute("create schema marts")
        conn.execute(f"create table marts.fct_merchant_performance ({ddl})")
        conn.execute("""insert into marts.fct_merchant_performance values
            ('m-a', 'A', date '2025-03-10', 'USD', 5000, 1000, 4000, 4, 1, 0.25, 3, 2.0, 400),
            ('m-a', 'A', date '2025-03-11', 'USD', 3000, 0, 3000, 2, 0, 0.0, 2, 4.0, 0),
            ('m-b', 'B', date '2025-03-10', 'USD', 999999, 0, 999999, 77, 9, 0.1, 1, 1.0,
             5000)""")
        conn.execute("create table marts.dim_products (product_id varchar, product_name "
                     "varchar, merchant_id varchar)")
        conn.execute("insert into marts.dim_products values ('p-a', 'A thing', 'm-a'), "
                     "('p-b', 'B thing', 'm-b')")
        conn.execute("create table marts.fct_product_interactions (product_id varchar, "
                     "visitor_key varchar, interaction_type varchar, session_date date)")
        conn.execute("insert into marts.fct_product_interactions values "
                     "('p-a', 'v1', 'view', date '2025-03-10'), "
                     "('p-a', 'v2', 'view', date '2025-03-10'), "
                     "('p-a', 'v1', 'purchase', date '2025-03-10'), "
                     "('p-b', 'v3', 'view', date '2025-03-10')")
    return path


def test_only_the_chosen_merchants_figures_come_back(tmp_path):
    path = _warehouse(tmp_path)
    days = office.sales.__wrapped__(path, 1, "m-a", date(2025, 3, 1), date(2025, 3, 31))
    assert set(days["gmv_cents"]) == {5000, 3000}  # B's 999999 never appears
    t = office.totals(days)
    assert t["gmv_cents"] == 8000 and t["net_revenue_cents"] == 7000
    assert t["after_sales_rate"] == 1 / 6
    products = office.with_conversion(office.product_conversion.__wrapped__(
        path, 1, "m-a", date(2025, 3, 1), date(2025, 3, 31)))
    assert list(products["product_id"]) == ["p-a"]
    assert list(products["conversion_rate"]) == [0.5]
    assert office.settlement(path, 1, "m-a") is None  # no settlement mart published
    none = office.sales.__wrapped__(path, 1, "m-zzz", date(2025, 3, 1), date(2025, 3, 31))
    assert none.empty
