"""The simulator's landing visitors drive the real API: the page and banners are published
once (a rerun reuses them), visitors see, click, view and buy, and their events land."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, create_product, register
from tests.landing.helpers import outbox
from transactional_api.simulator import landing
from transactional_api.simulator.client import ApiClient


def test_visitors_click_view_and_buy(api, admin, monkeypatch):
    create_product(admin, code="SIM-1", stock=20)
    for name, value in (("VISIT_SHARE", 1.1), ("CLICK_CHANCE", 1.1), ("BUY_CHANCE", 1.1)):
        monkeypatch.setattr(landing, name, value)
    shoppers = []
    for n in range(2):
        email = f"lp-sim-{n}@example.com"
        register(api, email)
        shoppers.append(SimpleNamespace(email=email, password="shopper-pass-1",
                                        anonymous_id=f"anon-sim-{n}"))
    now = datetime.now(UTC)
    with ApiClient(api.url) as client:
        token = client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        sim = landing.SimLanding(client, token, seed=7)
        assert sim.setup(clock=now)
        again = landing.SimLanding(client, token, seed=7)
        assert again.setup(clock=now) and again.page["id"] == sim.page["id"]
        # the visits start at day_start + 10 h: 50 minutes ago, within the events' window
        sim.day(shoppers, now - timedelta(hours=10, minutes=50))
    assert (sim.impressions, sim.clicks, sim.views, sim.orders) == (4, 2, 2, 2)
    assert len(admin.get("/v1/admin/slots").json()["items"]) == 2
    assert len(outbox(api, "slot_impression")) == 4
    views = outbox(api, "landing_page_view")
    assert {v["anonymous_id"] for v in views} == {"anon-sim-0", "anon-sim-1"}
    placed = outbox(api, "order_created")
    assert {o["session_id"] for o in placed} == {v["session_id"] for v in views}
