"""A simulated month through the whole loop: the marts' money equals the OLTP's to the
cent on every day, and every dashboard page renders on what the pipeline published."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import redis
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from pipelines.run import main as run_pipelines
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.config import get_settings
from transactional_api.events import relay
from transactional_api.simulator.run import simulate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAYS = 30
SHOPPERS = 8
APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


@pytest.fixture(scope="module")
def month(tmp_path_factory, redis_server):
    var = tmp_path_factory.mktemp("month") / "var"
    settings = make_settings(var, redis_server.url, simulated_clock=True)
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    mp = pytest.MonkeyPatch()
    for name, value in {"FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_URL": redis_server.url,
                        "FLYWHEEL_DATABASE_URL": settings.resolved_database_url}.items():
        mp.setenv(name, value)
    get_settings.cache_clear()
    for api in run_api(settings):
        summary = simulate(api.url, shoppers=SHOPPERS, days=DAYS,
                           seed=seed_with_paid_order(SHOPPERS, DAYS),
                           admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD,
                           progress=False)
        relay.drain(sessions=api.sessions, lake_dir=settings.resolved_lake_dir,
                    redis_client=client, stream=settings.redis_stream, stream_maxlen=10_000)
        assert run_pipelines([]) == 0
        yield settings, summary
    mp.undo()
    get_settings.cache_clear()


def _oltp_paid_by_day(settings) -> dict[str, tuple[int, int]]:
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            # GMV: the orders' value before points (points are a means of payment)
            "SELECT substr(paid_at, 1, 10), count(*), "
            "sum(total_cents + points_discount_cents) FROM orders "
            "WHERE paid_at IS NOT NULL GROUP BY 1")).all()
    engine.dispose()
    return {day: (int(n), int(gmv)) for day, n, gmv in rows}


def test_a_month_of_money_in_the_marts_equals_the_oltp_to_the_cent(month):
    settings, summary = month
    oltp = _oltp_paid_by_day(settings)
    # the shop really traded across the month, not on a day or two
    assert summary.paid_orders > 0 and len(oltp) >= DAYS // 3
    with duckdb.connect(str(settings.published_warehouse_path), read_only=True) as wh:
        kpis = {str(d): (int(n), int(g)) for d, n, g in wh.execute(
            "SELECT kpi_date, paid_orders, gmv_cents FROM marts.fct_daily_kpis "
            "WHERE paid_orders > 0").fetchall()}
        revenue = {str(d): (int(n), int(g)) for d, n, g in wh.execute(
            "SELECT revenue_date, sum(paid_orders), sum(gmv_cents) "
            "FROM marts.fct_daily_revenue GROUP BY 1 HAVING sum(paid_orders) > 0").fetchall()}
    assert kpis == oltp
    assert revenue == oltp


def _pages() -> list[str]:
    return re.findall(r'PAGES_DIR / "([a-z_]+\.py)"', APP.read_text())


def test_every_dashboard_page_renders_on_the_month(month):
    pages = _pages()
    assert len(pages) >= 10  # the parse found the navigation, not nothing
    app = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    for page in pages:
        app.switch_page(f"pages/{page}").run()
        assert not app.exception, (page, [e.value for e in app.exception])
