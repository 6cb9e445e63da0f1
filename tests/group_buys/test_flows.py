"""The group-buy flows against the live API: a group that fills ships, an unfilled one
refunds everyone through the original channel, a virtual member completes a group when
the operator chose so, and a seat whose order is cancelled before paying is free again."""

from __future__ import annotations

from tests.group_buys.helpers import (
    LIST_PRICE,
    close_now,
    group_row,
    join,
    members,
    offer,
    open_group,
    outbox_events,
    pay,
    shopper,
    sync,
)


def _subs_paused(c, order_id: str) -> list[bool]:
    return [s["paused"] for s in c.get(f"/v1/orders/{order_id}").json()["sub_orders"]]


def test_a_group_that_fills_forms_and_only_then_ships(api, admin):
    o = offer(admin, size=3, price=3000)
    leader = shopper(api, "leader")
    seat = open_group(leader, o["id"])
    gid = seat["group"]["id"]
    assert seat["total_cents"] >= 3000 and seat["group"]["seats_left"] == 2
    order = leader.get(f"/v1/orders/{seat['order_id']}").json()
    assert order["items"][0]["unit_price_cents"] == 3000
    assert order["items"][0]["price_kind"] == "group"
    token = leader.post(f"/v1/group-buys/groups/{gid}/share").json()["token"]
    a, b = shopper(api, "a"), shopper(api, "b")
    seat_a = join(a, gid, invite=token).json()
    seat_b = join(b, gid).json()
    # paid before the group fills: allocated but held, an operator cannot start picking it
    assert pay(leader, seat["order_id"])["status"] == "paid"
    assert pay(a, seat_a["order_id"])["status"] == "paid"
    sync(api)
    assert group_row(api, gid).status == "open" and group_row(api, gid).paid_members == 2
    assert _subs_paused(leader, seat["order_id"]) == [True]
    sub = leader.get(f"/v1/orders/{seat['order_id']}").json()["sub_orders"][0]["id"]
    r = admin.post(f"/v1/admin/sub-orders/{sub}/transitions", json={"to": "picking"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "sub_order_paused"
    pay(b, seat_b["order_id"])
    sync(api)
    g = leader.get(f"/v1/group-buys/groups/{gid}").json()
    assert g["status"] == "formed" and g["paid_members"] == 3 and g["seats_left"] == 0
    assert [m["you"] for m in g["members"]] == [True, False, False]
    for c, oid in ((leader, seat["order_id"]), (a, seat_a["order_id"]),
                   (b, seat_b["order_id"])):
        assert _subs_paused(c, oid) == [False]
    assert admin.post(f"/v1/admin/sub-orders/{sub}/transitions",
                      json={"to": "picking"}).status_code == 200
    formed = [e["payload"] for e in outbox_events(api, "group_formed")]
    assert len(formed) == 1 and formed[0]["paid_members"] == 3
    joined = {e["payload"]["order_id"]: e["payload"] for e in outbox_events(api, "group_joined")}
    me_a = a.get("/v1/me").json()["id"]
    assert joined[seat_a["order_id"]]["inviter_user_id"] == leader.get("/v1/me").json()["id"]
    assert joined[seat_b["order_id"]]["inviter_user_id"] is None
    assert joined[seat_a["order_id"]]["new_user"] is True  # registered just now
    assert [e["payload"]["inviter_user_id"] for e in outbox_events(api, "group_share_created")
            ] != [me_a]
    sync(api)  # a re-read changes nothing
    assert len(outbox_events(api, "group_formed")) == 1


def test_an_unfilled_group_refunds_every_paid_member_and_cancels_the_unpaid(api, admin):
    o = offer(admin, size=4, price=3000, stock=10)
    leader, a, b = shopper(api, "l"), shopper(api, "a"), shopper(api, "b")
    seat = open_group(leader, o["id"])
    gid = seat["group"]["id"]
    seat_a, seat_b = join(a, gid).json(), join(b, gid).json()
    pay(leader, seat["order_id"])
    pay(a, seat_a["order_id"])
    sync(api)
    assert admin.get(f"/v1/products/{o['product_id']}").json()["skus"][0]["available"] == 7
    assert close_now(api, gid) == {"failed": 1}
    g = group_row(api, gid)
    paid_totals = seat["total_cents"] + seat_a["total_cents"]
    assert g.status == "failed" and g.refunded_cents == paid_totals
    for c, s in ((leader, seat), (a, seat_a), (b, seat_b)):
        assert c.get(f"/v1/orders/{s['order_id']}").json()["status"] == "cancelled"
    by_order = {}
    for e in outbox_events(api, "refund_succeeded"):
        by_order.setdefault(e["payload"]["order_id"], []).append(e["payload"]["amount_cents"])
    assert by_order == {seat["order_id"]: [seat["total_cents"]],
                        seat_a["order_id"]: [seat_a["total_cents"]]}
    failed = [e["payload"] for e in outbox_events(api, "group_failed")]
    assert failed == [{**failed[0], "refunded_cents": paid_totals, "refunded_members": 2,
                       "cancelled_orders": 1}]
    assert {m.status for m in members(api, gid)} == {"refunded", "cancelled"}
    # the units are back for sale
    assert admin.get(f"/v1/products/{o['product_id']}").json()["skus"][0]["available"] == 10
    assert close_now(api, gid) == {}  # closing again does nothing
    assert len(outbox_events(api, "refund_succeeded")) == 2


def test_fill_with_virtual_completes_an_unfilled_group_and_ships_it(api, admin):
    o = offer(admin, size=3, price=3000, fill=True)
    leader, a = shopper(api, "l"), shopper(api, "a")
    seat = open_group(leader, o["id"])
    gid = seat["group"]["id"]
    seat_a = join(a, gid).json()
    pay(leader, seat["order_id"])
    assert close_now(api, gid) == {"formed": 1}
    g = leader.get(f"/v1/group-buys/groups/{gid}").json()
    assert (g["status"], g["paid_members"], g["virtual_members"], g["seats_left"]) == \
        ("formed", 1, 2, 0)
    assert _subs_paused(leader, seat["order_id"]) == [False]
    assert a.get(f"/v1/orders/{seat_a['order_id']}").json()["status"] == "cancelled"
    assert outbox_events(api, "refund_succeeded") == []


def test_a_seat_whose_order_is_cancelled_before_paying_is_free_again(api, admin):
    o = offer(admin, size=2)
    leader, a, b = shopper(api, "l"), shopper(api, "a"), shopper(api, "b")
    gid = open_group(leader, o["id"])["group"]["id"]
    seat_a = join(a, gid).json()
    r = join(b, gid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "group_full"
    assert a.post(f"/v1/orders/{seat_a['order_id']}/cancel").status_code == 200
    sync(api)
    assert group_row(api, gid).seats_taken == 1
    assert join(b, gid).status_code == 201
    # the one who left may not come back now: the group is full again
    r = join(a, gid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "group_full"
    assert group_row(api, gid).seats_taken == 2


def test_the_list_price_and_discount_are_the_offers(api, admin):
    o = offer(admin, size=2, price=2500)
    assert (o["list_price_cents"], o["group_price_cents"], o["currency"]) == \
        (LIST_PRICE, 2500, "USD")
    view = admin.get(f"/v1/group-buys/{o['id']}").json()
    assert view["offer"]["active"] is True and view["open_groups"] == []
    leader = shopper(api, "l")
    gid = open_group(leader, o["id"])["group"]["id"]
    view = leader.get(f"/v1/group-buys/{o['id']}").json()
    assert [(g["id"], g["seats_left"]) for g in view["open_groups"]] == [(gid, 1)]
