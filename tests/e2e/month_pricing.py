"""The month's promotions and coupons as the API tells them (test_month.py compares these
with the marts and the Promotions page): every order read back as the operator sees it,
and the coupon templates' counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from transactional_api.orders.models import Order


def api_orders(api) -> list[dict]:
    """Every order of the shop through GET /v1/orders/{id} as the operator (ids from the
    OLTP: the API has no operator-wide listing of them)."""
    with api.sessions() as s:
        ids = s.scalars(select(Order.id)).all()
    out = []
    with api.client(api.admin_token()) as admin:
        for order_id in ids:
            r = admin.get(f"/v1/orders/{order_id}")
            assert r.status_code == 200, r.text
            out.append(r.json())
    return out


def counts_as_cost(order: dict) -> bool:
    """A discount costs the shop when its order was paid and not cancelled."""
    return order["paid_at"] is not None and order["status"] != "cancelled"


def cost_by_day(orders: list[dict]) -> Counter:
    """Discount cost (every adjustment: off the goods, the shipping, gifts) per UTC day of
    payment."""
    days: Counter = Counter()
    for order in filter(counts_as_cost, orders):
        total = sum(a["amount_cents"] for a in order["adjustments"])
        if total:
            days[order["paid_at"][:10]] += total
    return days


def cost_by_source(orders: list[dict]) -> Counter:
    """Discount cost per adjustment name (a promotion's or coupon template's)."""
    names: Counter = Counter()
    for order in filter(counts_as_cost, orders):
        for a in order["adjustments"]:
            names[a["name"]] += a["amount_cents"]
    return names


@dataclass(frozen=True)
class CouponCounts:
    issued: int  # the templates' issued_count, summed
    redeemed: int  # coupons on placed orders
    net_redeemed: int  # ... whose order was not cancelled (expired orders are cancelled)
    codes_used: int  # the code batch's used codes


def coupon_counts(api, orders: list[dict], offers) -> CouponCounts:
    with api.client(api.admin_token()) as admin:
        r = admin.get("/v1/admin/coupon-templates", params={"limit": 100})
        assert r.status_code == 200, r.text
        issued = sum(t["issued_count"] for t in r.json()["items"])
        page = admin.get(f"/v1/admin/coupon-templates/{offers.templates['code']}/codes/"
                         f"{offers.code_batch}")
        assert page.status_code == 200, page.text
        used = page.json()["used"]
    redeemed = {(a["coupon_id"], o["id"], o["status"]) for o in orders
                for a in o["adjustments"] if a["coupon_id"]}
    return CouponCounts(issued=issued, redeemed=len(redeemed),
                        net_redeemed=sum(1 for _, _, st in redeemed if st != "cancelled"),
                        codes_used=used)

