"""A second hand-described shop for the order flow (issue 8): parent orders split into
sub-orders, payments over three channels, an interception, refunds, shipments with their
carriers, after-sales requests and reconciliation runs. Everything the tests expect follows
from what is written here; the figures are worked out by hand in test_order_flow_marts.py.

Kept apart from shop_story.py, whose assertions pin its own days and totals.

The week, UTC (T = Monday 2025-04-07 09:00):
  oA  u1, region RS, two sub-orders. Card pA1 started 09:01, authorized 09:03, captured and
      paid 09:05. sA1 (self-operated, main warehouse, 4900) ships 15:05 by sandbox_post and
      arrives Tue 15:05. sA2 (Nordic Goods, north store, 2100) is paused 10:00 and resumed
      11:00 by an operator, ships Tue 09:05 by sandbox_express, arrives Tue 21:05. On Wed
      09:00 u1 asks to return one damaged unit of sA1; approved 11:00, sent back 21:00,
      inspected and refunded (2200 on pA1, by card) Thu 09:00.
  oB  u2, region SC, one sub-order sB1 (self-operated, north store, 3300). Card pB1 started
      10:01, declined 10:02; wallet pB2 started and paid 10:10. An operator cancels sB1 at
      16:00 (interception): refund rB of 3300 to the wallet.
  oF  u3, region RS, sF1 (self-operated, main warehouse, 1000). Card pF1 started 11:00, paid
      11:10. Ships 23:10 by sandbox_post, arrives Tue 23:10, completes Fri 09:00 (invoice).
      u3 asks Wed 10:00 to return it (no longer needed): rejected 12:00, closed.
  oG  u1, Tue, region SC, sG1 (Nordic Goods, north store, 1200). Card pG1 started 09:01,
      paid 09:03. Paused by an operator at 10:00 and still held.
  oC  u3, Tue, region RS, sC1 (Nordic Goods, main warehouse, 1500). Bank transfer pC1
      started 08:02, paid 14:02. Ships Wed 02:02 by sandbox_post, not arrived.
  oD  u4, Tue, sD1 (800). Card pD1 started 11:01; the order times out at 11:31 (cancelled
      before payment). The card money arrives anyway at 12:00: owed back, not repaid yet.
  oE  u2, Tue, virtual sE1 (2500). Card pE1 started 12:01, fails 12:03 (timeout); wallet
      pE2 started and paid 12:05, the virtual goods delivered at once. pE1's money is
      captured after all at 12:20 (owed back) and refunded by card at 13:20.
Reconciliation: Monday reconciled twice (the second run, Tue 03:00, supersedes the first);
Tuesday once, Wed 01:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transactional_api.events import aftersales_events as ae
from transactional_api.events import contract as c
from transactional_api.events import fulfilment_events as fe
from transactional_api.events import order_events as oe
from transactional_api.events import payment_events as pe

T = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)
H, M = timedelta(hours=1), timedelta(minutes=1)
D = timedelta(days=1)

# order -> (user, region, created at, OLTP status, paid at or None)
ORDERS = {
    "oA": ("u1", "RS", T, "delivered", T + 5 * M),
    "oB": ("u2", "SC", T + H, "cancelled", T + H + 10 * M),
    "oF": ("u3", "RS", T + 2 * H, "completed", T + 2 * H + 10 * M),
    "oG": ("u1", "SC", T + D, "paid", T + D + 3 * M),
    "oC": ("u3", "RS", T + D - H, "shipped", T + D + 5 * H + 2 * M),
    "oD": ("u4", None, T + D + 2 * H, "cancelled", None),
    "oE": ("u2", None, T + D + 3 * H, "delivered", T + D + 3 * H + 5 * M),
}
# sub-order -> (order, merchant, location, kind, subtotal, discount, shipping, tax, lines)
# lines: (sku, product, quantity, unit price paid, line discount, line tax, unit weight)
SUB_ORDERS = {
    "sA1": ("oA", "self-operated", "default", "physical", 4000, 0, 500, 400,
            [("s1", "p1", 2, 2000, 0, 400, 300)]),
    "sA2": ("oA", "m2", "north", "physical", 2000, 100, 0, 200,
            [("s2", "p2", 1, 2000, 100, 200, 900)]),
    "sB1": ("oB", "self-operated", "north", "physical", 3000, 0, 0, 300,
            [("s1", "p1", 1, 2000, 0, 200, 300), ("s3", "p3", 1, 1000, 0, 100, 100)]),
    "sF1": ("oF", "self-operated", "default", "physical", 1000, 0, 0, 0,
            [("s3", "p3", 1, 1000, 0, 0, 100)]),
    "sG1": ("oG", "m2", "north", "physical", 1200, 0, 0, 0,
            [("s2", "p2", 1, 1200, 0, 0, 900)]),
    "sC1": ("oC", "m2", "default", "physical", 1500, 0, 0, 0,
            [("s2", "p2", 1, 1500, 0, 0, 900)]),
    "sD1": ("oD", "self-operated", "default", "physical", 800, 0, 0, 0,
            [("s1", "p1", 1, 800, 0, 0, 300)]),
    "sE1": ("oE", "self-operated", None, "virtual", 2500, 0, 0, 0,
            [("s9", "p9", 1, 2500, 0, 0, 0)]),
}


def sub_total(sub: str) -> int:
    _, _, _, _, subtotal, discount, shipping, tax, _ = SUB_ORDERS[sub]
    return subtotal - discount + shipping + tax


def order_total(order: str) -> int:
    return sum(sub_total(s) for s, v in SUB_ORDERS.items() if v[0] == order)


# Each sub-order's moves: (at, from, to, reason)
MOVES = {
    "sA1": [(T + 5 * M, "awaiting_payment", "allocated", None),
            (T + 3 * H, "allocated", "picking", None),
            (T + 5 * H, "picking", "packed", None),
            (T + 6 * H + 5 * M, "packed", "shipped", None),
            (T + D + 6 * H + 5 * M, "shipped", "delivered", None)],
    "sA2": [(T + 5 * M, "awaiting_payment", "allocated", None),
            (T + 3 * H, "allocated", "picking", None),
            (T + 20 * H, "picking", "packed", None),
            (T + D + 5 * M, "packed", "shipped", None),
            (T + D + 12 * H + 5 * M, "shipped", "delivered", None)],
    "sB1": [(T + H + 10 * M, "awaiting_payment", "allocated", None),
            (T + 7 * H, "allocated", "cancelled", "suspected fraud")],
    "sF1": [(T + 2 * H + 10 * M, "awaiting_payment", "allocated", None),
            (T + 4 * H, "allocated", "picking", None),
            (T + 8 * H, "picking", "packed", None),
            (T + 14 * H + 10 * M, "packed", "shipped", None),
            (T + D + 14 * H + 10 * M, "shipped", "delivered", None),
            (T + 4 * D, "delivered", "completed", "auto_complete")],
    "sG1": [(T + D + 3 * M, "awaiting_payment", "allocated", None)],
    "sC1": [(T + D + 5 * H + 2 * M, "awaiting_payment", "allocated", None),
            (T + D + 8 * H, "allocated", "picking", None),
            (T + D + 10 * H, "picking", "packed", None),
            (T + D + 17 * H + 2 * M, "packed", "shipped", None)],
    "sD1": [(T + D + 2 * H + 31 * M, "awaiting_payment", "cancelled", "payment_timeout")],
    # virtual goods: allocated and delivered in the same instant
    "sE1": [(T + D + 3 * H + 5 * M, "awaiting_payment", "allocated", None),
            (T + D + 3 * H + 5 * M, "allocated", "delivered", None)],
}
# (at, sub-order, action, reason, refunded cents)
INTERCEPTIONS = [
    (T + H, "sA2", "pause", "address check", 0),
    (T + 2 * H, "sA2", "resume", "address confirmed", 0),
    (T + 7 * H, "sB1", "cancel", "suspected fraud", 3300),
    (T + D + H, "sG1", "pause", "customer called", 0),
]
# payment -> (order, channel, started at, [(step, at, reason)]); step authorized, captured,
# paid, failed or refund_due (captured + paid, or captured + refund_due, are what the API
# emits for one capture)
PAYMENTS = {
    "pA1": ("oA", "card", T + M, [("authorized", T + 3 * M, None),
                                   ("captured", T + 5 * M, None), ("paid", T + 5 * M, None)]),
    "pB1": ("oB", "card", T + H + M, [("failed", T + H + 2 * M, "declined")]),
    "pB2": ("oB", "wallet", T + H + 10 * M, [("captured", T + H + 10 * M, None),
                                             ("paid", T + H + 10 * M, None)]),
    "pF1": ("oF", "card", T + 2 * H, [("captured", T + 2 * H + 10 * M, None),
                                      ("paid", T + 2 * H + 10 * M, None)]),
    "pG1": ("oG", "card", T + D + M, [("captured", T + D + 3 * M, None),
                                      ("paid", T + D + 3 * M, None)]),
    "pC1": ("oC", "bank_transfer", T + D - H + 2 * M,
            [("captured", T + D + 5 * H + 2 * M, None), ("paid", T + D + 5 * H + 2 * M, None)]),
    "pD1": ("oD", "card", T + D + 2 * H + M,
            [("captured", T + D + 3 * H, None),
             ("refund_due", T + D + 3 * H, "order_not_payable")]),
    "pE1": ("oE", "card", T + D + 3 * H + M,
            [("failed", T + D + 3 * H + 3 * M, "timeout"),
             ("captured", T + D + 3 * H + 20 * M, None),
             ("refund_due", T + D + 3 * H + 20 * M, "captured_after_failure")]),
    "pE2": ("oE", "wallet", T + D + 3 * H + 5 * M,
            [("captured", T + D + 3 * H + 5 * M, None), ("paid", T + D + 3 * H + 5 * M, None)]),
}
# refund -> (payment, amount, reason, at)
REFUNDS = {
    "rB": ("pB2", 3300, "intercepted", T + 7 * H),
    "rE": ("pE1", 2500, "refund_due", T + D + 4 * H + 20 * M),
    "rA": ("pA1", 2200, "after_sales_return_refund", T + 3 * D),
}
# shipment -> (carrier, sub-order, shipped at, delivered at or None)
SHIPMENTS = {
    "shA1": ("sandbox_post", "sA1", T + 6 * H + 5 * M, T + D + 6 * H + 5 * M),
    "shA2": ("sandbox_express", "sA2", T + D + 5 * M, T + D + 12 * H + 5 * M),
    "shF1": ("sandbox_post", "sF1", T + 14 * H + 10 * M, T + D + 14 * H + 10 * M),
    "shC1": ("sandbox_post", "sC1", T + D + 17 * H + 2 * M, None),
}
# after-sales request -> (sub-order, type, reason code, requested cents, requested at,
#   decision, decided at, resolution, closed at)
AFTER_SALES = {
    "asA1": ("sA1", "return_refund", "damaged", 2200, T + 2 * D, "approve", T + 2 * D + 2 * H,
             "refunded", T + 3 * D),
    "asF1": ("sF1", "return_refund", "no_longer_needed", 1000, T + 2 * D + H, "reject",
             T + 2 * D + 3 * H, "rejected", T + 2 * D + 3 * H),
}
# reconciliation run -> (ran at, day, [(channel, ledger entries, statement entries)],
#   [(channel, kind, transaction kind, payment, ledger cents, statement cents)])
RECONCILIATIONS = {
    "run-mon-1": (T + 16 * H, T.date(), [("card", 2, 1), ("wallet", 2, 2)],
                  [("card", "missing_in_statement", "captured", "pA1", 7000, None)]),
    "run-mon-2": (T + 18 * H, T.date(), [("card", 2, 2), ("wallet", 2, 2)],
                  [("card", "amount_differs", "captured", "pA1", 7000, 6900)]),
    "run-tue-1": (T + 2 * D - 8 * H, (T + D).date(), [("card", 3, 3), ("bank_transfer", 0, 1)],
                  [("bank_transfer", "missing_in_ledger", "captured", "pC1", None, 1500),
                   ("card", "missing_in_statement", "refunded", "pE1", 2500, None)]),
}


def _ev(model, at: datetime, user: str | None, **payload) -> dict:
    return c.to_record(model(occurred_at=at, user_id=user, payload=payload))


def _user(order: str) -> str:
    return ORDERS[order][0]


def _sub_order_events() -> list[dict]:
    events = []
    for sub, (oid, merchant, location, kind, subtotal, discount, shipping, tax,
              lines) in SUB_ORDERS.items():
        user, region, created, _, _ = ORDERS[oid]
        events.append(_ev(
            oe.SubOrderCreated, created, user, sub_order_id=sub, order_id=oid,
            merchant_id=merchant, warehouse_id=location, kind=kind, currency="USD",
            subtotal_cents=subtotal, discount_cents=discount, shipping_cents=shipping,
            tax_cents=tax, total_cents=sub_total(sub), shipping_region=region,
            lines=[{"sku_id": sku, "product_id": product, "quantity": qty,
                    "list_price_cents": price, "unit_price_cents": price,
                    "discount_cents": line_discount, "tax_cents": line_tax,
                    "weight_grams": weight}
                   for sku, product, qty, price, line_discount, line_tax, weight in lines]))
        for at, before, after, reason in MOVES[sub]:
            events.append(_ev(
                oe.SubOrderStatusChanged, at, user, sub_order_id=sub, order_id=oid,
                merchant_id=merchant, warehouse_id=location, from_status=before,
                to_status=after, reason=reason))
    for at, sub, action, reason, refunded in INTERCEPTIONS:
        oid = SUB_ORDERS[sub][0]
        events.append(_ev(oe.SubOrderIntercepted, at, _user(oid), sub_order_id=sub,
                          order_id=oid, action=action, reason=reason, actor_id="admin1",
                          refunded_cents=refunded, currency="USD"))
    # the parents' customer-facing statuses, as the API derives them
    for oid, moves in {
        "oB": [(T + H + 10 * M, "pending_payment", "paid"), (T + 7 * H, "paid", "cancelled")],
        "oD": [(T + D + 2 * H + 31 * M, "pending_payment", "cancelled")],
        "oF": [(T + 2 * H + 10 * M, "pending_payment", "paid"),
               (T + 4 * H, "paid", "preparing"), (T + 14 * H + 10 * M, "preparing", "shipped"),
               (T + D + 14 * H + 10 * M, "shipped", "delivered"),
               (T + 4 * D, "delivered", "completed")],
    }.items():
        for at, before, after in moves:
            events.append(_ev(oe.OrderStatusChanged, at, _user(oid), order_id=oid,
                              from_status=before, to_status=after))
    return events


def _payment_events() -> list[dict]:
    events = []
    for pid, (oid, channel, started, steps) in PAYMENTS.items():
        user, money = _user(oid), {"payment_id": pid, "order_id": oid,
                                   "amount_cents": order_total(oid), "currency": "USD"}
        events.append(_ev(pe.PaymentStarted, started, user, channel=channel, **money))
        for step, at, reason in steps:
            if step == "authorized":
                events.append(_ev(pe.PaymentAuthorized, at, user, channel=channel,
                                  card_last4="4242", **money))
            elif step == "captured":
                events.append(_ev(pe.PaymentCaptured, at, user, channel=channel,
                                  provider_reference=f"ref-{pid}", **money))
            elif step == "paid":
                events.append(_ev(c.OrderPaid, at, user, **money))
            elif step == "failed":
                events.append(_ev(c.PaymentFailed, at, user, order_id=oid, payment_id=pid,
                                  reason=reason))
            else:
                events.append(_ev(c.PaymentRefundDue, at, user, reason=reason, **money))
    for rid, (pid, amount, reason, at) in REFUNDS.items():
        oid, channel = PAYMENTS[pid][0], PAYMENTS[pid][1]
        events.append(_ev(pe.RefundSucceeded, at, _user(oid), refund_id=rid, payment_id=pid,
                          order_id=oid, amount_cents=amount, currency="USD", reason=reason,
                          channel=channel, provider_reference=f"ref-{rid}"))
    # u2's wallet: topped up, pays oB, gets oB's refund, pays oE
    for entry_id, (at, kind, amount, balance, reason, pid, rid) in enumerate([
        (T + 30 * M, "credit", 10_000, 10_000, "top_up", None, None),
        (T + H + 10 * M, "debit", 3300, 6700, "payment", "pB2", None),
        (T + 7 * H, "credit", 3300, 10_000, "refund", "pB2", "rB"),
        (T + D + 3 * H + 5 * M, "debit", 2500, 7500, "payment", "pE2", None),
    ], start=1):
        events.append(_ev(pe.WalletEntry, at, "u2", entry_id=entry_id, kind=kind,
                          amount_cents=amount, currency="USD", balance_after_cents=balance,
                          reason=reason, payment_id=pid, refund_id=rid))
    for run_id, (ran_at, day, channels, found) in RECONCILIATIONS.items():
        for channel, kind, txn, pid, ours, theirs in found:
            events.append(_ev(pe.ReconciliationMismatch, ran_at, None, run_id=run_id, day=day,
                              channel=channel, kind=kind, transaction_kind=txn,
                              payment_id=pid, provider_reference=f"ref-{pid}",
                              ledger_amount_cents=ours, statement_amount_cents=theirs,
                              currency="USD"))
        for channel, ledger, statement in channels:
            events.append(_ev(pe.ReconciliationCompleted, ran_at, None, run_id=run_id,
                              day=day, channel=channel, ledger_entries=ledger,
                              statement_entries=statement,
                              mismatches=sum(1 for f in found if f[0] == channel)))
    return events


def _fulfilment_events() -> list[dict]:
    events = []
    for shipment, (carrier, sub, shipped_at, delivered_at) in SHIPMENTS.items():
        oid, merchant = SUB_ORDERS[sub][0], SUB_ORDERS[sub][1]
        user, region = ORDERS[oid][0], ORDERS[oid][1]
        parcel = {"shipment_id": shipment, "carrier": carrier,
                  "tracking_number": f"TN-{shipment}"}
        events.append(_ev(fe.ShipmentCreated, shipped_at, user, merchant_id=merchant,
                          sub_order_ids=[sub], order_ids=[oid], merged=False,
                          shipping_region=region, **parcel))
        track = [("accepted", shipped_at + H, True, "accepted")]
        if delivered_at is not None:
            track += [("delivered", delivered_at, True, "delivered"),
                      # a late in-transit scan after the delivery: in the track, not applied
                      ("in_transit", delivered_at - 2 * H, False, "delivered")]
        for n, (status, at, applied, after) in enumerate(track):
            events.append(_ev(fe.TrackingEventReceived, at, user,
                              carrier_event_id=f"{shipment}-{n}", status=status,
                              location="Hub", applied=applied, shipment_status=after,
                              received_at=at + M, **parcel))
        if delivered_at is not None:
            events.append(_ev(fe.ShipmentDelivered, delivered_at, user, merchant_id=merchant,
                              sub_order_ids=[sub], order_ids=[oid], shipping_region=region,
                              shipped_at=shipped_at, delivered_at=delivered_at, **parcel))
    events.append(_ev(fe.InvoiceIssued, T + 4 * D + H, "u3", invoice_id="inv1",
                      number="FW-2025-000001", order_id="oF", merchant_id="self-operated",
                      sub_order_ids=["sF1"], currency="USD", subtotal_cents=1000,
                      discount_cents=0, shipping_cents=0, tax_cents=0, total_cents=1000))
    return events


def _after_sales_events() -> list[dict]:
    events = []
    for rid, (sub, kind, reason_code, cents, requested_at, decision, decided_at, resolution,
              closed_at) in AFTER_SALES.items():
        oid, merchant = SUB_ORDERS[sub][0], SUB_ORDERS[sub][1]
        user, sku = _user(oid), SUB_ORDERS[sub][8][0][0]
        ids = {"request_id": rid, "order_id": oid, "sub_order_id": sub}
        events.append(_ev(ae.AfterSalesRequested, requested_at, user, merchant_id=merchant,
                          type=kind, reason_code=reason_code,
                          lines=[{"sku_id": sku, "quantity": 1}], requested_cents=cents,
                          currency="USD", **ids))
        events.append(_ev(ae.AfterSalesDecided, decided_at, user, type=kind,
                          reason_code=reason_code, decision=decision,
                          reason="ok" if decision == "approve" else "outside return window",
                          actor_id="m-staff", **ids))
        refunded = 0
        if decision == "approve":
            events.append(_ev(ae.ReturnShipped, decided_at + 10 * H, user, type=kind,
                              carrier="sandbox_post", tracking_number=f"RT-{rid}", **ids))
            events.append(_ev(ae.ReturnInspected, closed_at, user, type=kind,
                              lines=[{"sku_id": sku, "quantity": 1, "accepted_quantity": 1}],
                              requested_quantity=1, accepted_quantity=1, **ids))
            refund = next(r for r, v in REFUNDS.items()
                          if v[0] in {p for p, pv in PAYMENTS.items() if pv[0] == oid})
            refunded = REFUNDS[refund][1]
            events.append(_ev(ae.AfterSalesRefunded, closed_at, user, type=kind,
                              reason_code=reason_code, refund_id=refund, amount_cents=refunded,
                              shipping_cents=0, currency="USD", **ids))
        events.append(_ev(ae.AfterSalesClosed, closed_at, user, type=kind,
                          reason_code=reason_code, resolution=resolution,
                          refunded_cents=refunded, exchanged_cents=0, currency="USD",
                          opened_at=requested_at, **ids))
    return events


def story_events() -> tuple[list[dict], list[dict]]:
    """(first landing, second landing). The second redelivers two events of the first
    (at-least-once delivery) and re-emits two facts under new event ids: oB's interception
    refund and sA1's shipping. Each must count once."""
    first = _sub_order_events() + _payment_events() + _fulfilment_events() \
        + _after_sales_events()
    captured_again = next(e for e in first if e["event_type"] == "payment_captured")
    refund_b = next(e for e in first if e["event_type"] == "refund_succeeded"
                    and e["payload"]["refund_id"] == "rB")
    shipped_a1 = next(e for e in first if e["event_type"] == "sub_order_status_changed"
                      and e["payload"]["sub_order_id"] == "sA1"
                      and e["payload"]["to_status"] == "shipped")
    reemitted = [c.to_record(c.any_event_adapter.validate_python(
        {**e, "event_id": f"{e['event_id']}-again"})) for e in (refund_b, shipped_a1)]
    second = [captured_again, refund_b, *reemitted]
    return first, second
