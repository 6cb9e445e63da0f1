"""Pure KPI arithmetic and formatting for the dashboards (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥"}


@dataclass(frozen=True)
class KpiSummary:
    gmv_cents: int
    paid_orders: int
    aov_cents: int
    buyers: int
    sessions: int
    converted_sessions: int
    refunds_due: int
    refunds_due_cents: int

    @property
    def conversion_rate(self) -> float:
        return self.converted_sessions / self.sessions if self.sessions else 0.0


def summarise(daily: pd.DataFrame) -> KpiSummary | None:
    """Totals over the rows of fct_daily_kpis; None when there are no rows.

    AOV and conversion are recomputed from the totals: averaging daily ratios would weight a
    quiet day like a busy one. Buyers are summed per day (the mart holds daily distinct
    buyers), so someone buying on two days counts twice.
    """
    if daily.empty:
        return None
    gmv = int(daily["gmv_cents"].sum())
    orders = int(daily["paid_orders"].sum())
    return KpiSummary(
        gmv_cents=gmv,
        paid_orders=orders,
        aov_cents=_divide_half_up(gmv, orders),
        buyers=int(daily["buyers"].sum()),
        sessions=int(daily["sessions"].sum()),
        converted_sessions=int(daily["converted_sessions"].sum()),
        refunds_due=int(daily["refunds_due"].sum()),
        refunds_due_cents=int(daily["refunds_due_cents"].sum()),
    )


def _divide_half_up(numerator: int, denominator: int) -> int:
    # Half away from zero, like SQL round(), so the tile agrees with the mart's aov_cents.
    if not denominator:
        return 0
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The window of the same length ending the day before start."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def format_cents(cents: int, currency: str = "USD", *, signed: bool = False) -> str:
    """Integer minor units as money, e.g. 123456 -> "$1,234.56" (integer maths, no float)."""
    sign = "-" if cents < 0 else ("+" if signed and cents > 0 else "")
    whole, fraction = divmod(abs(int(cents)), 100)
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{sign}{symbol}{whole:,}.{fraction:02d}"


def format_count(value: int, *, signed: bool = False) -> str:
    return f"{value:+,}" if signed else f"{value:,}"


def format_rate(rate: float) -> str:
    return f"{rate * 100:.2f}%"


def format_points(delta: float) -> str:
    """A difference of two rates, in percentage points."""
    return f"{delta * 100:+.2f} pp"


def funnel_summary(funnel: pd.DataFrame) -> pd.DataFrame:
    """Sessions per step over the period with step-to-step and overall conversion (percent).

    Conversion is None where the earlier step had no sessions, rather than a misleading 0.
    """
    columns = ["step_order", "step", "sessions", "step_conversion_pct", "overall_conversion_pct"]
    if funnel.empty:
        return pd.DataFrame(columns=columns)
    steps = (
        funnel.groupby(["step_order", "step"], as_index=False)["sessions"]
        .sum()
        .sort_values("step_order")
        .reset_index(drop=True)
    )
    steps["sessions"] = steps["sessions"].astype(int)
    previous = steps["sessions"].shift(1)
    first = steps["sessions"].iloc[0]
    steps["step_conversion_pct"] = [
        round(100 * now / before, 2) if before else None
        for now, before in zip(steps["sessions"], previous.fillna(first), strict=True)
    ]
    steps["overall_conversion_pct"] = [
        round(100 * now / first, 2) if first else None for now in steps["sessions"]
    ]
    return steps[columns]
