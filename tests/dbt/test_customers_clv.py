"""fct_customer_lifetime_value and fct_customer_clv_fit: historical value by hand on the
customers story, the fit's inputs as the BG/NBD wants them, and the whole path on CDNOW."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from pipelines.clv import bgnbd, gamma_gamma
from pipelines.clv.fit import fit_cdnow
from tests.dbt import customers_build
from tests.dbt.mart_builds import built_once
from transactional_api.core.db import make_engine, transaction
from transactional_api.migrations import upgrade
from transactional_api.orders.cdnow_format import read_cdnow
from transactional_api.orders.cdnow_import import import_cdnow

CDNOW_SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow" / \
    "CDNOW_sample.txt"


def test_historical_value_is_net_revenue_to_date():
    got = customers_build.rows(
        "select user_id, paid_orders, purchase_days, gmv_cents, given_back_cents,"
        " historical_clv_cents from marts.fct_customer_lifetime_value"
        " where user_id in ('c03', 'c06', 'c07') order by user_id")
    assert got == [
        ("c03", 2, 1, 12000, 0, 12000),            # two orders on one day: one purchase day
        ("c06", 4, 4, 160000, 0, 160000),
        ("c07", 1, 1, 15000, 10000, 5000),          # 15000 paid, 10000 refunded
    ]
    # 60000 + 5000 + 12000 + 80000 + 3000 + 160000 + 5000 + 2000 + 75000 + 1000
    assert customers_build.rows(
        "select count(*), sum(historical_clv_cents) from marts.fct_customer_lifetime_value"
    ) == [(10, 403000)]


def test_predictions_use_each_buyers_weeks_and_repeat_days():
    [fit] = customers_build.rows(
        "select as_of_date, fit_status, customers, repeat_customers, gamma_gamma_customers,"
        " bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, gamma_gamma_p, gamma_gamma_q,"
        " gamma_gamma_gamma from marts.fct_customer_clv_fit")
    # came back on another day: c01 (x=2), c04 (1), c06 (3), c09 (2); c03's second order
    # was on its first day. All four have positive repeat spend for the Gamma-Gamma.
    assert fit[:5] == (date(2025, 6, 30), "fitted", 10, 4, 4)
    bg = bgnbd.BgNbdParams(*fit[5:9])
    gg = gamma_gamma.GammaGammaParams(*fit[9:12])
    # c06: x = 3 repeat days; t_x = Feb 1 -> Apr 2 = 27 + 31 + 2 = 60 days; T = Feb 1 ->
    # Jun 30 = 27 + 31 + 30 + 31 + 30 = 149 days; repeat days of 40000 cents = $400 each
    purchases = bgnbd.expected_purchases(bg, 365 / 7, [3], [60 / 7], [149 / 7])[0]
    spend_cents = gamma_gamma.expected_spend(gg, [3], [400.0])[0] * 100
    [c06] = customers_build.rows(
        "select expected_purchases_12m, expected_spend_cents, predicted_clv_12m_cents,"
        " clv_model_status from marts.fct_customer_lifetime_value where user_id = 'c06'")
    assert c06 == (pytest.approx(purchases, rel=1e-9), round(spend_cents),
                   round(purchases * spend_cents), "fitted")
    # c10 never came back: in the BG/NBD only a purchase can be the last one, so alive
    [(alive,)] = customers_build.rows(
        "select p_alive from marts.fct_customer_lifetime_value where user_id = 'c10'")
    assert alive == 1.0


def _cdnow_oltp(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(sessionmaker(engine)) as session:
            import_cdnow(session=session, lines=read_cdnow(CDNOW_SAMPLE))
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.skipif(not CDNOW_SAMPLE.is_file(), reason="../shared/data/cdnow is not here")
def test_cdnow_sample_through_import_and_marts():
    """The real purchases, imported as orders: the marts' fit is the one `flywheel clv fit`
    makes on the file, calibrated through the last day of the data (1998-06-30)."""
    warehouse = built_once("customers-cdnow", _cdnow_oltp, [], customers_build.SELECTORS)
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        fit = conn.execute(
            "select as_of_date, customers, repeat_customers, bgnbd_r, bgnbd_alpha, bgnbd_a,"
            " bgnbd_b, bgnbd_log_likelihood, gamma_gamma_p, gamma_gamma_q,"
            " gamma_gamma_gamma from marts.fct_customer_clv_fit").fetchone()
        totals = conn.execute(
            "select count(*), sum(historical_clv_cents), sum(paid_orders)"
            " from marts.fct_customer_lifetime_value").fetchone()
    # 2,357 customers, 6,919 lines summing to $244,091.94 (the file itself)
    assert totals == (2357, 24409194, 6919)
    direct = fit_cdnow(CDNOW_SAMPLE, calibration_end=date(1998, 6, 30))
    assert fit[:3] == (date(1998, 6, 30), direct.customers, direct.repeat_customers)
    expected = [*vars(direct.bgnbd.params).values(), direct.bgnbd.log_likelihood,
                *vars(direct.gamma_gamma.params).values()]
    assert list(fit[3:]) == pytest.approx(expected, rel=1e-6)
