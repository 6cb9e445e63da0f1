"""Property: whatever the order of joins, payments, cancellations and the window's end,
a group never seats more than its size, it is formed exactly when every seat is paid,
and a failed group refunds every paid member exactly once (their order's total)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.catalog_helpers import pay
from tests.group_buys.helpers import (
    close_now,
    group_row,
    join,
    members,
    offer,
    open_group,
    outbox_events,
    sync,
)

SHOPPERS = 4
step = st.one_of(st.tuples(st.sampled_from(["join", "pay", "cancel"]),
                           st.integers(0, SHOPPERS - 1)),
                 st.just(("expire", 0)))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(size=st.integers(2, 3), steps=st.lists(step, max_size=7))
def test_group_state_machine(api, admin, pool, size, steps):
    o = offer(admin, size=size, stock=20)
    leader = pool[0]
    seat = open_group(leader, o["id"])
    gid = seat["group"]["id"]
    orders = {0: seat["order_id"]}
    totals = {seat["order_id"]: seat["total_cents"]}
    for action, i in steps:
        c = pool[i]
        if action == "join":
            r = join(c, gid)
            if r.status_code == 201:
                orders[i] = r.json()["order_id"]
                totals[orders[i]] = r.json()["total_cents"]
            else:
                assert r.status_code == 409, r.text
        elif action == "pay" and i in orders:
            if c.get(f"/v1/orders/{orders[i]}").json()["status"] == "pending_payment":
                pay(c, orders[i])
        elif action == "cancel" and i in orders:
            assert c.post(f"/v1/orders/{orders[i]}/cancel").status_code in (200, 409)
        elif action == "expire":
            close_now(api, gid)
        sync(api)
        _check(api, gid, size, totals)
    close_now(api, gid)
    _check(api, gid, size, totals)
    assert group_row(api, gid).status in ("formed", "failed")


def _check(api, gid: str, size: int, totals: dict[str, int]) -> None:
    g, rows = group_row(api, gid), members(api, gid)
    seated = [m for m in rows if m.status in ("pending", "paid", "virtual")]
    paid = [m for m in rows if m.status == "paid"]
    assert g.seats_taken <= size
    if g.status == "failed":  # the group keeps its final count; every seat was let go
        assert seated == [] and g.paid_members == sum(m.status == "refunded" for m in rows)
    else:
        assert g.seats_taken == len(seated) and g.paid_members == len(paid)
    assert (g.status == "formed") == (len(paid) == size)
    refunds = Counter()
    amounts: dict[str, int] = {}
    for e in outbox_events(api, "refund_succeeded"):
        if e["payload"]["order_id"] in totals:
            refunds[e["payload"]["order_id"]] += 1
            amounts[e["payload"]["order_id"]] = e["payload"]["amount_cents"]
    refunded = {m.order_id for m in rows if m.status == "refunded"}
    assert set(refunds) == refunded and set(refunds.values()) <= {1}
    assert all(amounts[oid] == totals[oid] for oid in refunded)
    if g.status == "failed":
        assert not paid and g.refunded_cents == sum(totals[oid] for oid in refunded)
