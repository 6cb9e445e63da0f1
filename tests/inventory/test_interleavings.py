"""Random interleavings of reserve, expire, pay, cancel, return and receive over plain
SKUs, a bundle and a pre-sale SKU in three locations. After every step: no level is
negative, the ledger sums to every level, and the units agree with a model the test keeps
itself (stock in - paid out + returned; held = what open orders asked for)."""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from tests.inventory.conftest import BUNDLE, PLAIN, PRESALE, T0, build
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.errors import Conflict
from transactional_api.inventory import service as inventory
from transactional_api.inventory.models import PresaleAllotment, StockLevel

COMPONENTS = {BUNDLE: {"a": 2, "b": 1}}
START = {("a", "north"): 4, ("a", "south"): 3, ("b", "central"): 3, ("c", "south"): 4,
         ("pre", "central"): 2}
LINE_SKUS = (*PLAIN, BUNDLE, PRESALE)


def units(lines: dict[str, int]) -> Counter:
    out: Counter = Counter()
    for sku, qty in lines.items():
        if sku == PRESALE:
            continue
        for comp, per in COMPONENTS.get(sku, {sku: 1}).items():
            out[comp] += per * qty
    return out


class Inventory(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.dir = tempfile.TemporaryDirectory()
        self.sessions = build(Path(self.dir.name) / "inv.sqlite3", START)
        self.now = T0
        self.on_hand = Counter()
        for (sku, _), qty in START.items():
            self.on_hand[sku] += qty
        self.open: dict[str, tuple[dict[str, int], object]] = {}  # order -> (lines, deadline)
        self.paid: dict[str, dict[str, int]] = {}
        self.returned: Counter = Counter()
        self.n = 0

    def teardown(self):
        if hasattr(self, "sessions"):
            self.sessions.kw["bind"].dispose()
            self.dir.cleanup()

    def _tx(self):
        return transaction(self.sessions)

    def _at(self):
        return clock.set_override(self.now)

    @rule(lines=st.dictionaries(st.sampled_from(LINE_SKUS), st.integers(1, 3), min_size=1,
                                max_size=3),
          region=st.sampled_from([None, "N", "S", "X"]), ttl=st.integers(1, 3))
    def reserve(self, lines, region, ttl):
        self.n += 1
        order, deadline = f"o{self.n}", self.now + timedelta(days=ttl)
        token = self._at()
        try:
            with self._tx() as s:
                inventory.reserve(session=s, order_id=order, lines=lines, region=region,
                                  reserved_until=deadline)
            self.open[order] = (lines, deadline)
        except Conflict:
            pass
        finally:
            clock.reset(token)

    @rule(days=st.integers(1, 4))
    def tick_and_sweep(self, days):
        """Time passes and the sweeper runs: every lapsed hold comes back."""
        self.now += timedelta(days=days)
        token = self._at()
        try:
            with self._tx() as s:
                inventory.expire_due(session=s)
            with self._tx() as s:
                inventory.allocate_presales(session=s, today=self.now.date())
        finally:
            clock.reset(token)
        for order in [o for o, (_, d) in self.open.items() if d <= self.now]:
            del self.open[order]

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def pay(self, data):
        order = data.draw(st.sampled_from(sorted(self.open)))
        token = self._at()
        try:
            with self._tx() as s:
                ok = inventory.commit(session=s, order_id=order)
        finally:
            clock.reset(token)
        assert ok  # open in the model = its hold has not lapsed
        lines, _ = self.open.pop(order)
        self.paid[order] = lines
        self.on_hand.subtract(units(lines))

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def cancel(self, data):
        order = data.draw(st.sampled_from(sorted(self.open)))
        with self._tx() as s:
            inventory.release(session=s, order_id=order)
        del self.open[order]

    @precondition(lambda self: self.paid)
    @rule(data=st.data(), qty=st.integers(1, 3))
    def return_units(self, data, qty):
        order = data.draw(st.sampled_from(sorted(self.paid)))
        line = data.draw(st.sampled_from(sorted(s for s in self.paid[order] if s != PRESALE)
                                         or [PRESALE]))
        left = self.paid[order].get(line, 0) - self.returned[(order, line)]
        try:
            with self._tx() as s:
                inventory.restock_return(session=s, order_id=order, line_sku_id=line,
                                         quantity=qty)
        except Conflict:
            assert line == PRESALE or qty > left  # refused only beyond what was sold
            return
        assert qty <= left
        self.returned[(order, line)] += qty
        self.on_hand.update(units({line: qty}))

    @rule(sku=st.sampled_from(PLAIN), wh=st.sampled_from(["north", "south", "central"]),
          qty=st.integers(1, 5))
    def receive(self, sku, wh, qty):
        with self._tx() as s:
            inventory.receive(session=s, sku_id=sku, warehouse_id=wh, quantity=qty)
        self.on_hand[sku] += qty

    @invariant()
    def levels_are_sane_and_match_the_ledger_and_the_model(self):
        if not hasattr(self, "sessions"):
            return
        with self.sessions() as s:
            assert inventory.ledger_mismatches(session=s) == []
            rows = s.execute(select(StockLevel.sku_id, func.sum(StockLevel.on_hand),
                                    func.sum(StockLevel.reserved), func.min(StockLevel.reserved),
                                    func.min(StockLevel.on_hand - StockLevel.reserved))
                             .group_by(StockLevel.sku_id)).all()
            taken = s.scalar(select(PresaleAllotment.taken))
            quota = s.scalar(select(PresaleAllotment.quota))
        held = Counter()
        for lines, _ in self.open.values():
            held.update(units(lines))
        for sku, on_hand, reserved, min_reserved, min_sellable in rows:
            assert min_reserved >= 0 and min_sellable >= 0
            if sku in PLAIN:
                assert (on_hand, reserved) == (self.on_hand[sku], held[sku]), sku
        assert 0 <= taken <= quota


Inventory.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestInventoryInterleavings = Inventory.TestCase
