"""The Channels & campaigns page over a small hand-made published warehouse: tiles per
attribution model and channel choice, every chart drawn, no exception."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from transactional_api.config import get_settings

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "pages" / "channels.py"
D1, D2 = date(2025, 3, 1), date(2025, 3, 2)
B, S, DIRECT = "google / cpc", "facebook / paid_social", "(direct) / (none)"
# (day, campaign, channel, model, cost, revenue, orders, discounts, play costs)
ROI = [
    (D1, "brand", B, "markov", 2_000, 5_000, 1.0, 300, 200),
    (D1, "(not set)", DIRECT, "markov", 0, 1_000, 0.5, 0, 500),
    (D2, "spring", S, "markov", 4_000, 2_000, 0.5, 0, 0),
    (D1, "brand", B, "last_touch", 2_000, 3_000, 0.75, 300, 200),
    (D1, "(not set)", DIRECT, "last_touch", 0, 3_000, 0.75, 0, 500),
    (D2, "spring", S, "last_touch", 4_000, 2_000, 0.5, 0, 0),
]


@pytest.fixture
def published(tmp_path, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_WAREHOUSE_PATH", str(tmp_path / "flywheel.duckdb"))
    get_settings.cache_clear()
    roi = pd.DataFrame(ROI, columns=["report_date", "utm_campaign", "channel",
                                     "attribution_model", "cost_cents",
                                     "attributed_revenue_cents", "attributed_orders",
                                     "discount_cost_cents", "play_cost_cents"])
    roi["utm_source"], roi["utm_medium"] = zip(*roi["channel"].str.split(" / "), strict=True)
    roi["currency"] = "USD"
    contribution = roi.rename(columns={"report_date": "conversion_date"}).assign(
        orders_touched=1)
    effects = pd.DataFrame({"channel": [B, S, DIRECT], "removal_effect": [0.5, 0.25, 0.25],
                            "removal_share": [0.5, 0.25, 0.25], "entries": [3, 2, 1]})
    kpis = pd.DataFrame({"kpi_date": [D1, D2], "gmv_cents": [6_000, 2_000]})
    funnel = pd.DataFrame({"session_date": [D1], "step_order": [1], "step": ["product_view"],
                           "sessions": [3]})
    with duckdb.connect(str(get_settings().published_warehouse_path)) as conn:
        conn.execute("create schema marts")
        for name, frame in {"fct_campaign_roi": roi, "fct_channel_contribution": contribution,
                            "fct_channel_removal_effects": effects, "fct_daily_kpis": kpis,
                            "fct_funnel_daily": funnel}.items():
            conn.register("frame", frame)
            conn.execute(f"create table marts.{name} as select * from frame")
            conn.unregister("frame")
    yield
    get_settings.cache_clear()


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_tiles_follow_the_model_and_the_channels(published):
    app = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    # Data-driven by default. Spend 2,000 + 4,000; revenue 5,000 + 1,000 + 2,000; orders
    # 1 + 0.5 + 0.5. Paid campaigns: 7,000 / 6,000 -> ROAS 1.17, ROI 1,000 / 6,000 = 16.7%
    # Discounts and plays 300 + 200 + 500 = 1,000: net ROI (8,000 - 7,000) / 7,000 = 14.3%
    assert _metrics(app) == {"Spend": "$60.00", "Attributed revenue": "$80.00",
                             "Attributed orders": "2.0", "ROAS": "1.17", "ROI": "16.7%",
                             "Discounts & plays": "$10.00", "Net ROI": "14.3%"}
    # contribution, share by model, ROAS by campaign, spend per day, removal effects
    assert len(app.get("vega_lite_chart")) == 5

    app.selectbox(key="attribution_model").set_value("last_touch").run()
    # last touch: paid campaigns 3,000 + 2,000 = 5,000 for 6,000 -> ROAS 0.83, ROI -16.7%
    assert _metrics(app)["ROAS"] == "0.83" and _metrics(app)["ROI"] == "-16.7%"
    assert _metrics(app)["Attributed revenue"] == "$80.00"

    app.sidebar.multiselect(key="marketing_channels").set_value([B]).run()
    assert not app.exception, [e.value for e in app.exception]
    # brand alone under last touch: 3,000 for 2,000 -> ROAS 1.50, ROI 50.0%
    # ... and its 500 of discounts and plays: net ROI (3,000 - 2,500) / 2,500 = 20.0%
    assert _metrics(app) == {"Spend": "$20.00", "Attributed revenue": "$30.00",
                             "Attributed orders": "0.8", "ROAS": "1.50", "ROI": "50.0%",
                             "Discounts & plays": "$5.00", "Net ROI": "20.0%"}
    (table,) = [frame.value for frame in app.dataframe]
    assert table["utm_campaign"].tolist() == ["brand"]
    assert table["net_roi"].tolist() == [pytest.approx(0.2)]


def test_a_warehouse_without_the_marts_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_WAREHOUSE_PATH", str(tmp_path / "flywheel.duckdb"))
    get_settings.cache_clear()
    with duckdb.connect(str(get_settings().published_warehouse_path)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.fct_daily_kpis as select date '2025-03-01' as kpi_date")
        conn.execute("create table marts.fct_funnel_daily as "
                     "select date '2025-03-01' as session_date")
    app = AppTest.from_file(str(PAGE), default_timeout=60).run()
    get_settings.cache_clear()
    assert not app.exception, [e.value for e in app.exception]
    assert "before the attribution marts existed" in app.info[0].value
