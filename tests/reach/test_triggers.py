"""Each trigger kind against a bare database: level-up events through the outbox
consumer, abandoned carts through the sweep, audience entries through the audience run."""

from __future__ import annotations

from datetime import timedelta

import redis as redis_lib

from tests.reach.conftest import T0, add_user, campaign, emitted, level_up, messages
from transactional_api.cart.models import Cart, CartItem
from transactional_api.core.db import transaction
from transactional_api.events.contract import OrderPaid
from transactional_api.events.outbox import emit
from transactional_api.orders.models import Order
from transactional_api.reach import campaigns, jobs, triggers
from transactional_api.tags.models import Audience, TagDefinition, UserTag


def test_a_level_upgrade_sends_one_congratulation(sessions, settings):
    c = campaign(sessions, template="You reached {level} (from {from_level})",
                 trigger={"kind": "event", "event_type": "member_level_changed",
                          "to_levels": ["gold", "silver"]})
    u1, u2, u3 = (add_user(sessions) for _ in range(3))
    level_up(sessions, u1, T0 - timedelta(hours=1))  # before the campaign was activated
    event_id = level_up(sessions, u1, T0 + timedelta(hours=1))
    level_up(sessions, u2, T0 + timedelta(hours=2), to="regular", direction="downgrade")
    level_up(sessions, u3, T0 + timedelta(hours=3), to="diamond")  # not a listed level
    assert jobs.consume_all(sessions, settings) == 1
    assert jobs.consume_all(sessions, settings) == 0  # caught up: nothing re-sent
    [m] = messages(sessions)
    assert (m.user_id, m.status, m.body) == (u1, "sent", "You reached silver (from regular)")
    assert m.trigger_key == f"event:{event_id}" and m.sent_at == T0 + timedelta(hours=1)
    [sent] = emitted(sessions, "reach_message_sent")
    assert sent["user_id"] == u1 and sent["occurred_at"] == "2026-03-02T13:00:00Z"
    assert sent["payload"] | {"message_id": None} == {
        "message_id": None, "campaign_id": c.id, "channel": "inbox", "trigger_kind": "event",
        "trigger_key": f"event:{event_id}", "triggered_at": sent["occurred_at"],
        "offer_code": None}


def test_a_paused_campaign_passes_over_events(sessions, settings):
    c = campaign(sessions)
    user = add_user(sessions)
    with transaction(sessions) as s:
        campaigns.transition(session=s, campaign_id=c.id, action="pause", actor_id="op")
    level_up(sessions, user, T0 + timedelta(hours=1))
    assert jobs.consume_all(sessions, settings) == 0
    assert messages(sessions) == []


def _order(sessions, user_id: str, at, *, paid: bool = True) -> str:
    with transaction(sessions) as s:
        o = Order(user_id=user_id, status="paid" if paid else "pending_payment", currency="USD",
                  subtotal_cents=1000, total_cents=1000, created_at=at, updated_at=at,
                  expires_at=at + timedelta(minutes=15), paid_at=at if paid else None)
        s.add(o)
        s.flush()
        emit(session=s, event=OrderPaid(occurred_at=at, user_id=user_id, payload={
            "order_id": o.id, "payment_id": "p-" + o.id, "amount_cents": 1000,
            "currency": "USD"}))
        return o.id


def test_first_order_only_skips_repeat_buyers(sessions, settings):
    campaign(sessions, name="first order", template="Thanks for order {order_id}",
             trigger={"kind": "event", "event_type": "order_paid", "first_order_only": True})
    newcomer, regular = add_user(sessions), add_user(sessions)
    _order(sessions, regular, T0 - timedelta(days=30))
    first = _order(sessions, newcomer, T0 + timedelta(hours=1))
    _order(sessions, regular, T0 + timedelta(hours=2))
    assert jobs.consume_all(sessions, settings) == 1
    [m] = messages(sessions)
    assert (m.user_id, m.body) == (newcomer, f"Thanks for order {first}")


def _cart(sessions, user_id: str, touched, units: int = 2) -> str:
    with transaction(sessions) as s:
        cart = Cart(user_id=user_id, status="open", created_at=touched, updated_at=touched)
        cart.items.append(CartItem(sku_id="sku-1", quantity=units, added_at=touched))
        s.add(cart)
        s.flush()
        return cart.id


def _touch(sessions, cart_id: str, at) -> None:
    with transaction(sessions) as s:
        s.get(Cart, cart_id).updated_at = at


def test_abandoned_carts_are_reminded_once_per_abandonment(sessions):
    campaign(sessions, name="cart", channel="inbox", template="{cart_items} items wait for you",
             trigger={"kind": "abandoned_cart", "idle_minutes": 120})
    left, buyer, fresh = add_user(sessions), add_user(sessions), add_user(sessions)
    cart = _cart(sessions, left, T0 + timedelta(minutes=10), units=3)
    _cart(sessions, buyer, T0 + timedelta(minutes=10))
    _order(sessions, buyer, T0 + timedelta(minutes=40), paid=False)  # ordered since: no reminder
    _cart(sessions, fresh, T0 + timedelta(minutes=100))  # idle for 80 minutes only
    now = T0 + timedelta(minutes=180)
    with transaction(sessions) as s:
        assert triggers.sweep_abandoned_carts(s, now=now) == 1
    with transaction(sessions) as s:  # a re-run finds the same abandonment: nothing new
        assert triggers.sweep_abandoned_carts(s, now=now + timedelta(minutes=5)) == 0
    [m] = messages(sessions)
    assert (m.user_id, m.body, m.sent_at) == (left, "3 items wait for you", now)
    # touched again and left again: a new abandonment, a new reminder
    _touch(sessions, cart, T0 + timedelta(hours=5))
    with transaction(sessions) as s:
        assert triggers.sweep_abandoned_carts(s, now=T0 + timedelta(hours=8)) == 2
    assert sorted(m.user_id for m in messages(sessions)) == sorted([left, left, fresh])


def test_a_cart_abandoned_before_activation_is_not_reminded(sessions):
    user = add_user(sessions)
    _cart(sessions, user, T0 - timedelta(hours=5))
    campaign(sessions, name="cart", template="come back",
             trigger={"kind": "abandoned_cart", "idle_minutes": 120})
    with transaction(sessions) as s:
        assert triggers.sweep_abandoned_carts(s, now=T0 + timedelta(hours=1)) == 0


def test_audience_entries_key_the_audience_campaign(sessions, settings, redis_server):
    client = redis_lib.Redis.from_url(redis_server.url)
    with transaction(sessions) as s:
        s.add(TagDefinition(name="vip", kind="manual", status="active", created_at=T0))
        audience = Audience(name="vips", description="", rule={"tag": "vip"}, version=1,
                            created_at=T0, updated_at=T0)
        s.add(audience)
        s.flush()
        audience_id = audience.id
    c = campaign(sessions, name="win back", channel="inbox", template="We miss you",
                 trigger={"kind": "audience", "audience_id": audience_id})
    a, b = add_user(sessions), add_user(sessions)

    def tag(user, on: bool):
        with transaction(sessions) as s:
            if on:
                s.add(UserTag(user_id=user, tag="vip", assigned_at=T0))
            else:
                s.delete(s.get(UserTag, (user, "vip")))

    def run(hours: int) -> int:
        with transaction(sessions) as s:
            return triggers.run_audience_campaigns(s, client, T0 + timedelta(hours=hours),
                                                   settings=settings)

    tag(a, True)
    assert run(1) == 1
    assert run(2) == 0  # still inside: the same stay
    tag(b, True)
    tag(a, False)
    assert run(3) == 1  # b enters; a leaves
    tag(a, True)
    assert run(4) == 1  # a is back: a second stay, a second message
    keys = sorted((m.user_id, m.trigger_key) for m in messages(sessions, campaign_id=c.id))
    assert keys == sorted([(a, "audience:1"), (b, "audience:1"), (a, "audience:2")])
    client.close()
