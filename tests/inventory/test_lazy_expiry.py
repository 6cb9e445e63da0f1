"""Lapsed holds come back at the next checkout that needs them, with no sweeper at all:
stock and pre-sale quota alike, and the quota is not counted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.inventory.conftest import PRESALE, T0
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.inventory import service as inventory
from transactional_api.inventory.models import PresaleAllotment, StockReservation


def _reserve(shop, order: str, lines: dict[str, int], at, until_minutes: int = 10) -> None:
    token = clock.set_override(at)
    try:
        with transaction(shop) as s:
            inventory.reserve(session=s, order_id=order, lines=lines, region=None,
                              reserved_until=at + timedelta(minutes=until_minutes))
    finally:
        clock.reset(token)


def test_lapsed_quota_and_stock_return_at_the_next_checkout(shop):
    _reserve(shop, "first", {PRESALE: 5, "c": 4}, T0)  # the whole quota and all of c
    with pytest.raises(Conflict):
        _reserve(shop, "early", {PRESALE: 1}, T0 + timedelta(minutes=5))
    with pytest.raises(Conflict):
        _reserve(shop, "early-c", {"c": 1}, T0 + timedelta(minutes=5))
    later = T0 + timedelta(minutes=11)
    _reserve(shop, "second", {PRESALE: 2}, later)
    _reserve(shop, "third", {"c": 3}, later)
    with shop() as s:
        assert s.scalar(select(PresaleAllotment.taken)) == 2  # 5 came back, 2 taken again
        assert inventory.sellable(session=s, sku_ids=["c", PRESALE]) == {"c": 1, PRESALE: 3}
        statuses = dict(s.execute(select(StockReservation.order_id, StockReservation.status)
                                  .where(StockReservation.order_id.in_(["first"]))).all())
        assert statuses == {"first": "expired"}
        assert inventory.ledger_mismatches(session=s) == []
