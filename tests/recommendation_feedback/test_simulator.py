"""The simulator's shoppers reacting to recommendations, against a stub serving response
(the real endpoints are P1's): what they log, how often they click, and that a missing
endpoint is skipped."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transactional_api.events.contract import behaviour_adapter
from transactional_api.simulator.client import ApiError
from transactional_api.simulator.recommendations import SimRecommendations, click_probability
from transactional_api.simulator.shoppers import PlannedProduct, Shopper, Step, Visit
from transactional_api.simulator.visits import ShopperState, VisitRunner

AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CATALOG = [PlannedProduct(f"p{i}", "shoes" if i % 2 else "books", f"P {i}", (f"s{i}",))
           for i in range(1, 11)]


def _served(placement: str = "product") -> dict:
    return {"list_id": "list-1", "placement": placement, "model": "session_knn",
            "version": "r1", "variant": "B",
            "items": [{"product_id": f"p{i}", "score": 1.0 / i, "position": i}
                      for i in range(1, 11)]}


class StubClient:
    def __init__(self, served: dict | None = None, status: int | None = None) -> None:
        self.served, self.status, self.calls = served, status, []

    def get(self, path, **kw):
        self.calls.append(("GET", path, kw.get("params")))
        if self.status:
            raise ApiError("GET", path, self.status, {"error": {"code": "not_found"}})
        return self.served

    def request(self, method, path, **kw):
        self.calls.append((method, path, kw.get("json")))
        return {"id": "cart-1", "items": []}


def _shopper(favourites=("shoes",)) -> Shopper:
    return Shopper(index=1, anonymous_id="anon-1", email="s@example.com", password="x",
                   persona=None, device="mobile", acquisition="direct",
                   favourite_categories=favourites)


def _run_show(client, placement="product", seed=0, **kw) -> tuple[list[dict], SimRecommendations]:
    reco = SimRecommendations(client, seed, CATALOG)
    runner = VisitRunner(client, random.Random(1), recommendations=reco)
    visit = Visit(1, 0, "sess-1", "direct", "mobile")
    buffer: list[dict] = []
    reco.show(runner, placement, visit=visit, shopper=_shopper(), step=Step("x", AT),
              state=ShopperState(token="t"), buffer=buffer, **kw)
    return buffer, reco


@given(position=st.integers(1, 49), interesting=st.booleans())
def test_clicks_fall_with_position_and_rise_with_interest(position, interesting):
    p = click_probability(position, interesting)
    assert 0 < p <= 0.5
    assert click_probability(position + 1, interesting) < p
    assert click_probability(position, True) > click_probability(position, False)


def test_shown_events_follow_the_response_and_pass_the_contract():
    buffer, reco = _run_show(StubClient(_served()), product_id="p1", recent=["p1"])
    shown = [e for e in buffer if e["event_type"] == "recommendation_shown"]
    assert [e["payload"]["position"] for e in shown] == [1, 2, 3, 4, 5, 6]  # only 6 seen
    assert {(e["payload"]["list_id"], e["payload"]["model"], e["payload"]["variant"])
            for e in shown} == {("list-1", "session_knn", "B")}
    for event in buffer:
        behaviour_adapter.validate_python(event)  # every event is one the API accepts
    assert reco.counters.shown == 6 and reco.counters.lists == 1


def test_a_click_views_the_product_and_may_cart_it():
    seen = {"click": 0, "cart": 0}
    for seed in range(400):
        client = StubClient(_served("cart"))
        buffer, reco = _run_show(client, placement="cart", seed=seed, offset_seconds=-3)
        clicks = [e for e in buffer if e["event_type"] == "recommendation_clicked"]
        assert len(clicks) <= 1  # at most one click per list
        adds = [c for c in client.calls if c[1] == "/v1/cart/items"]
        if clicks:
            seen["click"] += 1
            shown_at = buffer[0]["occurred_at"]
            assert clicks[0]["occurred_at"] > shown_at  # clicked after it was shown
            assert shown_at < AT.isoformat()  # the cart list comes before checkout
        if adds:
            seen["cart"] += 1
            assert adds[0][2]["sku_id"] == f"s{clicks[0]['payload']['product_id'][1:]}"
            assert buffer[-1]["event_type"] == "add_to_cart"
    assert seen["click"] > 0 and 0 < seen["cart"] < seen["click"]


def test_ctr_is_non_trivial_and_favours_interests_and_the_top():
    reco = SimRecommendations(StubClient(), 7, CATALOG)
    shown = clicks = 0
    by_category = {"shoes": [0, 0], "books": [0, 0]}
    by_position = dict.fromkeys(range(1, 7), 0)
    for _ in range(20_000):
        seen, clicked = reco.react(_served(), _shopper(), None)
        shown += len(seen)
        for p in seen:
            cat = "shoes" if int(p["product_id"][1:]) % 2 else "books"
            by_category[cat][0] += 1
            by_category[cat][1] += clicked is p
        if clicked:
            clicks += 1
            by_position[clicked["position"]] += 1
    ctr = clicks / shown
    assert 0.01 < ctr < 0.15
    shoes, books = (by_category[c][1] / by_category[c][0] for c in ("shoes", "books"))
    assert shoes > 2 * books  # the shopper's favourite category is clicked far more
    # p1, p3, p5 are all shoes: the higher one is clicked more
    assert by_position[1] > by_position[3] > by_position[5]


@pytest.mark.parametrize("status", [404, 422, 503])
def test_a_missing_or_refusing_endpoint_is_skipped(status):
    buffer, reco = _run_show(StubClient(status=status), product_id="p1")
    assert buffer == [] and reco.counters.unavailable == 1


def test_a_server_error_is_not_hidden():
    with pytest.raises(ApiError):
        _run_show(StubClient(status=500), product_id="p1")
