"""Both models fitted on one calibration summary, and on a CDNOW file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.clv import bgnbd, gamma_gamma
from pipelines.clv.summary import calibration_summary
from transactional_api.orders.cdnow_format import read_cdnow

# Fader, Hardie and Lee (2005): CDNOW's first-quarter-1997 cohort, calibrated on 39 weeks.
CDNOW_CALIBRATION_END = date(1997, 9, 30)


@dataclass(frozen=True)
class ClvFit:
    calibration_end: date
    period_days: float
    customers: int
    repeat_customers: int
    bgnbd: bgnbd.BgNbdFit
    gamma_gamma: gamma_gamma.GammaGammaFit | None  # None: no repeat buyer with spend
    fit_seconds: float

    def as_dict(self) -> dict:
        return {
            "calibration_end": self.calibration_end.isoformat(),
            "period_days": self.period_days,
            "customers": self.customers,
            "repeat_customers": self.repeat_customers,
            "bgnbd": self.bgnbd.as_dict(),
            "gamma_gamma": self.gamma_gamma.as_dict() if self.gamma_gamma else None,
            "fit_seconds": round(self.fit_seconds, 3),
        }


def fit_summary(summary: pd.DataFrame, *, calibration_end: date,
                period_days: float) -> ClvFit:
    started = time.perf_counter()
    bg = bgnbd.fit(summary["frequency"], summary["recency"], summary["T"])
    usable = gamma_gamma.usable(summary["frequency"], summary["monetary"])
    gg = gamma_gamma.fit(summary["frequency"], summary["monetary"]) if usable.any() else None
    return ClvFit(calibration_end, period_days, len(summary),
                  int((summary["frequency"] > 0).sum()), bg, gg,
                  time.perf_counter() - started)


def cdnow_purchases(path: Path) -> pd.DataFrame:
    """customer_id, purchase_date, amount (dollars) of every line of a CDNOW file."""
    lines = read_cdnow(path)
    return pd.DataFrame({
        "customer_id": [line.customer_id for line in lines],
        "purchase_date": pd.to_datetime([line.purchase_date for line in lines]),
        "amount": [line.cents / 100 for line in lines],
    })


def fit_cdnow(path: Path, *, calibration_end: date = CDNOW_CALIBRATION_END,
              period_days: float = 7.0) -> ClvFit:
    summary = calibration_summary(cdnow_purchases(path), calibration_end=calibration_end,
                                  period_days=period_days)
    if summary.empty:
        raise ValueError(f"no purchase on or before {calibration_end}: nothing to calibrate on")
    return fit_summary(summary, calibration_end=calibration_end, period_days=period_days)
