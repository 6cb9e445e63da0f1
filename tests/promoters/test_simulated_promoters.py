"""The simulator's promoters module against a live API: applications decided, buyers bound
through codes, and a bound buyer's paid order earning a commission at the day's run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.promoters.conftest import buy, product, shopper
from transactional_api.simulator import promoters as sim
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.visits import ShopperState


@dataclass
class _Shopper:
    index: int


@dataclass
class _Runner:
    states: dict[int, ShopperState] = field(default_factory=dict)


def test_a_simulated_day_makes_promoters_and_bindings(api, admin, monkeypatch):
    monkeypatch.setattr(sim, "APPLY_CHANCE", 0.5)
    monkeypatch.setattr(sim, "BIND_CHANCE", 1.0)
    monkeypatch.setattr(sim, "APPROVE_CHANCE", 1.0)
    clients = [shopper(api) for _ in range(8)]
    runner = _Runner({i: ShopperState(token=c.headers["Authorization"].split()[1])
                      for i, c in enumerate(clients)})
    people = [_Shopper(i) for i in range(len(clients))]
    day_end = datetime.now(UTC)
    with ApiClient(api.url) as client:
        promo = sim.SimPromoters(client, api.admin_token(), seed=7, runner=runner)
        promo.end_of_day(people, 0, day_end)
        c = promo.counters
        assert c.applied >= 1 and c.approved == len(promo.codes) == c.applied
        listed = admin.get("/v1/admin/promoters").json()["items"]
        assert len(listed) == c.applied
        assert sum(p["status"] == "approved" for p in listed) == c.approved
        # every signed-in shopper who is not a promoter was bound (BIND_CHANCE 1)
        assert c.bound == len(clients) - len(promo.codes)
        buyer = next(i for i in promo.bound)
        buy(clients[buyer], product(admin, 5_000)["skus"][0]["id"])
        promo.end_of_day(people, 1, datetime.now(UTC))
        assert promo.counters.commissions_applied == 1
