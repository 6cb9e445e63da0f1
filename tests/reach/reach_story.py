"""A hand-written reach story for fct_reach_campaigns: two campaigns, their sends, opens
and clicks, and paid orders inside and outside the 7-day window (one send landed twice)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.dbt import shop_story
from transactional_api.events import reach_events as re_
from transactional_api.events.contract import OrderPaid, to_record


def at(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"2025-06-{day}T{time}+00:00").astimezone(UTC)


def _campaign(cls, cid: str, name: str, kind: str, channel: str, when: datetime):
    return cls(occurred_at=when, user_id="op", payload={
        "campaign_id": cid, "name": name, "trigger_kind": kind, "channel": channel,
        "version": 1})


def _sent(mid: str, cid: str, user: str, channel: str, kind: str, when: datetime):
    return re_.ReachMessageSent(occurred_at=when, user_id=user, payload={
        "message_id": mid, "campaign_id": cid, "channel": channel, "trigger_kind": kind,
        "trigger_key": f"k-{mid}", "triggered_at": when})


def _action(cls, mid: str, cid: str, user: str, channel: str, kind: str, sent: datetime,
            when: datetime):
    return cls(occurred_at=when, user_id=user, payload={
        "message_id": mid, "campaign_id": cid, "channel": channel, "trigger_kind": kind,
        "sent_at": sent})


def _paid(oid: str, user: str, cents: int, when: datetime, currency: str = "USD"):
    return OrderPaid(occurred_at=when, user_id=user, payload={
        "order_id": oid, "payment_id": f"pay-{oid}", "amount_cents": cents,
        "currency": currency})


def events() -> list[dict]:
    c1, c2 = "c-level", "c-cart"
    lv, cart = ("inbox", "event"), ("email", "abandoned_cart")
    d1 = at("01", "08:00:00")
    m1, m2, m3 = at("02", "10:00:00"), at("02", "11:00:00"), at("02", "12:00:00")
    m4, m5 = at("04", "09:00:00"), at("02", "14:00:00")
    evs = [
        _campaign(re_.ReachCampaignCreated, c1, "Level up draft", "event", "inbox", d1),
        _campaign(re_.ReachCampaignUpdated, c1, "Level up", "event", "inbox", at("01", "09:00:00")),
        _campaign(re_.ReachCampaignCreated, c2, "Cart reminder", "abandoned_cart", "email",
                  at("01", "09:30:00")),
        _sent("m1", c1, "u1", *lv, m1), _sent("m2", c1, "u2", *lv, m2),
        _sent("m3", c1, "u1", *lv, m3), _sent("m4", c1, "u3", *lv, m4),
        _sent("m5", c2, "u1", "email", "abandoned_cart", m5),
        _action(re_.ReachMessageOpened, "m1", c1, "u1", *lv, m1, at("02", "10:30:00")),
        _action(re_.ReachMessageClicked, "m1", c1, "u1", *lv, m1, at("03")),
        _action(re_.ReachMessageOpened, "m2", c1, "u2", *lv, m2, at("05")),
        _action(re_.ReachMessageOpened, "m5", c2, "u1", *cart, m5, at("02", "15:00:00")),
        _action(re_.ReachMessageClicked, "m5", c2, "u1", *cart, m5, at("02", "15:00:00")),
        _paid("o1", "u1", 5000, at("02", "13:00:00")),  # after m1 and m3, before m5
        _paid("o2", "u2", 2000, at("09", "11:00:00")),  # exactly 7 days after m2: inside
        _paid("o3", "u2", 900, at("02", "10:00:00")),  # before u2's send
        _paid("o4", "u3", 3000, at("11", "09:00:01")),  # 7 days and a second after m4
        _paid("o5", "u3", 4000, at("05"), currency="EUR"),  # converts, no USD revenue
        _paid("o6", "u1", 1500, at("06")),  # after m1/m3 (06-02) and m5
    ]
    return [to_record(e) for e in evs]


def landings() -> list[list[dict]]:
    batch = events()
    resend = [r for r in batch if r["payload"].get("message_id") == "m5"
              and r["event_type"] == "reach_message_sent"]
    return [batch, resend]  # at-least-once delivery: m5's send lands twice


def build_oltp(url: str) -> None:
    shop_story.build_oltp(url, with_rows=False)
