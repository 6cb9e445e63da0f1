"""The Risk dashboard page over a hand-made published warehouse (the marts of _risk.yml)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import settings_env, warehouse  # noqa: F401 (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "dashboards" / "pages" / "risk.py"
RISK_YAML = REPO_ROOT / "dbt_project/models/marts/risk/_risk.yml"
AT = datetime(2025, 3, 14, 18, 30)


def _ddl(model: str) -> str:
    spec = next(m for m in yaml.safe_load(RISK_YAML.read_text(encoding="utf-8"))["models"]
                if m["name"] == model)
    return ", ".join(f'{c["name"]} {c["data_type"]}' for c in spec["columns"])


DAILY = [
    (date(2025, 3, 13), "place_order", "challenge", "users_per_address", 2, 2),
    (date(2025, 3, 13), "place_order", "challenge", "velocity_device", 1, 1),
    (date(2025, 3, 14), "sign_in", "block", "risk_score", 3, 2),
    (date(2025, 3, 14), "pay", "challenge", "velocity_instrument", 1, 1),
    (date(2025, 3, 14), "place_order", "allow", "none", 5, 4),
]


@pytest.fixture
def risk_warehouse(warehouse, settings_env):  # noqa: F811
    daily = pd.DataFrame(DAILY, columns=["decision_date", "action", "outcome",  # noqa: F841
                                         "rule_code", "decisions", "users"])
    scores = pd.DataFrame([(f"u{i}", s, AT) for i, s in enumerate([5, 10, 45, 81, 97])],  # noqa: F841
                          columns=["user_id", "risk_score", "computed_at"])
    with duckdb.connect(str(settings_env.published_warehouse_path)) as conn:
        conn.execute(f"create table marts.fct_risk_decisions_daily "
                     f"({_ddl('fct_risk_decisions_daily')})")
        conn.execute("insert into marts.fct_risk_decisions_daily by name select * from daily")
        conn.execute(f"create table marts.fct_user_risk_scores "
                     f"({_ddl('fct_user_risk_scores')})")
        conn.execute("insert into marts.fct_user_risk_scores by name select * from scores")
    return warehouse


def test_the_page_shows_outcomes_rules_queue_and_scores(risk_warehouse):
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    # challenges: 2 (the 13th's decisions cite two rules: max 2) + 1 pay = 3; blocks: 3
    assert metrics == {"Challenges": "3", "Blocks": "3", "Orders held for review": "3",
                       "Users scored 80+": "2"}
    assert len(app.get("vega_lite_chart")) == 3


def test_summaries_by_hand():
    from dashboards import risk_data
    daily = pd.DataFrame(DAILY, columns=["decision_date", "action", "outcome", "rule_code",
                                         "decisions", "users"])
    rules = risk_data.top_rules(daily)
    assert list(rules["rule_code"]) == ["risk_score", "users_per_address",
                                        "velocity_device", "velocity_instrument"]
    bands = risk_data.score_bands(pd.DataFrame({"risk_score": [0, 19, 20, 80, 94, 95, 100]}))
    assert list(bands["users"]) == [2, 1, 0, 0, 2, 2]
    assert risk_data.held_for_review(daily) == 3
