"""The reorder rule, as plain functions: when to reorder a SKU at a location and how much.

reorder point = demand forecast over the lead time + safety stock
safety stock  = z x sigma x sqrt(lead time), z from the service level (normal quantile),
                sigma the standard deviation of the forecast's one-day errors
quantity      = demand forecast over lead time + review period + safety stock
                - available - on order, rounded up to whole units and to at least the MOQ
A suggestion is made when available + on order is at or below the reorder point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass(frozen=True)
class Reorder:
    mean_daily_demand: float
    safety_stock: float
    reorder_point: float
    quantity: int  # 0: no order needed now


def z_for(service_level: float) -> float:
    return NormalDist().inv_cdf(service_level)


def reorder(*, forecast: np.ndarray, sigma: float, available: int, on_order: int,
            lead_time_days: int, review_days: int, moq: int, service_level: float) -> Reorder:
    """forecast: units per day from tomorrow on, at least lead time + review days long
    (shorter: its last day repeats)."""
    need = lead_time_days + review_days
    daily = np.asarray(forecast, dtype=float)
    if len(daily) < need:
        daily = np.concatenate([daily, np.full(need - len(daily), daily[-1] if len(daily)
                                                else 0.0)])
    lead_demand = float(daily[:lead_time_days].sum())
    cover_demand = float(daily[:need].sum())
    safety = max(0.0, z_for(service_level)) * max(0.0, sigma) * math.sqrt(lead_time_days)
    point = lead_demand + safety
    position = available + on_order
    quantity = 0
    if position <= point:
        short = cover_demand + safety - position
        quantity = max(math.ceil(short - 1e-9), moq) if short > 0 else 0
    mean = lead_demand / lead_time_days if lead_time_days else float(daily[:1].sum())
    return Reorder(mean, safety, point, int(quantity))
