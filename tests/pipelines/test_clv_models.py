"""BG/NBD and Gamma-Gamma: likelihoods worked out by hand, the calibration summary, and the
published CDNOW figures (Fader, Hardie and Lee 2005; Fader and Hardie's Gamma-Gamma note)."""

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.clv import bgnbd, gamma_gamma
from pipelines.clv.__main__ import main as clv_main
from pipelines.clv.fit import fit_cdnow
from pipelines.clv.summary import calibration_summary

CDNOW = Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow"
needs_cdnow = pytest.mark.skipif(not (CDNOW / "CDNOW_sample.txt").is_file(),
                                 reason="../shared/data/cdnow is not here")
PUBLISHED = bgnbd.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)


def test_bgnbd_likelihood_of_a_customer_who_never_came_back():
    # x = 0: only the first term is left and B(a, b)/B(a, b) = 1, so
    # L = (alpha / (alpha + T))^r = (4.414 / 43.274)^0.243; ln L = 0.243 * ln(0.102001)
    # = 0.243 * -2.28277 = -0.55471.
    assert bgnbd.log_likelihood(PUBLISHED, [0], [0], [38.86])[0] == pytest.approx(-0.55471,
                                                                                  abs=1e-4)


def test_bgnbd_likelihood_of_a_repeat_buyer():
    # r = alpha = a = 1, b = 2; x = 1, t_x = 1, T = 3.
    # first term: B(1, 3)/B(1, 2) = (1/3)/(1/2) = 2/3, times Gamma(2) 1^1 / (Gamma(1) 4^2)
    #   = 1/16: 1/24. second: B(2, 2)/B(1, 2) = (1/6)/(1/2) = 1/3, times 1 / (1+1)^2 = 1/4:
    #   1/12. L = 1/24 + 2/24 = 1/8.
    params = bgnbd.BgNbdParams(r=1, alpha=1, a=1, b=2)
    assert bgnbd.log_likelihood(params, [1], [1], [3])[0] == pytest.approx(-math.log(8))


def test_gamma_gamma_likelihood_and_expected_spend_by_hand():
    # p = 1, q = 2, gamma = 1, x = 1, m = 1: ln f = lnGamma(3) - lnGamma(1) - lnGamma(2)
    # + 2 ln 1 + 0 ln 1 + 1 ln 1 - 3 ln(1 + 1) = ln 2 - 3 ln 2, so f = 1/4.
    params = gamma_gamma.GammaGammaParams(p=1, q=2, gamma=1)
    assert gamma_gamma.log_likelihood(params, [1], [1])[0] == pytest.approx(math.log(0.25))
    # E[M] = p (gamma + m x) / (p x + q - 1): (1 + 3*2)/(2 + 1) = 7/3 for x = 2, m = 3;
    # with no repeat purchase the population mean p gamma / (q - 1) = 1.
    spend = gamma_gamma.expected_spend(params, [2, 0], [3, np.nan])
    assert spend == pytest.approx([7 / 3, 1.0])


def test_conditional_expectation_of_the_papers_example_customer():
    # FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks.
    assert bgnbd.expected_purchases(PUBLISHED, 39, [2], [30.43], [38.86])[0] == pytest.approx(
        1.226, abs=5e-4)
    # someone who never came back cannot have dropped out: P(alive) = 1
    assert bgnbd.p_alive(PUBLISHED, [0], [0], [38.86])[0] == 1.0


def test_summary_counts_repeat_days_until_the_calibration_end():
    purchases = pd.DataFrame(
        [("c1", "1997-01-01", 10.0), ("c1", "1997-01-01", 5.0),  # one day: one transaction
         ("c1", "1997-01-15", 20.0), ("c1", "1997-02-12", 30.0),
         ("c1", "1997-10-05", 99.0),  # after the calibration end: left out
         ("c2", "1997-03-01", 7.0),
         ("c3", "1997-10-01", 8.0)],  # first bought after the end: not a customer yet
        columns=["customer_id", "purchase_date", "amount"])
    summary = calibration_summary(purchases, calibration_end=date(1997, 9, 30)).set_index(
        "customer_id")
    assert list(summary.index) == ["c1", "c2"]
    # c1: days Jan 1, Jan 15, Feb 12 -> x = 2; t_x = 42 days = 6 weeks; T = Jan 1 -> Sep 30
    # = 30+28+31+30+31+30+31+31+30 = 272 days = 38.857 weeks; mean repeat day (20+30)/2 = 25.
    assert summary.loc["c1"].tolist() == pytest.approx([2, 6, 272 / 7, 25])
    # c2: one purchase Mar 1 -> x = 0, t_x = 0, T = 213 days (30+30+31+30+31+31+30)
    assert summary.loc["c2", ["frequency", "recency", "T"]].tolist() == pytest.approx(
        [0, 0, 213 / 7])
    assert np.isnan(summary.loc["c2", "monetary"])


@needs_cdnow
def test_bgnbd_on_cdnow_sample_matches_the_published_fit():
    # FHL 2005 conventions: calibration through 1997-09-30, weeks, repeats on distinct days.
    result = fit_cdnow(CDNOW / "CDNOW_sample.txt")
    assert result.customers == 2357
    fitted = result.bgnbd.params
    for name, published in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
        assert getattr(fitted, name) == pytest.approx(published, rel=0.01), name
    # Fader and Hardie's spreadsheet note reports ln L = -9582.4 at the optimum
    assert result.bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.5)
    # Gamma-Gamma note: p = 6.25, q = 3.74, gamma = 15.44 over the 946 repeat buyers
    spend = result.gamma_gamma
    assert spend.customers == 946
    for name, published in (("p", 6.25), ("q", 3.74), ("gamma", 15.44)):
        assert getattr(spend.params, name) == pytest.approx(published, rel=0.01), name


def test_the_command_prints_json_last_and_refuses_a_bad_file(tmp_path, capsys):
    good = tmp_path / "cdnow.txt"
    # 4 customers: two came back (one on 2 more days), two never did
    good.write_text(" 00001 19970101 1 10.00\n 00001 19970301 2 20.00\n"
                    " 00001 19970601 1 12.50\n 00002 19970105 1 9.99\n"
                    " 00003 19970210 3 30.00\n 00003 19970220 1 11.00\n"
                    " 00004 19970315 1 15.00\n")
    assert clv_main(["fit", str(good), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # repeat purchases: 00001 has x = 2, 00003 has x = 1
    assert (out["customers"], out["repeat_customers"]) == (4, 2)
    assert out["calibration_end"] == "1997-09-30" and out["period_days"] == 7.0
    assert set(out["bgnbd"]) >= {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(out["gamma_gamma"]) >= {"p", "q", "gamma", "log_likelihood"}

    bad = tmp_path / "bad.txt"
    bad.write_text(" 00001 19970101 1 10.00\n 00002 1997-01-05 1 9.99\n")
    assert clv_main(["fit", str(bad)]) == 1
    assert "line 2: date '1997-01-05' is not a YYYYMMDD date" in capsys.readouterr().err
